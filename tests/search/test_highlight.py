"""Snippets: the find-based span search agrees with tokenizing the whole text, then marks and cuts."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.highlight import _SYLLABLE, Needle, _spans, _spans_by_token, mark_all, snippet
from indexer.text import fold
from tests.support import DATA


def needles_of(words: str, folded_too: bool = True) -> list[Needle]:
    """Every syllable of words and every pair of neighbours, as typed and, when asked, folded."""
    sylls = [m.group(0).lower() for m in _SYLLABLE.finditer(words)]
    runs = [(s,) for s in sylls] + [tuple(sylls[i : i + 2]) for i in range(len(sylls) - 1)]
    out: list[Needle] = [(r, False) for r in runs]
    if folded_too:
        out += [(tuple(fold(s) for s in r), True) for r in runs]
    return out


def test_spans_agree_with_tokenizing_on_the_test_articles() -> None:
    checked = 0
    for name in ("search.jsonl", "articles.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            art = json.loads(line)
            text = " ".join(p for p in (art.get("sapo"), art.get("body")) if p)
            needles = needles_of(art.get("title") or "")
            fast = _spans(text, needles)
            assert fast == _spans_by_token(text, needles), art["id"]
            checked += len(fast)
    assert checked > 100  # the titles' words do occur in their texts


def test_spans_keep_whole_tokens() -> None:
    text = "Giá 1.000 đồng, 000 đồng; a.b và b; Bắc Ninh, bắc-ninh, BẮC NINH."
    assert [text[s:e] for s, e, _ in _spans(text, [(("000",), False)])] == ["000"]
    assert [text[s:e] for s, e, _ in _spans(text, [(("b",), False)])] == ["b"]
    found = [text[s:e] for s, e, _ in _spans(text, [(("bắc", "ninh"), False)])]
    assert found == ["Bắc Ninh", "bắc-ninh", "BẮC NINH"]
    assert [text[s:e] for s, e, _ in _spans(text, [(("bac", "ninh"), True)])] == found


def test_spans_fall_back_when_lowercase_changes_length() -> None:
    text = "İstanbul và Bắc Ninh"  # 'İ'.lower() is two characters
    needles: list[Needle] = [(("bắc", "ninh"), False), (("bac",), True)]
    assert _spans(text, needles) == _spans_by_token(text, needles) == [(12, 20, 1)]


LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
ALPHABET = LETTERS + LETTERS.upper()[:20] + "0123456789 .,_-;İ\u0301"


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.text(alphabet=ALPHABET, max_size=120),
    words=st.lists(st.text(alphabet=LETTERS + "0123456789.,", min_size=1, max_size=4), min_size=1, max_size=3),
)
def test_spans_agree_with_tokenizing_on_random_text(text: str, words: list[str]) -> None:
    needles = needles_of(" ".join(words)) + needles_of(text[:12])
    assert _spans(text, needles) == _spans_by_token(text, needles)


def test_mark_all_and_snippet() -> None:
    text = "Mở đầu. " + "Chữ " * 100 + "Công an tỉnh Bắc Ninh diễn tập chống khủng bố. " + "Kết " * 100
    needles = needles_of("khủng bố Bắc Ninh")
    marked = mark_all("<Bắc> & khủng bố", needles)
    assert marked == "&lt;<mark>Bắc</mark>&gt; &amp; <mark>khủng bố</mark>"
    cut = snippet(text, needles)
    assert cut.startswith("…") and cut.endswith("…")
    assert "<mark>Bắc Ninh</mark>" in cut and "<mark>khủng bố</mark>" in cut
    assert len(cut.replace("<mark>", "").replace("</mark>", "")) <= 202
