"""Small helpers for tests that talk to the simulator (image data URLs, polling, probing downloaded files)."""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from .render import VideoInfo, probe_video

API_KEY = "test"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
LITE = "sim-fixed-lite"  # 4 s 480p, renders in about half a second
IMAGE_LITE = "sim-image-lite"  # 1K only, one flat price, up to 4 references


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48),
                color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def png_data_url(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 40, 40)) -> str:
    return data_url(image_bytes("PNG", size, color))


def poll(client: httpx.Client, gid: str, timeout: float = 60.0, interval: float = 0.1) -> dict[str, Any]:
    """GET the generation until it is no longer pending; the final JSON."""
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/v2/videos/generations/{gid}", headers=AUTH)
        r.raise_for_status()
        body: dict[str, Any] = r.json()
        if body["status"] != "pending":
            return body
        if time.monotonic() > deadline:
            raise TimeoutError(f"{gid} still pending after {timeout} s")
        time.sleep(interval)


def create(client: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("model", LITE)
    body.setdefault("prompt", "a quiet test clip")
    return client.post("/v2/videos/generations", json=body, headers=AUTH)


def generate_image(client: httpx.Client, **body: Any) -> httpx.Response:
    """POST /v2/images/generations (synchronous: the answer carries the image's URL)."""
    body.setdefault("model", IMAGE_LITE)
    body.setdefault("prompt", "a quiet test picture")
    return client.post("/v2/images/generations", json=body, headers=AUTH)


def open_image(data: bytes) -> Image.Image:
    """Decode fully (a truncated file fails here)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def probe_bytes(data: bytes, tmp_dir: Path, name: str = "video.mp4") -> VideoInfo:
    path = tmp_dir / name
    path.write_bytes(data)
    return probe_video(path)
