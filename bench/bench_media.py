"""Speed and memory of the media layer on 720p clips: joins (copy and re-encode) and exports.

Run: `.venv/bin/python bench/bench_media.py [--shots 10] [--seconds 5] [--keep DIR]`. The clips are made by the
simulator's renderer (H.264 + AAC stereo, 1280x720, 24 fps, motion over the whole frame), once, in DIR when
given. Each case reports wall time, CPU time, the result's size and the peak RSS growth sampled during the run
(a join's memory must not grow with the number of shots: the copy and re-encode joins also run on 3 shots
for comparison). Targets (2 cores): 10 x 5 s copy join < 2 s; re-encode join at least real time (50 s of
video in < 50 s); a 5 s 720p GIF at the default preset < 8 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_download import RssPeak  # noqa: E402  (the same RSS sampler as the download benchmark)

from getimg_studio.media.export import ExportFormat, ExportOptions, export  # noqa: E402
from getimg_studio.media.join import join  # noqa: E402
from getimg_studio.media.join_plan import JoinOptions  # noqa: E402
from getimg_studio.simulator.render import RenderSpec, render_video  # noqa: E402

MB = 1024 * 1024


def make_clips(folder: Path, shots: int, seconds: int) -> list[Path]:
    clips = []
    for i in range(shots):
        path = folder / f"shot-{i:02d}-{seconds}s.mp4"
        if not path.exists():
            render_video(RenderSpec(f"shot {i}: a lighthouse on a cliff, storm clouds rolling in", 1280, 720,
                                    seconds, sound=True), path)
        clips.append(path)
    return clips


def measure(name: str, video_seconds: float, work: Callable[[], Path]) -> None:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with RssPeak() as rss:
        out = work()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    speed = f"{video_seconds / wall:5.1f}x real time" if video_seconds else ""
    print(f"{name:<38} {wall:6.2f} s wall {cpu:6.2f} s CPU  {speed:>18}  {out.stat().st_size / MB:6.2f} MB  "
          f"RSS +{rss.delta_mb:5.1f} MB", flush=True)


def exporting(clip: Path, out: Path, options: ExportOptions) -> Callable[[], Path]:
    return lambda: export(clip, out, options).path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shots", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder to keep the rendered clips in between runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-media-") as scratch:
        clips_dir = args.keep or Path(scratch)
        clips_dir.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        clips = make_clips(clips_dir, args.shots, args.seconds)
        print(f"{args.shots} clips of {args.seconds} s at 1280x720 ready in {time.perf_counter() - t:.1f} s; "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        out = Path(scratch) / "out"
        total = args.shots * args.seconds
        few = clips[:3]
        measure(f"join {len(clips)} shots, copy", total, lambda: join(clips, out / "copy.mp4").path)
        measure("join 3 shots, copy", 3 * args.seconds, lambda: join(few, out / "copy3.mp4").path)
        encode = JoinOptions(reencode=True)
        measure(f"join {len(clips)} shots, re-encode", total, lambda: join(clips, out / "enc.mp4", encode).path)
        measure("join 3 shots, re-encode", 3 * args.seconds, lambda: join(few, out / "enc3.mp4", encode).path)
        fade = JoinOptions(crossfade=0.5)
        measure(f"join {len(clips)} shots, 0.5 s crossfades", total - 0.5 * (len(clips) - 1),
                lambda: join(clips, out / "fade.mp4", fade).path)
        clip = clips[0]
        for fmt in (ExportFormat.GIF, ExportFormat.WEBM, ExportFormat.MP4, ExportFormat.WEBP):
            measure(f"export {args.seconds} s 720p -> {fmt.value} (default preset)", args.seconds,
                    exporting(clip, out / f"clip{fmt.suffix}", ExportOptions(fmt)))
        measure(f"export {args.seconds} s 720p -> gif loop", 2 * args.seconds,
                exporting(clip, out / "loop.gif", ExportOptions(ExportFormat.GIF, loop=True)))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
