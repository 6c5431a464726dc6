"""How far two readers of the TEST split agree on "about", beside the tagger against each.

    python -m bench.agreement [--second tests/data/province_labels_second.jsonl] [--shared ../shared]

The second reading (`tests/data/province_labels_second.md`) was made blind, from the same guide,
by readers who saw neither the first labels nor the tagger. Its agreement with the gold labels is
the ceiling a tagger can be held to on this set.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.geo import tagger

from .tagger_eval import DATA, REPO, f1, load_texts, micro, split_labels

SECOND = DATA / "province_labels_second.jsonl"


def second_reading(path: Path) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """id → (34-unit, 63-unit) provinces of the second reading."""
    found = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                found[row["id"]] = (frozenset(row["provinces"]), frozenset(row["provinces_old"]))
    return found


@click.command()
@click.option("--second", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=SECOND)
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), default=REPO.parent / "shared")
def main(second: Path, shared: Path) -> None:
    """Print the second reading against the gold labels, and the tagger against both."""
    labels = split_labels("test")
    other = second_reading(second)
    missing = [label.ident for label in labels if label.ident not in other]
    if missing:
        raise click.ClickException(f"{second}: no second reading of {len(missing)} TEST articles, e.g. {missing[:3]}")
    texts = load_texts(labels, shared / "corpus")
    for era, k in (("34-unit", 0), ("63-unit", 1)):
        gold = [(label.new, label.old)[k] for label in labels]
        again = [other[label.ident][k] for label in labels]
        tagged = []
        for label in labels:
            reading = tagger().read(*texts[label.corpus, label.ident])
            tagged.append(frozenset((reading.about, reading.about_old)[k]))
        same = sum(a == b for a, b in zip(again, gold, strict=True))
        click.echo(f"{era} era, {len(labels)} articles ({same} read identically by both readers):")
        for name, pairs in (
            ("second reading vs gold", zip(again, gold, strict=True)),
            ("tagger vs gold", zip(tagged, gold, strict=True)),
            ("tagger vs second reading", zip(tagged, again, strict=True)),
        ):
            p, r, *_ = micro([(set(a), set(b)) for a, b in pairs])
            click.echo(f"  {name:>24}: P {p:.3f} R {r:.3f} F1 {f1(p, r):.3f}")


if __name__ == "__main__":
    main()
