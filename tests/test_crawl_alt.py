"""Crawl the independent second simulator (``tests/builders/alt_portals.py``) through the CLI, with
``platform: auto`` and with each portal's platform name, and hold the crawl to the bar for
portals it has never seen: every reachable report archived and parsed, nothing fetched from
robots-excluded paths (or from other hosts), blocked pages recorded as ``blocked``, no distractor
stored as a report."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REPORTING = ["trs_shtml", "trs_old", "hanweb2", "gd2", "epoint2", "trs_appendix", "epoint_api", "webforms",
             "hanweb_xxgk", "jpaas", "epoint_json", "truecms"]


def _norm(u: str) -> str:
    return u.split("#", 1)[0]


def _rows(db, sql):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()


@pytest.fixture(scope="module")
def alt():
    from tests.builders.alt_portals import start
    h = start()
    yield h
    h.stop()


def _crawl(alt, tmp, mode):
    d = tmp / mode
    d.mkdir()
    srcs = alt.sources(platform="auto" if mode == "auto" else None)
    path = d / "sources.yaml"
    path.write_text(yaml.safe_dump(srcs, allow_unicode=True), encoding="utf-8")
    db, archive = d / "db.sqlite", d / "archive"
    alt.reset()
    p = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--sources", str(path), "--db", str(db),
                        "--archive", str(archive), "--no-throttle"], cwd=ROOT, capture_output=True, text=True,
                       timeout=180, env={**os.environ, "PYTHONPATH": str(ROOT)})
    out = {"proc": p, "db": db, "archive": archive,
           "logs": {k: alt.log(k) for k in alt.sites},
           "times": {k: alt.times(k) for k in alt.sites},
           "documents": _rows(db, "select * from documents"),
           "reports": _rows(db, "select * from reports"),
           "failures": _rows(db, "select * from failures"),
           "portal_runs": _rows(db, "select * from portal_runs")}
    return out


@pytest.fixture(scope="module")
def crawled(alt, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("alt")
    return {m: _crawl(alt, tmp, m) for m in ("auto", "named")}


MODES = ["auto", "named"]


@pytest.mark.parametrize("mode", MODES)
def test_robots_crawl_delay_is_honoured(crawled, mode):
    """trs_shtml's robots.txt asks for Crawl-delay: 1; even with --no-throttle the crawler waits."""
    hits = sorted((t, path) for (m, path, st), t in zip(crawled[mode]["logs"]["trs_shtml"], crawled[mode]["times"]["trs_shtml"])
                  if not path.startswith("/robots.txt"))      # logged when answered: ordered by arrival here
    assert len(hits) >= 5
    # Arrival times are read in the simulator's threads, which share the test process (and its
    # lock) with lazily rendered documents: one request can be read late and the next on time.
    # The delays themselves add up, though: n requests at a 1 s minimum span n - 1 seconds.
    gaps = sorted(b[0] - a[0] for a, b in zip(hits, hits[1:]))
    assert hits[-1][0] - hits[0][0] >= 0.95 * (len(hits) - 1), gaps
    assert gaps[len(gaps) // 2] >= 0.9, gaps              # and the typical gap is the delay
    assert sum(1 for g in gaps if g < 0.5) <= max(1, len(gaps) // 10), gaps


@pytest.mark.parametrize("mode", MODES)
def test_cli_ran(crawled, mode):
    c = crawled[mode]
    assert c["proc"].returncode in (0, 1), c["proc"].stderr[-3000:]
    assert "Traceback" not in c["proc"].stderr, c["proc"].stderr[-3000:]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", REPORTING)
def test_every_reachable_report_archived_and_parsed(alt, crawled, mode, key):
    c = crawled[mode]
    exp = alt.expected(key)
    docs = {_norm(d["url"]) for d in c["documents"]}
    reps = {_norm(r["document_url"]): r for r in c["reports"]}
    missing_docs = [u for u in exp["reports"] if u not in docs]
    assert not missing_docs, f"not archived: {missing_docs}"
    missing = [u for u in exp["reports"] if u not in reps]
    why = [(f["url"], f["kind"], f["detail"]) for f in c["failures"] if _norm(f["url"]) in missing]
    assert not missing, f"archived but not parsed as reports: {missing}; failures: {why}"
    for u in exp["reports"]:
        assert reps[u]["year"] in (2020, 2021, 2022, 2023), (u, reps[u]["year"])
    # every archived file is there and complete
    for d in c["documents"]:
        assert (c["archive"] / d["archive_path"]).stat().st_size == d["size"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", REPORTING)
def test_no_distractor_stored_as_report(alt, crawled, mode, key):
    c = crawled[mode]
    exp = alt.expected(key)
    base = alt.sites[key].base
    reps = {_norm(r["document_url"]) for r in c["reports"] if r["document_url"].startswith(base)}
    assert not (reps & set(exp["distractors"])), reps & set(exp["distractors"])
    assert not (reps & set(exp["blocked"]))
    assert reps <= set(exp["reports"]), reps - set(exp["reports"])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", ["trs_shtml", "hanweb2", "jsl_host"])
def test_blocked_pages_recorded_as_blocked(alt, crawled, mode, key):
    c = crawled[mode]
    exp = alt.expected(key)
    blocked = {_norm(f["url"]) for f in c["failures"] if f["kind"] == "blocked"}
    assert set(exp["blocked"]) <= blocked, (exp["blocked"], blocked)
    # never retried into a report, never archived
    docs = {_norm(d["url"]) for d in c["documents"]}
    assert not (set(exp["blocked"]) & docs)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", ["trs_shtml", "gd2", "noentry"])
def test_nothing_fetched_from_robots_excluded_paths(alt, crawled, mode, key):
    c = crawled[mode]
    exp = alt.expected(key)
    log = c["logs"][key]
    assert log, "the portal was never contacted"
    for method, path, _status in log:
        p = urlsplit(path).path
        if p == "/robots.txt":
            continue
        for prefix in exp["never"]:
            assert not p.startswith(prefix), f"{method} {path} is robots-excluded"
    docs = {urlsplit(d["url"]).path for d in c["documents"]}
    assert not (docs & set(exp["robots_excluded"]))


@pytest.mark.parametrize("mode", MODES)
def test_whole_site_disallowed_fetches_only_robots(crawled, mode):
    log = crawled[mode]["logs"]["noentry"]
    assert [p for _, p, _ in log] == ["/robots.txt"], log


@pytest.mark.parametrize("mode", MODES)
def test_other_hosts_never_contacted(crawled, mode):
    assert crawled[mode]["logs"]["offsite"] == []


@pytest.mark.parametrize("mode", MODES)
def test_faults_recovered(alt, crawled, mode):
    """503 once then OK, a 301 → 302 chain: the reports behind them are there (no lasting failure)."""
    c = crawled[mode]
    fails = {_norm(f["url"]) for f in c["failures"] if f["kind"] != "blocked"}
    for key, path in [("trs_old", "/xxgk/gzbg/202403/t20240316_9002.html"),
                      ("trs_old", "/xxgk/gzbg/202403/t20240317_9003.html"),
                      ("gd2", "/zwgk/ndbg/content/post_3841004.html")]:
        assert alt.sites[key].url(path) not in fails
    statuses = [st for _, p, st in c["logs"]["trs_old"] if p.endswith("t20240316_9002.html")]
    assert statuses[:2] == [503, 200], statuses


@pytest.mark.parametrize("mode", MODES)
def test_pagination_pages_fetched(crawled, mode):
    """Every list page of every platform's pagination was read."""
    logs = crawled[mode]["logs"]
    got = lambda k: {p for _, p, _ in logs[k]}  # noqa: E731
    assert {"/zwgk/xxgk/ndbg/2023/index_2.shtml", "/zwgk/xxgk/ndbg/2023/index_3.shtml"} <= got("trs_shtml")
    assert {"/xxgk/gzbg/index_1.html", "/xxgk/gzbg/index_2.html"} <= got("trs_old")
    assert "/zwgk/xxgk/ndbg/2022/index_1.shtml" in got("trs_shtml")
    assert any(p.startswith("/module/web/jpage/dataproxy.jsp") for p in got("hanweb2"))
    assert any("page=3" in p for p in got("gd2"))


@pytest.mark.parametrize("mode", MODES)
def test_walled_and_empty_portals_flagged(crawled, mode):
    runs = {r["portal"]: r for r in crawled[mode]["portal_runs"]}
    assert runs["alt-jsl_host"]["flagged"]
    assert runs["alt-noentry"]["flagged"]
    for k in REPORTING:
        assert not runs[f"alt-{k}"]["flagged"], runs[f"alt-{k}"]


@pytest.mark.parametrize("mode", MODES)
def test_timeout_recorded_and_crawl_goes_on(alt, crawled, mode):
    c = crawled[mode]
    exp = alt.expected("gd2")
    kinds = {_norm(f["url"]): f["kind"] for f in c["failures"]}
    for u in exp["timeouts"]:
        assert kinds.get(u) == "timeout", (u, kinds.get(u))
    assert c["proc"].returncode == 0


@pytest.mark.parametrize("title, report, bare", [
    ("示例县政府信息公开工作年度报告（2023年）", True, False),      # the year only in the bracket
    ("示例县2023年政府信息公开工作年度报告 2024-01-20", True, True),   # a date glued to the title
    ("示例县2023年政府信息公开工作年度报告（解读）", False, False),    # 解读 in a stripped bracket
    ("《示例市人民政府2023年政府信息公开工作年度报告》解读", False, False),
    ("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", False, False),
    ("2023年度报告", False, True),                                    # only inside a report column
    ("2023年度", False, False),                                       # a year folder
])
def test_titles(title, report, bare):
    from crawler.recognize import is_bare_report_title, is_report_title
    assert is_report_title(title) is report
    assert is_bare_report_title(title) is bare


@pytest.mark.parametrize("mode", MODES)
def test_attachments_outside_the_body_fetched_and_missing_ones_recorded(alt, crawled, mode):
    c = crawled[mode]
    exp = alt.expected("trs_appendix")
    kinds = {_norm(f["url"]): f["kind"] for f in c["failures"]}
    assert {u: kinds.get(u) for u in exp["missing"]} == {u: "not_found" for u in exp["missing"]}
    asked = {urlsplit(p).path for _, p, _ in c["logs"]["trs_appendix"]}
    assert not (asked & set(exp["never"])), asked & set(exp["never"])     # footers, related lists
    media = {r["medium"] for r in c["reports"] if r["document_url"].startswith(alt.sites["trs_appendix"].base)}
    assert {"pdf", "docx", "text"} <= media, media


@pytest.mark.parametrize("mode", MODES)
def test_epoint_list_read_through_its_api(crawled, mode):
    posts = [p for m, p, st in crawled[mode]["logs"]["epoint_api"]
             if m == "POST" and p.startswith("/EWB-FRONT/rest/frontAppCustomAction/getPageInfoListNew")]
    assert len(posts) == 3, posts          # pages 0, 1, 2 of 8 records, 3 a page


@pytest.mark.parametrize("mode", MODES)
def test_webforms_pages_posted_back(crawled, mode):
    posts = [p for m, p, st in crawled[mode]["logs"]["webforms"] if m == "POST"]
    assert len(posts) == 2 and all(p.startswith("/xxgk/List.aspx") for p in posts), posts


@pytest.mark.parametrize("mode", MODES)
def test_hanweb_xxgk_column_and_catalogue_search(alt, crawled, mode):
    log = crawled[mode]["logs"]["hanweb_xxgk"]
    posts = [p for m, p, st in log if m == "POST" and p.startswith("/module/xxgk/search.jsp")]
    assert len(posts) >= 3 + 2, posts          # the column's 3 pages, then 年度报告 and 年报 searches
    assert not [p for _, p, _ in log if p.startswith("/module/xxgk/tree.jsp")]


@pytest.mark.parametrize("mode", MODES)
def test_jpaas_list_read_page_by_page_until_it_repeats_or_empties(crawled, mode):
    gets = [p for m, p, st in crawled[mode]["logs"]["jpaas"] if "jpaas-publish-server" in p]
    assert len(gets) == 3, gets                 # pages 1 and 2 hold 6 rows, page 3 is empty


@pytest.mark.parametrize("mode", MODES)
def test_epoint_raw_json_api_found_after_the_form_post_fails(crawled, mode):
    log = crawled[mode]["logs"]["epoint_json"]
    assert ("GET", "/js/webBuilderCommon.js", 200) in log
    api = [st for m, p, st in log if p.startswith("/EWB-FRONT/rest/lightfrontaction/getgovinfolist")]
    assert api == [500, 200, 200, 200], api     # the form post, then pages 0, 1, 2 as JSON


@pytest.mark.parametrize("mode", MODES)
def test_truecms_windows_shrink_to_what_the_server_serves(crawled, mode):
    from urllib.parse import parse_qs
    asked = [parse_qs(urlsplit(p).query) for m, p, st in crawled[mode]["logs"]["truecms"] if "getMessage.do" in p]
    assert [(q["startrecord"][0], q["perpage"][0]) for q in asked] == [("1", "50"), ("1", "20"), ("21", "20")]


@pytest.mark.parametrize("mode", MODES)
def test_table_pasted_as_a_picture_is_fetched_archived_and_read(alt, crawled, mode):
    c = crawled[mode]
    site = alt.sites["trs_appendix"]
    page, picture = site.url("/xxgk/ndbg/202401/t20240128_7008.html"), site.url("/xxgk/ndbg/202401/W020240128390512847368.png")
    docs = {d["url"]: d for d in c["documents"]}
    assert docs[picture]["role"] == "picture" and docs[picture]["source_url"] == page
    rep = next(r for r in c["reports"] if r["document_url"] == page)
    assert rep["req_new_total"] is not None and rep["req_outcome_total_total"] is not None
    assert "picture" in (rep["notes"] or "")
