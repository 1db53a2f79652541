"""publish: agencies and regions, Chinese search, metadata and every canned query's answer on the
known sample database (nianbao.benchdb.build_sample), through Datasette in-process."""
from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3

import pytest

from nianbao import regions
from nianbao.benchdb import build_sample
from nianbao.publish import build_metadata, publish
from nianbao.search import fts_query, index_text, search_ids
from parsers import schema


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    d = tmp_path_factory.mktemp("pub")
    db = d / "nianbao.db"
    build_sample(db, d / "archive")
    stats = publish(db)
    return db, stats


@pytest.fixture(scope="module")
def ds(sample):
    from nianbao.serve import make_datasette
    return make_datasette(sample[0])


def get(ds, path):
    async def go():
        return await ds.client.get(path)
    return asyncio.run(go())


def rows(ds, query, **params):
    qs = "&".join(f"{k}={v}" for k, v in params.items())
    r = get(ds, f"/nianbao/{query}.json?_shape=array" + (f"&{qs}" if qs else ""))
    assert r.status_code == 200, r.text
    return r.json()


# ----------------------------------------------------------------------------- regions
@pytest.mark.parametrize("name,expect", [
    ("北京市朝阳区人民政府", ("北京市", "110000", "北京市", "朝阳区", "110105", "县级")),
    ("广东省人民政府", ("广东省", "440000", None, None, None, "省级")),
    ("广东省公安厅", ("广东省", "440000", None, None, None, "部门")),
    ("深圳市人民政府", ("广东省", "440000", "深圳市", None, None, "市级")),
    ("深圳市福田区教育局", ("广东省", "440000", "深圳市", "福田区", "440304", "部门")),
    ("临泉县人民政府", ("安徽省", "340000", "阜阳市", "临泉县", "341221", "县级")),
    ("湖南省长沙市岳麓区橘子洲街道办事处", ("湖南省", "430000", "长沙市", "岳麓区", "430104", "乡镇/街道")),
    ("教育部", (None, None, None, None, None, "国务院部门")),
    ("国家税务总局广东省税务局", ("广东省", "440000", None, None, None, "部门")),
])
def test_classify(name, expect):
    i = regions.classify(name)
    assert (i["province"], i["province_code"], i["city"], i["county"], i["county_code"], i["level"]) == expect


def test_division_table_coverage():
    kinds = [d["kind"] for d in regions.divisions().values()]
    assert kinds.count("province") == 34 and kinds.count("city") > 300 and kinds.count("county") > 2800


# ----------------------------------------------------------------------------- publish
def test_publish_agencies_and_idempotent(sample):
    db, stats = sample
    assert stats["reports"] == 5 and stats["agencies"] == 4
    again = publish(db)
    assert again["agencies_new"] == 0 and again["indexed"] == 0 and again["agencies"] == 4
    c = sqlite3.connect(db)
    got = dict(c.execute("select name, level from agencies"))
    assert got == {"广东省公安厅": "部门", "教育部": "国务院部门", "杭州市西湖区教育局": "部门",
                   "深圳市福田区人民政府": "县级"}
    r = c.execute("select province, city, county, county_code, level from reports where agency = '深圳市福田区人民政府'").fetchone()
    assert r == ("广东省", "深圳市", "福田区", "440304", "县级")
    assert c.execute("select parent from agencies where name = '深圳市福田区人民政府'").fetchone()[0] == "深圳市人民政府"
    idx = {row[1] for row in c.execute("pragma index_list(reports)")}
    assert {"idx_reports_province", "idx_reports_level", "idx_reports_year", "idx_reports_format",
            "idx_reports_checks_failed"} <= idx


def test_publish_reindexes_changed_text(tmp_path):
    db = tmp_path / "nianbao.db"
    build_sample(db, tmp_path / "archive")
    publish(db)
    assert search_ids(db, "公开条例") == []
    from store.writes import Store
    s = Store(db)
    s.record_report_text(5, "依据政府信息公开条例编制")
    s.db.conn.close()
    assert publish(db)["indexed"] == 1
    assert search_ids(db, "公开条例") == [5]


def test_cjk_query_forms():
    assert index_text("行政复议ABC 12件") == "行政 政复 复议 议 ABC 12 件"
    assert fts_query("复议") == '"复议"'
    assert fts_query("复议 公安局") == '"复议" "公安 安局"'
    assert fts_query("复议 OR 诉讼") == '"复议" OR "诉讼"'
    assert fts_query('"行政 复议"') == '"行政 政复 复议"'
    assert fts_query("复") == '"复" *' and fts_query("2023年") == '"2023 年" *'
    assert fts_query("复议3件") == '"复议 议 3 件" *'
    assert fts_query('"') == '""' and fts_query('OR') == '""' and fts_query('"OR"') == '"OR"'


def test_search_two_character_words(sample):
    db, _ = sample
    # 复议 is only in report 1's text; report 4 has 复 and 议 but not together (恢复…审议)
    assert search_ids(db, "复议") == [1]
    # 公安 is in reports 1 and 2 (agency 广东省公安厅), nowhere else
    assert search_ids(db, "公安") == [1, 2]
    assert search_ids(db, "诉讼") == [2, 3]
    # plain sqlite3, documented query form
    c = sqlite3.connect(db)
    assert [r[0] for r in c.execute(
        "select rowid from reports_fts where reports_fts match '复议' order by rowid")] == [1]
    assert [r[0] for r in c.execute(
        "select rowid from reports_fts where reports_fts match '\"公安 安厅\"' order by rowid")] == [1, 2]


def test_datasette_search_box(ds):
    got = rows(ds, "reports", _search="复议", _col="title")
    assert [r["id"] for r in got] == [1]
    got = rows(ds, "reports", _search="公安", _col="title")
    assert sorted(r["id"] for r in got) == [1, 2]
    html = get(ds, "/nianbao/reports?_search=复议").text
    assert 'name="_search"' in html and "广东省公安厅2022年" in html


# ----------------------------------------------------------------------------- metadata
def test_metadata_labels_and_facets():
    meta = build_metadata()
    assert meta["title"].startswith("年报")
    assert meta["license"] and meta["source"]
    t = meta["databases"]["nianbao"]["tables"]["reports"]
    labels = schema.field_labels()
    assert set(labels) <= set(t["columns"])
    assert t["columns"]["review_corrected"] == labels["review_corrected"]
    assert "复议" in t["columns"]["review_corrected"]
    assert [list(f.values())[0] for f in t["facets"]] == ["province", "level", "year", "format", "checks_failed"]
    json.dumps(meta, ensure_ascii=False)


def test_reports_page_facets(ds):
    r = get(ds, "/nianbao/reports.json?_shape=objects&_size=0")
    facets = r.json()["facet_results"]
    assert set(facets) == {"province", "level", "year", "format", "checks_failed"}
    prov = {v["value"]: v["count"] for v in facets["province"]["results"]}
    assert prov == {"广东省": 3, "浙江省": 1}
    assert {v["value"]: v["count"] for v in facets["year"]["results"]} == {2022: 2, 2023: 3}
    # filtered: computed live
    r = get(ds, "/nianbao/reports.json?_shape=objects&_size=0&year=2023")
    facets = r.json()["facet_results"]
    assert {v["value"]: v["count"] for v in facets["province"]["results"]} == {"广东省": 2}
    assert {v["value"]: v["count"] for v in facets["level"]["results"]} == {"部门": 1, "县级": 1, "国务院部门": 1}
    r = get(ds, "/nianbao/reports.json?_shape=objects&_size=0&_search=公安")
    assert {v["value"]: v["count"] for v in r.json()["facet_results"]["year"]["results"]} == {2022: 1, 2023: 1}
    html = get(ds, "/nianbao").text
    assert "年报 · 政府信息公开工作年度报告数据库" in html


# ----------------------------------------------------------------------------- canned queries
def test_denial_rate_by_province_year(ds):
    got = {(r["province"], r["year"]): (r["denied"], r["handled"], r["denial_rate"])
           for r in rows(ds, "denial_rate_by_province_year")}
    assert got[("广东省", 2022)] == (2, 10, 0.2)
    assert got[("广东省", 2023)] == (3, 33, round(3 / 33, 4))
    assert got[("浙江省", 2022)] == (2, 4, 0.5)
    assert got[(None, 2023)] == (10, 100, 0.1)
    nat = {r["year"]: r["denial_rate"] for r in rows(ds, "denial_rate_by_year")}
    assert nat == {2022: round(4 / 14, 4), 2023: round(13 / 133, 4)}


def test_agencies_losing(ds):
    got = [(r["agency"], r["year"], r["corrected_total"]) for r in rows(ds, "agencies_losing_reviews_or_lawsuits")]
    assert got == [("广东省公安厅", 2023, 2), ("广东省公安厅", 2022, 1)]


def test_reports_failing_sum_rules(ds):
    got = {r["report_id"]: (r["checks_failed"], r["failed_rules"]) for r in rows(ds, "reports_failing_sum_rules")}
    assert set(got) == {3, 4}
    assert got[3] == (1, "balance")
    assert got[4][0] == 2 and set(got[4][1].split(", ")) == {"row_total", "outcome_total"}


def test_agencies_without_report(ds):
    assert [r["agency"] for r in rows(ds, "agencies_without_report")] == ["杭州市西湖区教育局"]
    got = sorted(r["agency"] for r in rows(ds, "agencies_without_report", year=2022))
    assert got == sorted(["教育部", "深圳市福田区人民政府"])


def test_agency_year_on_year(ds):
    got = rows(ds, "agency_year_on_year", agency="广东省公安厅")
    assert [(r["year"], r["new_requests"], r["new_requests_change"], r["new_requests_change_pct"]) for r in got] == [
        (2022, 10, None, None), (2023, 15, 5, 50.0)]
    assert got[1]["denied"] == 3 and got[1]["denied_change"] == 1
    assert got[1]["suits_change"] == 2
    aid = got[0]["report_id"] and rows(ds, "agencies", name="广东省公安厅")[0]["id"]
    assert len(rows(ds, "agency_year_on_year", agency=aid)) == 2


def test_search_canned_query(ds):
    assert [r["report_id"] for r in rows(ds, "search_reports", q="复议")] == [1]
    assert sorted(r["report_id"] for r in rows(ds, "search_reports", q="公安")) == [1, 2]


def test_atom_feed(ds):
    r = get(ds, "/nianbao/new_reports_feed.atom")
    assert r.status_code == 200, r.text
    assert "application/xml" in r.headers["content-type"] or "atom" in r.headers["content-type"]
    assert r.text.count("<entry>") == 5 and "深圳市福田区人民政府2023年政府信息公开工作年度报告" in r.text


def test_original_and_links(ds, sample):
    db, _ = sample
    c = sqlite3.connect(db)
    sha, src = c.execute("select document_sha256, source_url from reports where id = 1").fetchone()
    r = get(ds, f"/-/original/{sha}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "广东省公安厅2022年" in r.content.decode("utf-8")
    assert r.headers["content-security-policy"] == "sandbox"
    assert get(ds, "/-/original/" + "0" * 64).status_code == 404
    html = get(ds, "/nianbao/reports/1").text
    assert f"/-/original/{sha}" in html and src in html


def test_bulk_downloads(ds):
    import csv
    import io

    r = get(ds, "/nianbao/reports.csv?_stream=on&_size=max")
    assert r.status_code == 200 and r.text.count("\n") == 6
    slow = list(csv.reader(io.StringIO(r.text)))
    r = get(ds, "/-/csv/nianbao/reports.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    fast = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert fast == slow and len(fast) == 6
    assert get(ds, "/-/csv/nianbao/nope.csv").status_code == 404
    assert get(ds, "/nianbao/agencies.json?_shape=array").json()[0]["name"]
    r = get(ds, "/nianbao.db")
    assert r.status_code == 200 and r.content[:15] == b"SQLite format 3"


def test_whole_table_csv_prebuilt_while_fresh_then_live(tmp_path):
    """publish writes reports.csv; the route serves it only while it matches the database."""
    from nianbao import downloads
    from nianbao.serve import make_datasette
    from store.writes import Store

    db = tmp_path / "nianbao.db"
    build_sample(db, tmp_path / "archive")
    s = Store(db)
    s.record_report({"format": "2021", "year": 2024, "title": 'A "quoted", title\nwith a line break',
                     "agency": "测试局", "fields": {"req_new_total": 3}, "checks": [], "notes": ["逗号,引号\""],
                     "inferred": {}}, document_url="http://127.0.0.1/x.html", document_sha256="0" * 64)
    s.db.conn.close()
    stats = publish(db)
    assert stats["downloads"] == {"reports": 6}
    path = downloads.location(db, "reports")
    assert path.is_file() and path.read_bytes().startswith("\ufeffid,".encode())

    def fetch():
        ds = make_datasette(db)
        r = get(ds, "/-/csv/nianbao/reports.csv")
        assert r.status_code == 200
        want = get(ds, "/nianbao/reports.csv?_stream=on&_size=max")
        return r.headers["x-nianbao-csv"], list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")))), \
            list(csv.reader(io.StringIO(want.text)))

    source, got, want = fetch()
    assert source == "prebuilt" and got == want and len(got) == 7
    assert got[-1][got[0].index("title")] == 'A "quoted", title\nwith a line break'
    # a crawl adds a report after publish: the file is stale, the route streams live
    s = Store(db)
    s.record_report({"format": "2021", "year": 2024, "title": "新报告", "agency": "测试局二", "fields": {},
                     "checks": [], "notes": [], "inferred": {}},
                    document_url="http://127.0.0.1/y.html", document_sha256="1" * 64)
    s.db.conn.close()
    from nianbao.serve import checkpoint
    checkpoint(db)
    source, got, want = fetch()
    assert source == "live" and got == want and len(got) == 8
    publish(db)
    source, got, want = fetch()
    assert source == "prebuilt" and got == want and len(got) == 8


def test_publish_upgrades_a_search_index_of_another_scheme(tmp_path):
    """A database indexed by an earlier scheme (one character per token) is re-indexed."""
    db = tmp_path / "nianbao.db"
    build_sample(db, tmp_path / "archive")
    publish(db)
    c = sqlite3.connect(db)
    with c:  # what an index of one character per token looked like
        c.execute("drop table reports_fts")
        c.execute("create virtual table reports_fts using fts5(title, agency, body, tokenize='unicode61')")
        c.execute("insert into reports_fts (rowid, title, agency, body) values (1, '广 东', '公 安', '复 议')")
        c.execute("update reports_fts_state set sig = substr(sig, instr(sig, '|') + 1)")
    c.close()
    assert search_ids(db, "复议") == []
    assert publish(db)["indexed"] == 5
    assert search_ids(db, "复议") == [1] and search_ids(db, "公安") == [1, 2]


def test_whole_table_json_streamed(ds):
    """/-/json/: the whole table as a JSON array (or JSON Lines), equal to Datasette's rows."""
    want = get(ds, "/nianbao/reports.json?_shape=array&_size=max").json()
    r = get(ds, "/-/json/nianbao/reports.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    got = r.json()
    assert got == want and len(got) == 5 and got[0]["req_new_total"] == 10
    assert any(v is None for v in got[-1].values())  # NULL stays null, not 0 or ""
    lines = get(ds, "/-/json/nianbao/reports.json?_nl=1").text.splitlines()
    assert [json.loads(x) for x in lines] == want
    agencies = get(ds, "/-/json/nianbao/agencies.json").json()
    assert {a["name"] for a in agencies} >= {"教育部", "广东省公安厅"}
    assert get(ds, "/-/json/nianbao/nope.json").status_code == 404
