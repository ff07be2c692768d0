"""Recent prompts: the history's newest distinct prompts, and walking them as a shell walks its history."""

from __future__ import annotations

from pathlib import Path

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.rows import NewImport
from getimg_studio.jobs.store import JobStore
from getimg_studio.ui.prompts.recall import PromptRecall
from getimg_studio.ui.prompts.snippets import Snippet, load_snippets, save_snippets, with_snippet


def test_walking_back_keeps_the_draft_and_skips_what_is_typed() -> None:
    recall = PromptRecall(lambda: ["three", "two", "one"])
    assert recall.newer() is None  # not walking: nothing newer than what is typed
    assert recall.older("two") == "three"  # "two" is what is typed: skipped
    assert recall.older("three") == "one"
    assert recall.older("one") is None  # the oldest: the text stays
    assert recall.newer() == "three"
    assert recall.newer() == "two"  # the draft again
    assert not recall.walking
    recall.reset()
    assert recall.older("") == "three"


def test_recent_prompts_are_distinct_newest_first_and_never_an_imported_file(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "history.db")
    try:
        for prompt in ("a kite", "a boat", "a kite", "  ", "a train"):
            store.insert(GenerationRequest("m", prompt), count=1, estimate=None, batch_id="b")
        store.insert_imported(NewImport(request=GenerationRequest("m", "from a file"), title="x.mp4",
                                        file=tmp_path / "x.mp4", size=1, sha256="0" * 64))
        assert store.recent_prompts() == ["a train", "a kite", "a boat"]
        assert store.recent_prompts(limit=2) == ["a train", "a kite"]
    finally:
        store.close()


def test_styles_round_trip_and_a_damaged_file_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "styles.json"
    assert load_snippets(path) == []
    saved = with_snippet(with_snippet([], "Noir", "black and white, hard shadows"), "Dreamy", "soft focus")
    saved = with_snippet(saved, "  Noir ", "high contrast noir")  # the same name replaces it, newest first
    assert saved == [Snippet("Noir", "high contrast noir"), Snippet("Dreamy", "soft focus")]
    save_snippets(path, saved)
    assert load_snippets(path) == saved
    path.write_text("{ not json")
    assert load_snippets(path) == []
