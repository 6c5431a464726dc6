"""The build benchmark: the pyvi-only pass and the product's build of one corpus, and their ratio."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bench.build import main
from tests.support import DATA


def test_the_build_is_timed_against_the_pyvi_pass_on_the_same_articles(tmp_path: Path) -> None:
    out = tmp_path / "build.json"
    work = tmp_path / "work"
    args = ["--corpus", str(DATA / "articles.jsonl"), "--work", str(work), "--jobs", "1", "--segmenter"]
    done = CliRunner().invoke(main, [*args, "--json", str(out)])
    assert done.exit_code == 0, done.output
    report = json.loads(out.read_text())
    stages = report["stages"]
    assert list(stages) == ["tokens", "segments", "vnnews"]
    assert {row["docs"] for row in stages.values()} == {30}
    assert stages["tokens"]["chars"] == stages["segments"]["chars"] > 0
    assert report["build_over_pyvi_pass"] == stages["vnnews"]["seconds"] / stages["tokens"]["seconds"]
    assert report["segments"] >= 1 and report["index_mb"] > 0
    assert not list(work.glob("tokens*"))  # the peers' tokens are not kept
    assert "the pyvi-only pass" in done.output
    # The build says where its time went: its phases within its wall time, CPU on both sides.
    build = stages["vnnews"]
    phases = [build[f"{name}_s"] for name in ("analysis", "commit", "stories")]
    assert all(p > 0 for p in phases) and sum(phases) <= build["seconds"]
    assert build["cpu_self_s"] > 0 and build["cpu_children_s"] > 0
