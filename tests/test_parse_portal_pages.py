"""Report pages as portals serve them: menus, logos, breadcrumbs and 'previous article' links
around the article must not change the title, year, agency or numbers."""
import re

from nianbao.demo import documents as D
from parsers import parse


def _portal_page(article_html: str, site: str = "示例县人民政府门户网站") -> bytes:
    body = re.search(r"<body[^>]*>(.*)</body>", article_html, re.S).group(1)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{site}</title></head><body>
<div class="header"><h1>{site}</h1></div>
<ul class="nav"><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwgk/xxgknb/">政府信息公开年报</a></li>
<li><a href="/zwgk/zn/">政府信息公开指南</a></li></ul>
<table class="layout"><tr><td>
 <div class="crumb">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
 <div class="TRS_Editor">{body}</div>
 <div class="pages">上一篇：<a href="/x.html">示例县财政局2022年政府信息公开工作年度报告</a></div>
</td><td><table><tr><td>热点</td><td>2024-01-15</td></tr></table></td></tr></table>
<div class="footer">主办：示例县人民政府办公室 备案号：12345678号-1</div></body></html>""".encode("utf-8")


def test_portal_chrome_does_not_change_the_report():
    report = D.random_report(seed=41, agency="示例县交通运输局")
    got = parse(_portal_page(D.render(report, "html").decode("utf-8")))
    assert got["title"] == report["title"]
    assert (got["year"], got["agency"], got["format"]) == (2023, "示例县交通运输局", "2021")
    assert {k: got["fields"][k] for k in report["fields"]} == report["fields"]


def test_stray_page_number_between_table_rows_is_ignored():
    report = D.random_report(seed=42)
    data = D.render(report, "text").decode("utf-8")
    lines = data.split("\n")
    at = next(i for i, ln in enumerate(lines) if "结转下年度" in ln)
    lines.insert(at - 3, "7")                        # a page number inside table 三
    got = parse("\n".join(lines).encode("utf-8"))
    assert {k: got["fields"][k] for k in report["fields"]} == report["fields"]
