"""The shared base of every portal spider (one spider instance per source / portal).

Flow: start URL (home page or annual-report column) → discovery by link text (政府信息公开 →
政府信息公开年报 / 年度报告 / 年报 → sub-columns) → list pages and their pagination → article
pages whose link text or title is an annual report → attachments. Article pages and attachments
are *documents*: archived, recorded, and parsed when they may be reports (pipelines.py). List
pages are re-fetched every run (cheap); documents are fetched conditionally (If-None-Match /
If-Modified-Since from the stored version), so an unchanged portal costs a few list requests.

Platform quirks live with each platform's spider (``trs.py``, ``hanweb.py``, ``gdzwfw.py``,
``epoint.py``, ``truecms.py``, ``generic.py``), whose hooks find the lists a platform builds its own
way; ``auto`` runs every platform's hooks and records the platform it detected.

Recognition and scope: a link to another host (other than a sub-domain of the same site) is never
followed, from lists or from articles; inside a report column an article titled only by a year
(``2023年度报告``) is opened and kept if the page holds the report, and when such an article (or one
titled only by its agency) has no tables its attachments are fetched and the parser decides;
documents shown in ``<iframe>``/``<embed>`` (including ``viewer.html?file=…pdf``) count as
attachments. A source may set ``download_timeout`` (seconds; failure ``timeout``).

Faults handled everywhere: robots.txt (excluded URLs are never fetched; failure ``robots``),
anti-bot walls (412 + ``$_ts`` Rivers Security, 521 + ``__jsl_clearance`` Jiasule → failure
``blocked``, never retried, never a report), 5xx/429 retried with backoff and Retry-After
(middlewares.py), redirects, meta-refresh and ``location.replace`` shells, gb2312/gbk decoded as
gb18030 (with or without a declared charset), size cap on downloads (failure ``too_large``).
"""
from __future__ import annotations

import collections
import logging
import re
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest

from crawler.items import DocumentItem
from crawler.signals import document_failed
from crawler.recognize import (REPORT_CONTENT, blocked_kind, is_article_url, is_attachment_url,
                               is_column_title, is_nav_title, is_pager_text, is_report_title,
                               is_year_folder, maybe_report_title, EXCLUDE, sniff,
                               is_bare_report_title, is_not_found_page, names_document_file)
from parsers.sniff import PICTURES

log = logging.getLogger(__name__)

BODY_SELECTORS = ["div.TRS_Editor", ".trs_editor_view", "#zoom", ".article-content", "#content",
                  ".ewb-article-info", ".article", ".content", "#UCAP-CONTENT", ".zw", ".main", "body"]
JS_DATA_CALL = re.compile(r"\bfetch\s*\(|\$\.(?:ajax|get|post|getJSON)\s*\(|XMLHttpRequest|axios\.|\.load\s*\(")
YEAR_RE = re.compile(r"(?:19|20)\d\d")
COLUMN_RE = re.compile(r"年报|年度报告")
CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
FIRST_PAGE = re.compile(r"^(?:Page\$)?(?:1|First)$", re.I)
POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]*)['\"]")
SCRIPT_DOC_URL = re.compile(r"""['"]([^'"\s<>]+?(?:\.(?:pdf|docx?|wps|rtf|txt|xlsx?|et|ofd|jpe?g|png|tiff?|zip|rar)"""
                            r"""(?:\?[^'"\s<>]*)?|(?:downfile|download\w*|ReadAttachFile)\.\w+\?[^'"\s<>]+"""
                            r"""|[^'"\s<>]*[?&]attachGuid=[^'"\s<>]+))['"]""", re.I)
# a report page holding its tables as HTML has more rows than this; fewer: look at its pictures
FULL_REPORT_ROWS = 30
# file names of pictures that are page furniture, not tables
NOT_A_TABLE_PICTURE = re.compile(r"(?<![a-z])(?:logo|icon|qr|ewm|erweima|share|weixin|wechat|weibo|banner|btn|"
                                 r"button|arrow|print|close|top|bg|blank|spacer|line|dot)(?![a-z])|\.gif$", re.I)
ATTACHMENT_WORDS = re.compile(r"详见附件|见附件|附件[:：]|附件下载|点击下载|全文下载")
# meta keys of the requests a platform hook makes to a list's data API
DATA_API_META = ("epoint", "epoint_script", "xxgk", "jpaas", "truecms")
NOT_LIST_FRAME = re.compile(r"visitcount|tree\.jsp|count\.|login|share|footer|header|weather|map|video|player|search|viewer|\?file=", re.I)
# blocks of a page that never hold the article's own links
NOT_ARTICLE = ("nav", "header", "footer", "menu", "crumb", "breadcrumb", "position", "location", "dqwz",
               "related", "relate", "xgwz", "xgxx", "xglj", "sidebar", "side", "friend", "yqlj", "share", "bottom", "top")


def _not_article_block(el) -> bool:
    tag = el.root.tag if isinstance(el.root.tag, str) else ""
    if tag in ("nav", "header", "footer", "aside"):
        return True
    words = re.split(r"[^a-z0-9]+", f"{el.attrib.get('class', '')} {el.attrib.get('id', '')}".lower())
    return any(w == "top" or (w and any(w.startswith(b) for b in NOT_ARTICLE if b != "top")) for w in words)


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def site_of(host: str) -> str:
    """Registrable-ish site of a host (``www.x.gov.cn`` → ``x.gov.cn``; IP:port stays)."""
    h = host.split(":")[0]
    if re.match(r"^[\d.]+$", h):
        return host
    parts = h.split(".")
    if len(parts) >= 3 and parts[-2] in ("gov", "com", "org", "net", "edu") and parts[-1] == "cn":
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


class PortalSpider(scrapy.Spider):
    """Base spider: one instance per source ``{name, url, platform, …}``."""

    name = "portal"
    platform = "generic"
    hooks: tuple = ()                 # platform pagination hooks: "trs", "hanweb"
    browser_details = False           # render article pages with Chromium (Epoint)
    max_nav_depth = 4

    def __init__(self, source: dict | None = None, run_id=None, mode="full", *a, **kw):
        super().__init__(*a, **kw)
        self.source = source or {"name": kw.get("portal", "portal"), "url": kw.get("url")}
        self.portal_name = self.source.get("name") or host_of(self.source["url"])
        self.start_url = self.source["url"]
        self.run_id = run_id
        self.max_pages = int(self.source.get("max_pages") or 300)
        mb = self.source.get("max_size_mb")
        self.max_size = int(float(mb) * 1024 * 1024) if mb else None
        to = self.source.get("download_timeout") or self.source.get("timeout")
        self.timeout = float(to) if to else None
        self.host = host_of(self.start_url)
        self.site = site_of(self.host)
        self.health = collections.Counter()
        self.detected: str | None = None
        self._pages_seen: set[str] = set()
        # an incremental walk asks nothing again of the documents it knows, and stops walking a
        # column's pages at the first known article (new articles come first)
        self.incremental = mode == "incremental"
        self.known: set = set()        # filled when the spider opens (crawler.extensions)

    # ------------------------------------------------------------------ requests
    async def start(self):
        yield self.page_request(self.start_url, meta={"nav_depth": 0, "entry": True})

    def same_site(self, url: str) -> bool:
        h = host_of(url)
        return h == self.host or site_of(h) == self.site

    def page_request(self, url, callback=None, meta=None, **kw):
        """A list / navigation page: always re-fetched (cheap), never archived."""
        meta = dict(meta or {})
        meta["kind"] = "list"
        if self.timeout:
            meta.setdefault("download_timeout", self.timeout)
        return scrapy.Request(url, callback=callback or self.parse_list, errback=self.on_error,
                              meta=meta, **kw)

    def doc_request(self, url, callback, *, title=None, source_url=None, candidate=True,
                    browser=False, meta=None):
        """An article or attachment (made conditional on the stored version by
        ``ConditionalRequestMiddleware``; in an incremental walk a known document is not asked for
        at all: ``None``)."""
        if url in self.known:
            self.health["known_skipped"] += 1
            return None
        meta = dict(meta or {})
        meta.update({"doc_url": url, "link_title": title, "source_url": source_url,
                     "candidate": candidate, "kind": meta.get("kind", "doc")})
        if browser:
            from scrapy_playwright.page import PageMethod
            meta.update({"playwright": True, "rendered": True,
                         "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")]})
        if self.timeout:
            meta.setdefault("download_timeout", self.timeout)
        if self.max_size and not browser:
            meta["download_maxsize"] = self.max_size
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, dont_filter=browser)

    # ------------------------------------------------------------------ failures
    def fail(self, url, kind, detail):
        self.health["failures"] += 1
        if kind == "blocked":
            self.health["blocked"] += 1
        log.info("failure %s %s: %s", kind, url, detail)
        crawler = getattr(self, "crawler", None)
        if crawler is not None:
            crawler.signals.send_catch_log(signal=document_failed, spider=self, url=url, kind=kind, detail=detail)

    def on_error(self, failure):
        req = failure.request
        url = req.meta.get("doc_url") or req.url
        msg = str(failure.value)
        if failure.check(IgnoreRequest):
            if "robots" in msg.lower():
                self.health["robots"] += 1
                return self.fail(req.url, "robots", "Forbidden by robots.txt")
            return self.fail(url, "ignored", msg)
        if "max size" in msg or "maxsize" in msg:
            return self.fail(url, "too_large", msg)
        name = type(failure.value).__name__
        kind = "timeout" if "Timeout" in name else "network"
        return self.fail(url, kind, f"{name}: {msg}")

    def check(self, response) -> bool:
        """Record a failure for walls and HTTP errors; True when the response is usable."""
        url = response.meta.get("doc_url") or response.url
        bk = blocked_kind(response.status, response.body)
        if bk:
            self.fail(url, "blocked", f"HTTP {response.status} anti-bot wall ({bk})")
            return False
        if response.status == 304:
            return True
        if response.status >= 400:
            if response.status == 404 and response.meta.get("quiet404"):
                return False
            kind = {404: "not_found", 410: "gone"}.get(response.status, "http_error")
            self.fail(url, kind, f"HTTP {response.status}")
            if response.meta.get("kind") == "list" and response.meta.get("in_column"):
                self.health["list_pages_unreachable"] += 1     # the column is cut short: flagged
            return False
        return True

    # ------------------------------------------------------------------ pages
    def count_page(self, response):
        self.health["pages"] += 1

    def detect(self, response) -> str | None:
        """The platform of a page, from its own markup."""
        t = response.text if hasattr(response, "text") else ""
        if "createPageHTML" in t or "TRS_Editor" in t or re.search(r"/t20\d{6}_\d+\.s?html", t):
            return "trs"
        if "<datastore>" in t or "/col/col" in t or "jpage" in t or re.search(r"art_\d+_\d+\.html", t):
            return "hanweb"
        if re.search(r"content/post_\d+\.html", t):
            return "gdzwfw"
        if "module/xxgk/" in t or "jpaas-publish-server" in t:
            return "hanweb"
        if "infoGuid=" in t or "EpointWebBuilder" in t or "EWB-FRONT" in t or "showinfo" in t:
            return "epoint"
        return None

    def anchors(self, response, sel=None):
        """(text, title attribute, absolute url) of every link of the page."""
        root = sel if sel is not None else response
        for a in root.css("a[href]"):
            href = (a.attrib.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
                continue
            text = re.sub(r"\s+", "", "".join(a.css("::text").getall()))
            # the full title: ``title``, or ``mc`` (Hanweb xxgk lists: <a mc="…" rq="…">)
            title = re.sub(r"\s+", "", a.attrib.get("title") or a.attrib.get("mc") or "")
            yield text, title, response.urljoin(href)

    def parse_list(self, response):
        """Any navigation or list page: reports, columns, pagination, platform hooks."""
        if not self.check(response) or response.status == 304:
            return
        if not isinstance(response, scrapy.http.TextResponse):
            return
        self.count_page(response)
        if self.detected is None:
            self.detected = self.detect(response)
        depth = response.meta.get("nav_depth", 0)
        in_column = response.meta.get("in_column", False)
        docs = 0
        anchors = list(self.anchors(response))
        if self.known_here(u for _, _, u in anchors):
            response.meta["stop_paging"] = True     # older articles from here on: known
        for req in self.follow_links(response, anchors, depth, in_column):
            if req is not None and req.meta.get("kind") != "list":
                docs += 1
            yield req
        api = False
        if in_column and not response.meta.get("stop_paging"):
            yield from self.postback_pages(response, depth)
        for hook in self.active_hooks():
            for req in getattr(self, f"hook_{hook}")(response, depth):
                if req is not None and req.meta.get("kind") != "list":
                    docs += 1
                api = api or bool(req is not None and any(req.meta.get(k) for k in DATA_API_META))
                yield req
        if docs == 0 and not api and in_column:
            # a column page that shows its list in a frame of the same site
            for src in response.css("iframe::attr(src), frame::attr(src)").getall():
                url = response.urljoin(src.strip())
                if self.same_site(url) and not NOT_LIST_FRAME.search(url) and not is_attachment_url(url):
                    req = self.list_request(url, depth, in_column=True)
                    if req is not None:
                        api = True
                        yield req
        if (docs == 0 and not api and (in_column or response.meta.get("entry")) and not response.meta.get("rendered")
                and self.list_is_js(response)):
            # a column whose list arrives by JavaScript (Epoint-like fetch / $.ajax): render it
            log.info("JS-filled list, rendering with Chromium: %s", response.url)
            self.detected = self.detected or "epoint"
            yield self.render_list_request(response)

    def postback_pages(self, response, depth):
        """ASP.NET WebForms lists page by posting the form back: ``__doPostBack('<pager>',
        '<arg>')`` links (``Page$2``, ``2``) become POSTs of the page's form with its hidden
        fields (``__VIEWSTATE``, ``__EVENTVALIDATION``…) and ``__EVENTTARGET`` / ``__EVENTARGUMENT``."""
        if "__VIEWSTATE" not in response.text or not response.css("form"):
            return
        done = response.meta.get("postbacks", ())
        for a in response.css("a[href^='javascript:__doPostBack'], a[onclick*='__doPostBack']"):
            text = re.sub(r"\s+", "", "".join(a.css("::text").getall()))
            m = POSTBACK.search(a.attrib.get("href", "") + " " + a.attrib.get("onclick", ""))
            if not m or not is_pager_text(text) or m.group(2) in done or FIRST_PAGE.match(m.group(2)):
                continue
            key = f"{response.url}#postback={m.group(1)}:{m.group(2)}"
            if key in self._pages_seen or len(self._pages_seen) >= self.max_pages:
                continue
            self._pages_seen.add(key)
            yield scrapy.FormRequest.from_response(
                response, formdata={"__EVENTTARGET": m.group(1), "__EVENTARGUMENT": m.group(2)},
                dont_click=True, callback=self.parse_list, errback=self.on_error, dont_filter=True,
                meta={"kind": "list", "nav_depth": depth, "in_column": True,
                      "postbacks": tuple(done) + (m.group(2),)})

    def list_is_js(self, response) -> bool:
        """A list page whose items are filled by a script calling a data endpoint."""
        scripts = " ".join(response.css("script:not([src])::text").getall())
        if not JS_DATA_CALL.search(scripts):
            return False
        return not any(is_article_url(u) and self.same_site(u) for _, _, u in self.anchors(response))

    def render_list_request(self, response, url=None):
        """The list page (``url``, else the response's) again, rendered by Chromium."""
        from scrapy_playwright.page import PageMethod
        meta = {k: response.meta[k] for k in ("nav_depth", "in_column") if k in response.meta}
        meta.update({"playwright": True, "rendered": True,
                     "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")]})
        return self.page_request(url or response.url, meta=meta, dont_filter=True)

    def active_hooks(self):
        return self.hooks

    def follow_links(self, response, anchors, depth, in_column):
        made_column = False
        for text, title, url in anchors:
            label = title if len(title) > len(text) else text
            if not self.same_site(url):
                continue      # links to other hosts are never followed (another portal's business)
            if is_report_title(label) or is_report_title(text):
                made_column = True
                if is_attachment_url(url) and not re.search(r"\.s?html?($|\?)", url):
                    yield self.doc_request(url, self.parse_attachment, title=label,
                                           source_url=response.url, meta={"kind": "attachment"})
                else:
                    yield self.doc_request(url, self.parse_article, title=label,
                                           source_url=response.url, browser=self.needs_browser(url))
            elif in_column and is_article_url(url) and is_bare_report_title(label):
                # "2023年度报告" in a report column: opened, kept if the page holds the report
                yield self.doc_request(url, self.parse_article, title=None, source_url=response.url,
                                       browser=self.needs_browser(url), meta={"maybe": True})
            elif self.same_site(url) and (maybe_report_title(label) or (
                    in_column and is_article_url(url) and label and not EXCLUDE.search(label)
                    and not is_pager_text(text) and not is_column_title(label) and not is_year_folder(label)
                    and not is_nav_title(label))):
                # a truncated title, or an article in a report column titled only by its agency:
                # opened, and kept only if the page itself says it is a report
                yield self.doc_request(url, self.parse_article, title=None, source_url=response.url,
                                       browser=self.needs_browser(url), meta={"maybe": True})
        for text, title, url in anchors:
            if not self.same_site(url) or is_attachment_url(url):
                continue
            label = title if len(title) > len(text) else text
            if is_report_title(label):
                continue
            if in_column and is_article_url(url) and is_bare_report_title(label):
                continue
            if is_column_title(label) and depth < self.max_nav_depth + 2:
                yield self.list_request(url, depth + 1, in_column=True)
            elif is_nav_title(label) and depth < self.max_nav_depth:
                yield self.list_request(url, depth + 1, in_column=in_column)
            elif in_column and is_year_folder(label) and depth < self.max_nav_depth + 3:
                yield self.list_request(url, depth + 1, in_column=True)
            elif ((in_column or made_column) and is_pager_text(text) and self.same_dir(url, response.url)
                    and not response.meta.get("stop_paging")):
                yield self.list_request(url, depth, in_column=True)

    def known_here(self, urls) -> bool:
        """In an incremental walk: does this list show an article already archived?"""
        return self.incremental and any(u in self.known for u in urls)

    @staticmethod
    def same_dir(url, base):
        a, b = urlsplit(url), urlsplit(base)
        return a.netloc == b.netloc and a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]

    def list_request(self, url, depth, in_column=False, **kw):
        if url in self._pages_seen:
            return None
        if len(self._pages_seen) >= self.max_pages:
            return None
        self._pages_seen.add(url)
        meta = {"nav_depth": depth, "in_column": in_column}
        meta.update(kw.pop("meta", {}))
        return self.page_request(url, meta=meta, **kw)

    def needs_browser(self, url) -> bool:
        return self.browser_details

    # ------------------------------------------------------------------ documents
    def body_selector(self, response):
        for css in BODY_SELECTORS:
            sel = response.css(css)
            if sel:
                return sel[0]
        return response

    def looks_like_shell(self, response) -> bool:
        """An almost empty page whose content arrives by JavaScript."""
        try:
            texts = response.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
        except Exception:
            return False
        visible = re.sub(r"\s+", "", "".join(texts))
        scripts = response.css("script")
        return len(visible) < 60 and bool(scripts) and not response.css("table") and not any(
            is_attachment_url(u) for _, _, u in self.anchors(response)) and not any(self.script_links(response))

    def parse_article(self, response):
        url = response.meta["doc_url"]
        if not self.check(response):
            return
        if response.status == 304:
            self.health["not_modified"] += 1
            stored = self.stored_page(response)
            if stored is None:
                yield self.not_modified_item(response)
                return
            # an unchanged page is a report candidate as it was when fetched (tables in its body),
            # and its attachments may have changed: re-read its links from the archive
            has_tables = len(self.body_selector(stored).css("tr")) >= 3
            yield self.not_modified_item(response, kind="page", candidate=has_tables)
            yield from self.article_attachments(stored, url, response.meta.get("link_title"))
            return
        self.health["pages"] += 1
        data = response.body
        kind = sniff(data)
        if kind != "html" and kind != "text":
            yield self.make_item(response, kind="attachment", candidate=True)
            return
        if not isinstance(response, scrapy.http.TextResponse):
            response = scrapy.http.HtmlResponse(url=response.url, body=data, headers=response.headers,
                                                request=response.request)
        rendered = response.meta.get("rendered")
        if not rendered and self.looks_like_shell(response):
            log.info("JS shell, rendering with Chromium: %s", response.url)
            self.detected = self.detected or "epoint"
            yield self.doc_request(url, self.parse_article, title=response.meta.get("link_title"),
                                   source_url=response.meta.get("source_url"), browser=True)
            return
        link_title = response.meta.get("link_title")
        page_title = " ".join(t.strip() for t in response.css("h1 ::text, title::text").getall() if t.strip())
        titles = [link_title] + [t.strip() for t in response.css(
            "h1 ::text, title::text, .title ::text, #title ::text, h2 ::text").getall()] + response.css(
            "meta[name=ArticleTitle]::attr(content), meta[property='og:title']::attr(content)").getall()
        body = self.body_selector(response)
        rows = len(body.css("tr"))
        has_tables = rows >= 3
        says_report = any(is_report_title(t) for t in titles if t)
        if not says_report and has_tables and REPORT_CONTENT.search(" ".join(body.css("::text").getall())[:20000]):
            says_report = True
        if not says_report:
            heading = " ".join(t for t in titles[1:] if t)
            if (response.meta.get("maybe") and not has_tables and not EXCLUDE.search(heading)
                    and (YEAR_RE.search(heading) or COLUMN_RE.search(heading))):
                # an article of a report column titled only "2023年度报告" / by its agency whose
                # report is an attachment: the attachments are fetched and the parser decides
                # (a file that is not an annual report stays a document, never a report)
                reqs = list(self.article_attachments(response, url, link_title or page_title))
                if reqs:
                    log.info("report column article with attachments only: %s", url)
                    yield from reqs
                    return
            log.info("not a report after all: %s (%s)", url, page_title[:60])
            return
        title = link_title or next((t for t in titles if t and is_report_title(t)), page_title)
        attachments = list(self.article_attachments(response, url, title))
        if not rendered and not has_tables and not attachments and self.attachment_filled_by_script(response):
            # the page names its attachment but a script fills in the link after a request
            log.info("attachment link filled by a script, rendering with Chromium: %s", url)
            yield self.doc_request(url, self.parse_article, title=link_title,
                                   source_url=response.meta.get("source_url"), browser=True)
            return
        item = self.make_item(response, kind="page", candidate=has_tables, title=title)
        pictures = self.content_pictures(response, body) if rows < FULL_REPORT_ROWS and not attachments else []
        yield from attachments
        if pictures:
            # a table pasted as a picture: the page is parsed once its pictures are here
            item["candidate"] = True
            yield self.picture_request(pictures[0], item, pictures[1:], {})
        else:
            yield item

    def content_pictures(self, response, body) -> list:
        """Pictures in an article's body that may hold a table (same site; not icons, logos, QR
        codes or share buttons; not drawn smaller than a table could be)."""
        out = []
        for img in body.css("img"):
            src = (img.attrib.get("src") or img.attrib.get("data-src") or "").strip()
            if not src or src.startswith("data:"):
                continue
            url = response.urljoin(src)
            sizes = [int(v) for v in (img.attrib.get("width", ""), img.attrib.get("height", "")) if v.isdigit()]
            name = urlsplit(url).path.rsplit("/", 1)[-1]
            if (not self.same_site(url) or NOT_A_TABLE_PICTURE.search(name) or any(v < 120 for v in sizes)
                    or url in out):
                continue
            out.append(url)
        return out[:8]

    def picture_request(self, url, item, todo, got):
        meta = {"kind": "picture", "pictures": {"item": item, "todo": todo, "got": got}}
        if self.timeout:
            meta["download_timeout"] = self.timeout
        return scrapy.Request(url, callback=self.parse_picture, errback=self.picture_failed, meta=meta,
                              dont_filter=True)

    def parse_picture(self, response):
        chain = response.meta["pictures"]
        if self.check(response) and sniff(response.body) in PICTURES:
            chain["got"][response.request.url] = response.body
        yield from self.next_picture(chain)

    def picture_failed(self, failure):
        self.on_error(failure)
        yield from self.next_picture(failure.request.meta["pictures"])

    def next_picture(self, chain):
        if chain["todo"]:
            yield self.picture_request(chain["todo"][0], chain["item"], chain["todo"][1:], chain["got"])
            return
        item = chain["item"]
        item["pictures"] = chain["got"]
        yield item

    def stored_page(self, response):
        """The archived HTML of an article answered 304 (handed over by the conditional-request
        middleware), as a response at the final URL: its attachments may have changed."""
        body = response.meta.get("stored_body")
        if not body:
            return None
        from crawler.middlewares import detect_encoding
        return scrapy.http.HtmlResponse(url=response.url, body=body, encoding=detect_encoding(body),
                                        request=response.request)

    def article_attachments(self, response, url, title):
        """Requests for the documents an article links, wherever the page puts them: in its body,
        in an appendix block after it (TRS ``appendix``, Hanweb ``附件：`` after ``#zoom``, a
        generic ``附件：`` block after ``UCAP-CONTENT``), in ``onclick`` download calls and
        script-written appendices, or shown in a viewer. Links inside navigation, headers,
        footers and related-article lists are not the article's."""
        seen = set()
        links = list(self.article_anchors(response)) + list(self.script_links(response)) \
            + list(self.embedded(response, response))
        for text, atitle, aurl in links:
            label = atitle if len(atitle) > len(text) else text
            if (aurl in seen or re.search(r"\.s?html?($|\?)", aurl) or not self.same_site(aurl)
                    or not (is_attachment_url(aurl) or names_document_file(label))):
                continue
            seen.add(aurl)
            candidate = not EXCLUDE.search(label or "")
            yield self.doc_request(aurl, self.parse_attachment, title=label or title,
                                   source_url=url, candidate=candidate, meta={"kind": "attachment"})

    def attachment_filled_by_script(self, response) -> bool:
        """An article that says its text is in an attachment, shows no link to it, and runs a
        script that asks the server for data (the link's address arrives that way)."""
        scripts = " ".join(response.css("script:not([src])::text").getall())
        if not JS_DATA_CALL.search(scripts):
            return False
        text = " ".join(response.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
        return bool(ATTACHMENT_WORDS.search(text))

    def article_anchors(self, response):
        """The anchors of a page outside its navigation, header, footer, sidebars and
        related-article lists (blocks named so by tag, class or id)."""
        for a in response.css("a[href]"):
            if any(_not_article_block(el) for el in a.xpath("ancestor::*")):
                continue
            href = (a.attrib.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
                continue
            text = re.sub(r"\s+", "", "".join(a.css("::text").getall()))
            yield text, re.sub(r"\s+", "", a.attrib.get("title") or ""), response.urljoin(href)

    def script_links(self, response):
        """Document addresses that only a script completes: ``onclick="downloadFile('…')"``,
        ``document.write('<a href=…>')`` appendices, hrefs filled in by script."""
        sources = response.xpath("//@onclick").getall() + response.css("script:not([src])::text").getall()
        for src in sources:
            for m in SCRIPT_DOC_URL.finditer(src):
                u = m.group(1)
                # a path, or a bare file name joined to './' by the script (TRS: var hasFile =
                # "P0….wps"); a name with Chinese characters is the link's text, not its address
                if "/" in u or not re.search(r"[\u4e00-\u9fff]", u):
                    yield "", "", response.urljoin(u)

    def embedded(self, response, body):
        """Documents shown inline: ``<iframe>``/``<embed>``/``<object>`` sources, and the ``file=``
        of a PDF viewer (``/pdfjs/web/viewer.html?file=/uploads/x.pdf``), as (text, title, url)."""
        from urllib.parse import parse_qs, unquote
        for el in body.css("iframe[src], embed[src], object[data]"):
            src = (el.attrib.get("src") or el.attrib.get("data") or "").strip()
            if not src or src.startswith(("javascript:", "about:")):
                continue
            u = response.urljoin(src)
            q = parse_qs(urlsplit(u).query)
            f = (q.get("file") or q.get("url") or q.get("src") or [None])[0]
            if f:
                u = response.urljoin(unquote(f))
            yield "", re.sub(r"\s+", "", el.attrib.get("title") or ""), u

    def parse_attachment(self, response):
        if not self.check(response):
            return
        if response.status == 304:
            self.health["not_modified"] += 1
            yield self.not_modified_item(response)
            return
        if is_not_found_page(response.body):
            # portals answer a missing file with 200 and an error page: that is no document
            self.fail(response.meta.get("doc_url") or response.url, "not_found",
                      f"HTTP {response.status} but the page says the file does not exist")
            return
        self.health["attachments"] += 1
        yield self.make_item(response, kind="attachment", candidate=response.meta.get("candidate", True))

    def make_item(self, response, *, kind, candidate, title=None):
        h = response.headers
        dec = lambda v: v.decode("latin-1") if isinstance(v, bytes) else v  # noqa: E731
        return DocumentItem(
            url=response.meta.get("doc_url") or response.url, final_url=response.url,
            body=response.body, content_type=dec(h.get(b"Content-Type")),
            etag=None if response.meta.get("rendered") else dec(h.get(b"ETag")),
            last_modified=None if response.meta.get("rendered") else dec(h.get(b"Last-Modified")),
            source_url=response.meta.get("source_url"), title=title or response.meta.get("link_title"),
            kind=kind, candidate=bool(candidate), not_modified=False,
            rendered=bool(response.meta.get("rendered")))

    def not_modified_item(self, response, *, kind=None, candidate=None):
        if candidate is None:
            candidate = response.meta.get("candidate", True)
        return DocumentItem(url=response.meta.get("doc_url") or response.url, body=None,
                            not_modified=True, candidate=candidate,
                            source_url=response.meta.get("source_url"),
                            title=response.meta.get("link_title"), kind=kind or response.meta.get("kind"))

    # ------------------------------------------------------------------ health
    def health_summary(self) -> dict:
        """The portal's health row for this run (pages, reports, failures, and a flag when it
        yielded nothing or its lists could not be walked)."""
        h = self.health
        flagged = ""
        if h["reports_found"] == 0 and not h["known_skipped"]:
            flagged = "blocked" if h["blocked"] and not h["pages"] else "no report found"
        elif h["list_pages_unreachable"]:
            flagged = f"{h['list_pages_unreachable']} list pages unreachable"
        row = {"portal": self.portal_name, "url": self.start_url,
               "platform": self.detected or self.platform if self.platform == "auto" else self.platform,
               "pages": h["pages"] + h["attachments"], "reports_found": h["reports_found"],
               "reports_new": h["reports_new"], "reports_changed": h["reports_changed"],
               "failures": h["failures"], "blocked": h["blocked"], "flagged": flagged,
               "documents": h["documents"], "documents_new": h["documents_new"],
               "documents_changed": h["documents_changed"], "not_modified": h["not_modified"]}
        return row
