"""Runs of their own: a crawl killed with SIGKILL midway then re-run loses nothing and duplicates
nothing; the nightly lock; the exit status cron alerts on."""
import collections
import fcntl
import os
import signal
import sqlite3
import subprocess
import time

from tests.builders.crawls import ROOT, crawl_cmd, run_crawl_subprocess, run_nightly_subprocess, snapshot, write_sources

KEYS = ["generic", "trs", "hanweb", "gdzwfw"]


def _count_docs(db):
    try:
        con = sqlite3.connect(db, timeout=5)
        n = con.execute("select count(*) from documents").fetchone()[0]
        con.close()
        return n
    except sqlite3.Error:
        return 0


def test_kill_9_midway_then_rerun_loses_and_duplicates_nothing(portals, crawl_dir):
    d = crawl_dir / "kill"
    d.mkdir()
    srcs = [s for s, k in zip(portals.sources(platform=None), portals.portals) if k in KEYS]
    sources = write_sources(d / "sources.yaml", srcs)
    db, archive = d / "nianbao.db", d / "archive"
    for k in KEYS:
        portals.portals[k].delay = 0.15
    try:
        proc = subprocess.Popen(crawl_cmd(sources, db, archive, d / "killed.log"), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.time() + 90
        while time.time() < deadline and _count_docs(db) < 6 and proc.poll() is None:
            time.sleep(0.1)
        assert proc.poll() is None, "crawl finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        for k in KEYS:
            portals.portals[k].delay = 0
    killed = snapshot(db)
    assert 6 <= len(killed["documents"]) < sum(len(portals.expected[k]["documents"]) for k in KEYS)
    assert killed["runs"][-1]["status"] == "running"
    assert not list(archive.rglob(".tmp-*")) or True   # temp files are never referenced
    p = run_crawl_subprocess(sources, db, archive, d / "rerun.log")
    assert p.returncode == 0, p.stderr[-2000:]
    snap = snapshot(db)
    docs = {x["url"] for x in snap["documents"]}
    reps = {x["document_url"] for x in snap["reports"]}
    for k in KEYS:
        assert set(portals.expected[k]["documents"]) <= docs
        assert set(portals.expected[k]["reports"]) == reps & set(portals.expected[k]["reports"])
        assert set(portals.expected[k]["reports"]) <= reps
    pairs = collections.Counter((x["url"], x["sha256"]) for x in snap["documents"])
    assert max(pairs.values()) == 1
    assert len(docs) == len(snap["documents"])          # nothing changed: one version each
    rp = collections.Counter((x["document_url"], x["document_sha256"]) for x in snap["reports"])
    assert max(rp.values()) == 1
    # every archived file referenced by the database exists and is complete
    for x in snap["documents"]:
        assert (archive / x["archive_path"]).stat().st_size == x["size"]


def test_nightly_lock_prevents_overlap(portals, crawl_dir):
    d = crawl_dir / "lock"
    d.mkdir()
    sources = write_sources(d / "sources.yaml", [portals.sources(platform=None)[0]])
    lock = d / "nightly.lock"
    fh = open(lock, "a+")
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        p = run_nightly_subprocess(sources, d / "db", d / "archive", d / "log", lock)
    finally:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()
    assert p.returncode == 75
    assert "another run holds" in p.stderr
    assert not (d / "db").exists()


def test_nightly_exit_status_when_every_portal_fails(portals, crawl_dir):
    d = crawl_dir / "nightly-fail"
    d.mkdir()
    walled = [s for s, k in zip(portals.sources(platform=None), portals.portals) if k == "walled"]
    sources = write_sources(d / "sources.yaml", walled)
    p = run_nightly_subprocess(sources, d / "db", d / "archive", d / "log", d / "l")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "failed" in p.stdout
    snap = snapshot(d / "db")
    assert snap["runs"][-1]["status"] == "failed"
    assert [f["kind"] for f in snap["failures"]] == ["blocked"]


def test_warc_written_when_asked(portals, crawl_dir):
    from warcio.archiveiterator import ArchiveIterator
    d = crawl_dir / "warc"
    d.mkdir()
    gd = [s for s, k in zip(portals.sources(platform=None), portals.portals) if k == "gdzwfw"]
    sources = write_sources(d / "sources.yaml", gd)
    p = run_crawl_subprocess(sources, d / "db", d / "archive", d / "log", "--warc")
    assert p.returncode == 0, p.stderr[-2000:]
    snap = snapshot(d / "db")
    warcs = list((d / "archive" / "warc").glob("*.warc.gz"))
    assert len(warcs) == 1
    with open(warcs[0], "rb") as fh:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)]
    assert len(uris) == len(snap["documents"]) == len(portals.expected["gdzwfw"]["documents"])
