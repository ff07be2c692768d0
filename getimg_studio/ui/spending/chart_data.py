"""What the spending chart draws, out of a report: one stacked series per model over the report's buckets.

Pure (no Qt), so the chart's content is tested without pixels: the chart widget only turns this into bar sets.
The most-spent models get their own series, in a fixed order (most spent at the bottom of each stack) and
colour; the rest are summed into one "Other models" series, so the legend stays readable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from getimg_studio.jobs.spend import ZERO, Period, SpendReport, short_label

MAX_SERIES = 6  # five models of their own and "Other models"
MAX_AXIS_LABELS = 12
OTHER_KEY = ""
OTHER_NAME = "Other models"
_DAY_STEPS = (1, 2, 7, 14, 28)  # daily labels thin out to whole weeks, so they fall on the same weekday


@dataclass(frozen=True, slots=True)
class ChartSeries:
    key: str  # the model id, or OTHER_KEY
    name: str
    values: tuple[Decimal, ...]  # one per bucket
    total: Decimal


@dataclass(frozen=True, slots=True)
class AxisLabel:
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class ChartData:
    currency: str
    period: Period
    buckets: tuple[str, ...]  # each bucket in words, for tooltips: "9 Mar", "week of 9 Mar", "Mar 2026"
    firsts: tuple[date, ...]
    axis_labels: tuple[AxisLabel, ...]  # a few evenly spaced buckets named on the axis
    series: tuple[ChartSeries, ...]  # bottom of the stack first
    totals: tuple[Decimal, ...]  # each bucket's stacked height
    maximum: Decimal

    @property
    def empty(self) -> bool:
        return self.maximum == 0


def label_step(count: int, period: Period) -> int:
    """How many buckets apart the axis names one, so at most MAX_AXIS_LABELS fit."""
    wanted = max(1, math.ceil(count / MAX_AXIS_LABELS))
    if period is Period.DAY:
        return next((s for s in _DAY_STEPS if s >= wanted), wanted)
    return wanted


def _bucket_words(first: date, period: Period) -> str:
    text = short_label(first, period)
    return f"week of {text}" if period is Period.WEEK else text


def chart_data(report: SpendReport, max_series: int = MAX_SERIES) -> ChartData:
    ranked = [s for s in report.by_model if s.total > 0]
    own = ranked if len(ranked) <= max_series else ranked[: max_series - 1]
    own_keys = {s.key for s in own}
    per_model: dict[str, list[Decimal]] = {s.key: [ZERO] * len(report.buckets) for s in own}
    other = [ZERO] * len(report.buckets)
    for i, bucket in enumerate(report.buckets):
        for model_id, amount in bucket.by_model:
            if model_id in own_keys:
                per_model[model_id][i] += amount
            else:
                other[i] += amount
    series = [ChartSeries(s.key, s.name, tuple(per_model[s.key]), s.total) for s in own]
    if any(other):
        series.append(ChartSeries(OTHER_KEY, OTHER_NAME, tuple(other), sum(other, ZERO)))
    totals = tuple(b.total for b in report.buckets)
    step = label_step(len(report.buckets), report.period)
    # weekly steps start on the range's first Monday, so labels name the same weekday
    offset = 0
    if report.period is Period.DAY and step % 7 == 0:
        offset = next((i for i, b in enumerate(report.buckets) if b.first.weekday() == 0), 0)
    # a bucket clipped by the range is named by its first day in the range: "1 Mar", not "week of 23 Feb"
    labels = tuple(AxisLabel(i, short_label(report.buckets[i].first, report.period))
                   for i in range(offset % step, len(report.buckets), step))
    return ChartData(
        currency=report.currency, period=report.period,
        buckets=tuple(_bucket_words(b.first, report.period) for b in report.buckets),
        firsts=tuple(b.first for b in report.buckets), axis_labels=labels, series=tuple(series), totals=totals,
        maximum=max(totals, default=ZERO),
    )
