"""Shared fixtures: tiny indexes built in temporary folders from articles in tests/data/."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import DATA, MAP_34, MAP_63, SEED, WEB_ARTICLES


@pytest.fixture(scope="session")
def search_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/data/search.jsonl plus the seed article."""
    from indexer import build

    index = tmp_path_factory.mktemp("search-index")
    build([DATA / "search.jsonl", SEED], index, jobs=1)
    return index


@pytest.fixture(scope="session")
def ranking_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/data/ranking.jsonl: spelling variants, function words, near and far words."""
    from indexer import build

    index = tmp_path_factory.mktemp("ranking-index")
    build([DATA / "ranking.jsonl"], index, jobs=1)
    return index


@pytest.fixture(scope="session")
def stories_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/data/stories.jsonl: one event told by three outlets, a storm by two, a
    reprint 36 days later, a same-day fire elsewhere, an undated copy."""
    from indexer import build

    index = tmp_path_factory.mktemp("stories-index")
    build([DATA / "stories.jsonl"], index, jobs=1)
    return index


@pytest.fixture()
def snapshot(search_index: Path):  # type: ignore[no-untyped-def]
    """A Snapshot of search_index, closed after the test."""
    from indexer import Snapshot

    with Snapshot.open(search_index) as snap:
        yield snap


# --- web application (tests/webapp/) ----------------------------------------------------------

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient



@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/data/articles.jsonl: 30 short articles written for the web tests."""
    from indexer import build

    index = tmp_path_factory.mktemp("web-index")
    report = build([WEB_ARTICLES], index, jobs=1)
    assert report.indexed == 30, report.summary()
    return index


@pytest.fixture(scope="session")
def web_app(web_index: Path) -> Flask:
    """The Flask app on web_index, with both maps when ../shared is present (else no map)."""
    from webapp import create_app

    return create_app(
        {
            "TESTING": True,
            "INDEX": str(web_index),
            "MAP": str(MAP_34) if MAP_34.exists() else None,
            "MAP_OLD": str(MAP_63) if MAP_63.exists() else None,
        }
    )


@pytest.fixture()
def client(web_app: Flask) -> FlaskClient:
    """A test client of web_app."""
    return web_app.test_client()


@pytest.fixture(scope="session")
def stories_client(stories_index: Path) -> FlaskClient:
    """A test client of the app on stories_index (dated same-event articles: stories and trends)."""
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX": str(stories_index), "MAP": None, "MAP_OLD": None}).test_client()
