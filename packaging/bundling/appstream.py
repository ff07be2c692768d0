"""The AppStream metainfo's links to this repository, and its release list, checked against the checkout.

Software centres show the screenshots from URLs, so the metainfo names them by a raw-file URL of this
repository's docs/screenshots/. The repository has no public remote yet: SCREENSHOTS_BASE is where it will
be published, the one place to change when it is (the metainfo's <image> entries must start with it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

SCREENSHOTS_BASE = "https://raw.githubusercontent.com/getimg-studio/getimg-studio/main/docs/screenshots/"


def screenshots(metainfo: Path) -> list[str]:
    return [(image.text or "").strip() for image in ET.parse(metainfo).getroot().iter("image")]


def release_versions(metainfo: Path) -> list[str]:
    return [r.get("version", "") for r in ET.parse(metainfo).getroot().findall("releases/release")]
