"""The bundle's entry point: the app, or the demo simulator when the app starts itself as one.

Demo mode runs the simulator in its own process. From a Python install that is
`python -m getimg_studio.simulator`, but in a PyInstaller bundle `sys.executable` is this binary and has
no `-m`, so the app starts it again with a hidden first argument (or environment variable) instead:

    getimg-studio --run-simulator [SIMULATOR ARGS...]
    GETIMG_STUDIO_RUN=simulator getimg-studio [SIMULATOR ARGS...]
"""

from __future__ import annotations

import multiprocessing
import os
import sys

RUN_SIMULATOR_FLAG = "--run-simulator"
RUN_ENV = "GETIMG_STUDIO_RUN"


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == [RUN_SIMULATOR_FLAG] or os.environ.get(RUN_ENV) == "simulator":
        if argv[:1] == [RUN_SIMULATOR_FLAG]:
            argv = argv[1:]
        # The simulator's own children (render workers) must not take the hook again.
        os.environ.pop(RUN_ENV, None)
        from getimg_studio.simulator.cli import main as simulator_main

        return int(simulator_main(argv) or 0)
    from getimg_studio.app import main as app_main

    return app_main(argv)


if __name__ == "__main__":
    # First thing: a multiprocessing child of a frozen app re-runs this binary, and must not start the app.
    multiprocessing.freeze_support()
    raise SystemExit(main())
