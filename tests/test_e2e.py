"""The whole path, as `make run` walks it: demo portals → crawl → SQLite → publish → Datasette.

The acceptance of issue 2: ``/nianbao/reports.json`` lists the demo reports with field values
equal to the numbers in the documents the portals served.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict

import pytest
import yaml

from nianbao.demo import portals
from nianbao.serve import start as start_datasette
from nianbao.publish import publish


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    handle = portals.start(0)
    sources = tmp / "sources.yaml"
    sources.write_text(yaml.safe_dump(handle.sources("auto"), allow_unicode=True), "utf-8")
    db, archive = tmp / "nianbao.db", tmp / "archive"
    crawl = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--sources", str(sources),
                            "--db", str(db), "--archive", str(archive), "--no-throttle"],
                           capture_output=True, text=True, timeout=600)
    crawled = tmp / "crawled.db"          # the database as a crawl leaves it, before any publish
    crawled.write_bytes(db.read_bytes())
    publish(db, archive_dir=archive)
    port = _free_port()
    proc = start_datasette(db, port=port, archive_dir=archive,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield {"base": base, "handle": handle, "crawl": crawl, "db": db, "archive": archive, "crawled": crawled}
    proc.terminate()
    proc.wait(10)
    handle.stop()


def test_crawl_command_succeeds_with_a_summary(served):
    crawl = served["crawl"]
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert "reports" in (crawl.stdout + crawl.stderr)


def test_reports_json_equals_the_numbers_served(served):
    rows = _get_json(served["base"] + "/nianbao/reports.json?_shape=array&_size=max&is_current=1")
    content_truth = _truth(served["handle"])
    by_title = defaultdict(list)
    for rep in content_truth.values():
        by_title[rep["title"]].append(rep)
    assert len(rows) >= 10
    checked = 0
    from parsers import schema
    for row in rows:
        if row["format"] == "legacy":      # a pre-2019 report: recognised, no fields invented
            assert all(row[k] is None for k in schema.all_field_keys())
            continue
        candidates = ([content_truth[row["document_sha256"]]] if row["document_sha256"] in content_truth
                      else by_title.get(row["title"], []))
        assert candidates, f"report {row['title']} ({row['document_url']}) is not one the portals served"
        diffs = [{k: (row[k], v) for k, v in rep["fields"].items() if row[k] != v} for rep in candidates]
        assert min(diffs, key=len) == {}, (row["document_url"], min(diffs, key=len))
        checked += 1
    expected = {u for portal in served["handle"].expected.values() for u in portal["reports"]}
    found = {row["document_url"] for row in rows}
    assert expected <= found, expected - found


def test_every_report_links_its_archived_original(served):
    rows = _get_json(served["base"] + "/nianbao/reports.json?_shape=array&_size=max")
    for row in rows:
        sha = row["document_sha256"]
        assert (served["archive"] / sha[:2] / sha).exists()


def test_failures_and_runs_are_browsable(served):
    runs = _get_json(served["base"] + "/nianbao/crawl_runs.json?_shape=array")
    assert len(runs) == 1 and runs[0]["reports"] >= 10
    kinds = {r["kind"] for r in _get_json(served["base"] + "/nianbao/failures.json?_shape=array&_size=max")}
    assert "blocked" in kinds


def _truth(handle) -> dict:
    """sha256 → report dict for every document the simulator rendered."""
    return handle.content.truth


def test_crawl_log_has_no_traceback(served):
    """tldextract stays offline (its bundled suffix list): nothing in the log asks the network."""
    log = served["crawl"].stdout + served["crawl"].stderr
    assert "Traceback" not in log and "publicsuffix" not in log.lower()


def test_serve_answers_on_a_database_a_crawl_left(served):
    """``nianbao serve`` on a crawled, never-published database publishes it first."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "serve", "--db", str(served["crawled"]),
                             "--archive", str(served["archive"]), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        rows = None
        for _ in range(300):
            try:
                rows = _get_json(f"http://127.0.0.1:{port}/crawled/reports.json?_shape=array&_size=max")
                break
            except OSError:
                time.sleep(0.2)
        published = _get_json(served["base"] + "/nianbao/reports.json?_shape=array&_size=max")
        assert rows is not None and len(rows) == len(published) > 0
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0]
    assert "publishing it first" in out and "Traceback" not in out
