"""`getimg-studio budget`, `spend`, and `generate` over budget, as a creator runs them against the simulator."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from getimg_studio.paths import Paths
from getimg_studio.settings import load_settings
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import IMAGE_LITE, LITE


def test_budget_set_refuses_generate_with_exit_2_and_spend_reports(cli: Any, sim_counts: Any, sim: RunningSimulator,
                                                                    fast_cli_settings: Paths) -> None:
    paths = fast_cli_settings
    shown = cli(paths, "budget")
    assert shown.returncode == 0, shown.stderr
    assert "Monthly budget: not set" in shown.stdout

    assert cli(paths, "budget", "set", "abc").returncode == 2
    result = cli(paths, "budget", "set", "0.10")
    assert result.returncode == 0, result.stderr
    assert "Monthly budget: $0.10; $0.00 billed this month; $0.10 left." in result.stdout
    assert load_settings(paths.settings_file).budget_monthly == "0.10"  # the setting the window shows
    assert load_settings(paths.settings_file).extra["poll_initial"] == "0.1"  # the rest kept

    done = cli(paths, "generate", "A lighthouse at dusk", "--model", LITE, "--wait")
    assert done.returncode == 0, done.stderr
    refused = cli(paths, "generate", "A lighthouse at dusk", "--model", LITE, "--variations", "2")
    assert refused.returncode == 2, refused.stderr
    assert "over your monthly budget of $0.10 ($0.04 spent, $0.08 for this)" in refused.stderr
    assert "getimg-studio budget set 1" in refused.stderr
    assert sim_counts("create") == 1  # the refused one sent nothing

    after = cli(paths, "budget", "set", "0.05", "--daily")
    assert "Daily budget: $0.05; $0.04 billed today; $0.01 left." in after.stdout

    spend = cli(paths, "spend", "--by", "model", "--json")
    assert spend.returncode == 0, spend.stderr
    report = json.loads(spend.stdout)
    assert report["total"] == "0.04"
    assert [(m["model_id"], m["count"], m["spent"]) for m in report["models"]] == [(LITE, 1, "0.04")]
    by_day = cli(paths, "spend", "--csv")
    rows = list(csv.reader(io.StringIO(by_day.stdout)))
    assert rows[0] == ["day", "generations", "spent", "currency"]
    assert sum(int(r[1]) for r in rows[1:]) == 1
    text = cli(paths, "spend")
    assert "$0.04 for 1 generation" in text.stdout
    bad = cli(paths, "spend", "--from", "0202-13-01")
    assert bad.returncode == 2
    assert "YYYY-MM-DD" in bad.stderr

    assert cli(paths, "budget", "set", "0.04", "--daily").returncode == 0  # today's $0.04 is all spent
    image = cli(paths, "image", "A lighthouse at dawn", "--model", IMAGE_LITE)
    assert image.returncode == 2, image.stderr
    assert "over your daily budget of $0.04" in image.stderr
    assert "getimg-studio budget set" in image.stderr
    assert sum(sim.stats()["requests"].get("images", {}).values()) == 0  # every generating command refuses

    cleared = cli(paths, "budget", "clear")
    assert "Monthly budget: not set" in cleared.stdout
    assert "Daily budget: not set" in cleared.stdout
    assert load_settings(paths.settings_file).budget_daily == ""
