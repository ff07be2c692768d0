"""What lands on disk with a generation (issue 14): getimg's file untouched with its checksum recorded, a
sidecar beside it, and the recipe inside every copy and export, read back into a fresh history."""

from __future__ import annotations

import asyncio
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import av
import httpx

from getimg_studio.api.types import GenerationRequest
from getimg_studio.fsutil import sha256_file
from getimg_studio.jobs.exports import export_job, save_job_copy, save_job_frame
from getimg_studio.jobs.model import JobFilter, JobState
from getimg_studio.media.export_plan import ExportFormat, ExportOptions
from getimg_studio.media.sidecar import read_sidecar, sidecar_path
from getimg_studio.media.tags import read_recipes
from getimg_studio.paths import Paths, resolve_paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import AUTH, LITE

EngineOpener = Any
REQUEST = GenerationRequest(model=LITE, prompt="A paper boat on a rainy street", aspect_ratio="16:9")


def test_saved_file_is_getimgs_bytes_with_checksum_and_sidecar_and_exports_carry_the_recipe(
        open_engine: EngineOpener, sim: RunningSimulator, paths: Paths, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    fresh = resolve_paths(tmp_path / "elsewhere").ensure()

    async def scenario() -> None:
        async with open_engine() as engine:
            [job] = await engine.submit(REQUEST)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY
            saved = done.file_path
            assert saved is not None
            output = done.outputs[0]
            url = engine.store.output_url(job.id)
            assert url is not None
            served = (await asyncio.to_thread(httpx.get, url, headers=AUTH, timeout=10)).content
            # the file as getimg served it, byte for byte, its checksum in the history
            assert served
            assert saved.read_bytes() == served
            assert output.sha256 == hashlib.sha256(served).hexdigest() == sha256_file(saved)
            assert engine.store.get(job.id).outputs[0].sha256 == output.sha256  # type: ignore[union-attr]
            assert read_recipes(saved) == ()  # nothing was written into it
            sidecar = read_sidecar(saved)
            assert sidecar is not None
            assert sidecar.matches(saved)
            [recipe] = sidecar.recipes
            assert recipe.to_request() == REQUEST
            assert (recipe.remote_id, recipe.cost, recipe.source_sha256) == (done.remote_id, Decimal("0.04"),
                                                                            output.sha256)

            copy = save_job_copy(done, out / "copy.mp4")
            exports = {fmt: export_job(done, out / f"cut{fmt.suffix}",
                                       ExportOptions(fmt, start=1.0, end=2.0, loop=fmt is ExportFormat.GIF))
                       for fmt in (ExportFormat.MP4, ExportFormat.WEBM, ExportFormat.GIF, ExportFormat.WEBP)}
            frame = save_job_frame(done, out / "frame.png", 1.5)
            for path in (copy, frame, *(r.path for r in exports.values())):
                [carried] = read_recipes(path)
                assert carried.to_request() == REQUEST, path.name
                assert carried.source_sha256 == output.sha256, path.name
            assert read_recipes(copy)[0].notes == ()
            assert "trimmed 1.00-2.00 s" in read_recipes(exports[ExportFormat.MP4].path)[0].notes
            assert "loop (forward, then backward)" in read_recipes(exports[ExportFormat.GIF].path)[0].notes
            with av.open(str(copy)) as source, av.open(str(saved)) as original:
                assert [bytes(p) for p in source.demux(source.streams.video[0]) if p.size] == \
                    [bytes(p) for p in original.demux(original.streams.video[0]) if p.size]
            assert sorted(p.name for p in out.iterdir()) == sorted(
                ["copy.mp4", "frame.png", "cut.mp4", "cut.webm", "cut.gif", "cut.webp"])  # no temp files left

        # an export dropped into a fresh history remixes to the same request (frames would come from the file)
        async with open_engine(root=fresh) as other:
            imported = await other.import_file(exports[ExportFormat.MP4].path)
            assert not imported.known
            assert imported.job.imported
            assert imported.job.state is JobState.READY
            assert imported.job.request == REQUEST
            assert imported.finding.ours
            # the same bytes again are the same row, not a second one
            again = await other.import_file(exports[ExportFormat.MP4].path)
            assert again.known
            assert again.job.id == imported.job.id

    asyncio.run(scenario())
    assert not sidecar_path(out / "copy.mp4").exists()  # exports carry the recipe inside; no sidecar needed


def test_a_foreign_video_is_imported_without_a_recipe(open_engine: EngineOpener, paths: Paths,
                                                      tmp_path: Path) -> None:
    from getimg_studio.simulator.render import RenderSpec, render_video

    foreign = tmp_path / "holiday.mp4"
    render_video(RenderSpec("somebody else's clip", 160, 90, 1, sound=False), foreign)
    before = foreign.read_bytes()

    async def scenario() -> None:
        async with open_engine() as engine:
            imported = await engine.import_file(foreign)
            job = imported.job
            assert not imported.finding.ours
            assert not job.has_request
            assert job.imported
            assert job.state is JobState.READY
            assert job.label == "holiday.mp4"
            assert job.file_path == foreign.resolve()
            assert job.outputs[0].sha256 == sha256_file(foreign)
            assert engine.store.import_record(job.id) is not None
            assert [j.id for j in engine.store.page(JobFilter.ALL, "holiday", 0, 10)] == [job.id]
            # removing the row never deletes the creator's own file
            await engine.remove([job.id], delete_files=True)

    asyncio.run(scenario())
    assert foreign.read_bytes() == before
