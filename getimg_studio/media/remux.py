"""Packet copies: clips joined without re-encoding, and a file copied with a recipe added.

Pictures are copied packet for packet with their timestamps moved by the length of the clips before them.
Copied AAC sound is laid back to back (each packet plays 1024 samples whatever its clip's edit list said):
at each clip's start, packets are dropped while the sound runs more than half a packet behind the pictures,
so sound and pictures never drift apart by more than about a packet (23 ms), however many clips.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer, OutputContainer
from av.packet import Packet

from .control import Control
from .encoder import AudioSink
from .errors import bad_option, unreadable
from .join_plan import JoinOptions, JoinPlan, StreamMode
from .mixer import AudioMix, Span, Track
from .output import writing
from .probe import MediaInfo, open_input
from .recipe import Recipe
from .tags import gif_with_comment, set_container_tags, webp_with_xmp

MP4_OPTIONS = {"movflags": "+faststart"}  # index first: players start before the whole file has arrived
AUDIO_BIT_RATE = 160_000
_AHEAD = Fraction(1, 4)  # seconds of made sound kept ahead of the copied pictures, for the muxer to interleave


def _exact_duration(container: InputContainer, info: MediaInfo) -> Fraction:
    v = container.streams.video[0]
    if v.duration and v.time_base:
        return Fraction(v.duration) * v.time_base
    return Fraction(info.duration).limit_denominator(1_000_000)


class _AudioCopy:
    """Places copied sound packets back to back, keeping them within half a packet of the pictures' clock."""

    def __init__(self, stream: av.audio.stream.AudioStream, frame_size: int) -> None:
        self.stream = stream
        self.frame_size = frame_size
        self.next: int | None = None

    def place(self, packet: Packet, offset: Fraction, first_clip: bool, last_clip: bool) -> bool:
        tb = packet.time_base
        assert packet.pts is not None
        assert tb is not None
        step = round(Fraction(self.frame_size, self.stream.codec_context.sample_rate) / tb)
        if not first_clip and packet.pts + (packet.duration or step) <= 0:
            return False  # the encoder's priming packet: sound from before this clip's start
        intended = round(offset / tb) + packet.pts
        if self.next is None:
            self.next = intended
        if self.next - intended > step // 2:
            return False  # the sound is late: skip a packet to catch up
        packet.pts = packet.dts = self.next
        if not last_clip:
            packet.duration = step
        self.next += step
        return True


def copy_join(infos: Sequence[MediaInfo], plan: JoinPlan, out: Path, options: JoinOptions,
              control: Control) -> None:
    """Join by packet copy (the plan said COPY for the pictures)."""
    paths = [i.path for i in infos]
    total = Fraction(plan.duration).limit_denominator(1_000_000) or Fraction(1)
    with writing(out, paths) as tmp, av.open(str(tmp), "w", format="mp4", options=MP4_OPTIONS) as output:
        set_container_tags(output, options.recipes)
        track: Track | None = None
        copier: _AudioCopy | None = None
        offset = Fraction(0)
        last_dts: int | None = None
        video_out = None
        try:
            for index, info in enumerate(infos):
                with open_input(info.path) as container:
                    v = container.streams.video[0]
                    if video_out is None:
                        video_out = output.add_stream_from_template(v)
                        if plan.audio is StreamMode.COPY:
                            template = container.streams.audio[0]
                            copier = _AudioCopy(output.add_stream_from_template(template),
                                                info.audio.frame_size if info.audio else 1024)
                        elif plan.audio is StreamMode.ENCODE:
                            track = Track(AudioMix(_spans(infos, plan), plan.audio_rate, plan.audio_layout),
                                          AudioSink(output, "aac", plan.audio_rate, plan.audio_layout,
                                                    AUDIO_BIT_RATE))
                    streams = [v] + ([container.streams.audio[0]] if copier is not None else [])
                    shift_extra = 0
                    for packet in _packets(container, streams, info.path):
                        control.check()
                        if packet.stream.type == "audio":
                            assert copier is not None
                            if copier.place(packet, offset, index == 0, index == len(infos) - 1):
                                packet.stream = copier.stream
                                output.mux(packet)
                            continue
                        tb = packet.time_base
                        assert tb is not None
                        assert packet.dts is not None
                        shift = round(offset / tb) + shift_extra
                        if last_dts is not None and packet.dts + shift <= last_dts:
                            shift_extra += last_dts - (packet.dts + shift) + 1  # keep decode order strictly rising
                            shift = round(offset / tb) + shift_extra
                        packet.dts += shift
                        packet.pts = (packet.pts if packet.pts is not None else packet.dts - shift) + shift
                        last_dts = packet.dts
                        packet.stream = video_out
                        output.mux(packet)
                        at = packet.dts * tb
                        if track is not None:
                            track.up_to(round((at + _AHEAD) * plan.audio_rate))
                        control.report(float(at / total))
                    offset += _exact_duration(container, info)
            if track is not None:
                track.finish()
        finally:
            if track is not None:
                track.close()


def _spans(infos: Sequence[MediaInfo], plan: JoinPlan) -> list[Span]:
    rate = plan.audio_rate
    edges = [round(Fraction(s).limit_denominator(1_000_000) * rate) for s in plan.starts]
    edges.append(round(Fraction(plan.duration).limit_denominator(1_000_000) * rate))
    return [Span(info.path, info.audio is not None, edges[i], edges[i + 1]) for i, info in enumerate(infos)]


def _packets(container: InputContainer, streams: Sequence[av.stream.Stream], path: Path) -> Iterator[Packet]:
    """Demuxed packets with timestamps (the demuxer's empty flush packets left out)."""
    try:
        for packet in container.demux(*streams):
            if packet.dts is not None and packet.size:
                yield packet
    except av.error.InvalidDataError as exc:
        raise unreadable(path, "it is damaged") from exc


def copy_with_recipe(source: Path, out: Path, recipes: Sequence[Recipe], control: Control) -> None:
    """`source` copied to `out` with the recipe in its metadata; pictures and sound packets untouched.

    MP4/MOV and Matroska/WebM are remuxed (every picture and sound stream, their packets as they are); a GIF or
    a WebP gets its comment or XMP chunk added to the bytes.
    """
    with open(source, "rb") as f:
        head = f.read(16)
    if head.startswith(b"GIF8") or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        data = source.read_bytes()
        control.report(0.5)
        try:
            tagged = gif_with_comment(data, recipes) if head.startswith(b"GIF8") else webp_with_xmp(data, recipes)
        except ValueError as exc:
            raise unreadable(source, str(exc)) from exc
        with writing(out, [source]) as tmp:
            tmp.write_bytes(tagged)
        return
    with open_input(source) as container:
        name = container.format.name
        if "mp4" in name:
            fmt, options = "mp4", MP4_OPTIONS
        elif "matroska" in name:
            fmt, options = ("webm" if out.suffix.lower() == ".webm" else "matroska"), {}
        else:
            raise bad_option("input", f"“{source.name}” is a {name} file: only MP4, MOV, WebM, MKV, GIF and WebP "
                                      "files can carry a recipe.")
        streams = [s for s in container.streams if s.type in ("video", "audio")]
        duration = Fraction(container.duration or 0, av.time_base) or Fraction(1)
        with writing(out, [source]) as tmp, av.open(str(tmp), "w", format=fmt, options=options) as output:
            _copy_tags(container, output)
            set_container_tags(output, recipes)
            mapping = {s.index: output.add_stream_from_template(s) for s in streams}
            for s in streams:
                mapping[s.index].metadata.update(s.metadata)
            for packet in _packets(container, streams, source):
                control.check()
                packet.stream = mapping[packet.stream.index]
                output.mux(packet)
                if packet.time_base is not None and packet.dts is not None:
                    control.report(float(packet.dts * packet.time_base / duration))


def _copy_tags(source: InputContainer, output: OutputContainer) -> None:
    """Carry the source's global tags over, as ffmpeg's -c copy does."""
    for key, value in source.metadata.items():
        output.metadata[key] = value
