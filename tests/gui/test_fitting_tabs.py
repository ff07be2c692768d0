"""FittingTabBar: short labels only while the full ones do not fit, and every tab always inside the bar."""

from __future__ import annotations

from typing import Any

from getimg_studio.ui.common.fitting_tabs import FittingTabBar

LABELS = [("Active", None), ("All", None), ("Favourites", "★"), ("Failed", None), ("Queued", None)]


def _shown(bar: FittingTabBar) -> list[str]:
    return [bar.tabText(i) for i in range(bar.count())]


def _all_inside(bar: FittingTabBar) -> bool:
    return all(bar.rect().contains(bar.tabRect(i)) for i in range(bar.count()))


def test_short_labels_stand_in_only_while_the_full_ones_do_not_fit(qtbot: Any) -> None:
    bar = FittingTabBar()
    qtbot.addWidget(bar)
    for label, short in LABELS:
        bar.add_tab(label, short)
    full = bar.full_width()
    bar.resize(full + 40, bar.sizeHint().height())
    bar.show()
    qtbot.waitUntil(lambda: bar.width() == full + 40)
    assert _shown(bar) == [label for label, _ in LABELS]
    assert _all_inside(bar)

    bar.resize(full - 10, bar.height())
    qtbot.waitUntil(lambda: bar.showing_short_labels())
    assert _shown(bar) == ["Active", "All", "★", "Failed", "Queued"]
    assert bar.tabToolTip(2) == "Favourites"
    assert bar.accessibleTabName(2) == "Favourites"
    assert _all_inside(bar)

    bar.resize(full, bar.height())
    qtbot.waitUntil(lambda: not bar.showing_short_labels())
    assert _shown(bar)[2] == "Favourites"
    assert _all_inside(bar)
