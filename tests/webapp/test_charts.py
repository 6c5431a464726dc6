"""The month histogram: gaps filled, years when months are too many, bar links."""

from __future__ import annotations

from tests.support import query_of
from webapp.charts import histogram
from webapp.state import SearchState


def test_histogram_fills_gaps_and_falls_back_to_years() -> None:
    dates = {
        "months": [{"value": "2024-11", "count": 2}, {"value": "2025-02", "count": 4}],
        "years": [{"value": "2024", "count": 2}, {"value": "2025", "count": 4}],
    }
    chart = histogram(dates, SearchState(), "/")
    assert chart is not None and chart.unit == "month"
    assert [b.value for b in chart.bars] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert [b.count for b in chart.bars] == [2, 0, 0, 4]
    assert chart.bars[3].height == chart.height and chart.bars[1].height == 0
    assert [label for _, label in chart.ticks] == ["2024", "2025"]
    wide = {
        "months": [{"value": "2001-01", "count": 1}, {"value": "2020-06", "count": 3}],
        "years": [{"value": "2001", "count": 1}, {"value": "2020", "count": 3}],
    }
    chart = histogram(wide, SearchState(), "/")
    assert chart is not None and chart.unit == "year" and len(chart.bars) == 20
    assert query_of(chart.bars[-1].href) == [("from", "2020-01-01"), ("to", "2020-12-31")]
    assert histogram({"months": [], "years": [], "undated": 3}, SearchState(), "/") is None
