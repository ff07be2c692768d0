"""Where a recipe sits inside each kind of file, and how it is read back.

- MP4 / MOV: the `comment` tag (an iTunes-style `©cmt` atom under moov/udta/meta/ilst), holding the recipe
  document as JSON; `description` (`desc`) holds the prompt for people. These are standard keys: ffmpeg's
  `-c copy` carries global tags over by default, and QuickTime, VLC and mp4 tag editors show them. A custom
  key would be dropped by ffmpeg unless `-movflags use_metadata_tags` is given.
- Matroska / WebM: the same two keys as Matroska SimpleTags (COMMENT, DESCRIPTION) at the segment level.
- GIF: a Comment Extension block (0x21 0xFE) right after the colour table, the document in ASCII JSON.
- WebP: an `XMP ` chunk (flag set in VP8X) with dc:description and a getimg:recipe property.
- PNG: an iTXt chunk with the keyword `getimg-studio-recipe` (see frames.png_bytes).
"""

from __future__ import annotations

import html
import json
import re
import struct
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import av
from av.container import OutputContainer
from PIL import Image

from .errors import bad_option
from .recipe import RECIPE_KEY, Recipe, document, looks_like_recipe, recipes_from_json, recipes_to_json

COMMENT = "comment"
DESCRIPTION = "description"
_PROMPT_CHARS = 2000
_GIF_TRAILER = 0x3B


def describe(recipes: Sequence[Recipe]) -> str:
    """The prompt(s) in plain words, for players that show a description."""
    return " / ".join(r.prompt for r in recipes)[:_PROMPT_CHARS]


def set_container_tags(container: OutputContainer, recipes: Sequence[Recipe]) -> None:
    """Put the recipe into an MP4/Matroska output's global tags (call before the first packet)."""
    if recipes:
        container.metadata[COMMENT] = recipes_to_json(recipes)
        container.metadata[DESCRIPTION] = describe(recipes)


def read_recipes(path: Path) -> tuple[Recipe, ...]:
    """The recipe(s) a file carries, or () when it has none. `MediaError` when one is there but damaged.

    Reads what `tags` writes (and the sidecar-free PNG form); any other file reads as ().
    """
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise bad_option("input", f"“{path.name}” cannot be read: {exc.strerror or exc}.") from exc
    if head.startswith(b"GIF8"):
        text = _gif_comment(path.read_bytes())
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        text = _webp_recipe(path.read_bytes())
    elif head.startswith(b"\x89PNG"):
        with Image.open(path) as image:
            value = getattr(image, "text", {}).get(RECIPE_KEY)
        text = value if isinstance(value, str) else None
    else:
        text = _container_comment(path)
    if text is None or not looks_like_recipe(text):
        return ()
    return recipes_from_json(text, path.name)


def _container_comment(path: Path) -> str | None:
    try:
        with av.open(str(path)) as container:
            tags = {k.lower(): v for k, v in container.metadata.items()}
    except (av.error.FFmpegError, OSError):
        return None
    value = tags.get(COMMENT)
    return value if isinstance(value, str) else None


# ---------------------------------------------------------------- GIF
def _gif_header_end(data: bytes) -> int:
    """Offset just past the logical screen descriptor and global colour table."""
    if len(data) < 13 or not data.startswith(b"GIF8"):
        raise ValueError("not a GIF")
    packed = data[10]
    table = 3 * (2 ** ((packed & 0x07) + 1)) if packed & 0x80 else 0
    return 13 + table


def gif_with_comment(data: bytes, recipes: Sequence[Recipe]) -> bytes:
    """The GIF with a Comment Extension holding the recipe (GIF comments are meant to be 7-bit ASCII)."""
    text = json.dumps(document(recipes), ensure_ascii=True, separators=(",", ":")).encode("ascii")
    block = bytearray(b"\x21\xfe")
    for at in range(0, len(text), 255):
        chunk = text[at:at + 255]
        block.append(len(chunk))
        block += chunk
    block.append(0)
    at = _gif_header_end(data)
    return data[:at] + bytes(block) + data[at:]


def _gif_comment(data: bytes) -> str | None:
    """The first comment that is a recipe, walking the GIF's blocks."""
    try:
        at = _gif_header_end(data)
    except ValueError:
        return None
    while at < len(data):
        kind = data[at]
        if kind == _GIF_TRAILER:
            break
        if kind == 0x21:  # extension: label, then sub-blocks
            label = data[at + 1]
            body, at = _sub_blocks(data, at + 2)
            if label == 0xFE:
                text = body.decode("utf-8", "replace")
                if looks_like_recipe(text):
                    return text
        elif kind == 0x2C:  # image: descriptor, optional local table, LZW size, sub-blocks
            packed = data[at + 9]
            at += 10 + (3 * (2 ** ((packed & 0x07) + 1)) if packed & 0x80 else 0) + 1
            _, at = _sub_blocks(data, at)
        else:
            break
    return None


def _sub_blocks(data: bytes, at: int) -> tuple[bytes, int]:
    out = bytearray()
    while at < len(data):
        size = data[at]
        at += 1
        if size == 0:
            break
        out += data[at:at + size]
        at += size
    return bytes(out), at


# ---------------------------------------------------------------- WebP
_XMP_FLAG = 0x04


def _xmp(recipes: Sequence[Recipe]) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:getimg="https://getimg.ai/ns/studio/1.0/">'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(describe(recipes))}</rdf:li></rdf:Alt>'
        f'</dc:description><getimg:recipe>{escape(recipes_to_json(recipes))}</getimg:recipe>'
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def webp_with_xmp(data: bytes, recipes: Sequence[Recipe]) -> bytes:
    """The extended (VP8X) WebP with an XMP chunk appended and its flag set; the RIFF size follows."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or data[12:16] != b"VP8X":
        raise ValueError("not an extended WebP")
    payload = _xmp(recipes)
    chunk = b"XMP " + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")
    body = bytearray(data[12:])
    body[8] |= _XMP_FLAG  # VP8X flags byte: chunk id (4) + size (4), then the flags
    body += chunk
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + bytes(body)


_RECIPE_XML = re.compile(rb"<getimg:recipe>(.*?)</getimg:recipe>", re.S)


def _webp_recipe(data: bytes) -> str | None:
    at = 12
    while at + 8 <= len(data):
        tag = data[at:at + 4]
        size = struct.unpack("<I", data[at + 4:at + 8])[0]
        if tag == b"XMP ":
            found = _RECIPE_XML.search(data[at + 8:at + 8 + size])
            return html.unescape(found.group(1).decode("utf-8", "replace")) if found else None
        at += 8 + size + (size & 1)
    return None
