"""Trends: matches per period under one set of filters, as counts and shares."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer import BadRequest, SearchRequest, Snapshot, build, trends
from tests.support import DATA


def test_monthly_counts_and_shares(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        found = trends(snap, ["cháy", "bão", "  "], SearchRequest(), "month", "share")
    assert found.periods == ["2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08"]
    assert found.articles == [4, 0, 0, 0, 3, 1]
    assert found.undated == 1  # s08 has no date: counted apart, never drawn
    fire, storm = found.series  # the blank query is dropped
    assert (fire.query, fire.counts, fire.total, fire.undated) == ("cháy", [4, 0, 0, 0, 0, 0], 5, 1)
    assert storm.counts == [0, 0, 0, 0, 2, 1]
    assert storm.shares == [0.0, None, None, None, round(2 / 3, 6), 1.0]
    # Every period here holds fewer than 20 articles: each is flagged.
    assert all(found.sparse)


def test_weeks_start_on_monday_and_days_are_dense(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        weeks = trends(snap, ["cháy"], SearchRequest(), "week")
        days = trends(snap, ["cháy"], SearchRequest(date_from=date(2025, 3, 9), date_to=date(2025, 3, 12)), "day")
    assert weeks.periods[0] == "2025-03-10" and date.fromisoformat(weeks.periods[1]).weekday() == 0
    assert weeks.series[0].counts[:2] == [4, 0]
    # The range is that of the filtered articles, within the date filter.
    assert days.periods == ["2025-03-10", "2025-03-11"]
    assert days.series[0].counts == [3, 1] and days.articles == [3, 1]


def test_filters_apply_to_matches_and_to_the_articles_they_are_shared_over(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        found = trends(snap, ["cháy"], SearchRequest(source=("thoisu.example",)), "month", "share")
    assert found.filters == {"source": ["thoisu.example"]}
    # thoisu.example's dated articles are both in March: the range is theirs.
    assert (found.periods, found.articles) == (["2025-03"], [2])
    assert found.series[0].counts == [2] and found.series[0].shares == [1.0]


def test_without_queries_only_the_articles_are_counted(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        found = trends(snap, [], SearchRequest(), "month")
    assert found.series == [] and sum(found.articles) == 8


def test_bad_parameters_are_named(stories_index: Path) -> None:
    with Snapshot.open(stories_index) as snap:
        for args, param in (
            ((["a"] * 5, SearchRequest()), "q"),
            ((["a"], SearchRequest(), "year"), "interval"),
            ((["a"], SearchRequest(), "day", "percent"), "normalize"),
        ):
            with pytest.raises(BadRequest) as err:
                trends(snap, *args)
            assert err.value.param == param


def test_a_sharded_index_counts_the_same(stories_index: Path, tmp_path: Path) -> None:
    build([DATA / "stories.jsonl"], tmp_path / "sharded", jobs=1, shards=3)
    with Snapshot.open(stories_index) as one, Snapshot.open(tmp_path / "sharded") as three:
        for interval in ("day", "week", "month"):
            a = trends(one, ["cháy", "bão"], SearchRequest(), interval, "share").to_dict()
            b = trends(three, ["cháy", "bão"], SearchRequest(), interval, "share").to_dict()
            a.pop("took_ms"), b.pop("took_ms")
            assert (a.pop("shards"), b.pop("shards")) == (None, {"total": 3, "failed": []})
            assert a == b
