"""The month histogram of the date facet, laid out for server-rendered SVG bars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from indexer import month_range, year_range

from .labels import month_label, number, percent
from .state import SearchState

__all__ = ["Bar", "Histogram", "histogram", "TrendChart", "trend_chart"]

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
    for i, (key, count, (first, last), label) in enumerate(zip(keys, counts, spans, labels, strict=True)):
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


TREND_WIDTH = 640
TREND_HEIGHT = 220
TREND_LEFT = 44  # room for the value axis's labels
TREND_BOTTOM = 22  # room for the period axis's labels
# Each period is a focusable point up to this many periods; beyond, the line alone is drawn and the
# data table below the chart is the way to read single values.
MAX_POINTS = 400
# Each query's line is dashed its own way, so that colour (style.css's .series-N: Okabe and Ito's
# palette, distinguishable with the common colour deficiencies; the page's CSP forbids inline
# styles) is not the only cue.
TREND_DASHES = ("", "6 3", "2 3", "8 3 2 3")


@dataclass(frozen=True)
class TrendPoint:
    """One period of one series: where it is drawn and what it says."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class TrendLine:
    """One query's polyline, its dash pattern and its points."""

    query: str
    dash: str
    points: list[TrendPoint]
    path: str
    total: int
    search_url: str


@dataclass(frozen=True)
class TrendChart:
    """Lines, value ticks, period ticks and the shaded spans of periods with too few articles."""

    lines: list[TrendLine]
    value_ticks: list[tuple[float, str]]
    period_ticks: list[tuple[float, str, str]]  # x, label, text-anchor
    sparse: list[tuple[float, float]]
    width: int = TREND_WIDTH
    height: int = TREND_HEIGHT
    left: int = TREND_LEFT
    bottom: int = TREND_BOTTOM


def _period_name(period: str, interval: str) -> str:
    """'tháng 3/2025', 'tuần từ 10/03/2025', '10/03/2025'."""
    if interval == "month":
        return month_label(period)
    day = date.fromisoformat(period).strftime("%d/%m/%Y")
    return f"tuần từ {day}" if interval == "week" else day


def _tick_name(period: str, interval: str) -> str:
    """A short axis label: '3/2025' for a month, '10/03/2025' for a day or a week's Monday."""
    if interval == "month":
        year, month = period.split("-")
        return f"{int(month)}/{year}"
    return date.fromisoformat(period).strftime("%d/%m/%Y")


def _value(v: float, share: bool) -> str:
    """A count (12.345) or a share in percent (1,25%)."""
    return percent(v) if share else number(v)


def trend_chart(data: dict[str, Any]) -> TrendChart | None:
    """The drawing of a trends answer, or None when no period holds an article."""
    periods = data["periods"]
    if not periods:
        return None
    share = data["normalize"] == "share"
    inner_w = TREND_WIDTH - TREND_LEFT - 8
    inner_h = TREND_HEIGHT - TREND_BOTTOM - 8
    series = data["series"] or [
        # No query: the line of every article the filters keep (the form says a blank query counts them).
        {
            "query": "Tất cả bài",
            "counts": data["articles"],
            "shares": [1.0 if n else None for n in data["articles"]],
            "total": sum(data["articles"]),
            "search_url": "",
        }
    ]
    values = [[(s or 0.0) for s in line["shares"]] if share else line["counts"] for line in series]
    top = max((max(v) for v in values if v), default=0) or (1.0 if share else 1)
    if not share:
        # Four whole-number steps: a count axis never reads 0, 0, 1, 2, 3.
        top = -(-int(top) // 4) * 4
    step = inner_w / max(len(periods) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(TREND_LEFT + i * step, 2), round(8 + inner_h * (1 - v / top), 2)

    lines = []
    for dash, line, vals in zip(TREND_DASHES, series, values, strict=False):
        points = []
        for i, (period, v, count) in enumerate(zip(periods, vals, line["counts"], strict=True)):
            x, y = xy(i, v)
            said = f"{line['query']}, {_period_name(period, data['interval'])}: {number(count)} bài"
            if share:
                said += f" ({_value(v, True)} số bài của kỳ)"
            points.append(TrendPoint(x, y, said))
        path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
        shown = points if len(points) <= MAX_POINTS else []
        lines.append(TrendLine(line["query"], dash, shown, path, line["total"], line["search_url"]))
    value_ticks = [(xy(0, top * k / 4)[1], _value(top * k / 4, share)) for k in range(5)]
    every = max(1, len(periods) // 6)
    period_ticks = []
    for i, p in enumerate(periods):
        if i % every == 0:
            x = xy(i, 0)[0]
            # A label near the right edge ends at its period rather than overflowing the drawing.
            anchor = "end" if x > TREND_WIDTH - 60 else "middle"
            period_ticks.append((x, _tick_name(p, data["interval"]), anchor))
    sparse = [(round(xy(i, 0)[0] - step / 2, 2), round(step, 2)) for i, s in enumerate(data["sparse"]) if s]
    return TrendChart(lines, value_ticks, period_ticks, sparse)
