"""Run by test_window_fits in a fresh process (the screen and the scale are fixed when Qt starts):
open the window against an in-process simulator and print what of it falls off the screen, as JSON."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path


async def main(data: Path) -> list[str]:
    from window_probe import offscreen_parts  # this folder is the script's own

    from getimg_studio.app import build_main_window
    from getimg_studio.simulator.harness import SimulatorConfig, start_simulator

    with start_simulator(SimulatorConfig(pending_seconds=0.5, seed=1)) as sim:
        window = await build_main_window(["--data-dir", str(data), "--base-url", sim.base_url])
        try:
            window.controller.show()
            for _ in range(200):
                if window.compose.has_models:
                    break
                await asyncio.sleep(0.05)
            found = await offscreen_parts(window, data)
            width, minimum = window.screen().availableGeometry().width(), window.minimumSizeHint().width()
            if minimum > width:
                found.append(f"the window needs {minimum} px, the screen has {width}")
            return found
        finally:
            await window.shutdown()
            window.close()


if __name__ == "__main__":
    os.environ.pop("GETIMG_API_KEY", None)
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        result = runner.run(main(Path(sys.argv[1])))
    print("RESULT " + json.dumps(result), flush=True)
