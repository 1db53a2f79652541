"""The published UI in a real browser: headless Chromium (Playwright) against ``nianbao serve``
(the same ``datasette serve`` command line) on a free 127.0.0.1 port, over the known sample
database. Screenshots go to tests/artifacts/ (not committed)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.benchdb import build_sample
from nianbao.publish import publish
from tests.builders.serving import CHROMIUM, browser_page, served

ARTIFACTS = Path(__file__).parent / "artifacts"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    d = tmp_path_factory.mktemp("browser")
    db = d / "nianbao.db"
    build_sample(db, d / "archive")
    publish(db)
    with served(db, d / "serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def page(server):
    ARTIFACTS.mkdir(exist_ok=True)
    gi = ARTIFACTS / ".gitignore"
    if not gi.exists():
        gi.write_text("*\n")
    with browser_page(server) as pg:
        yield pg


def test_reports_page_renders_with_data(server, page):
    page.goto(server + "/nianbao/reports")
    page.wait_for_selector("table.rows-and-columns")
    assert "年度报告" in page.title() or "reports" in page.title()
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 5
    body = page.inner_text("body")
    assert "广东省公安厅2022年政府信息公开工作年度报告" in body
    # facets with Chinese values
    facets = page.inner_text(".facet-results")
    assert "广东省" in facets and "国务院部门" in facets and "2023" in facets
    # link to the archived original
    href = page.locator("a[href*='/-/original/']").first.get_attribute("href")
    assert href
    page.screenshot(path=str(ARTIFACTS / "reports.png"), full_page=False)
    r = page.request.get(server + href)
    assert r.status == 200 and "政府信息公开工作年度报告" in r.text()


def test_search_box_finds_two_character_word(server, page):
    page.goto(server + "/nianbao/reports")
    page.fill("input[name=_search]", "复议")
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_url("**_search=*")
    page.wait_for_selector("table.rows-and-columns")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 1
    assert "广东省公安厅2022年" in rows.first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "search.png"))
    page.goto(server + "/nianbao/reports?_search=公安")
    page.wait_for_selector("table.rows-and-columns")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2


def test_vega_chart_renders(server, page):
    page.goto(server + "/nianbao/denial_rate_by_year#g.mark=bar&g.x_column=year&g.x_type=ordinal"
                       "&g.y_column=denial_rate&g.y_type=quantitative")
    page.wait_for_selector(".vega-embed canvas", timeout=20000)
    # vega draws asynchronously: wait until the canvas has its chart size
    page.wait_for_function("() => { const c = document.querySelector('.vega-embed canvas');"
                           " const r = c && c.getBoundingClientRect(); return r && r.width > 50 && r.height > 100; }",
                           timeout=20000)
    box = page.locator(".vega-embed canvas").first.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 300  # two years → two bars, at a readable size
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "chart.png"), full_page=True)
    assert page.locator("text=Charting options").count() >= 1


def test_canned_query_and_atom(server, page):
    page.goto(server + "/nianbao/agencies_losing_reviews_or_lawsuits")
    page.wait_for_selector("table.rows-and-columns")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    assert "行政复议或行政诉讼被纠正的机关" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "canned.png"))
    r = page.request.get(server + "/nianbao/new_reports_feed.atom")
    assert r.status == 200 and r.text().count("<entry>") == 5


def test_canned_query_opens_with_its_question_and_the_sql_one_click_away(server, page):
    page.goto(server + "/nianbao/denial_rate_by_year")
    page.wait_for_selector("table.rows-and-columns")
    body = page.inner_text("body")
    assert "全国历年不予公开率" in body and "全国汇总的不予公开率" in body
    assert page.locator("#sql-editor, #sql-query").count() == 0          # the SQL is not a wall of text
    page.click(".show-hide-sql a")
    page.wait_for_selector("#sql-editor, #sql-query")
    assert "denial_rate" in page.content()


def test_agency_history_and_the_trace_of_one_value(server, page):
    page.goto(server + "/nianbao/agency_history?agency=广东省公安厅")
    page.wait_for_selector("table.rows-and-columns")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    headers = [t.strip() for t in page.locator("table.rows-and-columns thead th").all_inner_texts()]
    rid = page.locator("table.rows-and-columns tbody tr").first.locator("td").nth(headers.index("报告编号")).inner_text().strip()
    page.goto(server + f"/nianbao/report_trace?report_id={rid}")
    page.wait_for_selector("table.rows-and-columns")
    assert "本年新收" in page.inner_text("body")
    with page.expect_response(lambda r: "/-/original/" in r.url) as info:
        page.locator("a", has_text="打开原件").first.click()
    assert info.value.status == 200
    assert "广东省公安厅" in page.content()
