"""Night after night on one portal: the first (full) crawl, an unchanged night walked
incrementally, a night with new reports at the top of the column, and the weekly full walk that
finds a changed file and a dead link. Its own simulator: the nights change the portals."""
from __future__ import annotations

import sqlite3

import pytest

from tests.builders.crawls import Crawl, path_of, run_crawl_subprocess, snapshot, write_sources


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    from nianbao.demo.portals import start
    handle = start(0)
    d = tmp_path_factory.mktemp("nights")
    sources = write_sources(d / "sources.yaml", [s for s in handle.sources(platform=None)
                                                  if s["url"] == handle.urls["trs"]])
    db, archive = d / "nianbao.db", d / "archive"

    def crawl(name, *extra):
        handle.reset()
        proc = run_crawl_subprocess(sources, db, archive, d / f"{name}.log", *extra)
        assert proc.returncode in (0, 1), proc.stderr[-3000:]
        return Crawl(proc, snapshot(db), {"trs": handle.requests("trs")}, {"trs": handle.statuses("trs")}, 0)

    out = {"handle": handle, "db": db}
    out["first"] = crawl("first", "--mode", "full")
    out["unchanged"] = crawl("unchanged", "--mode", "incremental")
    out["new_urls"], out["gone_url"] = handle.next_night("trs", 3)
    out["new"] = crawl("new", "--mode", "incremental")
    changed = handle.expected["trs"]["changeable"][0]
    handle.change("trs", path_of(changed))
    out["changed_url"] = changed
    out["weekly"] = crawl("weekly", "--mode", "auto")      # a week later: see test_weekly_…
    yield out
    handle.stop()


def _requests(c: Crawl) -> int:
    return sum(c.requests["trs"].values())


def test_unchanged_night_costs_few_requests_and_no_document_bytes(nights):
    first, again = nights["first"], nights["unchanged"]
    assert _requests(again) <= 0.05 * _requests(first) + 6, (again.requests, _requests(first))
    downloads = [k for k in again.statuses["trs"] if k.endswith(" 200") and not k.startswith(("GET / ", "GET /robots.txt"))
                 and ("/t20" in k or "/P0" in k)]
    assert downloads == []
    assert len(again.snap["documents"]) == len(first.snap["documents"])
    run = again.snap["runs"][-1]
    assert run["mode"] == "incremental" and run["status"] == "ok"


def test_new_reports_at_the_top_are_found_the_next_night(nights):
    reports = {r["document_url"] for r in nights["new"].snap["reports"]}
    assert set(nights["new_urls"]) <= reports
    run = nights["new"].snap["runs"][-1]
    assert run["documents_new"] >= len(nights["new_urls"])


def test_missing_attachment_of_a_new_report_is_recorded(nights):
    fails = [f for f in nights["new"].snap["failures"] if f["url"] == nights["gone_url"]]
    assert [f["kind"] for f in fails] == ["not_found"]


def test_weekly_walk_is_chosen_by_auto_only_after_a_week(nights):
    # the first night was full minutes ago: auto walks incrementally, and finds nothing changed
    run = nights["weekly"].snap["runs"][-1]
    assert run["mode"] == "incremental"
    with sqlite3.connect(nights["db"]) as con:
        con.execute("update crawl_runs set started = '2020-01-01T00:00:00+00:00' where mode = 'full'")
    from crawler.run import choose_mode
    from store.writes import Store
    assert choose_mode(Store(str(nights["db"]))) == "full"


def test_full_walk_versions_a_changed_attachment(nights, tmp_path):
    snap = nights["weekly"].snap
    assert len([d for d in snap["documents"] if d["url"] == nights["changed_url"]]) == 1  # incremental: not asked
    handle = nights["handle"]
    sources = write_sources(tmp_path / "s.yaml", [s for s in handle.sources(platform=None) if s["url"] == handle.urls["trs"]])
    archive = nights["db"].parent / "archive"
    proc = run_crawl_subprocess(sources, nights["db"], archive, tmp_path / "full.log", "--mode", "full")
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    snap = snapshot(nights["db"])
    versions = [d for d in snap["documents"] if d["url"] == nights["changed_url"]]
    assert len(versions) == 2 and versions[1]["previous_id"] == versions[0]["id"]
    assert len([r for r in snap["reports"] if r["document_url"] == nights["changed_url"]]) == 2
    assert snap["runs"][-1]["mode"] == "full"
