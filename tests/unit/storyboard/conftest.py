"""Fixtures of the storyboard tests (the builders they share are in builders.py)."""

from __future__ import annotations

import pytest

from getimg_studio.api.types import ModelInfo
from tests.unit.storyboard.builders import simulator_models


@pytest.fixture
def models() -> dict[str, ModelInfo]:
    """The demo simulator's catalogue, parsed the way the app parses /v2/models."""
    return simulator_models()
