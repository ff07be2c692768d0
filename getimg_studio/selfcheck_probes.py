"""What `--self-check` proves beyond a demo clip: the codecs, image readers, charts and ICU data an install
must carry. The bundle leaves out what the app never runs (packaging/bundling/rules.py); these probes fail
when it leaves out too much.

Every probe raises an exception naming what is missing. `encode_and_decode` and `sample_files` block (PyAV,
Pillow, a file read): run them in a worker thread. The others use Qt and run on the GUI thread (they are
quick: a chart, a few tiny images in memory, ICU look-ups).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

SIZE = (64, 48)  # even, as yuv420p wants
FRAMES = 6
RATE = 12
SAMPLE_RATE = 48000


@dataclass(frozen=True)
class Export:
    name: str  # as the summary line says it
    file: str
    format: str  # FFmpeg muxer
    video: str  # encoder
    pix_fmt: str
    audio: str | None = None  # encoder
    read_with_pillow: bool = False  # FFmpeg 7.1 cannot decode animated WebP; Pillow, which shows it, can


# What media/ writes: MP4 (H.264/AAC), WebM (VP9/Opus), animated GIF and animated WebP; and it joins clips.
EXPORTS = (
    Export("h264+aac", "probe.mp4", "mp4", "libx264", "yuv420p", "aac"),
    Export("vp9+opus", "probe.webm", "webm", "libvpx-vp9", "yuv420p", "libopus"),
    Export("gif", "probe.gif", "gif", "gif", "rgb8"),
    Export("webp", "probe.webp", "webp", "libwebp_anim", "yuv420p", read_with_pillow=True),
)


def _video_frame(index: int) -> object:
    import av

    frame = av.VideoFrame(SIZE[0], SIZE[1], "yuv420p")
    for number, plane in enumerate(frame.planes):
        level = (40 + 30 * index) % 256 if number == 0 else 128
        plane.update(bytes([level]) * (plane.line_size * plane.height))
    return frame


def _audio_frame(start: int, samples: int) -> object:
    import av

    frame = av.AudioFrame(format="fltp", layout="stereo", samples=samples)
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))  # silence is enough to prove the encoder runs
    frame.sample_rate = SAMPLE_RATE
    frame.pts = start
    frame.time_base = Fraction(1, SAMPLE_RATE)
    return frame


def _write(export: Export, path: Path) -> None:
    import av

    with av.open(str(path), mode="w", format=export.format) as container:
        video = container.add_stream(export.video, rate=RATE)
        video.width, video.height, video.pix_fmt = SIZE[0], SIZE[1], export.pix_fmt
        audio = container.add_stream(export.audio, rate=SAMPLE_RATE, layout="stereo") if export.audio else None
        for index in range(FRAMES):
            frame = _video_frame(index)
            if export.pix_fmt != "yuv420p":
                frame = frame.reformat(format=export.pix_fmt)  # type: ignore[attr-defined]
            frame.pts = index  # type: ignore[attr-defined]
            frame.time_base = Fraction(1, RATE)  # type: ignore[attr-defined]
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if audio is not None:
            size = audio.codec_context.frame_size or 1024
            for start in range(0, SAMPLE_RATE * FRAMES // RATE, size):
                container.mux(audio.encode(_audio_frame(start, size)))
            container.mux(audio.encode(None))


def _decoded(path: Path) -> tuple[str, int, bool]:
    """The video codec FFmpeg reports, the frames it decodes and whether there is an audio stream."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return stream.codec_context.name, frames, bool(container.streams.audio)


def _pillow_frames(path: Path) -> tuple[str, int, bool]:
    from PIL import Image

    with Image.open(path) as image:
        return str(image.format), int(getattr(image, "n_frames", 1)), False


def join_by_stream_copy(parts: list[Path], target: Path) -> int:
    """Concatenates MP4s whose streams share their parameters, copying packets without re-encoding them
    (how clips of one model are joined); returns the video frames the result decodes to. Blocking."""
    import av

    with av.open(str(target), mode="w", format="mp4") as output:
        streams: dict[int, Any] = {}
        ends: dict[int, int] = {}  # per stream, the dts the next part starts at
        for part in parts:
            with av.open(str(part)) as source:
                for stream in source.streams:  # all of them before the first packet: muxing writes the header
                    if stream.index not in streams:
                        streams[stream.index] = output.add_stream_from_template(stream)
                starts: dict[int, int] = {}
                part_ends: dict[int, int] = {}
                for packet in source.demux():
                    if packet.dts is None or packet.pts is None:
                        continue  # the demuxer's end-of-stream flush packets
                    index = packet.stream.index
                    first = starts.setdefault(index, packet.dts)
                    shift = ends.get(index, 0) - first
                    packet.dts += shift
                    packet.pts += shift
                    part_ends[index] = max(part_ends.get(index, 0), packet.dts + (packet.duration or 1))
                    packet.stream = streams[index]
                    output.mux(packet)
                ends.update(part_ends)
    return _decoded(target)[1]


def encode_and_decode(folder: Path) -> list[str]:
    """Writes each export format, reads it back; returns the names of the formats that worked. Blocking."""
    done = []
    for export in EXPORTS:
        path = folder / export.file
        try:
            _write(export, path)
            codec, frames, has_audio = _pillow_frames(path) if export.read_with_pillow else _decoded(path)
        except Exception as exc:
            raise RuntimeError(f"{export.name}: {type(exc).__name__}: {exc}") from exc
        if frames < FRAMES - 1 or has_audio != bool(export.audio):
            raise RuntimeError(f"{export.name}: {path.name} decodes as {codec} with {frames} frames, "
                               f"audio {has_audio}; wrote {FRAMES} frames, audio {bool(export.audio)}")
        done.append(export.name)
    mp4 = folder / EXPORTS[0].file
    joined = join_by_stream_copy([mp4, mp4], folder / "joined.mp4")
    if joined < 2 * (FRAMES - 1):
        raise RuntimeError(f"joining two {FRAMES}-frame clips by stream copy gave {joined} frames")
    done.append("join")
    return done


def sample_files() -> dict[str, bytes]:
    """The encoded images Qt cannot write itself: a GIF made by Pillow, the app's SVG icon. Blocking."""
    from PIL import Image

    from getimg_studio.resources_path import APP_ICON, resource

    gif = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 60, 30)).save(gif, format="GIF")
    return {"gif": gif.getvalue(), "svg": resource(APP_ICON).read_bytes()}


def check_image_formats(samples: dict[str, bytes]) -> None:
    """Qt reads every format a frame or a thumbnail can come in: what it writes itself, and `samples`."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage, QImageReader

    image = QImage(16, 12, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 60, 30))
    encoded = dict(samples)
    for fmt in ("png", "jpeg", "webp", "tiff", "bmp"):
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, fmt):  # type: ignore[call-overload]
            raise RuntimeError(f"Qt cannot write {fmt.upper()}")
        encoded[fmt] = bytes(data.data())
    for fmt, blob in encoded.items():
        source = QBuffer()
        source.setData(QByteArray(blob))
        source.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(source, fmt.encode())
        read, error = reader.read(), reader.errorString()
        reader.setDevice(None)  # type: ignore[arg-type]  # let go of the buffer (not owned) before either is freed
        if read.isNull():
            raise RuntimeError(f"Qt cannot read {fmt.upper()} images: {error}")


def check_charts() -> None:
    """A line and a bar chart rendered offscreen, as the Spending view draws them."""
    from PySide6.QtCharts import QBarSeries, QBarSet, QChart, QChartView, QLineSeries
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QImage, QPainter

    chart = QChart()
    line = QLineSeries()
    line.append([QPointF(x, (x * 7) % 5) for x in range(8)])
    bars = QBarSeries()
    bar_set = QBarSet("spent")
    bar_set.append([1.0, 3.0, 2.0, 4.0])
    bars.append(bar_set)
    chart.addSeries(line)
    chart.addSeries(bars)
    chart.createDefaultAxes()
    view = QChartView(chart)
    view.resize(320, 200)
    image = QImage(320, 200, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    view.render(painter)
    painter.end()
    colours = {image.pixel(x, y) for x in range(0, 320, 4) for y in range(0, 200, 4)}
    view.deleteLater()
    if len(colours) < 3:
        raise RuntimeError("QtCharts drew an empty chart")


def check_text() -> None:
    """ICU's data as Qt uses it: collation, locale case mapping, a legacy codec, time-zone names."""
    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone

    swedish = QCollator(QLocale("sv_SE"))
    if sorted(["äpple", "zebra", "apa"], key=swedish.sortKey) != ["apa", "zebra", "äpple"]:
        raise RuntimeError("collation does not follow the locale (ICU's collation data is missing)")
    if QLocale("tr_TR").toUpper("istanbul") != "İSTANBUL":
        raise RuntimeError("locale case mapping is missing")
    if not QStringDecoder("Shift_JIS").isValid():
        raise RuntimeError("ICU's legacy text codecs are missing")
    name = QTimeZone(b"Europe/Berlin").displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                                                   QLocale("en_US"))
    if "Europe" not in name and "Central" not in name:
        raise RuntimeError(f"time-zone names are missing ({name!r})")
