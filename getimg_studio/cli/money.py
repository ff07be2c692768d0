"""What `spend` and `budget` share: the history read without the network, and whose bills are counted.

Both commands read the ledger of the same backend the window and `generate` would use (`--demo`, `--base-url`,
the settings and the key decide, as in `services.history_backend`): a demo job's bills are not real money.
Neither starts an engine, so they answer at once, offline, while the window runs.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.jobs.store import JobStore
    from getimg_studio.paths import Paths
    from getimg_studio.settings import Settings


def backend(args: argparse.Namespace, paths: Paths, settings: Settings) -> str:
    from getimg_studio.secrets import KeyStore
    from getimg_studio.services import history_backend

    return history_backend(settings, args.demo, args.base_url,
                           lambda: KeyStore(paths.key_file).load().key is not None)


@contextlib.contextmanager
def history(paths: Paths) -> Iterator[JobStore]:
    """The history (migrated if it is older), closed afterwards."""
    from getimg_studio.jobs.store import JobStore

    store = JobStore(paths.database)
    try:
        yield store
    finally:
        store.close()
