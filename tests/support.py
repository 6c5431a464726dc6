"""What tests share besides fixtures: paths, the skip for ../shared, tiny corpora, page parsing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from click.testing import CliRunner
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
SEED = ROOT / "corpus" / "seed-bac-ninh-pckb.txt"
WEB_ARTICLES = DATA / "articles.jsonl"
MAP_34 = SHARED / "geo" / "vn_provinces_34.geojson"
MAP_63 = SHARED / "geo" / "vn_provinces_63.geojson"


def need_shared(*parts: str) -> Path:
    """Path of a file under ../shared, or skip the test with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared corpora/gazetteer")
    return path


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """A JSON Lines corpus of these records."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# --- pages ----------------------------------------------------------------------------------------


class Element:
    """An element of a page parsed by BeautifulSoup, with the few lookups the tests use."""

    def __init__(self, tag: Tag) -> None:
        self._tag = tag

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Element) and other._tag is self._tag

    def __hash__(self) -> int:
        return id(self._tag)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    @property
    def tag(self) -> str:
        """The element's name."""
        return str(self._tag.name)

    @property
    def attrs(self) -> dict[str, str]:
        """Attributes as written (class and rel as one string)."""
        return {k: v if isinstance(v, str) else " ".join(v) for k, v in self._tag.attrs.items()}

    @property
    def text(self) -> str:
        """All text inside, whitespace collapsed."""
        return " ".join(self._tag.get_text(" ").split())

    @property
    def children(self) -> list[Any]:
        """Child nodes (elements and strings)."""
        return list(self._tag.children)

    def iter(self) -> list[Element]:
        """This element and every element below it, in document order."""
        return [self] + [Element(t) for t in self._tag.find_all(True)]

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements (this one included) with this tag whose attributes hold these values (class_ for class)."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}

        def matches(node: Element) -> bool:
            if tag and node.tag != tag:
                return False
            have = node.attrs
            for name, value in wanted.items():
                if name not in have:
                    return False
                if name == "class" and value not in have[name].split():
                    return False
                if name != "class" and have[name] != value:
                    return False
            return True

        return [node for node in self.iter() if matches(node)]

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        """The single element matching."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}> elements"
        return found[0]


def parse_page(html: str) -> Element:
    """A page parsed with BeautifulSoup's html.parser, as an Element."""
    return Element(BeautifulSoup(html, "html.parser", multi_valued_attributes=None))


def page(client: FlaskClient, url: str, status: int = 200) -> Element:
    """GET an HTML page and parse it."""
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert response.mimetype == "text/html"
    return parse_page(response.get_data(as_text=True))


def query_of(url: str) -> list[tuple[str, str]]:
    """Decoded query parameters of a link."""
    return parse_qsl(urlsplit(url).query)


def hit_ids(doc: Element) -> list[str]:
    """Article ids of the result list, in order."""
    return [
        unquote(urlsplit(a.attrs["href"]).path.removeprefix("/article/"))
        for h in doc.find_all(class_="hit-title")
        for a in h.find_all("a")
    ]


def assert_trains_to(train: Any, shipped: Path, tmp_path: Path) -> None:
    """Running a training command (a click command with --shared and --out) on the committed
    labels gives the shipped model: the same threshold, provenance and features (but for weights at
    the rounding's edge), weights equal up to the solver's last digits."""
    out = tmp_path / shipped.name
    shared = need_shared("corpus").parent
    result = CliRunner().invoke(train, ["--shared", str(shared), "--out", str(out)])
    assert result.exit_code == 0, result.output
    fresh, kept = json.loads(out.read_text("utf-8")), json.loads(shipped.read_text("utf-8"))
    assert (fresh["threshold"], fresh["trained_on"]) == (kept["threshold"], kept["trained_on"])
    assert fresh["intercept"] == pytest.approx(kept["intercept"], abs=2e-3)
    tiny = {k for d in (fresh["weights"], kept["weights"]) for k, w in d.items() if abs(w) < 1e-3}
    assert set(fresh["weights"]) ^ set(kept["weights"]) <= tiny
    for name, w in kept["weights"].items():
        assert fresh["weights"].get(name, 0.0) == pytest.approx(w, abs=2e-3), name
