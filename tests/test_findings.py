"""The findings ``publish`` computes over the archive (``nianbao/findings.py``): late and missing
reports, silent edits (with their Atom feed), carry-over and stock mismatches, prose against the
tables, copied text — each in the findings table, its canned query, with the evidence."""
from __future__ import annotations

import hashlib
import json

import pytest

from nianbao.demo import documents as D
from nianbao.findings import deadline, publication_date
from nianbao.publish import publish
from store.writes import Store

PROSE = ("本报告由示例机关根据《中华人民共和国政府信息公开条例》编制，内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
         "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况以及其他需要报告的事项。本年度我们坚持以公开为常态、"
         "不公开为例外，持续深化重点领域信息公开，完善信息发布审核机制，加强政策解读和回应关切，推动政务公开标准化规范化建设。")


def _record(store, agency, year, url, *, seed=1, text=None, change=None, fields=None):
    rep = D.random_report("2021", year, agency, seed)
    f = dict(rep["fields"])
    f.update(change or {})
    f.update(fields or {})
    body = json.dumps([agency, year, url, sorted(f.items())], ensure_ascii=False).encode()
    sha = hashlib.sha256(body).hexdigest()
    doc = store.record_document(url=url, sha256=sha, size=len(body), archive_path=f"{sha[:2]}/{sha}", medium="html",
                                source_url=url, portal="test")
    report = {"format": "2021", "year": year, "title": f"{agency}{year}年政府信息公开工作年度报告", "agency": agency,
              "fields": f, "checks": [], "notes": [], "medium": "html",
              "text": text if text is not None else f"{agency}{year}年政府信息公开工作年度报告\n{PROSE}"}
    return store.record_report(report, document_url=url, document_sha256=sha, source_url=url, portal="test",
                               document_id=doc["id"]), f


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    db = tmp_path_factory.mktemp("findings") / "nianbao.db"
    s = Store(db)
    gov, dept, other = "深圳市福田区人民政府", "深圳市福田区教育局", "深圳市福田区卫生健康局"
    # 2022: the district's report speaks for the whole district, yet its total is below one unit's
    r22, f22 = _record(s, gov, 2022, "http://www.szft.gov.cn/xxgk/ndbg/202303/t20230320_1.html", seed=1,
                       fields={"req_new_total": 1},
                       text=f"{gov}2022年政府信息公开工作年度报告\n全区各单位共受理政府信息公开申请1件。\n{PROSE}")
    carried = {f"req_carried_in_{c}": (f22[f"req_carried_out_{c}"] or 0) + (3 if c == "natural_person" else 0)
               for c in ("natural_person", "business", "research", "nonprofit", "legal_services", "other_org", "total")}
    stock = {"regulations_in_force": f22["regulations_in_force"], "regulations_issued": 1, "regulations_repealed": 0,
             "normative_docs_issued": 2, "normative_docs_repealed": 1,
             "normative_docs_in_force": f22["normative_docs_in_force"] + 1}          # this one adds up
    # late (15 April for a 31 March deadline), carry-over off by 3, stock off by 1, prose says 9999 received
    _record(s, gov, 2023, "http://www.szft.gov.cn/xxgk/ndbg/202404/t20240415_2.html", seed=2, fields={**carried, **stock},
            text=f"{gov}2023年政府信息公开工作年度报告\n发布日期：2024-04-15\n全年共收到政府信息公开申请9999件，其中予以公开1件。\n{PROSE}")
    # a department that reported for 2022 and has nothing for 2023 (its deadline passed long ago)
    _record(s, dept, 2022, "http://www.szft.gov.cn/jyj/ndbg/202301/t20230120_3.html", seed=3, text="短",
            fields={"req_new_total": 50})
    # a report edited in place after publication: the same URL, new bytes, one number changed
    url = "http://www.szft.gov.cn/wjj/ndbg/202401/t20240125_4.html"
    _, f = _record(s, other, 2023, url, seed=4, text="短")
    _record(s, other, 2023, url, seed=4, text="短", change={"req_new_natural_person": f["req_new_natural_person"] + 7})
    stats = publish(db)
    return {"db": db, "stats": stats}


def _findings(db, kind):
    import sqlite3
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute("select * from findings where kind = ? order by id", [kind])]


def test_late_report_found_with_its_date_and_where_it_was_read(published):
    late, = _findings(published["db"], "late")
    ev = json.loads(late["evidence"])
    assert (ev["published_on"], ev["date_source"], ev["deadline"], ev["days_late"]) == ("2024-04-15", "page", "2024-03-31", 15)
    assert late["agency"] == "深圳市福田区人民政府" and late["year"] == 2023


def test_missing_report_after_the_deadline(published):
    missing = _findings(published["db"], "missing")
    assert [(m["agency"], m["year"]) for m in missing if m["agency"] == "深圳市福田区教育局"] == [("深圳市福田区教育局", 2023)]


def test_carry_over_and_stock_mismatches(published):
    carry, = _findings(published["db"], "carry_over")
    cols = {c["column"] for c in json.loads(carry["evidence"])["columns"]}
    assert cols == {"natural_person"} and carry["other_report_id"] is not None
    stock, = _findings(published["db"], "stock")
    assert json.loads(stock["evidence"])["kind"] == "regulations"


def test_prose_contradicting_the_table(published):
    prose = _findings(published["db"], "prose")
    assert [json.loads(p["evidence"])["text_value"] for p in prose if json.loads(p["evidence"])["field"] == "req_new_total"] == [9999]


def test_copied_text_of_the_previous_year(published):
    copied, = _findings(published["db"], "copied")
    assert copied["agency"] == "深圳市福田区人民政府" and json.loads(copied["evidence"])["similarity"] >= 0.75


def test_silent_edit_field_by_field_with_both_originals(published):
    import sqlite3
    edited, = _findings(published["db"], "edited")
    ev = json.loads(edited["evidence"])
    changed = {c["label"] for c in ev["changes"]}
    assert any("本年新收" in lab and "自然人" in lab for lab in changed)
    assert ev["old_sha256"] != ev["new_sha256"]
    con = sqlite3.connect(published["db"])
    assert con.execute("select count(*) from report_edits where field = 'req_new_natural_person'").fetchone()[0] == 1


def test_canned_queries_and_the_edits_feed_answer(published):
    import asyncio

    from nianbao.serve import make_datasette
    ds = make_datasette(published["db"])

    async def get(path):
        return await ds.client.get(path)
    name = published["db"].stem
    for q in ("findings_by_kind", "late_reports_by_province_and_level", "agencies_missing_this_year",
              "carry_over_mismatches", "silent_edits"):
        r = asyncio.run(get(f"/{name}/{q}.json?_shape=array"))
        assert r.status_code == 200 and r.json(), q
    history = asyncio.run(get(f"/{name}/agency_history.json?_shape=array&agency=深圳市福田区卫生健康局")).json()
    assert [(h["年度"], h["现行版本"]) for h in history] == [(2023, 0), (2023, 1)]      # both versions
    rid = history[-1]["报告编号"]
    trace = asyncio.run(get(f"/{name}/report_trace.json?_shape=array&report_id={rid}")).json()
    assert trace and all(t["原件位置"].startswith("/-/original/") for t in trace)
    page = asyncio.run(get(f"/{name}/report_trace?report_id={rid}"))
    assert "打开原件" in page.text
    years = asyncio.run(get(f"/{name}/compare_two_years.json?_shape=array&agency=深圳市福田区人民政府&year_a=2022&year_b=2023")).json()
    assert years and all(y["前一年度"] != y["后一年度"] for y in years)
    two = asyncio.run(get(f"/{name}/compare_two_agencies.json?_shape=array&agency_a=深圳市福田区人民政府"
                          f"&agency_b=深圳市福田区卫生健康局&year=2023")).json()
    assert {t["机关"] for t in two} == {"深圳市福田区人民政府", "深圳市福田区卫生健康局"}
    feed = asyncio.run(get(f"/{name}/silent_edits.atom"))
    assert feed.status_code == 200 and "<entry>" in feed.text
    facets = asyncio.run(get(f"/{name}/findings.json?_facet=kind"))
    assert facets.status_code == 200


def test_government_totals_below_the_sum_of_its_units(published):
    units, = _findings(published["db"], "units")
    ev = json.loads(units["evidence"])
    assert units["agency"] == "深圳市福田区人民政府" and units["year"] == 2022
    assert {"field": "req_new_total", "label": "收到申请", "government": 1, "units_sum": 50} in ev["totals"]
    assert ev["units_reported"] == ["深圳市福田区教育局"] and ev["units_without_report"] == ["深圳市福田区卫生健康局"]


@pytest.mark.parametrize("agency, level, year, due", [
    ("深圳市福田区人民政府", "县级", 2023, "2024-03-31"),
    ("深圳市福田区教育局", "部门", 2023, "2024-01-31"),
    ("深圳市福田区人民政府办公室", "部门", 2023, "2024-01-31"),
    ("福田街道办事处", "乡镇/街道", 2023, "2024-01-31"),
])
def test_deadlines_of_the_regulation(agency, level, year, due):
    assert deadline(agency, level, year).isoformat() == due


def test_publication_date_from_the_page_then_the_url():
    assert publication_date("标题\n发布时间：2024年1月26日", "http://x/t20240301_1.html")[1] == "page"
    d, src = publication_date("", "http://x/art/2024/2/3/art_12_34.html")
    assert (d.isoformat(), src) == ("2024-02-03", "url")
    assert publication_date("", "http://x/content/post_123.html") == (None, None)
    assert publication_date("成文日期：2024年1月2日", "http://x/t20240301_1.html")[1] == "url"   # signed, not published
    d, src = publication_date("示例县人民政府\n成文日期：2024年1月2日", "http://x/content/post_123.html")
    assert (d.isoformat(), src) == ("2024-01-02", "signed")


MENU = "\n".join(["首页 政府信息公开 政策文件 政府信息公开年报 机构职能 法定主动公开内容 重点领域信息公开 网站地图",
                  "主办单位 示例县人民政府办公室 承办单位 示例县大数据中心 联系我们 版权所有 网站标识码 备案号",
                  "政府信息公开指南 政府信息公开制度 依申请公开 政府信息公开年报 政策解读 回应关切 互动交流",
                  "财政预决算 重大建设项目 公共资源配置 社会公益事业 乡村振兴 生态环境 安全生产 食品药品监管",
                  "县长信箱 在线访谈 征集调查 办事服务 个人办事 法人办事 便民服务 投资项目在线审批监管平台",
                  "您当前所在位置 当前位置 字号 大 中 小 打印本页 关闭窗口 分享到 微信 微博 扫一扫在手机打开当前页"])


@pytest.fixture(scope="module")
def quirks(tmp_path_factory):
    """Reports that look like findings and are not (a page's menus repeated each year, a
    sentence about the whole county), and a page edited twice."""
    db = tmp_path_factory.mktemp("quirks") / "nianbao.db"
    s = Store(db)
    county, office = "示例县人民政府", "示例县司法局"
    _record(s, county, 2023, "http://www.example-county.gov.cn/ndbg/t20240320_1.html", seed=11, fields={"req_new_total": 12},
            text=f"{county}2023年政府信息公开工作年度报告\n全县各行政机关共收到政府信息公开申请500件，本机关收到12件。\n{PROSE}")
    years = {2022: "本年度我们围绕法治政府建设公开行政执法信息，逐项梳理执法事项清单并按季度更新，组织执法人员培训两次。",
             2023: "本年度重点完善复议诉讼信息发布，公布典型案例，开通线上咨询渠道，对群众留言做到当日转办限时答复。"}
    for year, sentence in years.items():
        _record(s, office, year, f"http://www.example-county.gov.cn/sfj/ndbg/t{year + 1}0120_{year}.html", seed=year,
                text=f"{MENU}\n{office}{year}年政府信息公开工作年度报告\n{sentence}\n{MENU}")
    url = "http://www.example-county.gov.cn/rsj/ndbg/t20240125_9.html"
    _, f = _record(s, "示例县人力资源和社会保障局", 2023, url, seed=12, text="短")
    for n in (1, 2):
        _record(s, "示例县人力资源和社会保障局", 2023, url, seed=12, text="短",
                change={"req_new_natural_person": f["req_new_natural_person"] + n})
    publish(db)
    return db


def test_a_sentence_about_the_whole_county_is_not_a_contradiction(quirks):
    assert _findings(quirks, "prose") == []


def test_menus_the_same_every_year_do_not_make_a_copy(quirks):
    assert _findings(quirks, "copied") == []


def test_a_page_edited_twice_gives_both_edits(quirks):
    edits = _findings(quirks, "edited")
    assert len(edits) == 2 and edits[0]["report_id"] != edits[1]["report_id"]
    changes = sorted((c["old"], c["new"]) for e in edits for c in json.loads(e["evidence"])["changes"])
    assert len(changes) == 2 and changes[0][1] == changes[1][0]           # v1 → v2, then v2 → v3


def test_the_forms_six_sections_of_a_real_report_and_what_a_report_leaves_out():
    """A real report (the seeds) has the six headings in order; one without 五 and with 三 after
    四 is found, the table's row labels (一、本年新收 … 四、结转下年度) not taken for headings."""
    from pathlib import Path

    from nianbao.findings import _sections
    seed = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))[0].read_text("utf-8")
    assert _sections(seed)["missing"] == [] and not _sections(seed)["out_of_order"]
    three = "三、收到和处理政府信息公开申请情况"
    changed = seed.replace("五、存在的主要问题及改进情况", "").replace(three, "").replace(
        "六、其他需要报告的事项", three + "\n六、其他需要报告的事项")
    found = _sections(changed)
    assert found["missing"] == ["五、存在的主要问题及改进情况"] and found["out_of_order"]
    assert [h[:2] for h in found["printed_in_order"]] == ["一、", "二、", "四、", "三、", "六、"]


def test_what_is_read_in_a_text_is_kept_and_read_again_only_when_the_text_changes(quirks):
    """``text_facts`` holds what publish read in each text; a second publish reads no text again
    (the facts' written_at is the text's), and a changed text is read again."""
    import sqlite3
    con = sqlite3.connect(quirks)
    facts = dict(con.execute("select f.report_id, f.written_at from text_facts f"))
    texts = dict(con.execute("select report_id, written_at from report_texts"))
    assert facts and facts == {k: v for k, v in texts.items() if k in facts}
    con.execute("update report_texts set text = text || '全县各行政机关共收到政府信息公开申请7件。', written_at = 'later' "
                "where report_id = (select min(report_id) from report_texts)")
    con.commit()
    publish(quirks)
    again = dict(con.execute("select report_id, written_at from text_facts"))
    assert [k for k in again if again[k] != facts.get(k)] == [min(texts)] and again[min(texts)] == "later"
