"""Real images for ``POST /v2/images/generations``, drawn with Pillow from the prompt and the reference images.

What an image shows, so a person can tell prompts apart and see a shared reference keep its look:
- a two-colour gradient at a prompt-chosen angle, a few translucent shapes (circles, rings, boxes, triangles)
  and a line of hills, all placed by a RNG seeded with the prompt's SHA-256; colour words in the prompt
  ("red", "teal", "sunset"...) colour the shapes;
- with reference images: the palette comes from the references (median-cut colours of each) and the first
  reference, blurred, is blended under the shapes; further references sit as framed insets top right;
- the prompt's words in a band along the bottom.
The same prompt, size, format, references and variant always give the same bytes (no timestamps in any
encoder); a repeat of a request is drawn as the next variant (same palette, other shapes), as a real model
answers the same prompt with a new image.

The composition is drawn at :data:`WORK_SIDE` on its long side and scaled up, then the text is drawn at full
size, so a 4K image costs little more than a 1K one apart from encoding. Everything here blocks: call it in
a worker thread.
"""

from __future__ import annotations

import colorsys
import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from .image_validation import MIME_TYPES
from .render import _digest, _font, _placeholder, _wrap
from .validation import ImageInput

WORK_SIDE = 768
RGB = tuple[int, int, int]
COLOUR_WORDS: dict[str, RGB] = {
    "red": (214, 40, 48), "orange": (240, 128, 30), "yellow": (246, 214, 52), "gold": (212, 168, 44),
    "green": (56, 168, 76), "teal": (24, 150, 150), "blue": (40, 96, 220), "navy": (20, 36, 110),
    "purple": (128, 60, 180), "violet": (150, 90, 220), "pink": (236, 110, 170), "white": (242, 242, 236),
    "black": (20, 20, 24), "grey": (128, 128, 132), "gray": (128, 128, 132), "brown": (120, 76, 40),
    "sunset": (250, 110, 60), "night": (18, 24, 60), "forest": (30, 90, 40), "ocean": (20, 90, 160),
}
_ENCODE: dict[str, dict[str, object]] = {
    "jpeg": {"format": "JPEG", "quality": 90},
    "png": {"format": "PNG", "compress_level": 6},
    "webp": {"format": "WEBP", "quality": 88, "method": 4},
}


@dataclass(frozen=True)
class ImageSpec:
    prompt: str
    width: int
    height: int
    output_format: str  # jpeg | png | webp
    references: tuple[ImageInput, ...] = ()
    variant: int = 0  # the nth repeat of the same request: the same look, its shapes placed anew


@dataclass(frozen=True)
class RenderedImage:
    data: bytes
    width: int
    height: int
    mime_type: str


# ---------------------------------------------------------------- palettes
def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return round(r * 255), round(g * 255), round(b * 255)


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _prompt_palette(prompt: str) -> list[RGB]:
    hue = _digest(prompt)[0] / 256.0
    return [_hsv(hue, 0.6, 0.3), _hsv(hue + 0.08, 0.45, 0.88), _hsv(hue + 0.33, 0.7, 0.92),
            _hsv(hue + 0.5, 0.6, 0.8), _hsv(hue + 0.7, 0.65, 0.95)]


def _word_colours(prompt: str) -> list[RGB]:
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in prompt).split()
    return [COLOUR_WORDS[w] for w in dict.fromkeys(words) if w in COLOUR_WORDS]


def _image_colours(im: Image.Image, count: int = 5) -> list[RGB]:
    """The image's main colours, most frequent first (median cut over a thumbnail)."""
    small = im.resize((48, 48), Image.Resampling.BILINEAR).quantize(colors=count, method=Image.Quantize.MEDIANCUT)
    flat = small.getpalette() or []
    counted = sorted(small.getcolors() or [], key=lambda pair: (-pair[0], pair[1]))
    indices = [i for _, i in counted if isinstance(i, int) and i * 3 + 2 < len(flat)]  # P mode: palette indices
    return [(flat[i * 3], flat[i * 3 + 1], flat[i * 3 + 2]) for i in indices]


def _palette(prompt: str, references: list[Image.Image]) -> list[RGB]:
    """[dark, light, accents...]: from the references when there are any, else from the prompt's hash."""
    if references:
        colours = [c for im in references for c in _image_colours(im)]
        by_luma = sorted(colours, key=_luma)
        accents = _word_colours(prompt)[:1] + colours
        return [by_luma[0], by_luma[-1], *accents]
    base = _prompt_palette(prompt)
    words = _word_colours(prompt)
    return base[:2] + words + base[2:]


# ---------------------------------------------------------------- layers
def _load(ref: ImageInput, w: int, h: int) -> Image.Image:
    if ref.data is not None:
        try:
            with Image.open(io.BytesIO(ref.data)) as opened:
                return ImageOps.exif_transpose(opened).convert("RGB")
        except Exception:  # validation decoded it once; a failure here still renders, as a card saying so
            return _placeholder("unreadable image", ref.role, w, h)
    return _placeholder(f"remote image\n{ref.remote_host or '?'}", ref.role, w, h)


def _gradient(w: int, h: int, a: RGB, b: RGB, angle: float) -> Image.Image:
    x = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :]
    y = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None] * (h / w)
    t = np.clip(x * math.cos(angle) + y * math.sin(angle) + 0.5, 0.0, 1.0)
    vignette = 1.0 - 0.35 * (x * x + y * y)
    ca, cb = np.array(a, dtype=np.float32), np.array(b, dtype=np.float32)
    rgb = (ca + (cb - ca) * t[..., None]) * vignette[..., None]
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def _shapes(canvas: Image.Image, rng: random.Random, accents: list[RGB]) -> None:
    w, h = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    unit = min(w, h)
    for i in range(5 + rng.randrange(5)):
        colour = (*accents[i % len(accents)], rng.randrange(140, 225))
        cx, cy = rng.random() * w, rng.random() * h * 0.8
        r = unit * (0.06 + 0.22 * rng.random())
        kind = rng.choice(("circle", "ring", "box", "triangle"))
        if kind == "circle":
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
        elif kind == "ring":
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour, width=max(2, int(r * 0.18)))
        elif kind == "box":
            draw.rounded_rectangle((cx - r, cy - r * 0.7, cx + r, cy + r * 0.7), radius=r * 0.2, fill=colour)
        else:
            turn = rng.random() * 2 * math.pi
            points = [(cx + r * math.cos(turn + k * 2 * math.pi / 3), cy + r * math.sin(turn + k * 2 * math.pi / 3))
                      for k in range(3)]
            draw.polygon(points, fill=colour)


def _hills(canvas: Image.Image, rng: random.Random, colour: RGB) -> None:
    w, h = canvas.size
    waves = [(rng.uniform(1, 4), rng.uniform(0, 2 * math.pi), rng.uniform(0.02, 0.06)) for _ in range(3)]
    base = h * rng.uniform(0.7, 0.82)
    points = [(0.0, float(h))]
    for step in range(65):
        x = w * step / 64
        y = base + sum(amp * h * math.sin(freq * 2 * math.pi * x / w + phase) for freq, phase, amp in waves)
        points.append((x, y))
    points.append((float(w), float(h)))
    ImageDraw.Draw(canvas, "RGBA").polygon(points, fill=(*colour, 200))


def _insets(canvas: Image.Image, references: list[Image.Image]) -> None:
    w, h = canvas.size
    side = int(min(w, h) * 0.2)
    pad = max(4, side // 12)
    for n, im in enumerate(references):
        thumb = ImageOps.fit(im, (side, side), method=Image.Resampling.BILINEAR)
        x, y = w - pad - side - pad, pad + n * (side + pad * 2)
        if y + side > h:
            break
        ImageDraw.Draw(canvas).rectangle((x - pad // 2, y - pad // 2, x + side + pad // 2, y + side + pad // 2),
                                         fill=(245, 245, 240))
        canvas.paste(thumb, (x, y))


def _caption(image: Image.Image, prompt: str) -> None:
    w, h = image.size
    size = max(14, int(min(w, h) * 0.042))
    font = _font(size)
    draw = ImageDraw.Draw(image, "RGBA")
    lines = _wrap(draw, prompt.replace("\n", " "), font, int(w * 0.9), 3) or [" "]
    line_h = int(size * 1.3)
    band = line_h * len(lines) + size
    top = h - band - int(h * 0.04)
    draw.rectangle((0, top, w, top + band), fill=(0, 0, 0, 110))
    for i, line in enumerate(lines):
        draw.text(((w - draw.textlength(line, font=font)) / 2, top + size // 2 + i * line_h), line,
                  fill=(250, 250, 250, 255), font=font)


# ---------------------------------------------------------------- the image
def compose(spec: ImageSpec) -> Image.Image:
    """The picture itself, before encoding."""
    digest = _digest(spec.prompt)
    rng = random.Random(digest if not spec.variant else digest + spec.variant.to_bytes(4, "big"))
    scale = WORK_SIDE / max(spec.width, spec.height)
    ww, wh = max(16, round(spec.width * scale)), max(16, round(spec.height * scale))
    references = [_load(ref, ww, wh) for ref in spec.references]
    palette = _palette(spec.prompt, references)
    canvas = _gradient(ww, wh, palette[0], palette[1], angle=digest[1] / 256.0 * 2 * math.pi)
    if references:
        backdrop = ImageOps.fit(references[0], (ww, wh), method=Image.Resampling.BILINEAR)
        backdrop = backdrop.filter(ImageFilter.GaussianBlur(max(ww, wh) / 90))
        canvas = Image.blend(canvas, backdrop, 0.6)
    accents = palette[2:] or palette[:2]
    _shapes(canvas, rng, accents)
    _hills(canvas, rng, palette[0])
    _insets(canvas, references[1:])
    image = canvas.resize((spec.width, spec.height), Image.Resampling.BICUBIC)
    _caption(image, spec.prompt)
    return image


def render_image(spec: ImageSpec) -> RenderedImage:
    """The image encoded in ``spec.output_format``."""
    image = compose(spec)
    out = io.BytesIO()
    options = dict(_ENCODE[spec.output_format])
    fmt = str(options.pop("format"))
    image.save(out, fmt, **options)
    return RenderedImage(out.getvalue(), image.width, image.height, MIME_TYPES[spec.output_format])
