"""Documents: a field analysed a text at a time gives exactly what Whoosh's field.index() gives."""

import gzip
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.analysis.tokenizers import SyllableTokenizer, WordTokenizer
from indexer.ingest.source import Record
from indexer.ingest.validation import validate
from indexer.store.analyzed import Analyzed, kind_of
from indexer.store.document import analyze
from indexer.store.schema import TEXT_FIELDS, VARIANTS, make_schema
from indexer.text.abbreviation import abbreviations
from indexer.text.normalization import normalize
from indexer.text.segmentation import batch

from ..support import need_shared

DATA = Path(__file__).resolve().parents[1] / "data" / "articles.jsonl"
SCHEMA = make_schema()
FIELDS = [name + suffix for name in TEXT_FIELDS for suffix in VARIANTS] + ["author"]

# Texts where slicing one lowercased copy would go wrong, or trimming and joining matter.
TRICKY = [
    "Ủy ban nhân dân (UBND) tỉnh Bắc Ninh họp; UBND giao Sở Y tế, UBND huyện báo cáo.",
    "İstanbul và ΟΔΟΣ Σ: lowercasing that changes length or depends on context.",
    "Hai  khoảng trắng\tvà tab, rồi\u2028dòng mới\u2029ở giữa Hồ Chí Minh.",
    "TP.HCM, TP. Hồ Chí Minh, __init__ và _Hà_Nội_ ... ==> https://vnexpress.net/a-b.html.",
    "Email ban.doc@tuoitre.com.vn, số 2.500.000 đồng, ngày 7/6/2024, COVID-19, Covid_19.",
    "ĐỘI TUYỂN VIỆT NAM THẮNG 3-0 TRƯỚC THÁI LAN TẠI SÂN MỸ ĐÌNH",
    "Thuỷ điện Hoà Bình xả lũ, ma tuý; phòng, chống khủng bố (PCKB) và PCKB tại Hà Nội",
    "…!!! ??? (((",
    "",
]


def columns(value: Analyzed) -> tuple[object, ...]:
    return tuple(getattr(value, name) for name in Analyzed.__slots__)


def assert_same(texts: list[str], table: dict | None = None) -> int:  # type: ignore[type-arg]
    """Every text in every field, both ways, inside a batch as the build runs; the count compared."""
    compared = 0
    texts = [normalize(t) for t in texts]
    with batch(t for t in texts if t):
        for text in texts:
            used = table if table is not None else abbreviations([text])
            for name in FIELDS:
                field = SCHEMA[name]
                whoosh = Analyzed(field.index(text, abbreviations=used), kind_of(field.format))
                ours = analyze(field, text, used, normalized=True)
                assert columns(ours) == columns(whoosh), (name, repr(text[:80]))
                compared += 1
    return compared


def test_tricky_texts_analyse_as_whoosh_does() -> None:
    assert assert_same(TRICKY) == len(TRICKY) * len(FIELDS)


def test_an_abbreviation_defined_elsewhere_in_the_article_expands_the_same() -> None:
    table = abbreviations([normalize("Ban chỉ đạo phòng, chống khủng bố (PCKB) tỉnh Bắc Ninh")])
    assert "PCKB" in table
    assert assert_same(["Công tác PCKB tại Bắc Ninh, pckb, Pckb."], table) == len(FIELDS)


def test_the_fixture_articles_analyse_as_whoosh_does() -> None:
    records = [Record(json.loads(line), str(DATA), n) for n, line in enumerate(DATA.open(encoding="utf-8"), 1)]
    articles = [a for a, _ in map(validate, records) if a is not None]
    texts = [getattr(a, name) for a in articles for name in TEXT_FIELDS]
    # An Article's texts are normalised already, which is what lets the build skip doing it again.
    assert all(normalize(t) == t for t in texts)
    assert assert_same(texts) == len(texts) * len(FIELDS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĐÂƠ ̣́̀.,_-()\n\t0123456789ỳýỷỹỵàáảãạİΣ")),
            max_size=80,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_generated_texts_analyse_as_whoosh_does(texts: list[str]) -> None:
    assert assert_same(texts) == len(texts) * len(FIELDS)


def test_real_articles_analyse_as_whoosh_does() -> None:
    """A few hundred articles of each shared corpus, as validation leaves them."""
    texts: list[str] = []
    for name in ("dantri-unc", "baomoi-2017", "rss-2025-2026", "vietnews-60k"):
        path = need_shared("corpus", f"{name}.jsonl.gz")
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(itertools.islice(fh, 0, 1_500, 10)):
                article, _ = validate(Record(json.loads(line), str(path), n))
                if article is not None:
                    texts += [t for t in (article.title, article.sapo, article.body) if t]
    assert all(normalize(t) == t for t in texts)
    assert assert_same(texts) == len(texts) * len(FIELDS)


def test_lowered_terms_follow_the_tokenizer_as_whoosh_calls_it() -> None:
    text = "Hà Nội mùa thu, TP.HCM"
    for tokenizer in (WordTokenizer(), SyllableTokenizer()):
        for tokenize in (True, False):
            rows = list(tokenizer.terms(text, tokenize=tokenize))
            terms, positions = tokenizer.lowered_terms(text, tokenize=tokenize)
            assert terms == [t.lower() for t, _, _, _ in rows]
            assert (positions or list(range(len(terms)))) == [p for _, p, _, _ in rows]


def test_terms_make_no_existence_value() -> None:
    with pytest.raises(ValueError, match="existence"):
        Analyzed.of_terms(["a"], None, "existence", 1.0)
