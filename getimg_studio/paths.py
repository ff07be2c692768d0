"""Every folder the app uses, resolved once at start-up.

`--data-dir` (or a test) puts history, cache, config, logs and the default output folder under one
root; otherwise platformdirs gives the platform's usual places. Nothing here touches the disk until
`ensure()` is called, so importing this module is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

from getimg_studio import APP_ID, APP_NAME


@dataclass(frozen=True, slots=True)
class Paths:
    data: Path  # history database, frame copies, model catalogue cache
    cache: Path  # thumbnails; safe to delete
    config: Path  # settings.json (never the API key)
    logs: Path
    output: Path  # finished videos, unless the creator picks another folder

    @property
    def database(self) -> Path:
        return self.data / "history.sqlite3"

    @property
    def frames(self) -> Path:
        return self.data / "frames"

    @property
    def catalogue_cache(self) -> Path:
        return self.data / "models.json"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def key_file(self) -> Path:
        """Where the key lives only when the creator chose a user-only file (no keyring backend)."""
        return self.config / "api-key"

    @property
    def thumbnails(self) -> Path:
        return self.cache / "thumbnails"

    @property
    def simulator_state(self) -> Path:
        """Demo mode's simulator keeps its generations here, so demo jobs survive a restart too."""
        return self.data / "demo-simulator"

    @property
    def log_file(self) -> Path:
        return self.logs / "getimg-studio.log"

    def ensure(self) -> Paths:
        for folder in (self.data, self.cache, self.config, self.logs, self.frames, self.thumbnails):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: Path | str | None = None) -> Paths:
    """The app's folders: all under `data_dir` when given, else the platform's standard places."""
    if data_dir is not None:
        root = Path(data_dir).expanduser().resolve()
        return Paths(
            data=root / "data",
            cache=root / "cache",
            config=root / "config",
            logs=root / "logs",
            output=root / "videos",
        )
    return Paths(
        data=Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
        output=Path(platformdirs.user_videos_dir()) / APP_NAME,
    )
