"""A refusal by the creator's budget, as the window shows it: the numbers, then the way to raise it.

One wording and one link for every place that can be refused (the form, a storyboard run), so each leads
to the same Settings field.
"""

from __future__ import annotations

import html

RAISE_BUDGET = "budget"  # the link's target: Settings, at the monthly budget


def budget_refusal_html(message: str) -> str:
    """The refusal's own words (escaped: it is shown as rich text) and a "Raise budget…" link."""
    return f"{html.escape(message)} <a href='{RAISE_BUDGET}'>Raise budget…</a>"
