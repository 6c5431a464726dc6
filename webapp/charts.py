"""The month histogram of the date facet, laid out for server-rendered SVG bars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from indexer import month_range, year_range

from .labels import month_label, number
from .state import SearchState

__all__ = ["Bar", "Histogram", "histogram"]

WIDTH = 300
HEIGHT = 80
# Beyond ten years of months the bars get thinner than a pixel: count per year instead.
MAX_MONTHS = 120


@dataclass(frozen=True)
class Bar:
    """One bar: a month (or year), its count, geometry, link, and whether the date filter has it."""

    value: str
    label: str
    count: int
    x: float
    width: float
    y: float
    height: float
    href: str
    active: bool


@dataclass(frozen=True)
class Histogram:
    """Bars, year ticks and the drawing's size."""

    unit: str  # "month" or "year"
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT


def _months_between(first: str, last: str) -> list[str]:
    """Every 'YYYY-MM' from first to last inclusive."""
    y, m = (int(p) for p in first.split("-"))
    end = tuple(int(p) for p in last.split("-"))
    out = []
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _overlaps(first: date, last: date, state: SearchState) -> bool:
    """True when [first, last] meets the state's date filter."""
    lo = state.request.date_from or date.min
    hi = state.request.date_to or date.max
    return first <= hi and last >= lo


def histogram(dates: dict[str, Any], state: SearchState, base: str) -> Histogram | None:
    """The bars for a result's date facet (gaps filled with zero), or None when nothing is dated."""
    months = {m["value"]: int(m["count"]) for m in dates.get("months", [])}
    if not months:
        return None
    keys = _months_between(min(months), max(months))
    if len(keys) > MAX_MONTHS:
        unit = "year"
        years = {y["value"]: int(y["count"]) for y in dates.get("years", [])}
        first_year, last_year = int(min(years)), int(max(years))
        keys = [f"{y:04d}" for y in range(first_year, last_year + 1)]
        counts = [years.get(k, 0) for k in keys]
        spans = [year_range(k) for k in keys]
        labels = [f"năm {k}" for k in keys]
    else:
        unit = "month"
        counts = [months.get(k, 0) for k in keys]
        spans = [month_range(k) for k in keys]
        labels = [month_label(k) for k in keys]
    top = max(counts)
    step = WIDTH / len(keys)
    gap = 1.0 if step >= 4 else 0.0
    filtered = bool(state.request.date_from or state.request.date_to)
    bars = []
    for i, (key, count, (first, last), label) in enumerate(
        zip(keys, counts, spans, labels, strict=True)
    ):
        # Any non-zero month gets at least 2 units, so a single article is still visible.
        h = 0.0 if count == 0 else max(2.0, HEIGHT * count / top)
        bars.append(
            Bar(
                value=key,
                label=f"{label}: {number(count)} bài",
                count=count,
                x=round(i * step, 2),
                width=round(step - gap, 2),
                y=round(HEIGHT - h, 2),
                height=round(h, 2),
                href=state.toggled_range(first, last).url(base),
                active=not filtered or _overlaps(first, last, state),
            )
        )
    ticks: list[tuple[float, str]] = []
    if unit == "month":
        years = sorted({k[:4] for k in keys})
        every = 1 if len(years) <= 6 else 2
        for n, year in enumerate(years):
            if n % every == 0:
                index = next(i for i, k in enumerate(keys) if k.startswith(year))
                ticks.append((round(index * step, 2), year))
    else:
        every = max(1, len(keys) // 6)
        ticks = [(round(i * step, 2), k) for i, k in enumerate(keys) if i % every == 0]
    return Histogram(unit=unit, bars=bars, ticks=ticks)
