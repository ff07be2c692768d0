"""How long the simulator takes to draw and encode an image, and a whole image request through `ImageClient`.

Run: `.venv/bin/python bench/bench_image_render.py [--rounds 5]`. Part one renders in this process (16:9, one
reference image) for every resolution and format; part two starts the simulator in-process with
`image_seconds=0` and times `generate_image` + the signed download (what the app waits for between "Generate
image" and a file to show), for each model at its default resolution. Medians, with the best in brackets.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from getimg_studio.api.image_client import ImageClient  # noqa: E402
from getimg_studio.api.image_types import ImageRequest  # noqa: E402
from getimg_studio.simulator.catalog import image_dimensions  # noqa: E402
from getimg_studio.simulator.harness import SimulatorConfig, start_simulator  # noqa: E402
from getimg_studio.simulator.image_render import ImageSpec, render_image  # noqa: E402
from getimg_studio.simulator.testing import image_bytes  # noqa: E402
from getimg_studio.simulator.validation import ImageInput  # noqa: E402


def _summary(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s ({min(times):.2f})"


def bench_render(rounds: int) -> None:
    reference = ImageInput("reference_image", image_bytes("PNG", (640, 360), (30, 120, 160)), "png", None)
    for resolution in ("1K", "2K", "4K"):
        width, height = image_dimensions(resolution, "16:9")
        for fmt in ("jpeg", "png", "webp"):
            spec = ImageSpec("a lighthouse on a cliff at dusk, teal sea", width, height, fmt, (reference,))
            times: list[float] = []
            size = 0
            for _ in range(rounds):
                started = time.perf_counter()
                size = len(render_image(spec).data)
                times.append(time.perf_counter() - started)
            print(f"render {resolution} {width}x{height} {fmt:<4}: {_summary(times)}, {size / 1024:.0f} KiB")


async def _request(client: ImageClient, http: httpx.AsyncClient, model: str, n: int) -> float:
    started = time.perf_counter()
    result = await client.generate_image(ImageRequest(model, f"bench {model} {n}", aspect_ratio="16:9"), [])
    (await http.get(result.items[0].url)).raise_for_status()
    return time.perf_counter() - started


def bench_requests(rounds: int) -> None:
    with start_simulator(SimulatorConfig(image_seconds=0, rpm=10_000, image_rpm=10_000)) as sim:
        async def run() -> None:
            client = ImageClient(sim.base_url, "bench")
            try:
                async with httpx.AsyncClient() as http:
                    for model in ("sim-image-lite", "sim-image-pro", "seedream-5-lite"):
                        times = [await _request(client, http, model, n) for n in range(rounds)]
                        print(f"request + download {model} (default resolution, 16:9): {_summary(times)}")
            finally:
                await client.aclose()

        asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bench_render(args.rounds)
    bench_requests(args.rounds)


if __name__ == "__main__":
    main()
