"""The application factory: configuration from the environment, the maps found beside each other."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.support import MAP_34, MAP_63
from webapp import create_app

needs_maps = pytest.mark.skipif(
    not (MAP_34.exists() and MAP_63.exists()),
    reason="../shared/geo maps are absent: map tests need them",
)


def test_create_app_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VNNEWS_INDEX", str(tmp_path / "ix"))
    monkeypatch.setenv("VNNEWS_MAP", "")
    app: Flask = create_app()
    assert app.config["INDEX"] == str(tmp_path / "ix")
    assert app.config["MAP"] == ""
    assert app.extensions["vnnews_maps"] == {"new": None, "old": None}


@needs_maps
def test_old_map_is_found_beside_the_new_one(monkeypatch: pytest.MonkeyPatch, web_index: Path) -> None:
    monkeypatch.setenv("VNNEWS_INDEX", str(web_index))
    monkeypatch.setenv("VNNEWS_MAP", str(MAP_34))
    monkeypatch.delenv("VNNEWS_MAP_OLD", raising=False)
    app = create_app()
    assert app.config["MAP_OLD"] == str(MAP_63)
    assert app.extensions["vnnews_maps"]["old"].era == "old"
