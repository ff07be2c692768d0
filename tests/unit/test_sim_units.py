"""Pure pieces of the simulator: catalogue and pricing, signing, ranges, faults, image sniffing, audio."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest

from getimg_studio.simulator import catalog
from getimg_studio.simulator.audio import synth_audio
from getimg_studio.simulator.downloads import if_range_matches, parse_range
from getimg_studio.simulator.engine import iso_z, new_id
from getimg_studio.simulator.faults import Fault, FaultError, FaultQueue, parse_fault
from getimg_studio.simulator.signing import signature, verify
from getimg_studio.simulator.testing import image_bytes
from getimg_studio.simulator.validation import sniff_image


@pytest.mark.parametrize(("res", "ratio", "size"), [
    ("720p", "16:9", (1280, 720)), ("720p", "9:16", (720, 1280)), ("720p", "1:1", (720, 720)),
    ("720p", "4:3", (960, 720)), ("720p", "3:4", (720, 960)), ("720p", "21:9", (1680, 720)),
    ("1080p", "16:9", (1920, 1080)), ("480p", "16:9", (854, 480)), ("480p", "9:16", (480, 854)),
])
def test_dimensions(res: str, ratio: str, size: tuple[int, int]) -> None:
    assert catalog.dimensions(res, ratio) == size


def test_every_video_model_combination_has_even_size_and_a_price() -> None:
    for m in catalog.list_models("video"):
        for res in m.resolutions:
            for ratio in m.aspect_ratios:
                w, h = catalog.dimensions(res, ratio)
                assert w % 2 == 0
                assert h % 2 == 0
            for sound in (False, True) if m.supports_sound else (False,):
                assert catalog.unit_price(m, res, sound) > 0


def test_models_differ_and_json_shape() -> None:
    videos = catalog.list_models("video")
    assert len(videos) >= 3
    assert len({(m.supports_sound, m.durations, tuple(m.references)) for m in videos}) == len(videos)
    for m in catalog.MODELS:
        j = m.to_json()
        prices = [Decimal(r["unit_price"]) for r in j["pricing"]["rates"]]
        assert prices == sorted(prices)
        assert all(isinstance(r["unit_price"], str) for r in j["pricing"]["rates"])
        assert all(isinstance(d, float) for d in j["supported_durations"])


def test_pricing_lookup_and_fallbacks() -> None:
    pro15 = catalog.find_model("seedance-v1-5-pro")
    lite = catalog.find_model("sim-fixed-lite")
    assert pro15 is not None
    assert lite is not None
    assert catalog.estimate_cost(pro15, "720p", True, 5) == (Decimal("0.075"), Decimal("0.375"))
    assert catalog.estimate_cost(pro15, "1080p", False, 10) == (Decimal("0.11"), Decimal("1.10"))
    assert catalog.estimate_cost(lite, "480p", False, 4) == (Decimal("0.01"), Decimal("0.04"))
    with pytest.raises(LookupError):
        catalog.unit_price(pro15, "4k", False)
    assert catalog.find_model("nope") is None


def test_signing() -> None:
    secret = b"k" * 32
    sig = signature(secret, "req-1", 1000)
    assert re.fullmatch(r"[0-9a-f]{64}", sig)
    assert verify(secret, "req-1", "1000", sig) == 1000
    assert verify(secret, "req-1", "1000", sig.upper()) == 1000
    assert verify(secret, "req-2", "1000", sig) is None
    assert verify(secret, "req-1", "1001", sig) is None
    assert verify(b"x" * 32, "req-1", "1000", sig) is None
    assert verify(secret, "req-1", "1000", sig, index=1) is None
    for exp, s in ((None, sig), ("1000", None), ("-5", sig), ("1e3", sig), ("", sig)):
        assert verify(secret, "req-1", exp, s) is None


@pytest.mark.parametrize(("header", "expected"), [
    (None, None), ("", None), ("bytes=0-9", (0, 9)), ("bytes=5-", (5, 99)), ("bytes=-10", (90, 99)),
    ("bytes=-500", (0, 99)), ("bytes=90-500", (90, 99)), ("bytes=100-", "unsatisfiable"),
    ("bytes=-0", "unsatisfiable"), ("bytes=9-3", None), ("bytes=0-1,3-4", None), ("lines=0-3", None),
    ("bytes=a-b", None), ("bytes=-", None), ("bytes 0-3", None),
])
def test_parse_range(header: str | None, expected: object) -> None:
    assert parse_range(header, 100) == expected


def test_if_range() -> None:
    assert if_range_matches('"abc"', '"abc"', 0)
    assert not if_range_matches('W/"abc"', '"abc"', 0)
    assert if_range_matches("Thu, 01 Jan 1970 00:16:40 GMT", '"x"', 1000)
    assert not if_range_matches("Thu, 01 Jan 1970 00:16:41 GMT", '"x"', 1000)
    assert not if_range_matches("garbage", '"x"', 1000)


def test_fault_parsing_and_queue() -> None:
    fault, count = parse_fault({"route": "create", "status": 503, "retry_after": 2, "count": 2})
    assert (fault, count) == (Fault("create", status=503, retry_after=2.0), 2)
    for bad in ({"route": "create"}, {"route": "x", "status": 500}, {"route": "create", "status": 700},
                {"route": "create", "status": "500"}, {"route": "create", "delay": -1},
                {"route": "create", "malformed": "yes"}, {"route": "create", "count": 1.5, "status": 500},
                {"route": "create", "status": 500, "extra": 1}, [], None,
                {"route": "create", "items": 2}, {"route": "retrieve", "items": 2, "gzip": True},
                {"route": "retrieve", "deletes_at": "tomorrow"}, {"route": "retrieve", "error": True},
                {"route": "models", "durations": []}, {"route": "create", "status": 429, "retry_after_form": "x"}):
        with pytest.raises(FaultError):
            parse_fault(bad)
    q = FaultQueue()
    q.add(fault, 2)
    q.add(Fault("create", delay=1.0), 1)
    assert q.pending() == {"create": 3}
    assert [q.take("create") for _ in range(4)] == [fault, fault, Fault("create", delay=1.0), None]
    assert q.take("models") is None
    q.add(fault, 1)
    q.clear()
    assert q.pending() == {}
    # Content faults are the handler's, and wait for an answer they apply to.
    items, _ = parse_fault({"route": "retrieve", "items": 3})
    broken, _ = parse_fault({"route": "retrieve", "status": 500})
    q.add(items, 1)
    q.add(broken, 1)
    assert q.take("retrieve", content=True, completed=False) is None
    assert q.take("retrieve") == broken
    assert q.take("retrieve", content=True, completed=True) == items
    assert q.pending() == {}


def test_sniff_image() -> None:
    assert sniff_image(image_bytes("PNG")) == "png"
    assert sniff_image(image_bytes("JPEG")) == "jpeg"
    assert sniff_image(image_bytes("WEBP")) == "webp"
    assert sniff_image(image_bytes("GIF")) is None
    assert sniff_image(b"RIFF\0\0\0\0WAVE") is None
    assert sniff_image(b"") is None


def test_times_and_ids() -> None:
    assert iso_z(0) == "1970-01-01T00:00:00.000Z"
    assert iso_z(1.5) == "1970-01-01T00:00:01.500Z"
    ids = {new_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(i.startswith("req-") for i in ids)


def test_synth_audio_is_stereo_bounded_and_prompt_dependent() -> None:
    a = synth_audio("ocean", 2.0)
    b = synth_audio("forest", 2.0)
    assert a.shape == (2, 88200)
    assert a.dtype == np.float32
    assert float(np.abs(a).max()) <= 1.0
    assert float(np.abs(a).max()) > 0.05
    assert not np.allclose(a, b)
    assert np.allclose(a, synth_audio("ocean", 2.0))
