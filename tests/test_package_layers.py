"""The house's layers, read from the source: every import (top of a module or inside a function)
goes down, never up or sideways into a cycle, so a newcomer can read the code top-down:

    nianbao   commands (cli, nightly, distributed, serve), publishing, benches, the demo
    crawler   Scrapy project: spiders yield, middlewares and pipelines do the rest
    store     SQLite (one module owns the schema) and the archive of originals
    parsers   bytes in, a report out
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["parsers", "store", "crawler", "nianbao"]      # bottom to top


def _imports(path: Path) -> set[str]:
    """Top-level packages of this project that ``path`` imports, anywhere in the module."""
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        else:
            continue
        found.update(n.split(".")[0] for n in names if n.split(".")[0] in LAYERS)
    return found


def _modules(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def test_every_import_goes_down_the_layers():
    upward = []
    for package in LAYERS:
        rank = LAYERS.index(package)
        for path in _modules(package):
            for target in _imports(path):
                if LAYERS.index(target) > rank:
                    upward.append(f"{path.relative_to(ROOT)} imports {target}")
    assert _modules("parsers") and _modules("store")
    assert upward == []


def test_spiders_import_neither_the_store_nor_the_archive():
    spiders = _modules("crawler/spiders")
    assert spiders
    offenders = [str(p.relative_to(ROOT)) for p in spiders if "store" in _imports(p)]
    assert offenders == []


# not the archive's schema: scratch databases in memory
IN_MEMORY = {"nianbao/search.py": "an FTS5 table in :memory: tokenizes a query the way the index tokenized the text"}


def test_one_module_creates_the_schema():
    statement = re.compile(r"CREATE\s+(TABLE|INDEX|UNIQUE INDEX|VIEW|TRIGGER|VIRTUAL TABLE)\b|\.create\(|\.create_index\(|\.enable_fts\(|\.add_column\(",
                           re.IGNORECASE)
    owners = set()
    for package in LAYERS:
        for path in _modules(package):
            source = path.read_text("utf-8")
            if not statement.search(source):
                continue
            name = str(path.relative_to(ROOT))
            if name in IN_MEMORY:
                assert 'sqlite3.connect(":memory:"' in source
                continue
            owners.add(name)
    assert owners == {"store/database.py"}
