"""The project's segmenter against pyvi itself: the same output, token for token, or a failure."""

from __future__ import annotations

import gzip
import itertools
import json
import math
import string
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyvi.ViTokenizer import ViTokenizer

from indexer import tokenize, tokenize_all
from indexer.text import fold
from indexer.text import segmentation as seg
from indexer.text.crf import CrfModel, pyvi_labeller
from tests.support import DATA, SEED, need_shared


def _repo_texts() -> list[str]:
    """Every text of the test articles and the seed corpus, whole, line by line and sentence by sentence."""
    texts: list[str] = []
    for name in ("articles.jsonl", "search.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [row[k] for k in ("title", "sapo", "body") if row.get(k)]
    texts.append(SEED.read_text(encoding="utf-8"))
    lines = [line for text in texts for line in text.split("\n") if line.strip()]
    sentences = [s for line in lines for s in line.split(". ") if s.strip()]
    return texts + lines + sentences


def _varied(texts: list[str]) -> Iterator[str]:
    """Each text as written, in capitals, title case, without diacritics, with digits or punctuation spliced in."""
    for n, text in enumerate(texts):
        yield text
        yield text.upper()
        yield text.title()
        yield fold(text)
        words = text.split(" ")
        yield " ".join(w + (f" {n % 97}.{n % 13}" if i % 5 == 0 else "") for i, w in enumerate(words))
        yield " ".join(w + string.punctuation[(n + i) % len(string.punctuation)] for i, w in enumerate(words))


def _pyvi(texts: list[str]) -> list[str]:
    return [ViTokenizer.tokenize(t) for t in texts]


@pytest.fixture()
def pyvi_mode():  # type: ignore[no-untyped-def]
    yield seg.use_pyvi
    seg.use_pyvi(False)


def test_path_scores_are_crfsuites_own() -> None:
    # python-crfsuite gives P(y|x) of any labelling; the ratio of two is exp of the difference of
    # their scores, which the model read here must reproduce from its weights and attribute ids.
    labeller = pyvi_labeller()
    model, tagger = labeller.model, ViTokenizer.model.tagger_
    assert model.labels == ("B_W", "I_W") == tuple(tagger.labels())
    checked = 0
    for text in _repo_texts()[:60]:
        units = ViTokenizer.sylabelize(text)[1][:80]
        if len(units) < 2:
            continue
        tagger.set(ViTokenizer.sent2features(units, False))
        scores = labeller.state_scores([units])
        best = [model.labels.index(y) for y in tagger.tag()]
        flat = [0] * len(units)

        def score(path: list[int], scores: np.ndarray = scores) -> float:
            return float(
                sum(scores[t, y] for t, y in enumerate(path))
                + sum(model.transition[a, b] for a, b in itertools.pairwise(path))
            )

        ratio = math.log(tagger.probability([model.labels[y] for y in best])) - math.log(
            tagger.probability([model.labels[y] for y in flat])
        )
        assert score(best) - score(flat) == pytest.approx(ratio, rel=1e-6, abs=1e-6)
        checked += 1
    assert checked > 30


def test_a_file_that_is_not_a_crfsuite_model_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "model.crfsuite"
    bad.write_bytes(b"not a model" * 10)
    with pytest.raises(ValueError, match="model.crfsuite: not a CRFsuite"):
        CrfModel.load(bad)


def test_thousands_of_varied_texts_are_tokenized_exactly_as_pyvi_does() -> None:
    texts = list(_varied(_repo_texts()))
    assert len(texts) > 2000
    assert tokenize_all(texts) == _pyvi(texts)


def test_one_text_at_a_time_is_the_same_as_a_batch() -> None:
    texts = _repo_texts()[:40]
    assert [tokenize(t) for t in texts] == tokenize_all(texts)


def test_texts_without_units_come_back_as_given() -> None:
    for text in ("", "   ", "\t \n", " \u00a0"):
        assert tokenize(text) == ViTokenizer.tokenize(text)


# Letters pyvi's features treat specially (capitals, title case, digits), Vietnamese ones, and
# the odd ones: final sigma, dotted capital I, a combining mark, NUL, emoji, fullwidth digits.
_ALPHABET = st.sampled_from(
    list("aàảãáạăằẳẵắặâầẩẫấậđeêoôơuưyAĂÂĐÊÔƠƯHNTPhntgđiệnkinhtế0123456789")
    + list(" \n\t.,;:!?-_/()[]\"'%&@+=<>…“”–")
    + ["ΑΣ", "σ", "İ", "\u0301", "\x00", "😀", "１２", "ǅ", "ß", "TP.", "Mr.", "==>", "->", "...", ">>", "http://a.b/c"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_ALPHABET, max_size=60).map("".join), min_size=1, max_size=5))
def test_generated_strings_are_tokenized_exactly_as_pyvi_does(texts: list[str]) -> None:
    assert tokenize_all(texts) == _pyvi(texts)


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=80))
def test_any_unicode_text_is_tokenized_exactly_as_pyvi_does(text: str) -> None:
    assert tokenize(text) == ViTokenizer.tokenize(text)


def test_a_very_long_line_is_tokenized_exactly_as_pyvi_does() -> None:
    line = " ".join(_repo_texts()[:20]).replace("\n", " ") * 12
    assert len(line) > 20_000
    assert tokenize(line) == ViTokenizer.tokenize(line)


def test_the_build_segments_as_it_did_with_pyvis_own_code(pyvi_mode) -> None:  # type: ignore[no-untyped-def]
    texts = _repo_texts()
    ours = seg.segment_all(texts)
    pyvi_mode(True)
    assert seg.segment_all(texts) == ours
    assert [seg.segment(t) for t in texts[:30]] == ours[:30]


def test_segmenting_in_a_batch_gives_each_texts_own_words() -> None:
    texts = _repo_texts()[:50]
    alone = [seg.segment(t) for t in texts]
    with seg.batch(texts):
        assert [seg.segment(t) for t in texts] == alone
        assert seg.segment("Hà Nội mưa to") == seg.segment_all(["Hà Nội mưa to"])[0]  # not in the batch
    assert seg._batch == {}


def _shared_sample(every: int) -> Iterator[str]:
    """Every `every`-th article's texts of each shared corpus."""
    corpus = need_shared("corpus")
    for path in sorted(corpus.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in itertools.islice(fh, 0, None, every):
                row = json.loads(line)
                yield from (row[k] for k in ("title", "sapo", "body") if isinstance(row.get(k), str))


@pytest.mark.slow
def test_a_sample_of_the_shared_corpus_is_tokenized_exactly_as_pyvi_does() -> None:
    # One article in 100 of the 251,222; all of them: `make bench-segment`.
    texts = list(_shared_sample(100))
    assert len(texts) > 2000
    for start in range(0, len(texts), 300):
        chunk = texts[start : start + 300]
        assert tokenize_all(chunk) == _pyvi(chunk)


def test_threads_segmenting_at_once_get_pyvis_labels() -> None:
    # The labeller's cache of units grows while several threads use it (a threaded server).
    from concurrent.futures import ThreadPoolExecutor

    texts = list(_varied(_repo_texts()))[:600]
    expected = _pyvi(texts)
    labeller = pyvi_labeller()
    labeller._units.clear()  # every thread adds units at once
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(tokenize, texts))
    assert got == expected
