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
