"""The package layering of indexer/: each layer imports only those before it, Whoosh stays inside."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import ROOT

PACKAGE = ROOT / "indexer"
# Pipeline order: a package may import itself and the ones before it, never one after.
LAYERS = ["errors", "text", "geo", "ingest", "analysis", "store", "indexing", "query", "search", "cluster"]
# Modules that may import Whoosh: the analysis components, the storage engine, the snapshot.
WHOOSH_ALLOWED = ("analysis/", "store/", "search/snapshot.py")


def _imports(path: Path) -> list[str]:
    """Absolute module names path imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module.removesuffix(".__init__")
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append(name)
    return out


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "indexer" and parts[1] in LAYERS else None


def test_each_layer_imports_only_the_layers_before_it() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        own = _layer(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if own is None:
            continue  # the package surface, cli and __main__ sit above every layer
        for name in _imports(path):
            used = _layer(name)
            if used is not None and LAYERS.index(used) > LAYERS.index(own):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, wrong


def test_only_analysis_store_and_the_snapshot_import_whoosh() -> None:
    found = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if any(name.split(".")[0] == "whoosh" for name in _imports(path)) and not rel.startswith(WHOOSH_ALLOWED):
            found.append(rel)
    assert not found, found
    for path in (ROOT / "webapp").rglob("*.py"):
        assert not any(n.split(".")[0] == "whoosh" for n in _imports(path)), path


def test_the_web_app_uses_only_the_library_surface() -> None:
    found = []
    for path in (ROOT / "webapp").rglob("*.py"):
        for name in _imports(path):
            if name.startswith("indexer.") and name != "indexer":
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not found, found


def test_the_embedded_default_imports_no_ray(tmp_path: Path) -> None:
    # `make run` does not install the cluster extra: the library, the CLI and the web app on a
    # local index must work without Ray.
    import subprocess
    import sys

    code = (
        "import sys, indexer, indexer.cli, webapp\n"
        f"app = webapp.create_app({{'TESTING': True, 'INDEX': {str(tmp_path)!r}}})\n"
        "app.test_client().get('/healthz')\n"
        "assert 'ray' not in sys.modules, sorted(m for m in sys.modules if m.startswith('ray'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
