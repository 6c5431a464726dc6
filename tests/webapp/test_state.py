"""URL state: parsing through the core's request, canonical URLs, toggles."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from indexer import BadRequest, month_range, year_range
from webapp.state import SearchState, add_toggle_urls


def test_parse_state_reads_and_writes_canonical_urls() -> None:
    args = MultiDict(
        [
            ("q", " xe buýt "),
            ("province", "Hà Nội"),
            ("province", ""),
            ("province", "Hà Nội"),
            ("from", "2024-01-01"),
            ("sort", "newest"),
            ("page", "3"),
            ("era", "old"),
            ("utm", "ignored"),
        ]
    )
    state = SearchState.parse(args, default_per_page=20, with_era=True)
    assert state.request.q == "xe buýt"
    assert state.request.province == ("Hà Nội",)
    assert state.request.date_from == date(2024, 1, 1)
    assert state.items() == [
        ("q", "xe buýt"),
        ("province", "Hà Nội"),
        ("from", "2024-01-01"),
        ("sort", "newest"),
        ("era", "old"),
        ("page", "3"),
    ]
    assert state.query_string(view=False) == "q=xe+bu%C3%BDt&province=H%C3%A0+N%E1%BB%99i&from=2024-01-01&sort=newest"
    toggled = state.toggled("province", "Hà Nội").toggled("source", "x")
    assert (toggled.request.province, toggled.request.source, toggled.request.page) == ((), ("x",), 1)
    request = state.request.with_(facets=False, per_page=100, page=1)
    assert (request.per_page, request.page, request.facets, request.sort) == (
        100,
        1,
        False,
        "newest",
    )


def test_parse_state_ignores_era_unless_asked() -> None:
    assert SearchState.parse(MultiDict([("era", "nonsense")])).era == "new"
    with pytest.raises(BadRequest) as err:
        SearchState.parse(MultiDict([("era", "nonsense")]), with_era=True)
    assert err.value.param == "era"
    assert SearchState.parse(MultiDict([("era", "")]), with_era=True).era == "new"  # an empty field
    for spaced in ("\r", " old"):  # not empty, so checked as given, as the core checks its values
        with pytest.raises(BadRequest):
            SearchState.parse(MultiDict([("era", spaced)]), with_era=True)


def test_toggled_range_sets_or_clears_a_period() -> None:
    first, last = month_range("2024-02")
    assert (first, last) == (date(2024, 2, 1), date(2024, 2, 29))
    state = SearchState().toggled_range(first, last)
    assert (state.request.date_from, state.request.date_to) == (first, last)
    assert state.toggled_range(first, last).request.date_from is None


def test_toggle_urls_equal_each_toggled_state_s_own_url() -> None:
    args = MultiDict(
        [
            ("q", "bão lũ"),
            ("province", "Huế"),
            ("province", "Quảng Trị"),
            ("source", "VnExpress"),
            ("from", "2020-01-01"),
            ("sort", "newest"),
            ("page", "3"),
        ]
    )
    state = SearchState.parse(args, with_era=True)
    values = {
        "province": ["Huế", "Đà Nẵng"],
        "province_old": ["Quảng Bình"],
        "source": ["VnExpress", "Tuổi Trẻ"],
        "category": ["Thời sự"],
    }
    facets: dict[str, Any] = {f: [{"value": v} for v in vs] for f, vs in values.items()}
    months, years = ["2019-12", "2020-01", "2020-02"], ["2019", "2020"]
    for dated in (state, state.toggled_range(*month_range("2020-01")), state.dates(None, None)):
        facets["date"] = {"months": [{"value": m} for m in months], "years": [{"value": y} for y in years]}
        add_toggle_urls(facets, dated, "/")
        for facet in values:
            for entry in facets[facet]:
                assert entry["toggle_url"] == dated.toggled(facet, entry["value"]).url("/"), (facet, entry)
        for key, span in (("months", month_range), ("years", year_range)):
            for entry in facets["date"][key]:
                want = dated.toggled_range(*span(entry["value"])).url("/")
                assert entry["toggle_url"] == want, (key, entry)
    assert state.request.date_from == date(2020, 1, 1)
