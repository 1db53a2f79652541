"""Epoint WebBuilder (新点) and other JS front ends.

Quirks:

- A column page is an empty shell (``<ul id="showList"></ul>``) that a script fills from a JSON list
  API. A global ``siteInfo`` object, declared in the page or in one of the site's own scripts
  (``/js/webBuilderCommon.js``, ``ajaxReq.js``), holds ``projectName`` (the context path,
  ``/EWB-FRONT``, ``/EpointWebBuilder``, ``/EWB_YK_Mid``…), ``siteGuid`` and, on some sites, the
  endpoints themselves. The list APIs are POSTs whose parameters travel as a form field
  ``params=<JSON>``, a raw JSON body, a JSON body ``{"token": "", "params": {…}}`` or the query
  string, depending on the site (tried in that order; the way that answered is kept for the
  portal's other columns): ``rest/frontAppCustomAction/
  getPageInfoListNew`` ({siteGuid, categoryNum, pageIndex, pageSize, kw, startDate, endDate} →
  ``custom.infodata[]`` of {infoid, title, infourl, infodate}, ``custom.count``) and
  ``rest/lightfrontaction/getgovinfolist`` ({categorynum, deptcode, pageIndex, pageSize,
  siteGuid} → ``custom.data[]`` of {title, infourl | visiturl | linkurl, infodate},
  ``custom.total``; the one behind ``dynamic/zwgk/govInfoPub.html?categorynum=…``). ``pageIndex`` is
  0-based. The category code is in the column URL
  (``?categorynum=003001005``), a script variable or the column's path (``/003001/003001005/``).
  ``hook_epoint`` reads these APIs directly; a list whose API it cannot read is rendered by
  Chromium (``PortalSpider.parse_list``).
- Detail pages (``showinfo.html?infoGuid=<uuid>``, ``/<cat>/<date>/<guid>.html``) may be shells
  filled from a JSON detail API: they are rendered by Chromium through scrapy-playwright (only
  those pages: attachments never go through the browser).
- Attachments have no extension in their URL (``downloadztbattach?attachGuid=…``,
  ``downloadZtbAttach.jspx?attachGuid=…``, ``ReadAttachFile.aspx?AttachID=…``): the type comes
  from the bytes, the name from the link text or ``title`` / ``data-attachname``.
"""
from __future__ import annotations

import json
import logging
import math
import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import scrapy

from crawler.recognize import is_article_url, is_report_title
from crawler.spiders.base import PortalSpider

SHELL_URL = re.compile(r"showinfo|infoGuid=|/art/info/|#/", re.I)
SITE_INFO = re.compile(r"siteInfo\s*=\s*\{(.*?)\}", re.S)
JS_PAIR = re.compile(r"""['"]?(\w+)['"]?\s*:\s*['"]([^'"]*)['"]""")
CATEGORY_VAR = re.compile(r"""(?:categorynum|categoryNum|cateNum|catenum)['"]?\s*[:=]\s*['"](\d{3,})['"]""")
CATEGORY_PATH = re.compile(r"/(\d{6,12})/(?:moreinfo|morelist|list|index)?[\w.]*$")
LIST_APIS = ("rest/frontAppCustomAction/getPageInfoListNew", "rest/lightfrontaction/getgovinfolist")
PAGE_SIZE = 20
log = logging.getLogger(__name__)
TITLE_KEYS = ("title", "realtitle", "infotitle", "customtitle", "name")
URL_KEYS = ("infourl", "visiturl", "linkurl", "url", "href", "link")
TOTAL_KEYS = ("count", "total", "totalcount", "totalCount", "RowCount", "rowcount")


def site_info(text: str) -> dict:
    """The page's ``siteInfo`` object as a dict of its string values."""
    m = SITE_INFO.search(text)
    return dict(JS_PAIR.findall(m.group(1))) if m else {}


def category_of(url: str, text: str) -> str | None:
    q = {k.lower(): v for k, v in parse_qs(urlsplit(url).query).items()}
    for key in ("categorynum", "categoryguid", "catenum"):
        if q.get(key):
            return q[key][0]
    m = CATEGORY_VAR.search(text) or CATEGORY_PATH.search(urlsplit(url).path)
    return m.group(1) if m else None


def records(data) -> tuple[list, int | None]:
    """The list of records in an API answer (the first list of objects carrying a title), and the
    total it states, wherever they sit in the JSON."""
    found, total = [], None
    stack = [data]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            for k, v in node.items():
                if total is None and k in TOTAL_KEYS and str(v).isdigit():
                    total = int(v)
                if isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(node, list):
            if not found and node and all(isinstance(x, dict) for x in node) and any(
                    any(k in x for k in TITLE_KEYS) for x in node):
                found = node
            else:
                stack.extend(x for x in node if isinstance(x, (dict, list)))
    return found, total


SITE_SCRIPT = re.compile(r"webBuilderCommon|ajaxReq|siteinfo|siteconfig|common", re.I)
EPOINT_SIGN = re.compile(r"EWB-FRONT|EpointWebBuilder|WebBuilder|govInfoPub|categorynum|ewb-", re.I)
# the ways a list API takes its parameters, in the order they are tried: the front end's own
# form field ``params=<JSON>``, a raw JSON body, a JSON body wrapped as {token, params}, a GET query
METHODS = ("form", "json", "token", "get")


def hook_epoint(spider: PortalSpider, response, depth):
    """A column filled from Epoint's list API: ask the API directly (page 0, then the rest). The
    ``siteInfo`` it needs is in the page or in one of the site's own scripts."""
    if any(is_article_url(u) and spider.same_site(u) for _, _, u in spider.anchors(response)):
        return
    category = category_of(response.url, response.text)
    if not category:
        return
    info = site_info(response.text)
    if info:
        yield from column_api_requests(spider, response.url, response.text, info, category, depth)
        return
    if not EPOINT_SIGN.search(response.url + response.text):
        return
    cache = vars(spider).setdefault("_epoint_scripts", {})
    for src in response.css("script::attr(src)").getall():
        url = response.urljoin(src.strip())
        if not spider.same_site(url) or not SITE_SCRIPT.search(url.rsplit("/", 1)[-1]):
            continue
        column = (response.url, response.text, category, depth)
        if url in cache and cache[url]["info"] is not None:
            if cache[url]["info"]:
                yield from column_api_requests(spider, response.url, response.text, cache[url]["info"], category, depth)
                return
            continue
        if url in cache:                       # asked for by another column: wait for it
            cache[url]["columns"].append(column)
            return
        cache[url] = {"info": None, "columns": [column]}
        spider.detected = spider.detected or "epoint"
        yield scrapy.Request(url, callback=spider.parse_epoint_script, errback=spider.on_error,
                             dont_filter=True, meta={"kind": "list", "epoint_script": True, "nav_depth": depth})
        return


def parse_epoint_script(spider: PortalSpider, response):
    """A site script that may declare ``siteInfo``: the columns waiting for it ask their API."""
    entry = vars(spider).setdefault("_epoint_scripts", {}).setdefault(response.url, {"info": None, "columns": []})
    text = response.text if isinstance(response, scrapy.http.TextResponse) else ""
    entry["info"] = site_info(text) if response.status == 200 else {}
    columns, entry["columns"] = entry["columns"], []
    for url, page_text, category, depth in columns:
        if entry["info"]:
            yield from column_api_requests(spider, url, page_text, entry["info"], category, depth)
        else:
            spider.health["list_pages_unreachable"] += 1
            log.info("Epoint column without siteInfo, its list cannot be asked for: %s", url)


def column_api_requests(spider, column, text, info, category, depth):
    spider.detected = spider.detected or "epoint"
    project = info.get("projectName") or info.get("projectname") or ""
    named = [v for k, v in info.items() if re.search(r"list", k + v, re.I) and "/" in v]
    apis = list(LIST_APIS)
    if "govinfopub" in column.lower() or "getgovinfolist" in text.lower():
        apis.reverse()          # the 信息公开 pages use lightfrontaction/getgovinfolist
    apis = named or [f"{project.rstrip('/')}/{api}" for api in apis]
    apis = [urljoin(column, a) for a in apis]
    known = vars(spider).setdefault("_epoint_methods", {})     # the way each API answered
    yield list_api_request(spider, column, apis[0], info, category, 0, depth,
                           method=known.get(apis[0], METHODS[0]), later=apis[1:])


def list_api_request(spider, column, api, info, category, page, depth, method="form", later=()):
    """A request of page ``page`` of the list API ``api`` (``method``: one of METHODS);
    ``later``: the APIs to try next when this one answers nothing readable."""
    params = {"siteGuid": info.get("siteGuid", ""), "categoryNum": category, "categorynum": category,
              "pageIndex": page, "pageSize": PAGE_SIZE, "kw": "", "startDate": "", "endDate": "",
              "deptcode": ""}
    meta = {"kind": "list", "nav_depth": depth, "in_column": True, "epoint": {
        "api": api, "info": info, "category": category, "page": page, "method": method,
        "column": column, "later": list(later)}}
    body = json.dumps(params, ensure_ascii=False)
    headers = {"X-Requested-With": "XMLHttpRequest", "Referer": column}
    if page == 0 and vars(spider).get("_epoint_methods", {}).get(api) != method:
        # a probe: a site that does not take this way answers 500, not worth retrying
        meta["dont_retry"] = True
    kw = dict(callback=spider.parse_epoint_list, errback=spider.on_error, meta=meta, dont_filter=True)
    if method == "form":
        return scrapy.FormRequest(api, formdata={"params": body}, headers=headers, **kw)
    if method in ("json", "token"):
        payload = body if method == "json" else json.dumps({"token": "", "params": params}, ensure_ascii=False)
        return scrapy.Request(api, method="POST", body=payload.encode("utf-8"),
                              headers={**headers, "Content-Type": "application/json;charset=UTF-8"}, **kw)
    return scrapy.Request(f"{api}?{urlencode({'params': body})}", headers=headers, **kw)


def parse_epoint_list(spider: PortalSpider, response):
    """One page of an Epoint list API: report articles, then the next pages (0-based index)."""
    ep = response.meta["epoint"]
    try:
        data = json.loads(response.text)
    except (ValueError, AttributeError):
        data = None
    items, total = records(data) if data is not None else ([], None)
    depth = response.meta.get("nav_depth", 0)
    if not items:
        if ep["page"] > 0:
            spider.health["list_pages_unreachable"] += 1
            return
        tried = METHODS.index(ep["method"])
        if tried + 1 < len(METHODS):
            # the same parameters the next way (a wrong way may be answered by an empty list)
            yield list_api_request(spider, ep["column"], ep["api"], ep["info"], ep["category"], 0, depth,
                                   method=METHODS[tried + 1], later=ep["later"])
        elif ep["later"]:
            yield list_api_request(spider, ep["column"], ep["later"][0], ep["info"], ep["category"], 0, depth,
                                   later=ep["later"][1:])
        else:
            # an API shape not known here: let Chromium run the page's own script
            yield spider.render_list_request(response, url=ep["column"])
        return
    vars(spider).setdefault("_epoint_methods", {})[ep["api"]] = ep["method"]
    spider.count_page(response)
    column = ep["column"]
    known = spider.known_here(urljoin(column, str(next((r[k] for k in URL_KEYS if r.get(k)), "")))
                              for r in items)
    for rec in items:
        title = next((str(rec[k]) for k in TITLE_KEYS if rec.get(k)), "")
        link = next((str(rec[k]) for k in URL_KEYS if rec.get(k)), None)
        guid = rec.get("infoid") or rec.get("infoguid") or rec.get("infoGuid")
        if not link and guid:
            link = f"showinfo.html?infoGuid={guid}"
        if not link or not is_report_title(re.sub(r"<[^>]+>", "", title)):
            continue
        url = urljoin(column, link)
        if spider.same_site(url):
            yield spider.doc_request(url, spider.parse_article, title=title, source_url=column,
                                     browser=spider.needs_browser(url))
    if ep["page"] == 0 and total and not known:
        # the API may keep its own page size: the first page's length is the one it uses
        for page in range(1, min(math.ceil(total / len(items)), 100)):
            yield list_api_request(spider, column, ep["api"], ep["info"], ep["category"], page, depth,
                                   method=ep["method"])


class EpointSpider(PortalSpider):
    name = "epoint"
    platform = "epoint"
    hooks = ("epoint",)
    hook_epoint = hook_epoint
    parse_epoint_list = parse_epoint_list
    parse_epoint_script = parse_epoint_script

    def needs_browser(self, url) -> bool:
        return bool(SHELL_URL.search(url))
