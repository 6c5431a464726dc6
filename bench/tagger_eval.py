"""Province tagger evaluation against the hand-labelled sets, with its errors listed.

    python -m bench.tagger_eval [--split dev|test|all] [--labels FILE] [--shared ../shared]

Prints micro precision, recall and F1 per era (overall and per corpus), for the provinces an
article is about and, on the labels that list them, for the provinces it mentions; then every
false positive and false negative of "about" with the tagger's score and a short context around
each mention of the province. Tune on the DEV split; the TEST split is read by `make eval` and
the test suite only.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import click

from indexer import Gazetteer
from indexer.geo import tag, tagger
from indexer.text import normalize

REPO = Path(__file__).resolve().parents[1]
_ID_HEAD = re.compile(r'\{\s*"id"\s*:\s*"([^"\\]*)"')
_FIELDS = ("title", "sapo", "body")

Texts = tuple[str, str, str]
Pair = tuple[set[str], set[str]]


DATA = REPO / "tests" / "data"
# The label files and the split each belongs to; a file whose rows carry "split" is divided by it
# (province_labels_c.md and _d.md say how it was drawn).
LABEL_FILES = {
    "province_dev_labels.jsonl": "dev",
    "province_labels.jsonl": "test",
    "province_labels_c.jsonl": None,
    "province_labels_d.jsonl": None,
    "province_labels_train.jsonl": "train",
}
SPLITS = ("train", "dev", "test", "all")


@dataclass(frozen=True, slots=True)
class Label:
    """One hand-labelled article: where it is, the provinces it is about in each era, and (when
    labelled) every province it mentions."""

    ident: str
    corpus: str
    new: frozenset[str]
    old: frozenset[str]
    note: str
    mentioned: frozenset[str] | None = None
    mentioned_old: frozenset[str] | None = None


def load_labels(path: Path, split: str = "all") -> list[Label]:
    """The labels of one JSONL file in one split, one article per non-empty line."""
    whole = LABEL_FILES.get(path.name)
    labels = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if split != "all" and row.get("split", whole) != split:
                continue
            labels.append(
                Label(
                    ident=row["id"],
                    corpus=row["corpus"],
                    new=frozenset(row["provinces"]),
                    old=frozenset(row["provinces_old"]),
                    note=row.get("note", ""),
                    mentioned=frozenset(row["mentioned"]) if "mentioned" in row else None,
                    mentioned_old=frozenset(row["mentioned_old"]) if "mentioned_old" in row else None,
                )
            )
    return labels


def split_labels(split: str) -> list[Label]:
    """Every labelled article of one split (dev, test or all), over all the label files."""
    return [label for name in LABEL_FILES for label in load_labels(DATA / name, split)]


def load_texts(labels: list[Label], corpus_dir: Path) -> dict[tuple[str, str], Texts]:
    """(corpus, id) → normalised (title, sapo, body), reading each corpus file once."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for label in labels:
        wanted[label.corpus].add(label.ident)
    texts: dict[tuple[str, str], Texts] = {}
    for corpus, ids in wanted.items():
        path = corpus_dir / corpus
        if corpus.endswith(".txt"):
            lines = [s.strip() for s in normalize(path.read_text("utf-8")).split("\n") if s.strip()]
            for ident in ids:
                texts[corpus, ident] = (lines[0], "", "\n".join(lines[1:]))
            continue
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                # Every record starts with its id: parse only the lines whose id is wanted.
                head = _ID_HEAD.match(line)
                if head is not None and head.group(1) not in ids:
                    continue
                record = json.loads(line)
                if record["id"] in ids:
                    title, sapo, body = (normalize(record[k] or "") for k in _FIELDS)
                    texts[corpus, record["id"]] = (title, sapo, body)
    return texts


def micro(pairs: list[Pair]) -> tuple[float, float, int, int, int]:
    """(precision, recall, true positives, predicted, gold) over (predicted, gold) pairs."""
    tp = sum(len(p & g) for p, g in pairs)
    predicted = sum(len(p) for p, _ in pairs)
    gold = sum(len(g) for _, g in pairs)
    return (tp / predicted if predicted else 1.0), (tp / gold if gold else 1.0), tp, predicted, gold


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _surfaces_by_old() -> dict[str, list[str]]:
    """Old-unit name → the forms that name it in text (official name, aliases, listed places)."""
    forms: dict[str, list[str]] = defaultdict(list)
    for p in Gazetteer.load().provinces("old"):
        forms[p.name] += [p.name, *(a for a in p.aliases if len(a) > 3)]
    with (REPO / "indexer" / "geo" / "data" / "province_surfaces.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for name in row["province"].split("|"):
                if name and float(row["weight"]) > 0:
                    forms[name].append(row["surface"])
    return forms


def contexts(texts: Texts, forms: list[str], width: int = 50, limit: int = 4) -> list[str]:
    """Up to `limit` snippets around the forms in title (T), sapo (S) and body (B@offset)."""
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
    found: list[str] = []
    for field, text in zip("TSB", texts, strict=True):
        for m in pattern.finditer(text):
            lo, hi = max(0, m.start() - width), min(len(text), m.end() + width)
            snippet = text[lo:hi].replace("\n", " ¶ ")
            where = f"B@{m.start()}" if field == "B" else field
            found.append(f"{where}: …{snippet}…")
    if len(found) > limit:
        found = found[:limit] + [f"(+{len(found) - limit} more)"]
    return found


ByEra = dict[str, list[Pair]]
# Kinds of tags compared: "new"/"old" for about, "new mentions"/"old mentions" for mentions.
KINDS = ("new", "old", "new mentions", "old mentions")


def pairs(labels: list[Label], texts: dict[tuple[str, str], Texts]) -> tuple[ByEra, dict[str, ByEra]]:
    """(predicted, gold) pairs per kind (about and mentions, each era), overall and per corpus."""
    kinds: ByEra = {k: [] for k in KINDS}
    by_corpus: dict[str, ByEra] = defaultdict(lambda: {k: [] for k in KINDS})
    for label in labels:
        reading = tagger().read(*texts[label.corpus, label.ident])
        compared = [("new", reading.about, label.new), ("old", reading.about_old, label.old)]
        if label.mentioned is not None and label.mentioned_old is not None:
            compared += [
                ("new mentions", reading.mentioned, label.mentioned),
                ("old mentions", reading.mentioned_old, label.mentioned_old),
            ]
        for kind, predicted, gold in compared:
            pair = (set(predicted), set(gold))
            kinds[kind].append(pair)
            by_corpus[label.corpus][kind].append(pair)
    return kinds, by_corpus


def figure(found: list[Pair]) -> str:
    """'P 0.91 R 0.93 F1 0.92' for some pairs."""
    p, r, *_ = micro(found)
    return f"P {p:.3f} R {r:.3f} F1 {f1(p, r):.3f}"


def print_figures(kinds: ByEra, by_corpus: dict[str, ByEra], n: int, title: str = "") -> None:
    """Micro precision, recall and F1 per era, about then mentions, then per corpus."""
    print(f"province tagger on {n} labelled articles{title} (micro-averaged):")
    for kind in KINDS:
        if not kinds[kind]:
            continue
        p, r, tp, predicted, gold = micro(kinds[kind])
        print(
            f"  {kind:>12}: precision {p:.3f} ({tp}/{predicted}), recall {r:.3f} ({tp}/{gold}), "
            f"F1 {f1(p, r):.3f}  [{len(kinds[kind])} articles]"
        )
    for corpus, found in sorted(by_corpus.items()):
        print(f"  {corpus} ({len(found['new'])} articles):")
        for kind in KINDS:
            if found[kind]:
                print(f"    {kind:>12}: {figure(found[kind])}")


def evaluate(labels: list[Label], texts: dict[tuple[str, str], Texts], show: bool, title: str = "") -> None:
    """Print micro figures per era and corpus, then the errors when show is set."""
    gaz = Gazetteer.load()
    forms = _surfaces_by_old()
    errors: list[str] = []
    for label in labels:
        article = texts[label.corpus, label.ident]
        new, old = tag(*article)
        fp, fn = set(old) - label.old, label.old - set(old)
        new_fp, new_fn = set(new) - label.new, label.new - set(new)
        if not (fp or fn or new_fp or new_fn):
            continue
        scores = tagger().scores(*article)
        errors.append(f"\n{label.corpus} {label.ident}  gold={sorted(label.old)}  got={old}")
        if new_fp or new_fn:
            errors.append(f"  new era: FP {sorted(new_fp)} FN {sorted(new_fn)}")
        errors.append(f"  title: {article[0][:120]}")
        errors.append(f"  note: {label.note}")
        for kind, names in (("FP", fp), ("FN", fn)):
            for name in sorted(names):
                province = gaz.resolve(name, "old")
                errors.append(f"  {kind} {name} (score {scores.get(province.name, 0.0):.2f})")
                errors += [f"      {c}" for c in contexts(article, forms[province.name])]
    print_figures(*pairs(labels, texts), len(labels), title)
    if show:
        print("\n".join(errors))


@click.command()
@click.option("--split", type=click.Choice(SPLITS), default="dev", show_default=True, help="Which labels to read.")
@click.option(
    "--labels",
    "labels_path",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="One label file instead of the split's (its rows of --split).",
)
@click.option("--shared", type=click.Path(path_type=Path), default=REPO.parent / "shared")
@click.option("--errors/--no-errors", default=True, help="List false positives and negatives.")
def main(split: str, labels_path: Path | None, shared: Path, errors: bool) -> None:
    """Evaluate the province tagger against hand labels."""
    corpus_dir = shared / "corpus"
    if not corpus_dir.is_dir():
        raise click.UsageError(f"{corpus_dir} not found: pass --shared")
    labels = load_labels(labels_path, split) if labels_path else split_labels(split)
    texts = load_texts(labels, corpus_dir)
    missing = [(lb.corpus, lb.ident) for lb in labels if (lb.corpus, lb.ident) not in texts]
    if missing:
        raise click.ClickException(f"labelled articles not in the corpora: {missing[:5]}")
    evaluate(labels, texts, errors, f" ({labels_path.name if labels_path else split} split)")


if __name__ == "__main__":
    main()
