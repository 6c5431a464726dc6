"""Queries typed in Telex or VNI without an input method: are they read as intended, and only they?

    python -m bench.keyboard --index var/bench-cluster/single [--phrases 200] [--seed 20261203]

Phrases are taken from real titles of the index: a run of two to four words of a randomly chosen
article's title, the first that has a word needing a key. The
phrase is typed as Telex and as VNI, and each is searched. The result counts as read when the
search says it searched exactly the phrase. It also says whether the article the title came from
is the first hit, and whether it is in the top 10, for the reading and for the phrase typed
right. Then queries that were already right must change nothing: phrases typed right, the same
without diacritics, and the index's most common ASCII words that Telex would read as something.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import click

from indexer import Index, SearchRequest, search
from indexer.text.keyboard import reading, to_telex, to_vni
from indexer.text.normalization import fold

_SYLLABLE = re.compile(r"^[^\W\d_]+$")


def _phrases(snap: Any, count: int, seed: int) -> list[tuple[str, str]]:
    """(article id, phrase) pairs from random titles: 2–4 words, one at least needing a key."""
    rng = random.Random(seed)
    live = [int(d) for d in snap.live.nonzero()[0]]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(out) < count:
        art = snap.article(rng.choice(live))
        words = [w.strip(",.:;!?\"'()“”‘’").lower() for w in (art.title or "").split()]
        words = [w for w in words if w]
        size = rng.randint(2, 4)
        for start in range(0, max(1, len(words) - size + 1)):
            chunk = words[start : start + size]
            if len(chunk) == size and all(_SYLLABLE.match(w) for w in chunk) and any(fold(w) != w for w in chunk):
                phrase = unicodedata.normalize("NFC", " ".join(chunk))
                if phrase not in seen:
                    seen.add(phrase)
                    out.append((art.id, phrase))
                break
    return out


def _rank(res: Any, article_id: str) -> int | None:
    ids = [h.id for h in res.hits]
    return ids.index(article_id) + 1 if article_id in ids else None


@click.command()
@click.option("--index", "index_path", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--phrases", default=200, show_default=True)
@click.option("--seed", default=20261203, show_default=True)
@click.option("--json", "json_path", type=click.Path(path_type=Path))
def main(index_path: Path, phrases: int, seed: int, json_path: Path | None) -> None:
    """Print how often Telex and VNI queries are read as intended, and how often right ones change."""
    snap = Index(index_path).snapshot()
    pairs = _phrases(snap, phrases, seed)
    figures: dict[str, Any] = {"phrases": len(pairs)}
    misses: list[str] = []
    for name, typer in (("telex", to_telex), ("vni", to_vni)):
        read = first = top10 = 0
        for article_id, phrase in pairs:
            typed = " ".join(typer(w) for w in phrase.split())
            res = search(snap, SearchRequest(q=typed, facets=False, snippets=False))
            if res.searched == phrase:
                read += 1
                rank = _rank(res, article_id)
                first += rank == 1
                top10 += rank is not None
            else:
                misses.append(f"{name}: {typed!r} → {res.searched!r} (meant {phrase!r}, {res.total} as typed)")
        figures[name] = {"read": read, "first": first, "top10": top10}
    right_first = right_top10 = 0
    for article_id, phrase in pairs:
        rank = _rank(search(snap, SearchRequest(q=phrase, facets=False, snippets=False)), article_id)
        right_first += rank == 1
        right_top10 += rank is not None
    figures["typed_right"] = {"first": right_first, "top10": right_top10}
    # Queries already right: the phrases with and without diacritics, and common ASCII words
    # of the index that Telex would read as something (the ones at risk).
    vocab = snap.vocabulary
    risky = sorted(
        (df, text)
        for text, (best, df) in vocab.syllables.items()
        if text.isascii() and best == text and reading(text) is not None
    )[::-1][:100]
    right = [p for _, p in pairs] + [fold(p) for _, p in pairs] + [t for _, t in risky]
    right = list(dict.fromkeys(right))[:500]
    changed = []
    for q in right:
        res = search(snap, SearchRequest(q=q, facets=False, snippets=False))
        if res.searched is not None:
            changed.append(f"{q!r} → {res.searched!r}")
    figures["right_queries"] = len(right)
    figures["changed"] = len(changed)
    snap.close()
    n = len(pairs)
    print(f"{n} phrases from titles of {index_path}")
    for name in ("telex", "vni"):
        f = figures[name]
        print(
            f"  {name}: read as intended {f['read']}/{n} ({f['read'] / n:.1%}); its article first "
            f"{f['first']}/{n}, in the top 10 {f['top10']}/{n}"
        )
    r = figures["typed_right"]
    print(f"  typed right (reference): article first {r['first']}/{n}, in the top 10 {r['top10']}/{n}")
    print(
        f"{len(right)} queries already right (incl. {len(risky)} common ASCII words Telex would read): "
        f"changed {len(changed)}"
    )
    for line in (changed + misses)[:30]:
        print("  " + line)
    if json_path:
        json_path.write_text(
            json.dumps({**figures, "misses": misses, "changed_queries": changed}, ensure_ascii=False, indent=1)
        )


if __name__ == "__main__":
    main()
