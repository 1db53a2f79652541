"""An independent second portal simulator (written apart from ``nianbao/demo/portals.py``).

Its own page markup and site structures, modelled on what real portals of each platform look
like, with the quirks the first simulator does not have:

- ``trs_shtml``: TRS WCM with ``.shtml`` pages, a home → 政务公开 → 政府信息公开 → 政府信息公开年度报告
  (link with an ``<img>`` icon) chain of directory URLs (``./zwgk/``), a report column split into
  per-year sub-columns (``2023年度``, ``2022年度``), the newer ``createPageHTML('page_div',3,0,
  'index','shtml',20)`` with numbering base 2 (page 2 is ``index_2.shtml``; ``index_1`` is a 404),
  truncated link texts with full ``title`` attributes, ``.trs_editor_view`` bodies, attachments
  ``./P0….pdf`` (with ``OLDSRC``), ``.docx``, ``.doc``, ``.wps``; a 412 ``$_ts`` wall on one
  article only; robots.txt with ``Crawl-delay`` and ``Disallow: /xxgk/private/``; distractors whose
  titles include 年度报告 (a notice, a 解读).
- ``trs_old``: TRS with the older ``createPageHTML(3, 0, "index", "html")`` (page 2 is
  ``index_1.html``), GBK pages served with no charset anywhere, absolute ``http://host:port/``
  links, ``#zoom`` bodies, a 503-then-OK article, a 301 → 302 redirect chain, ``javascript:``
  links, a link to a report on another host (must never be requested), no robots.txt (404).
- ``hanweb2``: Hanweb JCMS whose column id (1229) and unit id (4321) differ, records in a
  ``<datastore>`` with single-quoted hrefs, ``totalRecord``/``perpage`` only in the jpage script,
  further records only by POST to ``dataproxy.jsp`` (checks columnid *and* unitid); a report
  titled only ``2023年度报告`` in the 信息公开年报 column; downloads via ``downfile.jsp``; a 412
  wall; robots.txt with a group for another bot that disallows everything.
- ``gd2``: Guangdong style, the annual-report link (``<img>`` + 年度报告) only on the second-level
  政务公开 page, ``?page=2`` pagination, ``/zwgk/…/content/post_<id>.html`` and
  ``/gkmlpt/content/…/post_<id>.html`` articles, a 503-then-OK article, a truncated title without
  ``title`` attribute, a link to another host.
- ``epoint2``: Epoint WebBuilder: the column list itself is an empty shell filled by
  ``fetch('/EpointWebBuilder/rest/…')`` JSON, details are ``showinfo.html?infoGuid=`` shells
  filled from another JSON endpoint; one with a PDF attachment.
- ``jsl_host``: a whole host behind Jiasule (521 + ``__jsl_clearance``).
- ``noentry``: robots.txt ``User-agent: *`` / ``Disallow: /``: nothing but robots.txt may be fetched.
- ``offsite``: "another host", linked from others; it must receive no request at all.

``start()`` → :class:`AltHandle` with ``urls``, ``expected[key]`` (reports, distractors, blocked,
robots_excluded, never) and ``log(key)`` (list of ``(method, path?query, status)``).
"""
from __future__ import annotations

import html
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from nianbao.demo import documents as D

esc = html.escape
_CACHE: dict = {}


def report(seed, agency, year=2023):
    return D.random_report(seed=seed, agency=agency, year=year)


def doc(rep, medium):
    key = (rep["title"], rep.get("year"), medium)
    if key not in _CACHE:
        _CACHE[key] = D.render(rep, medium)
    return _CACHE[key]


def report_inner(rep) -> str:
    """The body of a report rendered as HTML (its tables and paragraphs) to paste into our markup."""
    s = doc(rep, "html").decode("utf-8")
    m = re.search(r'id="zoom">(.*?)</div>\s*<div class="share">', s, re.S)
    return m.group(1) if m else s


def wall_412():
    body = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            "<script type=\"text/javascript\">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84316;"
            "$_ts.cd=\"qhzcrAlEhGWlcqVZDs3ttGLwLcmF\";</script><script src=\"/4QbVtADbnLVIc/c.FxJzG50F.js\" "
            "r='m'></script></head><body></body></html>")
    return 412, {"Content-Type": "text/html"}, body.encode()


def wall_521():
    body = ("<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+"
            "('a')+('n')+('c')+('e')+('=')+(+new Date())+'|0|'+'abc';var __jsl_clearance=1;"
            "location.href=location.pathname+location.search</script>")
    return 521, {"Content-Type": "text/html"}, body.encode()


def gov_page(title, body, *, charset="utf-8", site="", extra_head=""):
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />' if charset else ""
    return (f"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html><head>{meta}"
            f"<title>{esc(title)}{('-' + esc(site)) if site else ''}</title>{extra_head}"
            "<link href=\"/css/style.css\" rel=\"stylesheet\" type=\"text/css\" /></head>\n<body>\n"
            f"<div id=\"top\"><a href=\"javascript:void(0)\" onclick=\"SetHome(this)\">设为首页</a>"
            f"<a href=\"javascript:AddFavorite()\">加入收藏</a></div>\n{body}\n"
            "<div id=\"foot\">版权所有 示例政府网站 <a href=\"javascript:;\">网站地图</a></div></body></html>")


class Site:
    """One portal: routes path → body or handler(site, method, path, qs, form)."""

    def __init__(self, key, name, platform):
        self.key, self.name, self.platform = key, name, platform
        self.routes: dict = {}
        self.log: list = []
        self.times: list = []          # when each logged request arrived (monotonic seconds)
        self.lock = threading.Lock()
        self.hits: dict = {}
        self.reports: list = []
        self.distractors: list = []
        self.blocked: list = []
        self.robots_excluded: list = []
        self.never: list = []          # paths that must never be requested
        self.timeouts: list = []       # answer after 2.5 s (the source sets download_timeout: 1)
        self.missing: list = []        # linked files that do not exist (404, or a 200 "not found" page)
        self.host_blocked = False
        self.base = ""
        self.server = None

    def add(self, path, body, ctype="text/html; charset=utf-8", status=200):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = (status, {"Content-Type": ctype}, body)

    def handle(self, path, fn):
        self.routes[path] = fn

    def url(self, path):
        return self.base + path

    def hit(self, path):
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


class _H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        self._serve("GET")

    def do_HEAD(self):
        self._serve("HEAD")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method):
        arrived = time.monotonic()
        site: Site = self.server.site
        n = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(n) if n else b""
        u = urlsplit(self.path)
        qs = parse_qs(u.query, keep_blank_values=True)
        r = site.routes.get(u.path)
        if site.host_blocked:
            st, hd, body = wall_521()
        elif r is None:
            st, hd, body = 404, {"Content-Type": "text/html; charset=utf-8"}, "<h1>404 Not Found</h1>".encode()
        elif callable(r):
            st, hd, body = r(site, method, u.path, qs, form)
        else:
            st, hd, body = r
        with site.lock:
            site.log.append((method, self.path, st))
            site.times.append(arrived)
        self.send_response(st)
        for k, v in hd.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)


def _serve(site: Site) -> Site:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _H)
    srv.daemon_threads = True
    srv.site = site
    site.server = srv
    site.base = f"http://127.0.0.1:{srv.server_address[1]}"
    return site


def li(href, title, text=None, date="2024-01-20", quote='"'):
    text = text if text is not None else title
    q = quote
    return (f"<li><a href={q}{esc(href)}{q} title={q}{esc(title)}{q} target=\"_blank\">{esc(text)}</a>"
            f"<span>{date}</span></li>")


def trunc(t, n=18):
    return t if len(t) <= n else t[:n] + "…"


# ------------------------------------------------------------------------------------ TRS (.shtml)
def build_trs_shtml(s: Site):
    s.add("/robots.txt", "User-agent: *\nCrawl-delay: 1\nDisallow: /xxgk/private/\nDisallow: /search/\n",
          ctype="text/plain")
    home = gov_page("示例市人民政府门户网站", (
        "<div class=\"nav\"><ul><li><a href=\"./index.shtml\">首页</a></li>"
        "<li><a href=\"./zwgk/\" target=\"_blank\">政务公开</a></li>"
        "<li><a href=\"./search/index.shtml\">搜索</a></li>"
        "<li><a href=\"javascript:;\">互动交流</a></li></ul></div>"
        "<div class=\"news\"><ul>"
        + li("./xwzx/202401/t20240110_1111.shtml", "示例市召开2023年度政府信息公开工作年度报告编制部署会")
        + "</ul></div>"), site=s.name)
    s.add("/", home)
    s.add("/index.shtml", home)
    s.add("/xwzx/202401/t20240110_1111.shtml", gov_page("示例市召开2023年度政府信息公开工作年度报告编制部署会",
          "<div class=\"trs_editor_view\"><p>会议要求各单位按时发布年度报告。</p></div>"))
    s.distractors.append("/xwzx/202401/t20240110_1111.shtml")
    zwgk = gov_page("政务公开", "<div class=\"zwgk-nav\"><a href=\"./xxgk/index.shtml\">政府信息公开</a>"
                    "<a href=\"./zcwj/index.shtml\">政策文件</a><a href=\"../index.shtml\">首页</a></div>", site=s.name)
    s.add("/zwgk/", zwgk)
    s.add("/zwgk/index.shtml", zwgk)
    s.add("/zwgk/xxgk/index.shtml", gov_page("政府信息公开", (
        "<ul class=\"xxgk-menu\">"
        "<li><a href=\"./zn/index.shtml\"><img src=\"../../images/icon_zn.png\" alt=\"\">政府信息公开指南</a></li>"
        "<li><a href=\"./zd/index.shtml\">政府信息公开制度</a></li>"
        "<li><a href=\"./ndbg/\" target=\"_blank\"><img src=\"../../images/icon_nb.png\" alt=\"\">"
        "<span>政府信息公开年度报告</span></a></li></ul>"), site=s.name))
    s.add("/zwgk/xxgk/zn/index.shtml", gov_page("政府信息公开指南", "<div class=\"trs_editor_view\"><p>指南</p></div>"))
    col = gov_page("政府信息公开年度报告", "<div class=\"sub-col\"><a href=\"./2023/\">2023年度</a>"
                   "<a href=\"./2022/index.shtml\">2022年度</a></div>", site=s.name)
    s.add("/zwgk/xxgk/ndbg/", col)
    s.add("/zwgk/xxgk/ndbg/index.shtml", col)
    d = "/zwgk/xxgk/ndbg/2023"

    def art(path, title, inner):
        s.add(path, gov_page(title, f"<div class=\"detail\"><div class=\"detail-title\">{esc(title)}</div>"
                                    f"<div class=\"trs_editor_view TRS_UEDITOR\">{inner}</div></div>", site=s.name))

    items = [[], [], []]
    # page 1
    r = report(101, "示例市人民政府")
    art(f"{d}/202402/t20240205_4567.shtml", r["title"], report_inner(r))
    items[0].append(li("./202402/t20240205_4567.shtml", r["title"], trunc(r["title"]), "2024-02-05"))
    s.reports.append(f"{d}/202402/t20240205_4567.shtml")
    r = report(102, "示例市发展和改革委员会")
    pdf = "P020240125512345678901.pdf"
    art(f"{d}/202401/t20240125_4570.shtml", r["title"],
        f"<p>附件：<a href=\"./{pdf}\" OLDSRC=\"/protect/P0202401/{pdf}\">{esc(r['title'])}.pdf</a></p>")
    s.add(f"{d}/202401/{pdf}", doc(r, "pdf"), ctype="application/pdf")
    items[0].append(li("./202401/t20240125_4570.shtml", r["title"], trunc(r["title"]), "2024-01-25"))
    s.reports.append(f"{d}/202401/{pdf}")
    t = "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知"
    art(f"{d}/202401/t20240105_4560.shtml", t, "<p>各区、各部门：请于1月31日前发布年度报告。</p>")
    items[0].append(li("./202401/t20240105_4560.shtml", t, trunc(t), "2024-01-05"))
    s.distractors.append(f"{d}/202401/t20240105_4560.shtml")
    # page 2 (index_2.shtml: numbering base 2)
    r = report(103, "示例市教育局")
    art(f"{d}/202401/t20240128_4575.shtml", r["title"],
        "<p>附件：<a href=\"./P020240128600000000001.docx\" OLDSRC=\"/protect/P0202401/P020240128600000000001.docx\">"
        f"{esc(r['title'])}.docx</a></p>")
    s.add(f"{d}/202401/P020240128600000000001.docx", doc(r, "docx"), ctype="application/octet-stream")
    items[1].append(li("./202401/t20240128_4575.shtml", r["title"], trunc(r["title"]), "2024-01-28"))
    s.reports.append(f"{d}/202401/P020240128600000000001.docx")
    r = report(104, "示例市民政局")
    art(f"{d}/202401/t20240129_4576.shtml", r["title"],
        f"<p><a href=\"./P020240129600000000002.doc\">{esc(r['title'])}.doc</a></p>")
    s.add(f"{d}/202401/P020240129600000000002.doc", doc(r, "doc"), ctype="application/msword")
    items[1].append(li("./202401/t20240129_4576.shtml", r["title"], trunc(r["title"]), "2024-01-29"))
    s.reports.append(f"{d}/202401/P020240129600000000002.doc")
    t = "示例市公安局2023年政府信息公开工作年度报告"
    s.handle(f"{d}/202401/t20240130_4577.shtml", lambda *a: wall_412())
    items[1].append(li("./202401/t20240130_4577.shtml", t, trunc(t), "2024-01-30"))
    s.blocked.append(f"{d}/202401/t20240130_4577.shtml")
    t = "《示例市人民政府2023年政府信息公开工作年度报告》解读"
    art(f"{d}/202402/t20240206_4590.shtml", t, "<p>一图读懂年度报告。主动公开政府信息情况……</p>")
    items[1].append(li("./202402/t20240206_4590.shtml", t, trunc(t), "2024-02-06"))
    s.distractors.append(f"{d}/202402/t20240206_4590.shtml")
    # page 3
    r = report(105, "示例市财政局")
    art(f"{d}/202401/t20240131_4578.shtml", r["title"],
        f"<p>附件：<a href=\"./P020240131600000000003.wps\">{esc(r['title'])}.wps</a></p>")
    s.add(f"{d}/202401/P020240131600000000003.wps", doc(r, "wps"), ctype="application/octet-stream")
    items[2].append(li("./202401/t20240131_4578.shtml", r["title"], trunc(r["title"]), "2024-01-31"))
    s.reports.append(f"{d}/202401/P020240131600000000003.wps")
    t = "示例市审计局2023年政府信息公开工作年度报告"
    r = report(106, "示例市审计局")
    art("/xxgk/private/t20240201_4580.shtml", t, report_inner(r))
    items[2].append(li("/xxgk/private/t20240201_4580.shtml", t, trunc(t), "2024-02-01"))
    s.robots_excluded.append("/xxgk/private/t20240201_4580.shtml")
    s.never.append("/xxgk/private/")
    s.never.append("/search/")
    for n, its in enumerate(items):
        name = "index.shtml" if n == 0 else f"index_{n + 1}.shtml"
        body = (f"<div class=\"list\"><ul>{''.join(its)}</ul></div><div id=\"page_div\"></div>"
                f"<div class=\"sib\"><a href=\"../2022/index.shtml\">2022年度</a></div>"
                f"<script>createPageHTML('page_div',3,{n},'index','shtml',20);</script>")
        page = gov_page("2023年度", body, site=s.name)
        s.add(f"{d}/{name}", page)
        if n == 0:
            s.add(f"{d}/", page)
    # 2022: one page, no pager script; an inline report in #zoom with a ../ link back
    d2 = "/zwgk/xxgk/ndbg/2022"
    r = report(107, "示例市人民政府", 2022)
    s.add(f"{d2}/202302/t20230210_3001.shtml", gov_page(r["title"], (
        f"<h1>{esc(r['title'])}</h1><div id=\"zoom\">{report_inner(r)}</div>"
        "<a href=\"../../\">返回</a>"), site=s.name))
    s.reports.append(f"{d2}/202302/t20230210_3001.shtml")
    r2 = report(108, "示例市人民政府办公室", 2022)
    s.add(f"{d2}/202302/t20230215_3002.shtml", gov_page(r2["title"], (
        f"<h1>{esc(r2['title'])}</h1><div id=\"zoom\">{report_inner(r2)}</div>"), site=s.name))
    s.reports.append(f"{d2}/202302/t20230215_3002.shtml")
    pager = ("<script type=\"text/javascript\">\nvar currentPage = {cur};//所在页从0开始\n"
             "var prevPage = currentPage-1//上一页\nvar nextPage = currentPage+1//下一页\n"
             "var countPage = 2//共多少页\ncreatePageHTML(countPage, currentPage, \"index\", \"shtml\");\n</script>")
    s.add(f"{d2}/index.shtml", gov_page("2022年度", "<ul>" + li("./202302/t20230210_3001.shtml", r["title"],
                                                              date="2023-02-10") + "</ul>" + pager.format(cur=0),
                                        site=s.name))
    s.add(f"{d2}/index_1.shtml", gov_page("2022年度", "<ul>" + li("./202302/t20230215_3002.shtml", r2["title"],
                                                                date="2023-02-15") + "</ul>" + pager.format(cur=1),
                                          site=s.name))


# ------------------------------------------------------------------------------------ TRS (old, GBK)
def build_trs_old(s: Site, off: Site):
    B = s.base

    def gbk(title, body):
        return gov_page(title, body, charset=None, site=s.name).encode("gbk", errors="xmlcharrefreplace")

    def add_gbk(path, title, body):
        s.add(path, gbk(title, body), ctype="text/html")

    add_gbk("/", "示例县人民政府", (
        f"<div class=\"menu\"><a href=\"{B}/\">网站首页</a><a href=\"{B}/xxgk/\" target=\"_blank\">政府信息公开</a>"
        f"<a href=\"javascript:void(0)\" onclick=\"window.open('/hdjl/')\">互动交流</a></div>"
        f"<div class=\"links\">友情链接：<a href=\"{off.base}/\" target=\"_blank\">示例市人民政府</a>"
        f"<a href=\"{off.base}/xxgk/zfxxgknb/\">示例市政府信息公开年报</a></div>"))
    add_gbk("/xxgk/", "政府信息公开", (
        f"<table><tr><td><a href=\"{B}/xxgk/gkzn/\">政府信息公开指南</a></td></tr>"
        f"<tr><td><a href=\"{B}/xxgk/gzbg/index.html\">工作年报</a></td></tr></table>"))
    add_gbk("/xxgk/gkzn/", "政府信息公开指南", "<div id=\"zoom\"><p>指南</p></div>")
    d = "/xxgk/gzbg"

    def art(path, title, inner):
        add_gbk(path, title, f"<table class=\"article\"><tr><td class=\"title\">{esc(title)}</td></tr>"
                             f"<tr><td><div id=\"zoom\">{inner}</div></td></tr></table>")

    items = [[], [], []]
    r = report(201, "示例县人民政府")
    art(f"{d}/202403/t20240315_9001.html", r["title"], report_inner(r))
    items[0].append((f"{B}{d}/202403/t20240315_9001.html", r["title"]))
    s.reports.append(f"{d}/202403/t20240315_9001.html")
    # 503 then OK
    r = report(202, "示例县卫生健康局")
    ok = gbk(r["title"], f"<div id=\"zoom\">{report_inner(r)}</div>")

    def flaky(site, method, path, qs, form, ok=ok):
        if site.hit(path) == 1:
            return 503, {"Content-Type": "text/html", "Retry-After": "1"}, b"<h1>503 Service Unavailable</h1>"
        return 200, {"Content-Type": "text/html"}, ok
    s.handle(f"{d}/202403/t20240316_9002.html", flaky)
    items[0].append((f"{B}{d}/202403/t20240316_9002.html", r["title"]))
    s.reports.append(f"{d}/202403/t20240316_9002.html")
    # redirect chain 301 -> 302 -> page
    r = report(203, "示例县教育局")
    s.handle(f"{d}/202403/t20240317_9003.html",
             lambda *a: (301, {"Location": f"{B}/xxgk/old/9003.html", "Content-Type": "text/html"}, b"moved"))
    s.handle("/xxgk/old/9003.html",
             lambda *a: (302, {"Location": f"{d}/202403/t20240317_9003_n.html", "Content-Type": "text/html"}, b"found"))
    art(f"{d}/202403/t20240317_9003_n.html", r["title"], report_inner(r))
    items[0].append((f"{B}{d}/202403/t20240317_9003.html", r["title"]))
    s.reports.append(f"{d}/202403/t20240317_9003.html")
    # page 2 (index_1.html)
    t = "示例县2024年政务公开工作要点"
    art(f"{d}/202402/t20240220_9004.html", t, "<p>要点：各单位于1月31日前发布年度报告。</p>")
    items[1].append((f"{B}{d}/202402/t20240220_9004.html", t))
    s.distractors.append(f"{d}/202402/t20240220_9004.html")
    t = "示例县2023年政府信息公开工作年度报告（解读）"
    art(f"{d}/202403/t20240318_9005.html", t, "<p>本解读对年度报告的主要内容进行说明。</p>")
    items[1].append((f"{B}{d}/202403/t20240318_9005.html", t))
    s.distractors.append(f"{d}/202403/t20240318_9005.html")
    r = report(204, "示例县水利局")
    art(f"{d}/202403/t20240319_9006.html", r["title"], report_inner(r))
    items[1].append((f"{d}/202403/t20240319_9006.html", r["title"]))   # root-relative this time
    s.reports.append(f"{d}/202403/t20240319_9006.html")
    r = report(206, "示例县自然资源局")
    t = "示例县自然资源局政府信息公开工作年度报告（2023年）"
    art(f"{d}/202403/t20240321_9008.html", t, report_inner(r))
    items[1].append((f"{B}{d}/202403/t20240321_9008.html", t))
    s.reports.append(f"{d}/202403/t20240321_9008.html")
    # page 3 (index_2.html): a link to another host, a javascript: link
    items[2].append((f"{off.base}/xxgk/t20240301_1.html", "示例镇2023年政府信息公开工作年度报告"))
    items[2].append(("javascript:void(0);", "示例县民政局2023年政府信息公开工作年度报告"))
    r = report(205, "示例县司法局")
    art(f"{d}/202403/t20240320_9007.html", r["title"],
        f"<p>附件：<a href=\"{B}{d}/202403/P020240320300000000007.pdf\">{esc(r['title'])}</a></p>")
    s.add(f"{d}/202403/P020240320300000000007.pdf", doc(r, "pdf-reportlab"), ctype="application/pdf")
    items[2].append((f"{B}{d}/202403/t20240320_9007.html", r["title"]))
    s.reports.append(f"{d}/202403/P020240320300000000007.pdf")
    for n, its in enumerate(items):
        name = "index.html" if n == 0 else f"index_{n}.html"
        rows = "".join(f"<tr><td>·<a href=\"{esc(h)}\" target=\"_blank\">{esc(t)}</a></td><td>2024-03-15</td></tr>"
                       for h, t in its)
        add_gbk(f"{d}/{name}", "工作年报", f"<table class=\"list\">{rows}</table>"
                f"<script language=\"JavaScript\">createPageHTML(3, {n}, \"index\", \"html\");</script>")


# ------------------------------------------------------------------------------------ Hanweb
def build_hanweb2(s: Site):
    s.add("/robots.txt", "User-agent: Baiduspider\nDisallow: /\n\nUser-agent: *\nDisallow: /module/xxgk/private/\n",
          ctype="text/plain")
    s.add("/", gov_page("示例省交通运输厅", "<div class=\"nav\"><a href=\"/index.html\">首页</a>"
                        "<a href=\"/col/col1001/index.html\">政务公开</a><a href=\"/col/col1002/index.html\">交通新闻</a></div>",
                        site=s.name))
    s.add("/col/col1002/index.html", gov_page("交通新闻", "<p>新闻</p>"))
    s.add("/col/col1001/index.html", gov_page("政务公开", (
        "<div class=\"left\"><a href=\"/col/col1228/index.html\">政府信息公开指南</a>"
        "<a href=\"/col/col1229/index.html?uid=4321&pageNum=1\">信息公开年报</a>"
        "<a href=\"/col/col1230/index.html\">部门年报</a></div>"), site=s.name))
    s.add("/col/col1228/index.html", gov_page("政府信息公开指南", "<div id=\"zoom\">指南</div>"))
    recs = []

    def art(path, title, inner):
        s.add(path, gov_page(title, f"<div class=\"main-txt\"><div class=\"main-tt\">{esc(title)}</div>"
                                    f"<div id=\"zoom\">{inner}</div></div>", site=s.name))

    def rec(path, title, date):
        recs.append(f"<li><a href='{path}' title='{esc(title)}' target='_blank'>{esc(trunc(title, 20))}</a>"
                    f"<span class='bt-data-time'>{date}</span></li>")

    r = report(301, "示例省交通运输厅")
    p = "/art/2024/1/30/art_1229_567.html"
    art(p, r["title"], report_inner(r)); rec(p, r["title"], "2024-01-30"); s.reports.append(p)
    r = report(302, "示例省公路事业发展中心")
    p = "/art/2024/1/29/art_1229_568.html"
    dl = "/module/download/downfile.jsp?classid=0&filename=e3b0c44298fc1c14.docx"
    art(p, r["title"], f"<p>附件：<a href=\"{esc(dl)}\" target=\"_blank\">{esc(r['title'])}.docx</a></p>")
    s.handle("/module/download/downfile.jsp", lambda site, m, path, qs, form: (
        200, {"Content-Type": "application/octet-stream"},
        site.files.get(qs.get("filename", [""])[0], b"") or b""))
    s.files = {"e3b0c44298fc1c14.docx": doc(r, "docx")}
    rec(p, r["title"], "2024-01-29"); s.reports.append(dl)
    # a report titled only "2023年度报告" inside the 年报 column
    r = report(303, "示例省港航管理局")
    p = "/art/2024/1/28/art_1229_569.html"
    art(p, "2023年度报告", report_inner(r)); rec(p, "2023年度报告", "2024-01-28"); s.reports.append(p)
    r = report(307, "示例省港航管理局", 2022)
    p = "/art/2023/1/28/art_1229_580.html"
    art(p, "2022年度报告", "<p>附件：<a href=\"/module/download/downfile.jsp?classid=0&amp;filename=gh2022.pdf\">"
                         "2022年度报告.pdf</a></p>")
    s.files["gh2022.pdf"] = doc(r, "pdf-reportlab")
    rec(p, "2022年度报告", "2023-01-28"); s.reports.append("/module/download/downfile.jsp?classid=0&filename=gh2022.pdf")
    t = "2023年政府信息公开工作年度报告解读"
    p = "/art/2024/1/31/art_1229_570.html"
    art(p, t, "<p>主动公开政府信息情况：2023年全年主动公开信息……</p>"); rec(p, t, "2024-01-31"); s.distractors.append(p)
    t = "示例省交通运输厅机场管理处2023年政府信息公开工作年度报告"
    p = "/art/2024/1/27/art_1229_571.html"
    s.handle(p, lambda *a: wall_412()); rec(p, t, "2024-01-27"); s.blocked.append(p)
    t = "关于报送2023年度政府信息公开工作年度报告的通知"
    p = "/art/2023/12/20/art_1229_572.html"
    art(p, t, "<p>各直属单位：……</p>"); rec(p, t, "2023-12-20"); s.distractors.append(p)
    r = report(304, "示例省交通运输厅", 2022)
    p = "/art/2023/1/20/art_1229_573.html"
    art(p, r["title"], "<p>附件：<a href=\"/module/download/downfile.jsp?classid=0&amp;filename=2301202230.pdf\">"
                       f"{esc(r['title'])}.pdf</a></p>")
    s.files["2301202230.pdf"] = doc(r, "pdf-reportlab")
    rec(p, r["title"], "2023-01-20"); s.reports.append("/module/download/downfile.jsp?classid=0&filename=2301202230.pdf")
    t = "省交通运输厅举办政务公开业务培训班"
    p = "/art/2023/11/2/art_1229_574.html"
    art(p, t, "<p>培训会上……</p>"); rec(p, t, "2023-11-02"); s.distractors.append(p)
    r = report(305, "示例省交通运输厅", 2021)
    p = "/art/2022/1/25/art_1229_575.html"
    art(p, r["title"], report_inner(r)); rec(p, r["title"], "2022-01-25"); s.reports.append(p)
    t = "示例省交通运输厅政府信息公开指南"
    p = "/art/2021/6/1/art_1229_576.html"
    art(p, t, "<p>指南……</p>"); rec(p, t, "2021-06-01"); s.distractors.append(p)
    r = report(306, "示例省交通运输厅", 2020)
    p = "/art/2021/1/25/art_1229_577.html"
    art(p, r["title"], report_inner(r)); rec(p, r["title"], "2021-01-25"); s.reports.append(p)
    total, per = len(recs), 4

    def datastore(rs, with_total=False):
        return ("<datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1&amp;appid=1"
                "&amp;webid=27&amp;path=/&amp;columnid=1229&amp;unitid=4321&amp;webname=%E7%A4%BA%E4%BE%8B"
                "&amp;permissiontype=0\"></a>]]></nextgroup><recordset>"
                + "".join(f"<record><![CDATA[\n{x}\n]]></record>" for x in rs) + "</recordset>"
                + (f"<totalrecord>{total}</totalrecord>" if with_total else "") + "</datastore>")
    col = gov_page("信息公开年报", (
        "<div class=\"list\"><div id=\"4321\"><script type=\"text/xml\">" + datastore(recs[:per]) + "</script>"
        "<script type=\"text/javascript\" src=\"/module/jslib/jquery/jpage/jquery.jpage.js\"></script>"
        "<script type=\"text/javascript\">var currpage = 1; var totalRecord = " + str(total) + ";"
        "$(document).ready(function(){ $('#4321').jpage({ dataStore: dataStore, perpage: " + str(per) + ","
        " totalRecord: " + str(total) + ", proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 1,"
        " barPosition: 'bottom', ajaxParam: { col: 1, webid: 27, path: '/', columnid: 1229,"
        " sourceContentType: 1, unitid: 4321, webname: '示例省交通运输厅', permissiontype: 0 } }); });"
        "</script></div></div>"), site=s.name)
    s.add("/col/col1229/index.html", col)

    # 部门年报: no <nextgroup>; the unit id is only in the jpage call
    recs2 = []
    for k in range(5):
        r = report(310 + k, f"示例省交通运输厅第{k + 1}直属处")
        p = f"/art/2024/2/{k + 1}/art_1230_{800 + k}.html"
        art(p, r["title"], report_inner(r))
        recs2.append(f"<li><a href='{p}' title='{esc(r['title'])}'>{esc(trunc(r['title'], 20))}</a></li>")
        s.reports.append(p)

    def datastore2(rs, with_total=False):
        return ("<datastore><recordset>" + "".join(f"<record><![CDATA[{x}]]></record>" for x in rs)
                + "</recordset>" + (f"<totalrecord>{len(recs2)}</totalrecord>" if with_total else "") + "</datastore>")
    s.add("/col/col1230/index.html", gov_page("部门年报", (
        "<div id=\"4322\"><script type=\"text/xml\">" + datastore2(recs2[:2]) + "</script></div>"
        "<script>$('#4322').jpage({dataStore:dataStore, perPage:2, totalRecord:" + str(len(recs2)) + ","
        " proxyUrl:'/module/web/jpage/dataproxy.jsp', ajaxParam:{col:1, appid:1, webid:27, path:'/',"
        " columnid:1230, sourceContentType:1, unitid:4322, permissiontype:0}});</script>"), site=s.name))
    units = {"1229": ("4321", recs, datastore), "1230": ("4322", recs2, datastore2)}

    def proxy(site, method, path, qs, form):
        if method != "POST":
            return 405, {"Content-Type": "text/plain"}, b"Method Not Allowed"
        f = parse_qs(form.decode("utf-8", "replace"))
        col = (f.get("columnid") or [""])[0]
        if col not in units or f.get("unitid") != [units[col][0]]:
            return 200, {"Content-Type": "text/xml;charset=UTF-8"}, b"<datastore><recordset></recordset></datastore>"
        _, rs, ds = units[col]
        a = int(qs.get("startrecord", ["1"])[0])
        b = int(qs.get("endrecord", [str(a + per - 1)])[0])
        body = '<?xml version="1.0" encoding="UTF-8"?>' + ds(rs[a - 1:b], with_total=True)
        return 200, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    s.handle("/module/web/jpage/dataproxy.jsp", proxy)


# ------------------------------------------------------------------------------------ Guangdong
def build_gd2(s: Site, off: Site):
    B = s.base
    s.add("/robots.txt", "User-agent: *\nDisallow: /zwgk/ndbg/draft/\n", ctype="text/plain")
    s.add("/", gov_page("示例区人民政府", (
        "<div class=\"nav\"><a href=\"/\">首页</a><a href=\"/zwgk/\" target=\"_blank\">政务公开</a>"
        f"<a href=\"{off.base}/gkmlpt/index\">市政府信息公开</a></div>"), site=s.name))
    s.add("/zwgk/", gov_page("政务公开", (
        "<div class=\"zwgk-box\"><a href=\"/zwgk/zcwj/\">政策文件</a>"
        "<a href=\"/zwgk/ndbg/\" class=\"icon\"><img src=\"/img/ndbg.png\" alt=\"\"><p>年度报告</p></a>"
        f"<a href=\"{off.base}/zwgk/ndbg/\">市级年度报告</a></div>"), site=s.name))
    s.add("/zwgk/zcwj/", gov_page("政策文件", "<p>文件</p>"))
    d = "/zwgk/ndbg"

    def art(path, title, inner, charset="utf-8"):
        page = gov_page(title, f"<div class=\"article\"><h3 class=\"article-title\">{esc(title)}</h3>"
                               f"<div class=\"article-con\">{inner}</div></div>", charset=charset, site=s.name)
        if charset == "utf-8":
            s.add(path, page)
        else:
            s.add(path, page.encode("gb18030"), ctype="text/html; charset=gb2312")
        return page

    pages = [[], [], []]
    r = report(401, "示例区人民政府")
    p = f"{d}/content/post_3841001.html"
    art(p, r["title"], report_inner(r)); pages[0].append((p, r["title"], True)); s.reports.append(p)
    r = report(402, "示例区发展和改革局")
    p = "/gkmlpt/content/3/3841/post_3841002.html"
    pdf = "/attachment/0/520/520111/3841002.pdf"
    art(p, r["title"], f"<p><a href=\"{B}{pdf}\" target=\"_blank\">{esc(r['title'])}.pdf</a></p>")
    s.add(pdf, doc(r, "pdf-reportlab"), ctype="application/pdf")
    pages[0].append((p + "#3841002", r["title"], True)); s.reports.append(pdf)
    t = "示例区2024年政务公开工作要点"
    p = f"{d}/content/post_3841003.html"
    art(p, t, "<p>要点</p>"); pages[0].append((p, t, True)); s.distractors.append(p)
    r = report(404, "示例区卫生健康局")
    p = f"{d}/content/post_3841004.html"
    ok = gov_page(r["title"], f"<div class=\"article\"><h3>{esc(r['title'])}</h3><div class=\"article-con\">"
                              f"{report_inner(r)}</div></div>").encode()

    def flaky(site, method, path, qs, form, ok=ok):
        if site.hit(path) == 1:
            return 503, {"Content-Type": "text/html"}, b"busy"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, ok
    s.handle(p, flaky); pages[1].append((p, r["title"], True)); s.reports.append(p)
    r = report(405, "示例区住房和城乡建设局")
    p = f"{d}/content/post_3841005.html"
    art(p, r["title"], report_inner(r), charset="gb2312"); pages[1].append((p, r["title"], True)); s.reports.append(p)
    r = report(406, "示例区教育局")
    p = f"{d}/content/post_3841006.html"
    art(p, r["title"], report_inner(r)); pages[2].append((p, r["title"][:16] + "...", False)); s.reports.append(p)
    pages[2].append((f"{off.base}/zwgk/ndbg/content/post_1.html", "示例市2023年政府信息公开工作年度报告", True))
    r = report(408, "示例区民政局")
    p = f"{d}/content/post_3841010.html"
    pdf2 = "/attachment/0/520/520112/3841010.pdf"
    art(p, r["title"], f"<iframe src=\"/pdfjs/web/viewer.html?file={pdf2.replace('/', '%2F')}\" width=\"100%\""
                       " height=\"800\"></iframe>")
    s.add(pdf2, doc(r, "pdf-reportlab"), ctype="application/pdf")
    s.add("/pdfjs/web/viewer.html", gov_page("PDF", "<div id=\"viewer\"></div><script src=\"viewer.js\"></script>"))
    pages[1].append((p, r["title"], True)); s.reports.append(pdf2)
    t = "示例区司法局2023年政府信息公开工作年度报告"
    p = f"{d}/content/post_3841009.html"

    def slow(site, method, path, qs, form):
        time.sleep(2.5)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, gov_page(t, "<p>迟到</p>").encode()
    s.handle(p, slow); pages[2].append((p, t, True)); s.timeouts.append(p)
    r = report(407, "示例区统计局")
    p = f"{d}/draft/post_3841008.html"
    art(p, r["title"], report_inner(r)); pages[2].append((p, r["title"], True)); s.robots_excluded.append(p)
    s.never.append(f"{d}/draft/")
    for n, its in enumerate(pages):
        ta = lambda t, full: (' title="' + esc(t) + '"') if full else ''  # noqa: E731
        lis = "".join(f"<li><a href=\"{esc(h)}\"{ta(t, full)} target=\"_blank\">"
                      f"{esc(t)}</a><span class=\"date\">2024-01-2{n}</span></li>" for h, t, full in its)
        nav = "".join(f"<a href=\"?page={k + 1}\">{k + 1}</a>" if k != n else f"<a class=\"cur\">{k + 1}</a>"
                      for k in range(3))
        if n < 2:
            nav += f"<a href=\"?page={n + 2}\">下一页</a>"
        pg = gov_page("年度报告", f"<ul class=\"news-list\">{''.join(lis)}</ul><div class=\"pagination\">{nav}</div>",
                      site=s.name)
        pages[n] = pg
    s.handle(f"{d}/", lambda site, m, path, qs, form: (
        200, {"Content-Type": "text/html; charset=utf-8"},
        pages[min(max(int((qs.get("page") or ["1"])[0] or 1), 1), 3) - 1].encode()))


# ------------------------------------------------------------------------------------ Epoint
def build_epoint2(s: Site):
    s.add("/", gov_page("示例市公共资源交易中心", "<div class=\"ewb-nav\"><a href=\"/\">首页</a>"
                        "<a href=\"/xxgk/index.html\">政府信息公开</a></div>", site=s.name))
    s.add("/xxgk/index.html", gov_page("政府信息公开", "<ul class=\"ewb-menu\"><li><a href=\"/xxgk/003001/003001005/"
                                      "moreinfo.html\">政府信息公开年报</a></li></ul>", site=s.name))
    infos, lst = {}, []
    for k in range(3):
        guid = f"8f2a{k:04d}-1c2d-4e5f-9a0b-1c2d3e4f5a6b"
        rep = report(501 + k, ["示例市公共资源交易中心", "示例市公共资源交易中心东区分中心", "示例市公共资源交易中心西区分中心"][k])
        url = f"/xxgk/003001/003001005/showinfo.html?infoGuid={guid}"
        if k == 2:
            att = f"/EpointWebBuilder/WebbuilderMIS/attach/downloadZtbAttach.jspx?attachGuid=f{guid}&appUrlFlag=ztb001"
            s.add("/EpointWebBuilder/WebbuilderMIS/attach/downloadZtbAttach.jspx", doc(rep, "pdf-reportlab"),
                  ctype="application/octet-stream")
            content = f"<p>附件：<a href=\"{esc(att)}\">{esc(rep['title'])}.pdf</a></p>"
            s.reports.append(att)
        else:
            content = report_inner(rep)
            s.reports.append(url)
        infos[guid] = {"title": rep["title"], "content": content}
        lst.append({"title": rep["title"], "infodate": f"2024-01-1{k}", "infourl": url})
    t = "示例市公共资源交易中心政府信息公开指南"
    guid = "8f2a0009-1c2d-4e5f-9a0b-1c2d3e4f5a6b"
    infos[guid] = {"title": t, "content": "<p>指南正文</p>"}
    lst.append({"title": t, "infodate": "2023-06-01", "infourl": f"/xxgk/003001/003001005/showinfo.html?infoGuid={guid}"})
    s.distractors.append(f"/xxgk/003001/003001005/showinfo.html?infoGuid={guid}")
    s.add("/xxgk/003001/003001005/moreinfo.html", gov_page("政府信息公开年报", (
        "<div class=\"ewb-right\"><h3>政府信息公开年报</h3><ul class=\"wb-data-item\" id=\"showList\"></ul>"
        "<div id=\"pager\"></div></div>"
        "<script>fetch('/EpointWebBuilder/rest/frontAppNotNeedLoginAction/getPageInfoList?params=' + "
        "encodeURIComponent(JSON.stringify({siteGuid:'7eb5f7f1', categoryNum:'003001005', pageIndex:0, pageSize:10})))"
        ".then(function(r){return r.json()}).then(function(d){var h='';d.custom.infodata.forEach(function(x){"
        "h+='<li class=\"wb-data-list\"><a href=\"'+x.infourl+'\" title=\"'+x.title+'\" target=\"_blank\">'+x.title+"
        "'</a><span>'+x.infodate+'</span></li>';});document.getElementById('showList').innerHTML=h;});</script>"),
        site=s.name))
    s.handle("/EpointWebBuilder/rest/frontAppNotNeedLoginAction/getPageInfoList", lambda *a: (
        200, {"Content-Type": "application/json;charset=UTF-8"},
        json.dumps({"custom": {"infodata": lst, "total": len(lst)}}, ensure_ascii=False).encode()))
    s.add("/xxgk/003001/003001005/showinfo.html", gov_page("信息详情", (
        "<div class=\"ewb-info\"><h2 class=\"ewb-info-title\" id=\"infotitle\"></h2>"
        "<div class=\"ewb-info-content\" id=\"infocontent\"></div></div>"
        "<script>var g=location.search.match(/infoGuid=([^&]+)/)[1];"
        "fetch('/EpointWebBuilder/rest/frontAppNotNeedLoginAction/getInfoDetail?infoGuid='+g)"
        ".then(function(r){return r.json()}).then(function(d){document.title=d.custom.title;"
        "document.getElementById('infotitle').textContent=d.custom.title;"
        "document.getElementById('infocontent').innerHTML=d.custom.content;});</script>"), site=s.name))
    s.handle("/EpointWebBuilder/rest/frontAppNotNeedLoginAction/getInfoDetail", lambda site, m, path, qs, form: (
        (200, {"Content-Type": "application/json;charset=UTF-8"},
         json.dumps({"custom": infos[qs["infoGuid"][0]]}, ensure_ascii=False).encode())
        if qs.get("infoGuid", [""])[0] in infos else (404, {"Content-Type": "application/json"}, b"{}")))


# ------------------------------------------------------------------ attachments outside the body
def build_trs_appendix(s: Site):
    """TRS articles saying 全文详见附件 with the file linked OUTSIDE the body: an ``appendix``
    block after ``TRS_Editor``, a ``document.write`` appendix, an ``onclick`` download, a
    ``viewer.html?file=`` frame, a link whose href a script fills in after a request, an extensionless endpoint typed only by Content-Disposition; a
    404 attachment, a 200 "file not found" page; footer and related-list files never fetched."""
    s.add("/", gov_page("示例县人民政府", "<div class=\"nav\"><a href=\"/xxgk/\">政府信息公开</a></div>"
                        "<div class=\"footer\"><a href=\"/images/help.pdf\">网站使用帮助.pdf</a></div>", site=s.name))
    s.never += ["/images/help.pdf", "/images/footer.pdf", "/xxgk/ndbg/202201/P020220120000000000001.pdf"]
    s.add("/xxgk/", gov_page("政府信息公开", "<ul><li><a href=\"/xxgk/ndbg/\">政府信息公开年报</a></li></ul>", site=s.name))
    d = "/xxgk/ndbg"
    items = []

    def art(n, title, appendix):
        path = f"{d}/202401/t202401{20 + n:02d}_{7000 + n}.html"
        s.add(path, gov_page(title, (
            f"<div class=\"article\"><h1>{esc(title)}</h1><div class=\"TRS_Editor\"><p>根据《条例》要求，现公布{esc(title)}，"
            "全文详见附件。</p></div>" + appendix + "</div>"
            "<div class=\"xgwz\"><h3>相关文章</h3><ul><li><a href=\"/xxgk/ndbg/202201/P020220120000000000001.pdf\">"
            "示例县2021年政府信息公开工作年度报告.pdf</a></li></ul></div>"
            "<div class=\"footer\"><a href=\"/images/footer.pdf\">版权声明.pdf</a></div>"), site=s.name))
        items.append(li(f"./202401/t202401{20 + n:02d}_{7000 + n}.html", title, date=f"2024-01-{20 + n:02d}"))
        return path

    def pdf_file(name, rep, medium="pdf-reportlab", ctype="application/pdf"):
        path = f"{d}/202401/{name}"
        s.add(path, doc(rep, medium), ctype=ctype)
        s.reports.append(path)
        return path

    r = report(601, "示例县农业农村局")
    pdf_file("P020240121390512847361.pdf", r)
    art(1, r["title"], "<div class=\"appendix\"><span>附件：</span><a href=\"./P020240121390512847361.pdf\" "
                       "appendix=\"true\">" + esc(r["title"]) + ".pdf</a></div>")
    r = report(602, "示例县统计局")
    pdf_file("P020240122390512847362.docx", r, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    art(2, r["title"], "<div id=\"fjxz\"><script>var f=\"P020240122390512847362.docx\";"
                       "document.write('附件：<a href=\"./'+f+'\">下载</a>');</script></div>")
    r = report(603, "示例县审计局")
    pdf_file("P020240123390512847363.txt", r, "text", "text/plain; charset=utf-8")
    art(3, r["title"], "<p class=\"fj\">附件：<a href=\"javascript:void(0)\" onclick=\"downloadFile('./P020240123390512847363.txt')\">"
                       + esc(r["title"]) + ".txt</a></p>")
    r = report(604, "示例县医疗保障局")
    pdf_file("P020240124390512847364.pdf", r)
    art(4, r["title"], "<iframe src=\"/pdfjs/web/viewer.html?file=/xxgk/ndbg/202401/P020240124390512847364.pdf\"></iframe>")
    r = report(605, "示例县民政局")
    att = "/xxgk/ndbg/download.jsp"
    body = doc(r, "pdf-reportlab")
    s.handle(att, lambda site, m, path, qs, form, body=body: (
        (200, {"Content-Type": "application/octet-stream",
               "Content-Disposition": "attachment; filename=\"2023nb.pdf\""}, body) if qs.get("id") == ["605"]
        else (200, {"Content-Type": "text/html; charset=utf-8"},
              "<html><body><p>对不起，您下载的文件不存在或已被删除！</p></body></html>".encode())))
    s.reports.append(f"{att}?id=605")
    art(5, r["title"], f"<div class=\"fujian\">附件：<a href=\"{att}?id=605\">{esc(r['title'])}</a></div>")
    art(6, "示例县林业局2023年政府信息公开工作年度报告",
        f"<div class=\"fujian\">附件：<a href=\"{att}?id=999\">示例县林业局2023年政府信息公开工作年度报告.pdf</a>"
        "<a href=\"./P020240126390512847366.pdf\">（扫描件）.pdf</a></div>")
    s.missing = [f"{att}?id=999", f"{d}/202401/P020240126390512847366.pdf"]
    r = report(607, "示例县市场监督管理局")
    pdf_file("P020240127390512847367.pdf", r)
    s.add(f"{d}/attach.json", json.dumps({"data": [{"fileUrl": "./P020240127390512847367.pdf"}]}),
          ctype="application/json")
    art(7, r["title"], "<div class=\"fujian\">附件：<a id=\"fj7\" href=\"javascript:void(0);\">"
                       + esc(r["title"]) + ".pdf</a></div><script>fetch('/xxgk/ndbg/attach.json?id=607')"
                       ".then(function(x){return x.json()}).then(function(d){"
                       "document.getElementById('fj7').href=d.data[0].fileUrl;});</script>")
    # table 三 pasted as a picture into the article (tables 二 and 四 stay HTML); a logo beside it
    from tests.builders import pictures as P
    r = report(608, "示例县退役军人事务局")
    page = P.html_with_table_picture(r, "./W020240128390512847368.png").decode("utf-8")
    inner = re.search(r'id="zoom">(.*?)</div>\s*<div class="share">', page, re.S).group(1)
    s.add(f"{d}/202401/W020240128390512847368.png", P.table_picture(r), ctype="image/png")
    path = f"{d}/202401/t20240128_7008.html"
    s.add(path, gov_page(r["title"], f"<div class=\"article\"><h1>{esc(r['title'])}</h1><div class=\"TRS_Editor\">"
                         f"{inner}</div><p><img src=\"/images/logo_dzjg.png\" width=\"60\" height=\"60\"></p></div>",
                         site=s.name))
    s.reports.append(path)
    s.never.append("/images/logo_dzjg.png")
    items.append(li("./202401/t20240128_7008.html", r["title"], date="2024-01-28"))
    half = len(items) // 2
    s.add(f"{d}/", gov_page("政府信息公开年报", "<ul class=\"list\">" + "".join(items[:half]) + "</ul>"
                            "<div class=\"page\"><script>var countPage = 2//共多少页\nvar currentPage = 0;"
                            "createPageHTML(countPage, currentPage, \"index\", \"html\");</script></div>", site=s.name))
    s.add(f"{d}/index.html", s.routes[f"{d}/"][2])
    s.add(f"{d}/index_1.html", gov_page("政府信息公开年报", "<ul class=\"list\">" + "".join(items[half:]) + "</ul>"
                                       "<div class=\"page\"><script>createPageHTML(2, 1, \"index\", \"html\");</script></div>",
                                       site=s.name))


# ------------------------------------------------------------------ Epoint through its list API
def build_epoint_api(s: Site):
    """Epoint WebBuilder as real sites run it: the column is an empty shell whose external script
    reads ``siteInfo`` and POSTs ``params=<JSON>`` to ``/EWB-FRONT/rest/frontAppCustomAction/
    getPageInfoListNew`` (0-based pageIndex, its own page size of 3, records in
    ``custom.infodata``); the detail pages are shells that answer 200 for any id and are filled
    from a JSON detail API; attachments have no extension (Content-Disposition names them)."""
    s.add("/", gov_page("示例市人民政府", "<div class=\"ewb-nav\"><a href=\"/xxgk/index.html\">政府信息公开</a></div>", site=s.name))
    s.add("/xxgk/index.html", gov_page("政府信息公开", "<ul class=\"ewb-menu\"><li><a href=\"/xxgk/govInfoPub.html?"
                                     "categorynum=003001005\">政府信息公开年报</a></li></ul>", site=s.name))
    head = ("<script>var siteInfo = {projectName: \"/EWB-FRONT\", siteGuid: \"7eb5f7f1-9041-43ad-8e13-8fcb82ea831a\"};</script>"
            "<script src=\"/EWB-FRONT/frame/js/jquery.min.js\"></script><script src=\"/js/govinfolist.js\"></script>")
    s.add("/xxgk/govInfoPub.html", gov_page("政府信息公开年报", "<ul class=\"wb-data-item\" id=\"showList\"></ul>"
                                          "<div id=\"pager\"></div>", site=s.name, extra_head=head))
    s.add("/js/govinfolist.js", "/* fills #showList from the list API */", ctype="application/javascript")
    infos, records = {}, []
    for k in range(7):
        guid = f"5d3c{k:04d}-2b1a-4c3d-8e9f-0a1b2c3d4e5f"
        agency = ["示例市发展和改革委员会", "示例市教育局", "示例市公安局", "示例市民政局", "示例市财政局",
                  "示例市人力资源和社会保障局", "示例市自然资源和规划局"][k]
        rep = report(701 + k, agency)
        url = f"/xxgk/003001/003001005/2024012{k}/{guid}.html"
        if k % 3 == 2:      # the report is an attachment without extension
            att = f"/EWB-FRONT/pages/webbuildermis/attach/downloadztbattach?attachGuid=a{guid}&appUrlFlag=ztb001"
            content = (f"<p>全文见附件。</p><div class=\"attach_content\"><a class=\"attachUrl\" "
                       f"data-attachname=\"{esc(agency)}年报.pdf\" href=\"{esc(att)}\">{esc(agency)}年报</a></div>")
            s.reports.append(att)
        else:
            content = report_inner(rep)
            s.reports.append(url)
        infos[guid] = {"title": rep["title"], "content": content, "rep": rep}
        records.append({"infoid": guid, "title": rep["title"], "infourl": url, "infodate": f"2024-01-2{k}",
                        "categorynum": "003001005"})
    guid = "5d3c0099-2b1a-4c3d-8e9f-0a1b2c3d4e5f"
    infos[guid] = {"title": "示例市人民政府政府信息公开指南", "content": "<p>指南正文</p>"}
    records.insert(3, {"infoid": guid, "title": "示例市人民政府政府信息公开指南",
                       "infourl": f"/xxgk/003001/003001005/20230601/{guid}.html", "infodate": "2023-06-01"})
    s.distractors.append(f"/xxgk/003001/003001005/20230601/{guid}.html")

    def list_api(site, method, path, qs, form):
        if method != "POST":
            return 405, {"Content-Type": "text/plain"}, b"POST only"
        params = json.loads(parse_qs(form.decode())["params"][0])
        if params.get("categoryNum") != "003001005":
            return 200, {"Content-Type": "application/json"}, json.dumps({"custom": {"count": 0, "infodata": []}}).encode()
        page = int(params["pageIndex"])
        chunk = records[page * 3:(page + 1) * 3]
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(
            {"controls": [], "custom": {"count": len(records), "infodata": chunk},
             "status": {"code": 1, "text": "操作成功"}}, ensure_ascii=False).encode()
    s.handle("/EWB-FRONT/rest/frontAppCustomAction/getPageInfoListNew", list_api)

    shell = gov_page("信息详情", (
        "<div class=\"ewb-article\"><h2 id=\"infotitle\"></h2><div class=\"ewb-article-info\" id=\"infocontent\"></div></div>"
        "<script>var id=location.pathname.split('/').pop().replace('.html','');"
        "fetch('/EWB-FRONT/rest/frontAppCustomAction/getInfoDetail',{method:'POST',headers:{'Content-Type':"
        "'application/x-www-form-urlencoded'},body:'params='+encodeURIComponent(JSON.stringify({infoid:id}))})"
        ".then(function(r){return r.json()}).then(function(d){document.title=d.custom.title;"
        "document.getElementById('infotitle').textContent=d.custom.title;"
        "document.getElementById('infocontent').innerHTML=d.custom.content;});</script>"), site=s.name)
    for rec in records:
        s.add(rec["infourl"], shell)

    def detail_api(site, method, path, qs, form):
        try:
            infoid = json.loads(parse_qs(form.decode())["params"][0])["infoid"]
        except (KeyError, ValueError):
            infoid = ""
        info = infos.get(infoid, {"title": "", "content": ""})
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(
            {"custom": {"title": info["title"], "content": info["content"]}}, ensure_ascii=False).encode()
    s.handle("/EWB-FRONT/rest/frontAppCustomAction/getInfoDetail", detail_api)

    def attach(site, method, path, qs, form):
        guid = qs.get("attachGuid", [""])[0][1:]
        if guid not in infos or "rep" not in infos[guid]:
            return 200, {"Content-Type": "text/html"}, "<p>附件不存在</p>".encode()
        return 200, {"Content-Type": "application/octet-stream",
                     "Content-Disposition": "attachment; filename*=UTF-8''nb.pdf"}, doc(infos[guid]["rep"], "pdf-reportlab")
    s.handle("/EWB-FRONT/pages/webbuildermis/attach/downloadztbattach", attach)


# ------------------------------------------------------------------ ASP.NET WebForms list
def build_webforms(s: Site):
    """A column paged by posting the form back (``__doPostBack('MoreInfoList1$Pager','2')``):
    page 2 exists only as a POST carrying ``__VIEWSTATE`` and ``__EVENTARGUMENT=2``."""
    s.add("/", gov_page("示例区人民政府", "<a href=\"/xxgk/\">政府信息公开</a>", site=s.name))
    s.add("/xxgk/", gov_page("政府信息公开", "<a href=\"/xxgk/List.aspx?CategoryNum=004002\">政府信息公开年报</a>", site=s.name))
    pages = [[], [], []]
    for k in range(6):
        rep = report(801 + k, ["示例区教育局", "示例区卫生健康局", "示例区应急管理局", "示例区商务局", "示例区司法局", "示例区城市管理局"][k])
        path = f"/InfoDetail/?InfoID=9c{k}&CategoryNum=004002"
        s.reports.append(path)
        pages[k // 2].append((rep, path))
    s.add("/InfoDetail/", "")

    def detail(site, method, path, qs, form):
        k = int(qs.get("InfoID", ["9c0"])[0][2:])
        rep, _ = pages[k // 2][k % 2]
        return 200, {"Content-Type": "text/html; charset=utf-8"}, gov_page(rep["title"], (
            f"<div id=\"mainContent\"><h2>{esc(rep['title'])}</h2>{report_inner(rep)}</div>"), site=s.name).encode()
    s.handle("/InfoDetail/", detail)

    def listing(site, method, path, qs, form):
        n = 1
        if method == "POST":
            f = parse_qs(form.decode())
            if not f.get("__VIEWSTATE", [""])[0].startswith("/wEPDw"):
                return 500, {"Content-Type": "text/html"}, b"Validation of viewstate MAC failed."
            n = int(f.get("__EVENTARGUMENT", ["1"])[0])
        rows = "".join(f"<tr><td><a href=\"{esc(p)}\" target=\"_blank\">{esc(r['title'])}</a></td></tr>" for r, p in pages[n - 1])
        pager = " ".join(f"<b>{i}</b>" if i == n else f"<a href=\"javascript:__doPostBack('MoreInfoList1$Pager','{i}')\">{i}</a>"
                         for i in range(1, 4))
        body = ("<form method=\"post\" action=\"./List.aspx?CategoryNum=004002\" id=\"form1\">"
                f"<input type=\"hidden\" name=\"__VIEWSTATE\" value=\"/wEPDwUKMTY{n}ZGQ=\" />"
                "<input type=\"hidden\" name=\"__EVENTTARGET\" value=\"\" /><input type=\"hidden\" name=\"__EVENTARGUMENT\" value=\"\" />"
                f"<table id=\"MoreInfoList1_DataGrid1\">{rows}</table><div id=\"MoreInfoList1_Pager\">{pager}</div></form>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, gov_page("政府信息公开年报", body, site=s.name).encode()
    s.handle("/xxgk/List.aspx", listing)


# ------------------------------------------------------------------ Hanweb xxgk module
def build_hanweb_xxgk(s: Site):
    """Hanweb's 信息公开 module: the report column is an empty div filled by ``POST
    /module/xxgk/search.jsp`` (category ``infotypeId`` in a script variable, 2 rows a page,
    ``共 N 页``, 1-based ``currpage``); the catalogue's search form (``vc_title``) finds a report
    filed under a category no link leads to; the catalogue tree frame is never needed."""
    s.add("/", gov_page("示例省生态环境厅", "<div class=\"nav\"><a href=\"/col/col1229100/index.html\">政府信息公开</a></div>", site=s.name))
    s.add("/col/col1229100/index.html", gov_page("政府信息公开", (
        "<form name=\"searchform\" action=\"/module/xxgk/search.jsp\" method=\"post\">"
        "<input type=\"hidden\" name=\"infotypeId\" value=\"0\"><input type=\"hidden\" name=\"jdid\" value=\"1756\">"
        "<input type=\"hidden\" name=\"area\" value=\"002482429\"><input type=\"hidden\" name=\"divid\" value=\"div1474300\">"
        "标题：<input type=\"text\" name=\"vc_title\"><input type=\"submit\" value=\"检索\"></form>"
        "<ul><li><a href=\"/col/col1229105/index.html\">政府信息公开年报</a></li>"
        "<li><a href=\"/col/col1229106/index.html\">政府信息公开指南</a></li></ul>"
        "<iframe src=\"/module/xxgk/tree.jsp?area=002482429\"></iframe>"), site=s.name))
    s.never.append("/module/xxgk/tree.jsp")
    s.add("/col/col1229106/index.html", gov_page("政府信息公开指南", "<div id=\"zoom\"><p>指南正文</p></div>", site=s.name))
    s.add("/col/col1229105/index.html", gov_page("政府信息公开年报", (
        "<div id=\"div1474328\"></div><script>var infotypeId = 'B001AG001'; var jdid = '1756';"
        "$.post('/module/xxgk/search.jsp?standardXxgk=0&texttype=0&fbtime=-1&currpage=1',"
        "{infotypeId: infotypeId, jdid: jdid, area: '002482429', divid: 'div1474328', currpage: 1},"
        "function (h) { $('#div1474328').html(h); });</script>"), site=s.name))
    column, hidden = [], []
    agencies = ["示例省生态环境厅", "示例省生态环境厅机关", "示例省辐射环境监督站", "示例省固体废物管理中心", "示例省环境科学研究院"]
    for k, agency in enumerate(agencies):
        rep = report(901 + k, agency, 2023 - (k % 3))
        path = f"/art/2024/1/{20 + k}/art_1229105_5887{k:04d}.html"
        s.add(path, gov_page(rep["title"], f"<div id=\"zoom\">{report_inner(rep)}</div>", site=s.name))
        s.reports.append(path)
        column.append((rep["title"], path, f"2024-01-{20 + k}"))
    rep = report(909, "示例省环境监测中心")
    path = "/art/2024/1/31/art_1229188_5890001.html"
    s.add(path, gov_page(rep["title"], f"<div id=\"zoom\">{report_inner(rep)}</div>", site=s.name))
    s.reports.append(path)
    hidden.append((rep["title"], path, "2024-01-31"))
    others = [("示例省生态环境厅关于2023年度环境影响评价文件审批情况的公告", "/art/2024/2/1/art_1229107_5891001.html", "2024-02-01")]
    s.add(others[0][1], gov_page(others[0][0], "<div id=\"zoom\"><p>公告正文</p></div>", site=s.name))
    s.distractors.append(others[0][1])

    def search(site, method, path, qs, form):
        if method != "POST":
            return 405, {"Content-Type": "text/plain"}, b"POST only"
        f = {k: v[0] for k, v in parse_qs(form.decode(), keep_blank_values=True).items()}
        words = f.get("vc_title", "")
        if f.get("infotypeId") == "B001AG001":
            rows = column
        elif words:
            rows = [r for r in column + hidden + others if words in r[0]]
        else:
            rows = others
        page, per = int(f.get("currpage") or 1), 2
        pages = max(1, -(-len(rows) // per))
        chunk = rows[(page - 1) * per: page * per]
        body = "<table class=\"tb_title\"><tr><td>序号</td><td>名称</td><td>生成日期</td></tr>" + "".join(
            f"<tr class=\"tr_main_value_{'odd' if i % 2 == 0 else 'even'}\"><td>{i + 1}</td><td><a href=\"{site.base}{p}\" "
            f"title=\"{esc(t)}\" target=\"_blank\">{esc(trunc(t, 20))}</a></td><td>{d}</td></tr>"
            for i, (t, p, d) in enumerate(chunk)) + "</table>" + (
            f"<table class=\"tb_page\"><tr><td>共&nbsp;{pages}&nbsp;页&nbsp;共&nbsp;{len(rows)}&nbsp;条&nbsp;"
            "<a href=\"javascript:void(0)\" onclick=\"searchPage(2)\">下一页</a></td></tr></table>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()
    s.handle("/module/xxgk/search.jsp", search)


# ------------------------------------------------------------------ Hanweb JPaaS publishing server
def build_jpaas(s: Site):
    """A JPaaS column: the list comes from ``GET /api-gateway/jpaas-publish-server/front/page/
    build/unit``, the page only inside ``paramJson`` (3 a page); past the last page the list is empty."""
    s.add("/", gov_page("示例市交通运输局", "<div class=\"nav\"><a href=\"/zfxxgk/index.html\">政府信息公开</a></div>", site=s.name))
    s.add("/zfxxgk/index.html", gov_page("政府信息公开", "<ul><li><a href=\"/col/col2405/index.html\">政府信息公开年报</a></li></ul>", site=s.name))
    s.add("/col/col2405/index.html", gov_page("政府信息公开年报", (
        "<ul class=\"news-list\" id=\"list_3f8a\"></ul><script>var unitConfig = { webId: 'w7c4f29a1', "
        "pageId: 'p5e1a88c2', tplSetId: 't2d3e4f5a', tagId: 'list' };"
        "$.get('/api-gateway/jpaas-publish-server/front/page/build/unit', unitConfig);</script>"), site=s.name))
    rows = []
    for k in range(6):
        if k == 2:
            t, path = "示例市交通运输局关于开展道路运输安全检查的通知", "/art/2023/11/2/art_2405_3299810.html"
            s.add(path, gov_page(t, "<div id=\"zoom\"><p>通知正文</p></div>", site=s.name))
            s.distractors.append(path)
        else:
            rep = report(921 + k, ["示例市交通运输局", "示例市公路事业发展中心", "", "示例市运输管理处", "示例市港航事业发展中心", "示例市交通运输综合行政执法支队"][k])
            t, path = rep["title"], f"/art/2024/1/{20 + k}/art_2405_33104{k:02d}.html"
            s.add(path, gov_page(t, f"<div id=\"zoom\">{report_inner(rep)}</div>", site=s.name))
            s.reports.append(path)
        rows.append((t, path))

    def unit(site, method, path, qs, form):
        if qs.get("webId") != ["w7c4f29a1"] or qs.get("tplSetId") != ["t2d3e4f5a"]:
            return 200, {"Content-Type": "application/json"}, b'{"success": false, "data": null}'
        try:
            page = int(json.loads(qs["paramJson"][0])["pageNo"])
        except (KeyError, ValueError):
            page = 1
        html = "".join(li(p, t) for t, p in rows[(page - 1) * 3: page * 3])
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(
            {"success": True, "code": 200, "data": {"html": html}}, ensure_ascii=False).encode()
    s.handle("/api-gateway/jpaas-publish-server/front/page/build/unit", unit)


# ------------------------------------------------------------------ Epoint, raw JSON API
def build_epoint_json(s: Site):
    """Epoint's 信息公开 pages as several cities run them: ``siteInfo`` only in
    ``/js/webBuilderCommon.js``; ``lightfrontaction/getgovinfolist`` takes a raw JSON body only
    (a form post is answered 500); 2 records a page in ``custom.data``, ``custom.total``; the
    detail pages are plain HTML."""
    s.add("/", gov_page("示例市发展和改革委员会", "<div class=\"nav\"><a href=\"/dynamic/zwgk/govInfoPub.html\">政府信息公开</a></div>", site=s.name))
    s.add("/dynamic/zwgk/govInfoPub.html", "")

    def column(site, method, path, qs, form):
        cat = qs.get("categorynum", [""])[0]
        if not cat:
            body = gov_page("政府信息公开", "<ul><li><a href=\"/dynamic/zwgk/govInfoPub.html?categorynum=003006\">"
                                          "政府信息公开年报</a></li></ul>", site=s.name)
        else:
            body = gov_page("政府信息公开年报", "<table><tbody id=\"govInfoList\"></tbody></table><div id=\"pageBar\"></div>",
                            site=s.name, extra_head="<script src=\"/js/jquery-1.11.3.min.js\"></script>"
                                                    "<script src=\"/js/webBuilderCommon.js\"></script>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()
    s.handle("/dynamic/zwgk/govInfoPub.html", column)
    s.add("/js/webBuilderCommon.js", "var siteInfo = {\"projectName\": \"/EWB-FRONT\", \"siteGuid\": "
          "\"bd6e0f7a-1c2b-4d3e-9f80-112233445566\"};\nfunction getQueryString(n) { return ''; }\n",
          ctype="application/javascript")
    s.add("/js/jquery-1.11.3.min.js", "/* jquery */", ctype="application/javascript")
    records = []
    for k in range(5):
        rep = report(941 + k, ["示例市发展和改革委员会", "示例市粮食和物资储备局", "示例市价格监测中心", "示例市能源局", "示例市节能监察支队"][k])
        path = f"/dynamic/zwgk/govInfoPubDetail.html?infoid=8e{k:06d}&categorynum=003006"
        records.append({"infoid": f"8e{k:06d}", "title": rep["title"], "realtitle": rep["title"],
                        "infourl": path, "infodate": f"2024-01-{20 + k}"})
        s.reports.append(path)
        records[-1]["rep"] = rep
    s.add("/dynamic/zwgk/govInfoPubDetail.html", "")

    def detail(site, method, path, qs, form):
        rec = next((r for r in records if qs.get("infoid") == [r["infoid"]]), None)
        if rec is None:
            return 404, {"Content-Type": "text/html"}, b"not found"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, gov_page(
            rec["title"], f"<div class=\"mian-cont\">{report_inner(rec['rep'])}</div>", site=s.name).encode()
    s.handle("/dynamic/zwgk/govInfoPubDetail.html", detail)

    def api(site, method, path, qs, form):
        try:
            params = json.loads(form.decode())
        except ValueError:
            return 500, {"Content-Type": "text/html"}, b"<html><body>java.lang.NullPointerException</body></html>"
        if method != "POST" or "params" in params:
            return 500, {"Content-Type": "text/html"}, b"<html><body>Internal Server Error</body></html>"
        page = int(params.get("pageIndex", 0))
        chunk = [{k: v for k, v in r.items() if k != "rep"} for r in records[page * 2:(page + 1) * 2]]
        if params.get("categorynum") != "003006":
            chunk = []
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(
            {"custom": {"total": len(records), "data": chunk}}, ensure_ascii=False).encode()
    s.handle("/EWB-FRONT/rest/lightfrontaction/getgovinfolist", api)


# ------------------------------------------------------------------ TrueCMS
def build_truecms(s: Site):
    """A TrueCMS column: records by ``GET getMessage.do`` windows (JSONP around an XML
    ``result``); this server answers an empty result for windows over 20 records."""
    s.add("/", gov_page("示例县人民政府", "<div class=\"nav\"><a href=\"/class/XXGK\">政府信息公开</a></div>", site=s.name))
    s.add("/class/XXGK", gov_page("政府信息公开", "<ul><li><a href=\"/class/NDBG\">政府信息公开年报</a></li></ul>", site=s.name))
    s.add("/class/NDBG", gov_page("政府信息公开年报", (
        "<ul id=\"listContent\"></ul><script>$('#listContent').messagePage({ columnId:'c8a1f6e2', "
        "proxyUrl:'/module/web/messageController/getMessage.do', perpage: 15 });</script>"), site=s.name))
    rows = []
    for k in range(23):
        if k % 8 == 5:
            t, path = f"示例县第{k}期政务公开工作简报", f"/content/2023/12/{k:02d}/c8a1f6e2_{k}.html"
            s.add(path, gov_page(t, "<div class=\"zw\"><p>简报正文</p></div>", site=s.name))
        else:
            rep = report(961 + k, f"示例县第{k}局", 2023 - k % 2)
            t, path = rep["title"], f"/content/2024/01/{k + 1:02d}/c8a1f6e2_{k}.html"
            s.add(path, gov_page(t, f"<div class=\"zw\">{report_inner(rep)}</div>", site=s.name))
            s.reports.append(path)
        rows.append((t, path))

    def message(site, method, path, qs, form):
        start, end = int(qs["startrecord"][0]), int(qs["endrecord"][0])
        per = int(qs["perpage"][0])
        recs = "" if per > 20 else "".join(
            f"<record><![CDATA[{li(p, t)}]]></record>" for t, p in rows[start - 1:end])
        body = json.dumps({"total": str(len(rows)), "result": f"<datastore><recordset>{recs}</recordset></datastore>"},
                          ensure_ascii=False)
        return 200, {"Content-Type": "text/javascript; charset=utf-8"}, f"{qs['callback'][0]}({body});".encode()
    s.handle("/module/web/messageController/getMessage.do", message)


# ------------------------------------------------------------------------------------ faults
def build_jsl_host(s: Site):
    s.host_blocked = True
    s.add("/", gov_page("示例镇人民政府", "<a href=\"/xxgk/\">政府信息公开</a>"))
    s.blocked.append("/")


def build_noentry(s: Site):
    s.add("/robots.txt", "User-agent: *\nDisallow: /\n", ctype="text/plain")
    r = report(601, "示例乡人民政府")
    s.add("/", gov_page("示例乡人民政府", "<a href=\"/xxgk/nb/index.html\">政府信息公开年报</a>"))
    s.add("/xxgk/nb/index.html", gov_page("政府信息公开年报", "<ul>" + li("/xxgk/nb/t20240110_1.html", r["title"]) + "</ul>"))
    s.add("/xxgk/nb/t20240110_1.html", gov_page(r["title"], f"<div id=\"zoom\">{report_inner(r)}</div>"))
    s.never.append("/")       # everything except robots.txt


def build_offsite(s: Site):
    r = report(701, "示例市人民政府")
    s.add("/", gov_page("示例市人民政府", "<a href=\"/xxgk/zfxxgknb/\">政府信息公开年报</a>"))
    for p in ("/xxgk/t20240301_1.html", "/zwgk/ndbg/content/post_1.html"):
        s.add(p, gov_page(r["title"], f"<div id=\"zoom\">{report_inner(r)}</div>"))
    s.never.append("/")


PLATFORMS = {"trs_shtml": "trs", "trs_old": "trs", "hanweb2": "hanweb", "gd2": "gdzwfw",
             "epoint2": "epoint", "jsl_host": "generic", "noentry": "generic", "trs_appendix": "trs",
             "epoint_api": "epoint", "webforms": "generic", "hanweb_xxgk": "hanweb", "jpaas": "hanweb",
             "epoint_json": "epoint", "truecms": "truecms"}


class AltHandle:
    def __init__(self, sites: dict):
        self.sites = sites

    @property
    def urls(self):
        return {k: s.base + "/" for k, s in self.sites.items()}

    def sources(self, platform="auto", keys=None):
        out = []
        for k in keys or PLATFORMS:
            src = {"name": f"alt-{k}", "url": self.sites[k].base + "/",
                   "platform": PLATFORMS[k] if platform is None else platform}
            if self.sites[k].timeouts:
                src["download_timeout"] = 1
            out.append(src)
        return out

    def expected(self, key):
        s = self.sites[key]
        return {"reports": [s.url(p) for p in s.reports], "distractors": [s.url(p) for p in s.distractors],
                "blocked": [s.url(p) for p in s.blocked], "robots_excluded": list(s.robots_excluded),
                "never": list(s.never), "timeouts": [s.url(p) for p in s.timeouts],
                "missing": [s.url(p) for p in s.missing]}

    def log(self, key):
        with self.sites[key].lock:
            return list(self.sites[key].log)

    def times(self, key):
        """Arrival time (monotonic seconds) of each logged request, parallel to ``log(key)``."""
        with self.sites[key].lock:
            return list(self.sites[key].times)

    def reset(self):
        for s in self.sites.values():
            with s.lock:
                s.log.clear()
                s.times.clear()
                s.hits.clear()

    def stop(self):
        for s in self.sites.values():
            s.server.shutdown()
            s.server.server_close()


def start() -> AltHandle:
    sites = {k: _serve(Site(k, n, p)) for k, n, p in [
        ("trs_shtml", "示例市人民政府", "trs"), ("trs_old", "示例县人民政府", "trs"),
        ("hanweb2", "示例省交通运输厅", "hanweb"), ("gd2", "示例区人民政府", "gdzwfw"),
        ("epoint2", "示例市公共资源交易中心", "epoint"), ("jsl_host", "示例镇人民政府", "generic"),
        ("noentry", "示例乡人民政府", "generic"), ("offsite", "示例市人民政府", "generic"),
        ("trs_appendix", "示例县人民政府", "trs"), ("epoint_api", "示例市人民政府门户", "epoint"),
        ("webforms", "示例区人民政府", "generic"), ("hanweb_xxgk", "示例省生态环境厅", "hanweb"),
        ("jpaas", "示例市交通运输局", "hanweb"), ("epoint_json", "示例市发展和改革委员会", "epoint"),
        ("truecms", "示例县人民政府", "truecms")]}
    off = sites["offsite"]
    build_trs_shtml(sites["trs_shtml"])
    build_trs_old(sites["trs_old"], off)
    build_hanweb2(sites["hanweb2"])
    build_gd2(sites["gd2"], off)
    build_epoint2(sites["epoint2"])
    build_jsl_host(sites["jsl_host"])
    build_noentry(sites["noentry"])
    build_offsite(off)
    build_trs_appendix(sites["trs_appendix"])
    build_epoint_api(sites["epoint_api"])
    build_webforms(sites["webforms"])
    build_hanweb_xxgk(sites["hanweb_xxgk"])
    build_jpaas(sites["jpaas"])
    build_epoint_json(sites["epoint_json"])
    build_truecms(sites["truecms"])
    for s in sites.values():
        threading.Thread(target=s.server.serve_forever, daemon=True).start()
    return AltHandle(sites)


if __name__ == "__main__":  # pragma: no cover - manual use
    h = start()
    for k, u in h.urls.items():
        print(k, u)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        h.stop()
