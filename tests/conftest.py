"""Shared pytest fixtures over real files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SEEDS = sorted((HERE / "fixtures" / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def seeds():
    """(path, expected dict) for each real seed report."""
    return [(p, json.loads(p.with_suffix("").with_suffix(".expected.json").read_text("utf-8"))) for p in SEEDS]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A published synthetic database of 4,000 reports (``nianbao.benchdb.generate``), one per module."""
    from nianbao.benchdb import generate

    db = tmp_path_factory.mktemp("gen") / "gen.db"
    generate(db, reports=4000, batch=2000)
    return db


@pytest.fixture(scope="module")
def pair(generated):
    """The same database served immutable (plugin: memory) and mutable (Datasette: SQL)."""
    from nianbao.serve import make_datasette

    return make_datasette(generated), make_datasette(generated, immutable=False)
