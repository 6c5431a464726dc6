"""Shared fixtures: tiny indexes built in temporary folders from articles in tests/data/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
SEED = ROOT / "corpus" / "seed-bac-ninh-pckb.txt"


def need_shared(*parts: str) -> Path:
    """Path of a file under ../shared, or skip the test with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared corpora/gazetteer")
    return path


@pytest.fixture(scope="session")
def search_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/data/search.jsonl plus the seed article."""
    from indexer.builder import build

    index = tmp_path_factory.mktemp("search-index")
    build([DATA / "search.jsonl", SEED], index, jobs=1)
    return index


@pytest.fixture()
def snapshot(search_index: Path):  # type: ignore[no-untyped-def]
    """A Snapshot of search_index, closed after the test."""
    from indexer.facets import Snapshot

    with Snapshot.open(search_index) as snap:
        yield snap
