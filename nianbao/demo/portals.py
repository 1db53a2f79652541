"""A simulator of government portals: real HTTP servers on 127.0.0.1, one port per portal.

Each portal imitates one platform the crawler knows (see ``crawler/spiders/base.py``) and carries
the faults real portals show: robots.txt exclusions, a 500, a 429 with Retry-After, Rivers
Security (412 + ``$_ts``) and Jiasule (521 + ``__jsl_clearance``) walls, a GBK page with no
charset, meta-refresh and ``location.replace`` shells, a redirect, distractors (指南, 工作要点, a
notice about compiling reports, news), a too-large attachment, and ETag / Last-Modified with 304.

    python -m nianbao.demo.portals --port 8601        # serve every portal, print their URLs

For tests: ``h = start(port=0)`` (free ports) → ``h.urls`` ({key: home URL}), ``h.portals``
({key: Portal}), ``h.expected`` (what a correct crawl must find), ``h.requests(key)`` (requests
per path seen by the portal), ``h.change(key, path)`` (new bytes for a document), ``h.stop()``.
Two portals are only started when asked for (``start(0, keys=("findings",))``): ``county``, a
county column of real size (the crawl bench), and ``findings``, a county whose reports over two
years hold one of each finding of ``nianbao.findings`` (``build_findings``).
Every portal also answers ``/__admin/stats``, ``/__admin/reset``, ``/__admin/change?path=``,
``/__admin/delay?ms=`` over HTTP (not logged).
"""
from __future__ import annotations

import argparse
import collections
import copy
import email.utils
import hashlib
import html
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTAL_KEYS = ("generic", "trs", "hanweb", "gdzwfw", "epoint", "walled")
BIG_SIZE = 60 * 1024 * 1024      # the too-large attachment (crawler cap: 50 MB)


# ----------------------------------------------------------------------------- documents
def _documents():
    try:
        from nianbao.demo import documents  # written by another part of the project
        return documents
    except Exception:  # pragma: no cover - fallback while documents.py does not exist
        return None


def _fallback_reports() -> list[dict]:
    import glob
    import os
    here = os.path.join(os.path.dirname(__file__), "reports")
    out = []
    for f in sorted(glob.glob(os.path.join(here, "*.json"))):
        with open(f, encoding="utf-8") as fh:
            out.append(json.load(fh))
    return out


def _fallback_html(report: dict, encoding: str = "utf-8", declare: bool = True) -> bytes:
    title = report.get("title") or "政府信息公开工作年度报告"
    rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{'' if v is None else v}</td></tr>"
                   for k, v in (report.get("fields") or {}).items())
    meta = f'<meta charset="{encoding}">' if declare else ""
    doc = (f"<html><head>{meta}<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
           f"<p>一、总体情况</p><table border=1>{rows}</table></body></html>")
    return doc.encode("gb18030" if encoding != "utf-8" else "utf-8")


class Content:
    """The reports of the demo, rendered once per (report, medium) and cached."""

    def __init__(self):
        self.docs = _documents()
        self._cache: dict = {}
        self.truth: dict = {}   # sha256 of every rendered document -> the report it shows
        self._lock = threading.Lock()
        base = None
        if self.docs is not None:
            try:
                base = list(self.docs.demo_reports())
            except Exception:
                base = None
        self.base = base or _fallback_reports()

    def report(self, i: int, *, agency: str | None = None, year: int | None = None,
               fmt: str | None = None) -> dict:
        """Report number ``i``: a demo report, or a random one, re-titled for ``agency``/``year``."""
        if i < len(self.base) and fmt in (None, self.base[i].get("format")) and year in (None, self.base[i].get("year")):
            rep = copy.deepcopy(self.base[i])
        elif self.docs is not None and hasattr(self.docs, "random_report"):
            kw = {"fmt": fmt or "2021", "year": year or 2023, "seed": 1000 + i}
            if agency:
                kw["agency"] = agency
            try:
                rep = self.docs.random_report(**kw)
            except TypeError:
                rep = self.docs.random_report(fmt=kw["fmt"], year=kw["year"], seed=kw["seed"])
        else:
            rep = copy.deepcopy(self.base[i % len(self.base)])
            if year:
                rep["year"] = year
        if agency:
            rep["agency"] = agency
            y = rep.get("year") or year or 2023
            rep["title"] = f"{agency}{y}年政府信息公开工作年度报告"
        return rep

    def render(self, rep: dict, medium: str, quirks=frozenset()) -> bytes:
        key = (json.dumps(rep, sort_keys=True, ensure_ascii=False), medium, tuple(sorted(quirks)))
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        data = None
        if self.docs is not None:
            try:
                data = self.docs.render(rep, medium, frozenset(quirks))
            except Exception:
                data = None
        if data is None:
            if medium == "html-gbk":
                data = _fallback_html(rep, "gbk", declare="no-charset" not in quirks)
            elif medium in ("pdf", "pdf-reportlab", "scan-pdf"):
                data = b"%PDF-1.4\n% fallback\n" + _fallback_html(rep) + b"\n%%EOF\n"
            else:
                data = _fallback_html(rep)
        with self._lock:
            self._cache[key] = data
            self.truth[hashlib.sha256(data).hexdigest()] = rep
        return data

    def legacy(self, year: int) -> bytes | None:
        if self.docs is not None and hasattr(self.docs, "render_legacy"):
            try:
                return self.docs.render_legacy(year)
            except Exception:
                return None
        return None


def body_of(data: bytes) -> str:
    """The inner <body> of a rendered HTML report (to embed into an article template)."""
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", "replace")
    low = text.lower()
    a = low.find("<body")
    if a >= 0:
        a = low.find(">", a) + 1
        b = low.rfind("</body>")
        return text[a:b if b > a else len(text)]
    return text


# ----------------------------------------------------------------------------- resources
@dataclass
class Resource:
    body: bytes | None = None
    ctype: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    handler: object = None           # callable(portal, req) -> (status, headers, body) for dynamic pages
    conditional: bool = True         # ETag/Last-Modified + 304
    mtime: float = 1705300000.0
    version: int = 0


def page(title: str, body: str, *, head: str = "", charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}<title>{html.escape(title)}</title>{head}</head>"
            f"<body><div class=\"header\">示例政府网站</div>{body}<div class=\"footer\">主办单位：示例</div></body></html>")


def links(items) -> str:
    return "<ul class=\"list\">" + "".join(
        f"<li><a href=\"{html.escape(h)}\" title=\"{html.escape(t)}\" target=\"_blank\">{html.escape(t)}</a><span>2024-01-{10 + i % 20:02d}</span></li>"
        for i, (t, h) in enumerate(items)) + "</ul>"


class Portal:
    """One simulated portal: a dict of paths to resources plus request accounting."""

    def __init__(self, key: str, name: str, platform: str):
        self.key, self.name, self.platform = key, name, platform
        self.res: dict[str, Resource] = {}
        self.robots = "User-agent: *\nDisallow:\n"
        self.log: collections.Counter = collections.Counter()          # "GET /path?q" -> count
        self.status_log: collections.Counter = collections.Counter()   # "GET /path?q 200" -> count
        self.lock = threading.Lock()
        self.delay = 0.0
        self.port = 0
        self.state: dict = {}
        # what a correct crawl finds (URLs are paths here; .expected() makes them absolute)
        self.reports: list[str] = []        # documents that must be recorded as reports
        self.documents: list[str] = []      # documents that must be archived (reports included)
        self.distractors: list[str] = []    # must never be reports
        self.robots_excluded: list[str] = []
        self.blocked: list[str] = []
        self.too_large: list[str] = []
        self.http_error: list[str] = []
        self.changeable: list[str] = []
        self.js_rendered: list[str] = []
        self.shells: list[str] = []         # tiny meta-refresh / location.replace pages in front of documents

    def add(self, path: str, body=None, ctype="text/html; charset=utf-8", **kw) -> Resource:
        if isinstance(body, str):
            body = body.encode("utf-8")
        r = Resource(body=body, ctype=ctype, **kw)
        self.res[path] = r
        return r

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def change(self, path: str, new_body: bytes | None = None) -> None:
        """Give the document at ``path`` new bytes (a corrected report: a new version)."""
        with self.lock:
            r = self.res[path]
            if new_body is None:
                maker = self.state.get(("changer", path))
                new_body = maker(r.version + 1) if maker else r.body + b"\n%% corrected\n"
            r.body = new_body
            r.version += 1
            r.mtime += 86400

    def requests(self) -> dict:
        with self.lock:
            return dict(self.log)

    def statuses(self) -> dict:
        with self.lock:
            return dict(self.status_log)

    def reset(self) -> None:
        with self.lock:
            self.log.clear()
            self.status_log.clear()
            self.state.pop("hits", None)


def _etag(r: Resource) -> str:
    return '"' + hashlib.sha1(r.body or b"").hexdigest()[:16] + f'-{r.version}"'


def req_is_get(method: str) -> bool:
    return method in ("GET", "HEAD")


def _httpdate(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DemoPortal/1.0"

    def log_message(self, *a):  # quiet
        pass

    @property
    def portal(self) -> Portal:
        return self.server.portal  # type: ignore[attr-defined]

    def do_HEAD(self):
        self._serve("HEAD")

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def _send(self, status, headers, body: bytes, method="GET"):
        key = getattr(self, "_logkey", None)
        if key:
            with self.portal.lock:
                self.portal.status_log[f"{key} {status}"] += 1
            self._logkey = None
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD" and body:
            self.wfile.write(body)

    def _serve(self, method):
        p = self.portal
        u = urllib.parse.urlsplit(self.path)
        path = u.path
        qs = urllib.parse.parse_qs(u.query)
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length) if length else b""
        if path.startswith("/__admin/"):
            return self._admin(path, qs)
        full = path + ("?" + u.query if u.query else "")
        with p.lock:
            p.log[f"{method} {full}"] += 1
        self._logkey = f"{method} {full}"
        if p.delay:
            time.sleep(p.delay)
        if path == "/robots.txt":
            return self._send(200, {"Content-Type": "text/plain"}, p.robots.encode(), method)
        r = p.res.get(full) or p.res.get(path)
        if r is None:
            return self._send(404, {"Content-Type": "text/html; charset=utf-8"},
                              page("404", "<p>页面不存在</p>").encode(), method)
        if r.handler is not None:
            out = r.handler(p, {"method": method, "path": path, "qs": qs, "form": form,
                                "headers": self.headers, "full": full})
            if out is None:
                return None
            status, headers, body = out
            if status == 200 and r.conditional and req_is_get(method):
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                headers = {**headers, "ETag": etag}
                if etag in [t.strip() for t in (self.headers.get("If-None-Match") or "").split(",")]:
                    return self._send(304, {"ETag": etag, "Content-Length": "0"}, b"", method)
            return self._send(status, headers, body, method)
        headers = {"Content-Type": r.ctype, **r.headers}
        if r.conditional and r.status == 200:
            etag, lm = _etag(r), _httpdate(r.mtime)
            headers.update({"ETag": etag, "Last-Modified": lm})
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            fresh = False
            if inm is not None:
                fresh = etag in [t.strip() for t in inm.split(",")]
            elif ims is not None:
                try:
                    fresh = email.utils.parsedate_to_datetime(ims).timestamp() >= int(r.mtime)
                except Exception:
                    fresh = False
            if fresh:
                return self._send(304, {"ETag": etag, "Last-Modified": lm, "Content-Length": "0"}, b"", method)
        return self._send(r.status, headers, r.body or b"", method)

    def _admin(self, path, qs):
        p = self.portal
        if path == "/__admin/stats":
            body = json.dumps(p.requests(), ensure_ascii=False).encode()
        elif path == "/__admin/statuses":
            body = json.dumps(p.statuses(), ensure_ascii=False).encode()
        elif path == "/__admin/reset":
            p.reset()
            body = b"ok"
        elif path == "/__admin/change":
            p.change(qs["path"][0])
            body = b"ok"
        elif path == "/__admin/delay":
            p.delay = float(qs.get("ms", ["0"])[0]) / 1000
            body = b"ok"
        else:
            return self._send(404, {}, b"no such admin action")
        return self._send(200, {"Content-Type": "application/json"}, body)


# ----------------------------------------------------------------------------- dynamic pages
def _rivers_wall(p, req):
    body = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            "<script type=\"text/javascript\">var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84213;"
            "$_ts.cd=\"qEarrAlrq1qqxGZlqqqqxGlqxGqqxGqqxGqqxGAl\";</script>"
            "<script type=\"text/javascript\" src=\"/9DhefwqGPrzGxEp9hPaoag/b.js\" r='m'></script></head><body></body></html>")
    return 412, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


def _jsl_wall(p, req):
    body = ("<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+"
            "('a')+('n')+('c')+('e')+('=')+('1705300000.123|0|')+('abcdef')+';max-age=3600;path=/';"
            "location.href=location.pathname+location.search</script><!-- __jsl_clearance -->")
    return 521, {"Content-Type": "text/html"}, body.encode()


def _always_500(p, req):
    return 500, {"Content-Type": "text/html; charset=utf-8"}, page("500", "<p>服务器内部错误</p>").encode()


# ----------------------------------------------------------------------------- the portals
def _article(title: str, inner: str, *, container: str = '<div class="TRS_Editor">{}</div>',
             charset: str | None = "utf-8") -> str:
    return page(title, f"<div class=\"article\"><h1 class=\"title\">{html.escape(title)}</h1>"
                       f"<div class=\"info\">发布日期：2024-01-15 来源：本网</div>"
                       + container.format(inner) + "</div>", charset=charset)


def build_generic(c: Content) -> Portal:
    p = Portal("generic", "示例县人民政府", "generic")
    p.robots = "User-agent: *\nDisallow: /private/\n"
    p.add("/", page("示例县人民政府", "<div class=\"nav\"><a href=\"/\">首页</a><a href=\"/news/index.html\">新闻中心</a>"
                    "<a href=\"/xxgk/index.html\">政府信息公开</a><a href=\"/hdjl/index.html\">互动交流</a></div>"
                    + links([("示例县召开2023年度政府信息公开工作年度报告编制培训会", "/news/2024/0105/1.html"),
                             ("县长调研春耕备耕工作", "/news/2024/0106/2.html")])))
    p.add("/news/2024/0105/1.html", _article("示例县召开2023年度政府信息公开工作年度报告编制培训会", "<p>会议要求……</p>"))
    p.add("/news/2024/0106/2.html", _article("县长调研春耕备耕工作", "<p>……</p>"))
    p.add("/xxgk/index.html", page("政府信息公开", links([
        ("政府信息公开指南", "/xxgk/zn/index.html"),
        ("政府信息公开制度", "/xxgk/zd/index.html"),
        ("法定主动公开内容", "/xxgk/fdzdgknr/index.html"),
        ("政府信息公开年报", "/xxgk/zfxxgknb/index.html"),
    ])))
    p.add("/xxgk/zn/index.html", _article("示例县人民政府政府信息公开指南", "<p>为了更好地提供政府信息公开服务……</p>"))
    p.add("/xxgk/zd/index.html", page("政府信息公开制度", "<p>制度</p>"))
    p.add("/xxgk/fdzdgknr/index.html", page("法定主动公开内容", "<p>内容</p>"))

    def rep_html(i, agency, year=2023, **kw):
        return c.render(c.report(i, agency=agency, year=year, **kw), "html")

    d = "/xxgk/zfxxgknb"
    # 1. plain HTML report
    p.add(f"{d}/2024/0120/101.html", rep_html(0, "示例县人民政府"))
    # 2. redirect: the listed URL moved
    p.add(f"{d}/old/102.html", b"", status=301, conditional=False,
          handler=lambda pp, req: (301, {"Location": f"{d}/2023/0125/102.html", "Content-Type": "text/html"}, b"moved"))
    p.add(f"{d}/2023/0125/102.html", c.render(c.report(1, agency="示例县人民政府", year=2022), "html"))
    # 3. meta-refresh shell
    p.add(f"{d}/2024/0118/103.html", page("跳转", "", head=f'<meta http-equiv="refresh" content="0;url={d}/2024/0118/103_content.html">'))
    p.add(f"{d}/2024/0118/103_content.html", rep_html(2, "示例县卫生健康局"))
    # 4. location.replace shell
    p.add(f"{d}/2024/0119/104.html", f"<html><head><script>window.location.replace(\"{d}/2024/0119/104_c.html\");</script></head><body></body></html>")
    p.add(f"{d}/2024/0119/104_c.html", rep_html(3, "示例县教育局"))
    # 5, 6. distractors
    p.add(f"{d}/2024/0110/105.html", _article("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", "<p>各乡镇、各部门：……</p>"))
    p.add(f"{d}/2024/0111/106.html", _article("示例县2024年政务公开工作要点", "<p>要点……</p>"))
    # 7. robots-excluded report
    p.add("/private/nb/201.html", rep_html(4, "示例县财政局"))
    # 8, 9. anti-bot walls
    p.add(f"{d}/2024/0121/108.html", handler=_rivers_wall)
    p.add(f"{d}/2024/0122/109.html", handler=_jsl_wall)
    # 10. GBK page without any charset
    p.add(f"{d}/2024/0123/110.html", c.render(c.report(5, agency="示例县农业农村局"), "html-gbk"),
          ctype="text/html")
    # 11. legacy (2018) report, if the document module can render one
    legacy = c.legacy(2018)
    items1 = [
        ("示例县2023年政府信息公开工作年度报告", f"{d}/2024/0120/101.html"),
        ("示例县2022年政府信息公开工作年度报告", f"{d}/old/102.html"),
        ("示例县卫生健康局2023年政府信息公开工作年度报告", f"{d}/2024/0118/103.html"),
        ("示例县教育局2023年政府信息公开工作年度报告", f"{d}/2024/0119/104.html"),
        ("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", f"{d}/2024/0110/105.html"),
        ("示例县2024年政务公开工作要点", f"{d}/2024/0111/106.html"),
    ]
    items2 = [
        ("示例县财政局2023年政府信息公开工作年度报告", "/private/nb/201.html"),
        ("示例县公安局2023年政府信息公开工作年度报告", f"{d}/2024/0121/108.html"),
        ("示例县交通运输局2023年政府信息公开工作年度报告", f"{d}/2024/0122/109.html"),
        ("示例县农业农村局2023年政府信息公开工作年度报告", f"{d}/2024/0123/110.html"),
    ]
    if legacy:
        p.add(f"{d}/2019/0301/111.html", legacy)
        items2.append(("示例县2018年政府信息公开工作年度报告", f"{d}/2019/0301/111.html"))
    # 部门年报 sub-column → 2023年 year folder → links titled only by the agency
    p.add("/xxgk/bmnb/index.html", page("部门年报", links([("2023年", "/xxgk/bmnb/2023/index.html")])))
    r_dep = c.report(6, agency="示例县水利局")
    p.add("/xxgk/bmnb/2023/0126/301.html", _article(r_dep["title"], body_of(c.render(r_dep, "html")),
                                                    container='<div class="content">{}</div>'))
    p.add("/xxgk/bmnb/2023/0126/302.html", _article("示例县水利局机构职能", "<p>主要职责……</p>",
                                                    container='<div class="content">{}</div>'))
    p.add("/xxgk/bmnb/2023/index.html", page("2023年", links([
        ("示例县水利局", "/xxgk/bmnb/2023/0126/301.html"), ("水利局机构职能", "/xxgk/bmnb/2023/0126/302.html")])))
    items1.append(("部门年报", "/xxgk/bmnb/index.html"))
    pager1 = f'<div class="page"><span>1</span><a href="{d}/index_2.html">2</a><a href="{d}/index_2.html">下一页</a></div>'
    pager2 = f'<div class="page"><a href="{d}/index.html">上一页</a><a href="{d}/index.html">1</a><span>2</span></div>'
    p.add(f"{d}/index.html", page("政府信息公开年报", links(items1) + pager1))
    p.add(f"{d}/index_2.html", page("政府信息公开年报", links(items2) + pager2))
    p.reports = ["/xxgk/bmnb/2023/0126/301.html", f"{d}/2024/0120/101.html", f"{d}/old/102.html", f"{d}/2024/0118/103.html",
                 f"{d}/2024/0119/104.html", f"{d}/2024/0123/110.html"] + ([f"{d}/2019/0301/111.html"] if legacy else [])
    p.documents = list(p.reports)
    p.distractors = [f"{d}/2024/0110/105.html", f"{d}/2024/0111/106.html", "/news/2024/0105/1.html",
                     "/xxgk/zn/index.html", "/xxgk/bmnb/2023/0126/302.html"]
    p.robots_excluded = ["/private/nb/201.html"]
    p.shells = [f"{d}/2024/0118/103.html", f"{d}/2024/0119/104.html"]
    p.blocked = [f"{d}/2024/0121/108.html", f"{d}/2024/0122/109.html"]
    return p


def build_trs(c: Content) -> Portal:
    p = Portal("trs", "示例市人民政府", "trs")
    p.robots = "User-agent: *\nDisallow: /zwgk/nbk/\n"
    p.add("/", page("示例市人民政府", "<a href=\"/\">首页</a><a href=\"/zwgk/index.html\">政府信息公开</a>"))
    p.add("/zwgk/index.html", page("政府信息公开", links([("政府信息公开指南", "/zwgk/xxgkzn/index.html"),
                                                       ("政府信息公开年报", "/zwgk/zfxxgknb/index.html"),
                                                       ("部门年报", "/bm/tjj/xxgknb/index.shtml")])))
    bm = "/bm/tjj/xxgknb"
    bm_reports = []
    for n, (date, num, agency) in enumerate([("20240126", 2001, "示例市统计局"), ("20240127", 2002, "示例市审计局")]):
        rep = c.report(14 + n, agency=agency)
        path = f"{bm}/{date[:6]}/t{date}_{num}.shtml"
        p.add(path, _article(rep["title"], body_of(c.render(rep, "html")), container='<div class="trs_editor_view">{}</div>'))
        bm_reports.append((rep["title"], path))
    p.add(f"{bm}/index.shtml", page("部门年报", links(bm_reports[:1]) +
          "<div id=\"page_div\"><script>createPageHTML('page_div', 2, 1, 'index', 'shtml', 1);</script></div>"))
    p.add(f"{bm}/index_2.shtml", page("部门年报", links(bm_reports[1:]) +
          "<div id=\"page_div\"><script>createPageHTML('page_div', 2, 2, 'index', 'shtml', 1);</script></div>"))
    p.add("/zwgk/xxgkzn/index.html", page("政府信息公开指南", "<p>指南</p>"))
    d = "/zwgk/zfxxgknb"
    arts = []   # (title, path)

    def trs_art(date, n, title, inner):
        path = f"{d}/{date[:6]}/t{date}_{n}.html"
        p.add(path, _article(title, inner))
        arts.append((title, path))
        return path

    def att_link(name, text):
        return f'<p>附件：<a href="./{name}" oldsrc="W0{name[1:]}">{html.escape(text)}</a></p>'

    r0 = c.report(6, agency="示例市人民政府")
    a1 = trs_art("20240115", 1001, r0["title"], body_of(c.render(r0, "html")))
    r1 = c.report(7, agency="示例市发展和改革委员会")
    a2 = trs_art("20240116", 1002, r1["title"], "<p>现将本机关年度报告予以公布。</p>" + att_link("P020240116512345678901.pdf", r1["title"] + ".pdf"))
    pdf1 = f"{d}/202401/P020240116512345678901.pdf"
    p.add(pdf1, c.render(r1, "pdf-reportlab"), ctype="application/pdf")
    r2 = c.report(8, agency="示例市教育局")
    a3 = trs_art("20240117", 1003, r2["title"], att_link("P020240117512345678902.doc", r2["title"] + ".doc"))
    docx1 = f"{d}/202401/P020240117512345678902.doc"     # a DOCX behind a .doc name: typed by bytes
    p.add(docx1, c.render(r2, "docx"), ctype="application/msword")
    r3 = c.report(9, agency="示例市统计局")
    a4 = trs_art("20240118", 1004, r3["title"], att_link("P020240118512345678903.pdf", "附件下载"))
    pdf2 = f"{d}/202401/P020240118512345678903.pdf"
    p.add(pdf2, c.render(r3, "pdf-reportlab"), ctype="application/pdf")

    def changer(version, r3=r3):
        rep = copy.deepcopy(r3)
        f = rep.get("fields") or {}
        for k in list(f):
            if isinstance(f[k], int) and k.startswith("req_new_natural"):
                f[k] = f[k] + version
        rep["title"] = r3["title"]
        rep.setdefault("notes_demo", version)
        data = c.render(rep, "pdf-reportlab")
        return data if data != p.res[pdf2].body else data + f"\n% v{version}\n".encode()
    p.state[("changer", pdf2)] = changer
    a5 = trs_art("20240119", 1005, "示例市民政局2023年政府信息公开工作年度报告", "<p>x</p>")
    p.res[a5].handler = _always_500
    r5 = c.report(10, agency="示例市司法局")
    a6 = trs_art("20240120", 1006, r5["title"], body_of(c.render(r5, "html")))
    ok6 = p.res[a6].body

    def flaky(pp, req, ok6=ok6):
        hits = pp.state.setdefault("hits", collections.Counter())
        hits[a6] += 1
        if hits[a6] == 1:
            return 429, {"Retry-After": "1", "Content-Type": "text/html"}, b"Too Many Requests"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, ok6
    p.res[a6].handler = flaky
    a7 = trs_art("20240121", 1007, "示例市水利局2023年政府信息公开工作年度报告", att_link("P020240121512345678904.pdf", "示例市水利局2023年政府信息公开工作年度报告.pdf"))
    big = f"{d}/202401/P020240121512345678904.pdf"
    p.add(big, handler=_big_file)
    a8 = trs_art("20240122", 1008, "示例市人民政府政府信息公开指南（2024年版）", "<p>指南</p>")
    r9 = c.report(11, agency="示例市财政局", year=2020, fmt="2019")
    a9 = trs_art("20200301", 1009, r9["title"], body_of(c.render(r9, "html")))
    # robots-excluded copy
    nbk = "/zwgk/nbk/202401/t20240125_1010.html"
    p.add(nbk, _article("示例市审计局2023年政府信息公开工作年度报告", body_of(c.render(c.report(12, agency="示例市审计局"), "html"))))
    arts.append(("示例市审计局2023年政府信息公开工作年度报告", nbk))
    # list pages: old createPageHTML form, page 2 is index_1; newest articles first
    def build_lists():
        per = 4
        chunks = [arts[i:i + per] for i in range(0, len(arts), per)]
        for n, chunk in enumerate(chunks):
            name = "index.html" if n == 0 else f"index_{n}.html"
            rel = [(t, "." + h[len(d):]) if h.startswith(d) else (t, h) for t, h in chunk]
            p.add(f"{d}/{name}", page("政府信息公开年报", links(rel) + f'<div class="page"><script>createPageHTML({len(chunks)}, {n}, "index", "html");</script></div>'))

    build_lists()

    def next_night(count=3):
        """New reports published at the top of the column (one of them with its file behind a
        link that answers 404), as on a portal the next night. Returns (report paths, 404 path)."""
        new, gone = [], None
        for k in range(count):
            rep = c.report(40 + k, agency=f"示例市第{k + 1}新设局")
            num = 1100 + len(arts)
            if k == count - 1:
                name = f"P0202402015123456{num}.pdf"
                title = rep["title"]
                path = f"{d}/202402/t20240201_{num}.html"
                p.add(path, _article(title, att_link(name, title + ".pdf")))
                gone = f"{d}/202402/{name}"          # linked, never served: 404
            else:
                title = rep["title"]
                path = f"{d}/202402/t2024020{k + 1}_{num}.html"
                p.add(path, _article(title, body_of(c.render(rep, "html"))))
                new.append(path)
            arts.insert(0, (title, path))
        build_lists()
        p.reports += new
        p.documents += new
        return new, gone

    p.state["next_night"] = next_night
    p.reports = [a1, pdf1, docx1, pdf2, a6, a9] + [x for _, x in bm_reports]
    p.documents = [a1, a2, pdf1, a3, docx1, a4, pdf2, a6, a7, a9] + [x for _, x in bm_reports]
    p.distractors = [a8]
    p.robots_excluded = [nbk]
    p.too_large = [big]
    p.http_error = [a5]
    p.changeable = [pdf2]
    return p


def _big_file(p, req):
    """The too-large attachment (streamed by _Handler: BIG_SIZE bytes announced)."""
    return None


def build_hanweb(c: Content) -> Portal:
    p = Portal("hanweb", "示例省自然资源厅", "hanweb")
    p.add("/", page("示例省自然资源厅", "<a href=\"/col/col100/index.html\">政府信息公开</a>"))
    p.add("/col/col100/index.html", page("政府信息公开", links([("政府信息公开指南", "/col/col101/index.html"),
                                                             ("政府信息公开年报", "/col/col123/index.html")])))
    p.add("/col/col101/index.html", page("政府信息公开指南", "<p>指南</p>"))
    records = []
    reports, documents = [], []
    for k in range(8):
        n = 5001 + k
        path = f"/art/2024/1/{10 + k}/art_123_{n}.html"
        if k == 3:
            title = "示例省自然资源厅政府信息公开指南"
            p.add(path, _article(title, "<p>指南</p>", container='<div id="zoom">{}</div>'))
            p.distractors.append(path)
        elif k == 5:
            rep = c.report(13 + k, agency="示例省自然资源厅直属单位")
            title = rep["title"]
            dl = f"/module/download/downfile.jsp?classid=0&filename=2401{n}.pdf"
            p.add(path, _article(title, f'<p>附件：<a href="{html.escape(dl)}">{html.escape(title)}.pdf</a></p>', container='<div id="zoom">{}</div>'))
            p.add(dl, c.render(rep, "pdf-reportlab"), ctype="application/octet-stream")
            reports.append(dl)
            documents += [path, dl]
        else:
            rep = c.report(13 + k, agency=f"示例省自然资源厅第{k + 1}分局")
            title = rep["title"]
            p.add(path, _article(title, body_of(c.render(rep, "html")), container='<div id="zoom">{}</div>'))
            reports.append(path)
            documents.append(path)
        records.append(f'<li><a href="{path}" title="{html.escape(title)}" target="_blank">{html.escape(title)}</a><span>2024-01-{10 + k}</span></li>')
    first = 5

    def datastore(recs, total):
        return ("<datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=123&unitid=4567&webname=%E7%A4%BA%E4%BE%8B&permissiontype=0\"></a>]]></nextgroup>"
                f"<recordset>{''.join('<record><![CDATA[' + r + ']]></record>' for r in recs)}</recordset>"
                f"<totalrecord>{total}</totalrecord></datastore>")
    col = page("政府信息公开年报", '<div id="4567"><script type="text/xml">' + datastore(records[:first], len(records)) + "</script>"
               "<script language=\"javascript\" src=\"/module/jslib/jquery/jpage/jquery.jpage.js\"></script>"
               f"<script>$(document).ready(function(){{$('#4567').jpage({{dataStore:dataStore,totalRecord:{len(records)},perPage:{first},"
               "proxyUrl:'/module/web/jpage/dataproxy.jsp',groupSize:1,barPosition:'bottom'});});</script></div>")
    p.add("/col/col123/index.html", col)

    def proxy(pp, req):
        if req["method"] != "POST":
            return 405, {"Content-Type": "text/plain"}, b"POST only"
        form = urllib.parse.parse_qs(req["form"].decode("utf-8", "replace"))
        if form.get("columnid") != ["123"]:
            return 200, {"Content-Type": "text/xml; charset=utf-8"}, datastore([], 0).encode()
        s = int(req["qs"].get("startrecord", ["1"])[0])
        e = int(req["qs"].get("endrecord", [str(s + first - 1)])[0])
        body = '<?xml version="1.0" encoding="utf-8"?>' + datastore(records[s - 1:e], len(records))
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, body.encode()
    p.add("/module/web/jpage/dataproxy.jsp", handler=proxy)
    p.reports, p.documents = reports, documents
    return p


def build_gdzwfw(c: Content) -> Portal:
    p = Portal("gdzwfw", "示例区人民政府", "gdzwfw")
    p.add("/", page("示例区人民政府", "<a href=\"/zwgk/index.html\">政府信息公开</a>"))
    p.add("/zwgk/index.html", page("政府信息公开", links([("政府信息公开年报", "/zwgk/zfxxgkndbg/index.html")])))
    d = "/zwgk/zfxxgkndbg"
    box = '<div class="article-content">{}</div>'
    items = []
    r = c.report(22, agency="示例区人民政府")
    a1 = f"{d}/content/post_3123451.html"
    p.add(a1, _article(r["title"], body_of(c.render(r, "html")), container=box))
    items.append((r["title"], a1))
    r = c.report(23, agency="示例区住房和城乡建设局")
    a2 = f"{d}/content/post_3123452.html"
    pdf = "/attachment/0/512/512345/3123452.pdf"
    p.add(a2, _article(r["title"], f'<p><a href="{pdf}">{html.escape(r["title"])}.pdf</a></p>', container=box))
    p.add(pdf, c.render(r, "pdf-reportlab"), ctype="application/pdf")
    items.append((r["title"], a2))
    a3 = f"{d}/content/post_3123453.html"
    p.add(a3, _article("示例区2024年政务公开工作要点", "<p>要点</p>", container=box))
    items.append(("示例区2024年政务公开工作要点", a3))
    r = c.report(24, agency="示例区卫生健康局")
    a4 = f"{d}/content/post_3123454.html"
    gbk = _article(r["title"], body_of(c.render(r, "html")), container=box, charset="gb2312")
    p.add(a4, gbk.encode("gb18030"), ctype="text/html; charset=gb2312")
    items.append((r["title"], a4))
    r = c.report(25, agency="示例区教育局")
    a5 = f"{d}/content/post_3123455.html"
    p.add(a5, _article(r["title"], body_of(c.render(r, "html")), container=box))
    items.append((r["title"], a5))
    p.add(f"{d}/index.html", page("政府信息公开年报", links(items[:3]) + f'<div class="page"><a href="{d}/index_2.html">下一页</a></div>'))
    p.add(f"{d}/index_2.html", page("政府信息公开年报", links(items[3:]) + f'<div class="page"><a href="{d}/index.html">上一页</a></div>'))
    p.reports = [a1, pdf, a4, a5]
    p.documents = [a1, a2, pdf, a4, a5]
    p.distractors = [a3]
    return p


def build_epoint(c: Content) -> Portal:
    p = Portal("epoint", "示例市行政审批局", "epoint")
    p.add("/", page("示例市行政审批局", "<a href=\"/xxgk/index.html\">政府信息公开</a>"))
    p.add("/xxgk/index.html", page("政府信息公开", links([("政府信息公开年报", "/xxgk/nb/list.html")])))
    infos = {}
    items = []
    for k in range(3):
        guid = f"5b1c2d3e-0000-4000-8000-00000000000{k}"
        url = f"/xxgk/showinfo.html?infoGuid={guid}"
        rep = c.report(26 + k, agency=f"示例市行政审批局第{k + 1}科" if k else "示例市行政审批局")
        if k == 2:
            att = f"/EpointWebBuilder/WebbuilderMIS/attach/downloadZtbAttach.jspx?attachGuid=a{guid}&appUrlFlag=ztb001"
            p.add(att, c.render(rep, "pdf-reportlab"), ctype="application/octet-stream")
            inner = f'<p>附件：<a href="{att}">{html.escape(rep["title"])}.pdf</a></p>'
            p.reports.append(att)
            p.documents += [url, att]
        else:
            inner = body_of(c.render(rep, "html"))
            p.reports.append(url)
            p.documents.append(url)
        infos[guid] = {"title": rep["title"], "infocontent": inner}
        items.append((rep["title"], url))
        p.js_rendered.append(url)
    shell = page("信息详情", '<div class="ewb-article"><h1 id="title"></h1><div class="ewb-article-info" id="content"></div></div>'
                 "<script src=\"/js/showinfo.js\"></script>")
    p.add("/xxgk/showinfo.html", shell)
    p.add("/js/showinfo.js", (
        "var guid=new URLSearchParams(location.search).get('infoGuid');"
        "fetch('/EpointWebBuilder/rest/frontAppCustomAction/getInfoDetail?infoGuid='+guid)"
        ".then(function(r){return r.json()}).then(function(d){document.title=d.custom.title;"
        "document.getElementById('title').textContent=d.custom.title;"
        "document.getElementById('content').innerHTML=d.custom.infocontent;"
        "document.body.setAttribute('data-loaded','1');});"), ctype="application/javascript")

    def detail(pp, req):
        g = req["qs"].get("infoGuid", [""])[0]
        if g not in infos:
            return 404, {"Content-Type": "application/json"}, b'{"custom":null}'
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps({"custom": infos[g]}, ensure_ascii=False).encode()
    p.add("/EpointWebBuilder/rest/frontAppCustomAction/getInfoDetail", handler=detail)
    p.add("/xxgk/nb/list.html", page("政府信息公开年报", links(items)))
    return p


def build_walled(c: Content) -> Portal:
    """A whole portal behind a Jiasule wall: nothing reachable, must be flagged and recorded blocked."""
    p = Portal("walled", "示例镇人民政府", "generic")
    p.add("/", handler=_jsl_wall)
    p.blocked = ["/"]
    return p


def build_county(c: Content, reports: int = 240, per_page: int = 20) -> Portal:
    """A county portal at a real column's size (its departments and townships over six years:
    ``reports`` articles, ``per_page`` a list page, TRS pages, every other report a PDF
    attachment): what an unchanged night costs is measured on it (``make bench``)."""
    p = Portal("county", "示例县人民政府（全量）", "trs")
    p.add("/", page("示例县人民政府", "<a href=\"/xxgk/index.html\">政府信息公开</a>"))
    p.add("/xxgk/index.html", page("政府信息公开", links([("政府信息公开年报", "/xxgk/ndbg/index.html")])))
    d = "/xxgk/ndbg"
    bodies = [body_of(c.render(c.report(60 + k, agency=f"示例县第{k + 1}局"), "html")) for k in range(6)]
    pdf = c.render(c.report(70, agency="示例县统计局"), "pdf-reportlab")
    arts = []
    for n in range(reports):
        year = 2024 - n // 40
        title = f"示例县第{n % 40 + 1}单位{year - 1}年政府信息公开工作年度报告"
        path = f"{d}/{year}01/t{year}0120_{5000 + n}.html"
        if n % 2:
            name = f"P0{year}0120{51234000 + n}.pdf"
            p.add(f"{d}/{year}01/{name}", pdf, ctype="application/pdf")
            p.add(path, _article(title, f'<p>全文见附件。</p><p>附件：<a href="./{name}">{html.escape(title)}.pdf</a></p>'))
        else:
            p.add(path, _article(title, bodies[n % len(bodies)]))
        arts.append((title, path))
    pages = [arts[i:i + per_page] for i in range(0, len(arts), per_page)]
    for n, chunk in enumerate(pages):
        rel = [(t, "." + h[len(d):]) for t, h in chunk]
        p.add(f"{d}/{'index.html' if n == 0 else f'index_{n}.html'}",
              page("政府信息公开年报", links(rel) + f'<div class="page"><script>createPageHTML({len(pages)}, {n}, "index", "html");</script></div>'))
    p.reports = [h for _, h in arts]
    p.documents = list(p.reports)
    return p



# ----------------------------------------------------------------------------- the findings county
FINDINGS_COUNTY = "示范县"
FINDINGS_DEPARTMENTS = ("财政局", "教育局", "卫生健康局", "自然资源局", "住房和城乡建设局", "市场监督管理局", "农业农村局")


def findings_years(today=None) -> tuple[int, int]:
    """The two report years of the findings portal: the latest year whose reports were due by
    today (the departments' deadline, 31 January, has passed) and the year before. Relative to
    the clock because ``publish`` judges missing reports against today: the year after the
    second is never due yet, so only the report designed to be missing is."""
    import datetime as dt
    today = today or dt.date.today()
    second = today.year - 1 if today > dt.date(today.year, 1, 31) else today.year - 2
    return second - 1, second


# What each year of a report says under 一 and 五, the requests sentence apart: different words
# each year, so that only the report built to repeat its previous year reads as copied.
_OVERVIEW = {
    0: ("（一）主动公开。{year}年，{short}围绕年度重点工作，在门户网站公开政策文件、财政预决算、重大项目进展等信息，"
        "累计更新栏目信息{a}条，对规范性文件逐件进行合法性审核后公开。",
        "（三）政府信息管理。建立公开属性源头认定机制，拟制公文时同步明确公开方式，全年开展信息发布前保密审查{b}次。",
        "（四）平台建设。完成政府信息公开专栏目录调整，新增办事指南和常见问题栏目，栏目设置与上级指导目录保持一致。"),
    1: ("（一）主动公开。{year}年，{short}聚焦群众关切，重点公开惠民惠农补贴发放、教育医疗、生态环境等民生领域信息，"
        "新发布信息{a}条，集中清理失效文件并逐件标注效力状态。",
        "（三）解读回应。坚持政策文件与解读方案同步谋划，采用图文、视频、问答等形式解读重要政策{b}件，对网民留言做到当日转办、限时回复。",
        "（四）制度保障。修订政府信息公开申请办理流程，明确登记、审核、答复、归档各环节时限，并将公开工作纳入年度考核。"),
}
_PROBLEMS = {
    0: ("存在的问题：一是政策文件配套解读数量偏少；二是基层公开人员变动频繁，业务衔接不够顺畅。",
        "改进措施：建立解读材料与政策文件同步起草、同步审签、同步发布机制，定期组织业务交流。"),
    1: ("存在的问题：一是部分领域信息发布仍不够及时；二是依申请公开答复文书的规范性有待提高。",
        "改进措施：完善信息发布提醒机制，编写答复文书参考范本，邀请法律顾问参与疑难申请的研判。"),
}


# What each agency's own work was: no two agencies' reports read alike, but the one built to copy.
_DUTIES = {
    "财政局": "（五）重点领域。逐项公开部门预算、决算和“三公”经费，政府采购意向提前在网站集中发布。",
    "教育局": "（五）重点领域。公开义务教育招生划片范围、入学条件和学位分配结果，学生资助名单按规定公示。",
    "卫生健康局": "（五）重点领域。公开医疗机构执业登记、传染病疫情和健康促进信息，医疗服务价格调整同步说明。",
    "自然资源局": "（五）重点领域。公开国土空间规划、土地征收批复和补偿标准，矿业权出让结果在规定期限内公示。",
    "住房和城乡建设局": "（五）重点领域。公开保障性住房分配、老旧小区改造计划和建筑市场信用信息，工程招投标结果及时发布。",
    "市场监督管理局": "（五）重点领域。公开食品抽检结果、行政处罚决定和企业信用监管信息，消费投诉热点定期通报。",
    "农业农村局": "（五）重点领域。公开惠农补贴发放、农村集体产权改造和动植物疫病防控信息，补贴标准在村务公开栏同步张贴。",
    "退役军人事务局": "（五）重点领域。公开优抚对象抚恤补助标准、退役士兵安置计划和褒扬纪念活动信息，服务站联系方式统一发布。",
    "城关镇人民政府": "（五）重点领域。公开低保特困审批结果、镇村建设项目和征地拆迁补偿情况，村务公开栏每月更新。",
    "人民政府": "（五）重点领域。统筹推进全县重大项目、财政资金和民生事项公开，指导各乡镇和部门落实公开要求。",
}


def _duty(agency: str) -> str:
    return next(text for suffix, text in _DUTIES.items() if agency.endswith(suffix))


def _findings_text(rep: dict, words: int, *, area: str = "全年", received: int | None = None,
                   duty_of: str | None = None, problems: bool = True) -> None:
    """Give ``rep`` its prose: the paragraphs of word set ``words`` of ``_OVERVIEW`` and
    ``_PROBLEMS`` with the agency's own work (``_DUTIES``; another agency's with ``duty_of``: a
    copy of its report; section 五 left out without ``problems``), and a sentence stating the requests ``area`` received (its table's
    number, or ``received`` where the text is to contradict the table) and granted."""
    import random
    f, year, agency = rep["fields"], rep["year"], rep["agency"]
    rng = random.Random(f"findings/{agency}/{year}")
    short = agency.removesuffix("人民政府")
    first, third, fourth = (t.format(year=year, short=short, a=rng.randint(300, 2000), b=rng.randint(2, 40))
                            for t in _OVERVIEW[words])
    requests = (f"（二）依申请公开。{area}共收到政府信息公开申请"
                f"{f['req_new_total'] if received is None else received}件，其中予以公开{f['req_granted_total']}件，"
                "均在法定期限内答复。")
    rep["overview"] = [first, requests, third, fourth, _duty(duty_of or agency)]
    rep["problems"] = list(_PROBLEMS[words]) if problems else []


def _continue_from(prev: dict, rep: dict) -> None:
    """Make ``rep`` the year after ``prev`` for the same agency: 上年结转 of each applicant column
    equals prev's 结转下年度继续办理, and 现行有效件数 equals prev's plus 制发 minus 废止; the
    sum rules of the form still hold (the difference goes to 予以公开, or to 新收)."""
    from parsers import schema
    f, p = rep["fields"], prev["fields"]
    cols = [c for c in schema.section3_columns() if c != "total"]
    for c in cols:
        d = p[schema.req_key("carried_out", c)] - f[schema.req_key("carried_in", c)]
        f[schema.req_key("carried_in", c)] += d
        if d >= 0:
            f[schema.req_key("granted", c)] += d
            f[schema.req_key("outcome_total", c)] += d
        else:
            f[schema.req_key("new", c)] -= d
    _section3_totals(f)
    for stem in ("regulations", "normative_docs"):
        before, issued = p[f"{stem}_in_force"], f[f"{stem}_issued"]
        f[f"{stem}_repealed"] = min(f[f"{stem}_repealed"], before + issued)
        f[f"{stem}_in_force"] = before + issued - f[f"{stem}_repealed"]


def _section3_totals(f: dict) -> None:
    from parsers import schema
    cols = [c for c in schema.section3_columns() if c != "total"]
    for row in schema.section3_rows("2021"):
        f[schema.req_key(row, "total")] = sum(f[schema.req_key(row, c)] for c in cols)


def build_findings(c: Content, today=None) -> Portal:
    """A county portal (TRS pages) whose reports over two years hold one of each finding of
    ``nianbao.findings`` at a known place (years from :func:`findings_years`, Y1 and Y2), and
    nothing else a finding would point at:

    - ``late``: 示范县财政局's Y1 report states 发布时间 20 February of Y2 (deadline 31 January);
      示范县人民政府's Y1 report, 25 March, is on time (a government's deadline is 31 March);
    - ``missing``: 示范县教育局 reported for Y1, has no Y2 report;
    - ``edited``: 示范县卫生健康局's Y2 page, after ``change`` (the next night), prints another
      行政处罚 number at the same URL (``changeable``);
    - ``carry_over``: 示范县自然资源局's Y2 上年结转 (自然人) is 3 more than its Y1 结转下年度;
    - ``stock``: 示范县住房和城乡建设局's Y2 行政规范性文件 现行有效件数 is 5 more than Y1's plus
      制发 minus 废止;
    - ``prose``: 示范县市场监督管理局's Y2 text says 40 more requests received than its table;
    - ``copied``: 示范县城关镇人民政府's Y2 text repeats its Y1 text;
    - ``copied_other``: 示范县农业农村局's Y2 text is 示范县退役军人事务局's Y2 text, the name
      apart;
    - ``incomplete``: 示范县财政局's Y2 report has no 五、存在的主要问题及改进情况;
    - ``units``: 示范县人民政府's Y1 report speaks for the whole county (全县各行政机关共收到…)
      with fewer requests than its departments' Y1 reports add up to; 示范县退役军人事务局
      reports only for Y2 (a unit without a Y1 report).

    Every other pair of years continues (carried over, in force) and is worded differently.
    The township is not a linked unit: its county is not in the division table, so ``publish``
    gives it no parent (departments get theirs from the county in their name)."""
    y1, y2 = findings_years(today)
    county = FINDINGS_COUNTY
    gov, town = f"{county}人民政府", f"{county}城关镇人民政府"
    p = Portal("findings", gov, "trs")
    p.add("/", page(gov, "<a href=\"/\">首页</a><a href=\"/xxgk/index.html\">政府信息公开</a>"))
    p.add("/xxgk/index.html", page("政府信息公开", links([("政府信息公开年报", "/xxgk/ndbg/index.html")])))
    d = "/xxgk/ndbg"
    reps: dict = {}             # (agency, year) -> report
    wording: dict = {}          # (agency, year) -> (word set of _OVERVIEW, what its requests sentence says)

    def report(agency, year, published, words, rep=None, **stated):
        rep = rep or c.report(200 + len(reps), agency=agency, year=year)
        rep["published"] = published
        reps[(agency, year)], wording[(agency, year)] = rep, (words, stated)
        return rep

    depts = [f"{county}{name}" for name in FINDINGS_DEPARTMENTS]
    for k, agency in enumerate(depts + [town]):
        report(agency, y1, f"{y2}-02-20" if agency.endswith("财政局") else f"{y2}-01-{10 + k:02d}", 0)
    for k, agency in enumerate(depts + [town, f"{county}退役军人事务局"]):
        if agency.endswith("教育局"):
            continue
        rep = report(agency, y2, f"{y2 + 1}-01-{10 + k:02d}", 0 if agency == town else 1)
        if (agency, y1) in reps:
            _continue_from(reps[(agency, y1)], rep)
        f = rep["fields"]
        if agency.endswith("自然资源局"):
            for row in ("carried_in", "granted", "outcome_total"):
                f[f"req_{row}_natural_person"] += 3
            _section3_totals(f)
        elif agency.endswith("住房和城乡建设局"):
            f["normative_docs_in_force"] += 5
        elif agency.endswith("市场监督管理局"):
            wording[(agency, y2)] = (1, {"received": f["req_new_total"] + 40})
        elif agency.endswith("财政局"):
            wording[(agency, y2)] = (1, {"problems": False})
        elif agency.endswith("农业农村局"):
            wording[(agency, y2)] = (1, {"duty_of": f"{county}退役军人事务局"})
    # the county's whole-area report: fewer requests than its departments' reports add up to
    units = sum(reps[(a, y1)]["fields"]["req_new_total"] for a in depts)
    seed = next(s for s in range(1000) if c.docs.random_report("2021", y1, gov, s)["fields"]["req_new_total"] < units)
    report(gov, y1, f"{y2}-03-25", 0, rep=c.docs.random_report("2021", y1, gov, seed), area="全县各行政机关")
    _continue_from(reps[(gov, y1)], report(gov, y2, f"{y2 + 1}-01-28", 1))

    arts = []
    for (agency, year), rep in reps.items():
        words, stated = wording[(agency, year)]
        _findings_text(rep, words, **stated)
        date = rep["published"].replace("-", "")
        path = f"{d}/{date[:6]}/t{date}_{7000 + len(arts)}.html"
        p.add(path, c.render(rep, "html"))
        arts.append((rep["published"], rep["title"], path))
        if agency.endswith("卫生健康局") and year == y2:
            def edited(version, rep=rep):
                new = copy.deepcopy(rep)
                new["fields"]["penalty_decisions"] += 15 * version
                return c.render(new, "html")
            p.state[("changer", path)] = edited
            p.changeable = [path]
    arts.sort(reverse=True)         # the newest first, as columns list them
    per_page = 10
    pages = [arts[i:i + per_page] for i in range(0, len(arts), per_page)]
    for k, chunk in enumerate(pages):
        items = "".join(f"<li><a href=\".{html.escape(h[len(d):])}\" title=\"{html.escape(t)}\" target=\"_blank\">"
                        f"{html.escape(t)}</a><span>{day}</span></li>" for day, t, h in chunk)
        p.add(f"{d}/{'index.html' if k == 0 else f'index_{k}.html'}",
              page("政府信息公开年报", f"<ul class=\"list\">{items}</ul>"
                   f'<div class="page"><script>createPageHTML({len(pages)}, {k}, "index", "html");</script></div>'))
    p.reports = [h for _, _, h in arts]
    p.documents = list(p.reports)
    return p

BUILDERS = {"generic": build_generic, "trs": build_trs, "hanweb": build_hanweb,
            "gdzwfw": build_gdzwfw, "epoint": build_epoint, "walled": build_walled, "county": build_county,
            "findings": build_findings}


class _Handler(Handler):
    def _serve(self, method):
        p = self.portal
        u = urllib.parse.urlsplit(self.path)
        r = p.res.get(u.path)
        if r is not None and r.handler is _big_file and not u.path.startswith("/__admin/"):
            with p.lock:
                p.log[f"{method} {u.path}"] += 1
                p.status_log[f"{method} {u.path} 200"] += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(BIG_SIZE))
            self.end_headers()
            if method == "HEAD":
                return
            try:
                self.wfile.write(b"%PDF-1.4\n")
                chunk = b"\0" * 65536
                sent = 9
                while sent < BIG_SIZE:
                    n = min(len(chunk), BIG_SIZE - sent)
                    self.wfile.write(chunk[:n])
                    sent += n
            except (BrokenPipeError, ConnectionResetError, OSError):
                self.close_connection = True
            return
        return super()._serve(method)


class Handle:
    def __init__(self, portals: dict[str, Portal], servers: list):
        self.portals = portals
        self._servers = servers

    @property
    def urls(self) -> dict[str, str]:
        return {k: p.url("/") for k, p in self.portals.items()}

    def sources(self, platform: str | None = "auto") -> list[dict]:
        """A sources list (the YAML format) for these portals."""
        return [{"name": p.name, "url": p.url("/"), "platform": platform or p.platform}
                for p in self.portals.values()]

    @property
    def expected(self) -> dict:
        out = {}
        for k, p in self.portals.items():
            out[k] = {a: [p.url(x) for x in getattr(p, a)] for a in (
                "reports", "documents", "distractors", "robots_excluded", "blocked", "too_large",
                "http_error", "changeable", "js_rendered", "shells")}
            out[k]["name"] = p.name
        return out

    def requests(self, key: str) -> dict:
        return self.portals[key].requests()

    def statuses(self, key: str) -> dict:
        return self.portals[key].statuses()

    def reset(self) -> None:
        for p in self.portals.values():
            p.reset()

    def change(self, key: str, path: str) -> None:
        self.portals[key].change(path)

    def next_night(self, key: str = "trs", count: int = 3) -> tuple[list, str]:
        """Publish ``count`` new reports at the top of a portal's column (the last one's file
        answers 404). Returns (absolute URLs of the new report pages, URL of the missing file)."""
        p = self.portals[key]
        new, gone = p.state["next_night"](count)
        return [p.url(x) for x in new], p.url(gone)

    def stop(self) -> None:
        for s in self._servers:
            s.shutdown()
            s.server_close()


def start(port: int = 0, keys=PORTAL_KEYS, host: str = "127.0.0.1") -> Handle:
    """Start every portal (ports ``port``, ``port+1``…; 0 = free ports) in background threads."""
    content = Content()
    portals, servers = {}, []
    for n, key in enumerate(keys):
        p = BUILDERS[key](content)
        srv = ThreadingHTTPServer((host, port + n if port else 0), _Handler)
        srv.daemon_threads = True
        srv.portal = p  # type: ignore[attr-defined]
        p.port = srv.server_address[1]
        threading.Thread(target=srv.serve_forever, name=f"portal-{key}", daemon=True).start()
        portals[key] = p
        servers.append(srv)
    handle = Handle(portals, servers)
    handle.content = content      # .content.truth: sha256 of each rendered document -> its report
    return handle


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Serve the demo government portals on 127.0.0.1.")
    ap.add_argument("--port", type=int, default=8601, help="first port (one port per portal)")
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args(argv)
    h = start(args.port, host=args.host)
    for _k, p in h.portals.items():
        print(f"{p.url('/')}\t{p.platform}\t{p.name}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        h.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
