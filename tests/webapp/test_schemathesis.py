"""schemathesis's own CLI against a served /api/openapi.json, every check: the API does what it says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.serve_while_indexing import gunicorn

CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
ST = Path(sys.executable).with_name("st")


@pytest.mark.slow
def test_schemathesis_run_with_every_check_finds_nothing(web_index: Path, tmp_path: Path) -> None:
    # A real client on a real server (gunicorn, as `make serve` runs it): examples at the limits
    # of every parameter, fuzzing, and the stateful phase that follows the OpenAPI links from a
    # hit's id to the article and its similar articles.
    # ST_SEED=<seed> replays a run that failed elsewhere (schemathesis prints its seed).
    seed = ["--seed", os.environ["ST_SEED"]] if os.environ.get("ST_SEED") else []
    with gunicorn(web_index, tmp_path / "gunicorn.log", workers=2) as server:
        run = subprocess.run(
            [str(ST), "--config-file", str(CONFIG), "run", f"{server.url}/api/openapi.json", "--checks", "all", *seed],
            env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)},
            cwd=tmp_path,  # its cache of crashes stays in the test's folder
            capture_output=True,
            text=True,
            timeout=600,
        )
    summary = run.stdout[run.stdout.find("SUMMARY") :] if "SUMMARY" in run.stdout else run.stdout[-3000:]
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    # Every operation was tested, and the links were followed.
    assert "Tested: 10" in summary and "Stateful" in summary, summary
