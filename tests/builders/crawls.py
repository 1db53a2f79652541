"""Crawls for the tests: crawls run as subprocesses (``python -m crawler.run`` and ``nianbao.cli
nightly``: a fresh Twisted reactor each), a snapshot of the database after each, and the shared
crawl fixtures of ``conftest.py`` built from them:

- ``portals``: the simulator (session; free ports).
- ``crawls``: one session-scoped sequence on one database — ``first`` (full crawl, each portal's
  own platform spider), ``again`` (re-crawl, nothing changed), ``changed`` (after one attachment
  got new bytes) — with a snapshot of the database and the simulator's request log after each.
- ``auto_crawl``: a full crawl with ``platform: auto`` for every portal (separate database).
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def write_sources(path: Path, sources: list[dict]) -> Path:
    path.write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    return path


def crawl_cmd(sources: Path, db: Path, archive: Path, log: Path, *extra) -> list[str]:
    return [PY, "-m", "crawler.run", "--sources", str(sources), "--db", str(db), "--archive",
            str(archive), "--no-throttle", "--log-file", str(log), *extra]


def nightly_cmd(sources: Path, db: Path, archive: Path, log: Path, lock: Path) -> list[str]:
    return [PY, "-m", "nianbao.cli", "nightly", "--sources", str(sources), "--db", str(db), "--archive",
            str(archive), "--no-throttle", "--log-file", str(log), "--lock", str(lock), "--published", ""]


def run_nightly_subprocess(sources, db, archive, log, lock, timeout=240) -> subprocess.CompletedProcess:
    return subprocess.run(nightly_cmd(sources, db, archive, log, lock), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


def run_crawl_subprocess(sources, db, archive, log, *extra, timeout=240) -> subprocess.CompletedProcess:
    p = subprocess.run(crawl_cmd(sources, db, archive, log, *extra), cwd=ROOT, capture_output=True,
                       text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return p


def snapshot(db: Path) -> dict:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    q = lambda sql: [dict(r) for r in con.execute(sql)]  # noqa: E731
    snap = {
        "documents": q("select id, url, sha256, medium, size, archive_path, previous_id, is_current, "
                       "portal, source_url, title, etag from documents order by id"),
        "reports": q("select id, document_url, document_sha256, format, year, title, agency, portal, "
                     "is_current, source_url from reports order by id"),
        "failures": q("select url, kind, detail, portal, run_id from failures order by id"),
        "runs": q("select * from crawl_runs order by id"),
        "portal_runs": q("select * from portal_runs order by id"),
        "parse_outcomes": q("select sha256, outcome from parse_outcomes order by sha256"),
    }
    con.close()
    return snap


class Crawl:
    """One crawl's result: the process, the snapshot after it, the simulator's request log."""

    def __init__(self, proc, snap, requests, statuses, elapsed):
        self.proc, self.snap, self.requests, self.statuses, self.elapsed = proc, snap, requests, statuses, elapsed

    def doc_urls(self):
        return {d["url"] for d in self.snap["documents"]}

    def report_urls(self):
        return {r["document_url"] for r in self.snap["reports"]}

    def failures(self, kind=None):
        return [f for f in self.snap["failures"] if kind is None or f["kind"] == kind]

    def last_run_failures(self, kind=None):
        rid = self.snap["runs"][-1]["id"]
        return [f for f in self.failures(kind) if f["run_id"] == rid]


def _do_crawl(portals, sources, db, archive, log) -> Crawl:
    portals.reset()
    t = time.time()
    proc = run_crawl_subprocess(sources, db, archive, log)
    elapsed = time.time() - t
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    reqs = {k: portals.requests(k) for k in portals.portals}
    stats = {k: portals.statuses(k) for k in portals.portals}
    return Crawl(proc, snapshot(db), reqs, stats, elapsed)


def path_of(url: str) -> str:
    from urllib.parse import urlsplit
    u = urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


def gets(requests: dict, url: str) -> int:
    return requests.get(f"GET {path_of(url)}", 0)
