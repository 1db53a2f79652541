"""Shared pytest fixtures over real files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SEEDS = sorted((HERE / "fixtures" / "seeds").glob("*.txt"))
# the hand-checked answers of the seed reports: one home, shipped with the demo that uses them
SEED_ANSWERS = HERE.parent / "nianbao" / "demo" / "reports"


def seed_answer(path: Path) -> dict:
    """The hand-checked report of the seed text at ``path``."""
    return json.loads((SEED_ANSWERS / f"{path.stem}.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def seeds():
    """(path, expected dict) for each real seed report."""
    return [(p, seed_answer(p)) for p in SEEDS]


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


# ----------------------------------------------------------------------------- crawls of the demo portals
from tests.builders.crawls import _do_crawl, write_sources  # noqa: E402


@pytest.fixture(scope="session")
def portals():
    from nianbao.demo.portals import start
    h = start(0)
    yield h
    h.stop()


@pytest.fixture(scope="session")
def crawl_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("crawl")


@pytest.fixture(scope="session")
def crawls(portals, crawl_dir):
    d = crawl_dir / "main"
    d.mkdir()
    sources = write_sources(d / "sources.yaml", portals.sources(platform=None))
    db, archive = d / "nianbao.db", d / "archive"
    out = {"dir": d, "db": db, "archive": archive, "sources": sources}
    out["first"] = _do_crawl(portals, sources, db, archive, d / "crawl1.log")
    out["again"] = _do_crawl(portals, sources, db, archive, d / "crawl2.log")
    exp = portals.expected["trs"]
    changed_url = exp["changeable"][0]
    portals.change("trs", changed_url.split(str(portals.portals["trs"].port), 1)[1])
    out["changed_url"] = changed_url
    out["changed"] = _do_crawl(portals, sources, db, archive, d / "crawl3.log")
    return out


@pytest.fixture(scope="session")
def auto_crawl(portals, crawl_dir):
    d = crawl_dir / "auto"
    d.mkdir()
    sources = write_sources(d / "sources.yaml", portals.sources(platform="auto"))
    c = _do_crawl(portals, sources, d / "nianbao.db", d / "archive", d / "crawl.log")
    c.dir = d
    return c
