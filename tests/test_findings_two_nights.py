"""The findings of ``publish`` on a database the real crawler built over two nights from the
demo county of findings (``nianbao/demo/portals.py``, ``build_findings``): one late report, one
missing report, one report edited in place between the nights, one carry-over and one stock
mismatch, one text contradicting its table, one text copied from the year before, one copied from
another agency, one report without a section of the form, one county government whose
whole-area totals are below its departments' reports. Each is in the
``findings`` table for the agency and year it was built into and for no other, in its canned
query on a running ``nianbao serve``, the edit in the Atom feed; in headless Chromium, an
agency's history page leads to the trace of one value and the archived original."""
from __future__ import annotations

import json
import sqlite3
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from parsers import schema
from tests.builders.crawls import path_of, run_nightly_subprocess, write_sources
from tests.builders.serving import CHROMIUM, browser_page, served

COUNTY = "示范县"
GOV, TOWN = f"{COUNTY}人民政府", f"{COUNTY}城关镇人民政府"
FINANCE, EDUCATION, HEALTH = f"{COUNTY}财政局", f"{COUNTY}教育局", f"{COUNTY}卫生健康局"
LAND, HOUSING, MARKET = f"{COUNTY}自然资源局", f"{COUNTY}住房和城乡建设局", f"{COUNTY}市场监督管理局"
FARMING, VETERANS = f"{COUNTY}农业农村局", f"{COUNTY}退役军人事务局"
KINDS = ("late", "missing", "edited", "carry_over", "stock", "prose", "copied", "copied_other", "incomplete", "units")


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Two ``nianbao nightly`` runs over the findings county: the first walk, then (a week
    later, so the weekly full walk asks again for every known page) after one report's page got
    another 行政处罚 number at the same URL. Each night publishes."""
    from nianbao.demo.portals import findings_years, start

    handle = start(0, keys=("findings",))
    d = tmp_path_factory.mktemp("findings_nights")
    sources = write_sources(d / "sources.yaml", handle.sources(platform=None))
    db, archive = d / "nianbao.db", d / "archive"
    try:
        first = run_nightly_subprocess(sources, db, archive, d / "night1.log", d / "nightly.lock")
        assert first.returncode == 0, first.stderr[-3000:]
        with sqlite3.connect(db) as con:
            con.execute("update crawl_runs set started = '2020-01-01T00:00:00+00:00' where mode = 'full'")
        edited_url = handle.expected["findings"]["changeable"][0]
        handle.change("findings", path_of(edited_url))
        second = run_nightly_subprocess(sources, db, archive, d / "night2.log", d / "nightly.lock")
        assert second.returncode == 0, second.stderr[-3000:]
        y1, y2 = findings_years()
        yield {"db": db, "archive": archive, "dir": d, "y1": y1, "y2": y2, "edited_url": edited_url,
               "reports": handle.expected["findings"]["reports"]}
    finally:
        handle.stop()


def _rows(db, sql, args=()):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, args)]
    finally:
        con.close()


def _findings(nights, kind):
    rows = _rows(nights["db"], "select * from findings where kind = ? order by id", [kind])
    for r in rows:
        r["evidence"] = json.loads(r["evidence"])
    return rows


def _report_id(nights, agency, year):
    rid, = [r["id"] for r in _rows(nights["db"], "select id from reports where agency = ? and year = ? and is_current = 1",
                                   [agency, year])]
    return rid


def test_both_nights_crawled_every_report_and_the_second_walked_in_full(nights):
    runs = _rows(nights["db"], "select mode, status from crawl_runs order by id")
    assert [r["mode"] for r in runs] == ["full", "full"] and {r["status"] for r in runs} == {"ok"}
    reports = _rows(nights["db"], "select document_url, agency, year, is_current, checks_failed from reports")
    assert {r["document_url"] for r in reports} == set(nights["reports"])
    assert len(reports) == len(nights["reports"]) + 1          # the edited page: two versions
    assert all(r["checks_failed"] == 0 for r in reports)
    parents = {r["name"]: r["parent"] for r in _rows(nights["db"], "select a.name, p.name as parent from agencies a "
                                                                    "left join agencies p on p.id = a.parent_id")}
    assert parents[FINANCE] == parents[VETERANS] == GOV and parents[GOV] is None


def test_late_report_and_only_that_one(nights):
    y1, y2 = nights["y1"], nights["y2"]
    late, = _findings(nights, "late")
    assert (late["agency"], late["year"]) == (FINANCE, y1)
    assert late["evidence"] == {"published_on": f"{y2}-02-20", "date_source": "page", "deadline": f"{y2}-01-31",
                                "days_late": 20}
    # the county government published on 25 March: within a government's deadline
    gov, = _rows(nights["db"], "select t.published_on, t.deadline, t.days_late from timeliness t join reports r "
                               "on r.id = t.report_id where r.agency = ? and r.year = ?", [GOV, y1])
    assert gov == {"published_on": f"{y2}-03-25", "deadline": f"{y2}-03-31", "days_late": -6}


def test_missing_report_and_only_that_one(nights):
    missing, = _findings(nights, "missing")
    assert (missing["agency"], missing["year"]) == (EDUCATION, nights["y2"])
    assert missing["other_report_id"] == _report_id(nights, EDUCATION, nights["y1"])


def test_report_edited_in_place_field_by_field(nights):
    edited, = _findings(nights, "edited")
    assert (edited["agency"], edited["year"]) == (HEALTH, nights["y2"])
    change, = edited["evidence"]["changes"]
    assert change["label"] == schema.field_labels()["penalty_decisions"] and change["new"] == change["old"] + 15
    assert edited["evidence"]["document_url"] == nights["edited_url"]
    edits = _rows(nights["db"], "select field, old, new from report_edits")
    assert edits == [{"field": "penalty_decisions", "old": change["old"], "new": change["old"] + 15}]


def test_carry_over_and_stock_mismatches_and_only_those(nights):
    y1, y2 = nights["y1"], nights["y2"]
    carry, = _findings(nights, "carry_over")
    assert (carry["agency"], carry["year"]) == (LAND, y2) and carry["other_report_id"] == _report_id(nights, LAND, y1)
    assert {c["column"]: c["carried_in_next"] - c["carried_out"] for c in carry["evidence"]["columns"]} == {
        "natural_person": 3, "total": 3}
    stock, = _findings(nights, "stock")
    assert (stock["agency"], stock["year"]) == (HOUSING, y2)
    ev = stock["evidence"]
    assert ev["kind"] == "normative_docs" and ev["in_force"] - (ev["in_force_before"] + ev["issued"] - ev["repealed"]) == 5


def test_prose_contradicting_its_table_and_only_that_one(nights):
    prose, = _findings(nights, "prose")
    assert (prose["agency"], prose["year"]) == (MARKET, nights["y2"])
    ev = prose["evidence"]
    assert ev["field"] == "req_new_total" and ev["text_value"] == ev["table_value"] + 40


def test_copied_text_and_only_that_one(nights):
    copied, = _findings(nights, "copied")
    assert (copied["agency"], copied["year"]) == (TOWN, nights["y2"])
    assert copied["evidence"]["similarity"] >= 0.75 and copied["other_report_id"] == _report_id(nights, TOWN, nights["y1"])


def test_text_copied_from_another_agency_and_only_that_one(nights):
    copied, = _findings(nights, "copied_other")
    y2 = nights["y2"]
    assert {copied["agency"], copied["evidence"]["other_agency"]} == {FARMING, VETERANS} and copied["year"] == y2
    assert copied["other_report_id"] == _report_id(nights, copied["evidence"]["other_agency"], y2)


def test_report_without_a_section_of_the_form_and_only_that_one(nights):
    incomplete, = _findings(nights, "incomplete")
    assert (incomplete["agency"], incomplete["year"]) == (FINANCE, nights["y2"])
    assert incomplete["evidence"]["missing"] == ["五、存在的主要问题及改进情况"]


def test_government_totals_below_the_sum_of_its_units(nights):
    y1 = nights["y1"]
    units, = _findings(nights, "units")
    assert (units["agency"], units["year"]) == (GOV, y1)
    ev = units["evidence"]
    departments = [FINANCE, EDUCATION, HEALTH, LAND, HOUSING, MARKET, FARMING]
    summed = sum(_rows(nights["db"], "select req_new_total from reports where agency = ? and year = ? and is_current = 1",
                       [a, y1])[0]["req_new_total"] for a in departments)
    own = _rows(nights["db"], "select req_new_total from reports where agency = ? and year = ?", [GOV, y1])[0]["req_new_total"]
    assert {"field": "req_new_total", "label": "收到申请", "government": own, "units_sum": summed} in ev["totals"]
    assert ev["units_reported"] == sorted(departments) and ev["units_without_report"] == [VETERANS]


# ----------------------------------------------------------------------------- Datasette
@pytest.fixture(scope="module")
def server(nights):
    """``nianbao serve``'s Datasette on the two nights' database (its archive beside it)."""
    with served(nights["db"], nights["dir"] / "serve.log") as base:
        yield base


def _get(server, path, **params):
    url = f"{server}/nianbao/{path}" + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode("utf-8")


def _canned(server, name, **params):
    return json.loads(_get(server, f"{name}.json", _shape="array", **params))


def test_every_kind_in_the_findings_table_and_the_findings_query(nights, server):
    rows = _canned(server, "findings_by_kind")
    by_kind = {r["类型"]: r["条数"] for r in rows}
    assert by_kind == dict.fromkeys(KINDS, 1)
    names = {r["类型"]: r["类型名称"] for r in rows}
    assert names["late"] == "逾期发布" and names["copied_other"] == "照抄其他机关" and len(set(names.values())) == len(KINDS)
    for kind in KINDS:
        row, = json.loads(_get(server, "findings.json", kind=kind, _shape="array"))
        assert row["summary"], kind


def test_late_missing_and_mismatches_in_their_queries(nights, server):
    y1, y2 = nights["y1"], nights["y2"]
    late, = _canned(server, "late_reports_by_province_and_level")
    assert (late["层级"], late["年度"], late["逾期报告数"], late["最长逾期天数"]) == ("部门", y1, 1, 20)
    missing, = _canned(server, "agencies_missing_this_year")
    assert (missing["机关"], missing["缺报年度"]) == (EDUCATION, y2)
    mismatches = {(r["类型"], r["机关"], r["年度"]) for r in _canned(server, "carry_over_mismatches")}
    assert mismatches == {("carry_over", LAND, y2), ("stock", HOUSING, y2)}


def test_the_edit_in_its_query_and_its_atom_feed(nights, server):
    edit, = _canned(server, "silent_edits")
    assert (edit["机关"], edit["年度"], edit["字段"]) == (HEALTH, nights["y2"], schema.field_labels()["penalty_decisions"])
    assert edit["新值"] == edit["旧值"] + 15 and edit["旧版原件"] != edit["新版原件"]
    feed = _get(server, "silent_edits.atom")
    assert feed.count("<entry>") == 1 and HEALTH in feed and f"旧值 {edit['旧值']} → 新值 {edit['新值']}" in feed


# ----------------------------------------------------------------------------- the browser
@pytest.fixture(scope="module")
def page(server):
    pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium")
    with browser_page(server) as pg:
        yield pg


def test_agency_history_then_the_trace_of_one_value_to_its_original(nights, server, page):
    page.goto(server + "/nianbao/agency_history?" + urllib.parse.urlencode({"agency": HEALTH}))
    page.wait_for_selector("table.rows-and-columns")
    rows = page.locator("table.rows-and-columns tbody tr")
    headers = [t.strip() for t in page.locator("table.rows-and-columns thead th").all_inner_texts()]
    cells = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]
    years = [(int(c[headers.index("年度")]), int(c[headers.index("现行版本")])) for c in cells]
    assert years == [(nights["y1"], 1), (nights["y2"], 0), (nights["y2"], 1)]    # both versions of the edited year
    rid = cells[-1][headers.index("报告编号")]
    page.goto(server + f"/nianbao/report_trace?report_id={rid}")
    page.wait_for_selector("table.rows-and-columns")
    value = page.locator("table.rows-and-columns tbody tr", has_text="行政处罚")
    assert value.count() == 1
    trace_headers = [t.strip() for t in page.locator("table.rows-and-columns thead th").all_inner_texts()]
    printed = value.locator("td").nth(trace_headers.index("原文")).inner_text().strip()
    with page.expect_response(lambda r: "/-/original/" in r.url) as info:
        value.locator("a", has_text="打开原件").click()
    assert info.value.status == 200
    text = page.content()
    assert f"{HEALTH}{nights['y2']}年政府信息公开工作年度报告" in text and f">{printed}<" in text
