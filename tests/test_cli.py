"""The command line: build, stats, search and segment, their messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from tests.support import DATA, ROOT, SEED, need_shared


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_stats_search_roundtrip(tmp_path: Path) -> None:
    index = str(tmp_path / "ix")
    code, out, _ = run(
        "build",
        "--corpus",
        str(DATA / "search.jsonl"),
        "--corpus",
        str(SEED),
        "--index",
        index,
        "--jobs",
        "1",
    )
    assert code == 0, out
    assert out.startswith("indexed 14; added 14; updated 0; skipped 0;")
    code, out, _ = run("stats", "--index", index, "--json")
    info = json.loads(out)
    assert info["articles"] == 14
    assert info["sources"]["tuoitre.vn"] == 3
    assert info["date_sources"] == {"published": 11, "none": 3}
    code, out, _ = run("search", "--index", index, "--province", "bac ninh", "--json", "")
    doc = json.loads(out)
    assert "seed-bac-ninh-pckb" in [h["id"] for h in doc["hits"]]
    assert set(doc) >= {
        "query",
        "total",
        "page",
        "per_page",
        "took_ms",
        "suggestion",
        "relaxed",
        "hits",
        "facets",
    }
    code, out, _ = run("search", "--index", index, "khủng bố Bắc Ninh")
    assert code == 0 and "Ban chỉ đạo phòng, chống khủng bố" in out


def test_skipped_records_give_exit_status_3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "title": "Một"}\n{broken\n', encoding="utf-8")
    code, out, err = run("build", "--corpus", str(bad), "--index", str(tmp_path / "ix"), "--jobs", "1")
    assert code == 3
    assert f"warning: {bad}:2: skipped: invalid JSON" in err
    assert "skipped 1 (invalid JSON: 1)" in out


def test_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    code, _, err = run("search", "--index", str(tmp_path / "none"), "x")
    assert code == 1 and "no index at" in err and "Traceback" not in err
    index = str(tmp_path / "ix")
    run("build", "--corpus", str(SEED), "--index", index, "--jobs", "1")
    code, _, err = run("search", "--index", index, "--province", "Bắc Nimh", "x")
    assert code == 1 and "--province: unknown province 'Bắc Nimh'" in err and "Bắc Ninh" in err
    code, _, err = run("search", "--index", index, "--from", "2021-13-01", "x")
    assert code == 1 and "--from:" in err


def test_segment_prints_pyvis_own_output_line_by_line() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()[:40] + ["", "TP.HCM: 1.000 người!"]
    stdin = "\n".join(lines) + "\n"
    ours = CliRunner().invoke(main, ["segment", "--batch", "7"], input=stdin)
    theirs = CliRunner().invoke(main, ["segment", "--pyvi"], input=stdin)
    assert ours.exit_code == theirs.exit_code == 0
    assert ours.stdout == theirs.stdout
    assert ours.stdout.splitlines()[-2:] == ["", "TP. HCM : 1.000 người !"]
    assert len(ours.stdout.splitlines()) == len(lines)


def test_help_has_examples() -> None:
    for command in ("build", "search", "stats", "optimize", "segment"):
        code, out, _ = run(command, "--help")
        examples = [line.strip() for line in out.splitlines() if line.strip().startswith("python -m indexer ")]
        # Each example keeps its own line (click's \b), even one longer than the help is wide.
        assert code == 0 and examples and all(e.startswith(f"python -m indexer {command} ") for e in examples), out
    assert "python -m indexer build --corpus ../shared/corpus/dantri-unc.jsonl.gz --index var/index --prune" in (
        run("build", "--help")[1]
    )


@pytest.mark.slow
def test_dantri_corpus_indexes_2653_articles(tmp_path: Path) -> None:
    corpus = need_shared("corpus", "dantri-unc.jsonl.gz")
    index = str(tmp_path / "ix")
    code, out, _ = run("build", "--corpus", str(corpus), "--index", index)
    assert code in (0, 3), out
    info = json.loads(run("stats", "--index", index, "--json")[1])
    assert info["articles"] == 2653
    assert info["sources"] == {"dantri.com.vn": 2653}


def test_readme_cli_reference_is_the_current_help() -> None:
    from cogapp import Cog

    # cog --check exits 5 when regenerating would change the file; run `make docs` to refresh it.
    status = Cog().main(["cog", "--check", str(ROOT / "README.md")])
    assert status == 0, "README.md's command-line reference is stale: run `make docs`"
