"""Hanweb (大汉) portals: JCMS columns, the 信息公开 (xxgk) module and the JPaaS publishing server.

Quirks:

- **JCMS columns** (``/col/col<id>/index.html``) embed their first records in
  ``<script type="text/xml"><datastore>…<record><![CDATA[<li>…]]></record>``; the total is in
  ``<totalrecord>`` or ``totalRecord:N``; further records by POST to
  ``/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=`` with the form fields of
  ``<nextgroup>`` (col, appid, webid, path, columnid, unitid, webname, permissiontype); without a
  ``<nextgroup>`` they come from the ``jpage({… ajaxParam: {columnid, unitid …}})`` call or the
  ``<div id="<unitid>">`` around the datastore (the unit id differs from the column id).
- **The xxgk module**: a column of the 信息公开 catalogue is an empty ``<div id="div<N>">`` that a
  script fills with the answer of ``POST /module/xxgk/search.jsp``; the form carries
  ``infotypeId`` (the catalogue category), ``jdid`` (the site), ``area`` (the agency's code, may be
  empty), ``divid``, ``vc_title`` / ``vc_number`` / ``vc_filenumber`` / ``vc_all`` (search terms),
  ``sortfield`` (``,createdatetime:0,orderid:0``), ``texttype``, ``fbtime`` (``-1``) and
  ``currpage`` (1-based). The answer is an HTML table (rows ``tr_main_value_odd`` /
  ``tr_main_value_even``, link ``title`` holds the full title, date in the third cell) with
  ``共 N 页`` in its pager. ``search.jsp`` does not filter by column: without ``infotypeId`` it
  lists every entry of the area. The catalogue's search form (``vc_title``) is a search that
  lists reports: asked with the report words, it finds reports whose column discovery missed.
- **JPaaS** (``jpaas-publish-server``): a column page whose list is built by ``GET
  /api-gateway/jpaas-publish-server/front/page/build/unit`` with ``webId``, ``pageId``,
  ``tplSetId`` (and ``tagId``), ``parseType=bulidstatic``, ``pageType=column`` and the page only
  inside ``paramJson={"pageNo": N, "pageSize": "15"}`` (plain ``pageNo`` is ignored); the answer
  is JSON whose ``data.html`` (or ``data`` as a string) is the list's markup.
- Articles ``/art/Y/M/D/art_<col>_<id>.html``, body ``#zoom``; downloads via ``downfile.jsp``.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin

import scrapy

from crawler.spiders.base import PortalSpider

XXGK_SEARCH = re.compile(r"""/module/xxgk/search\.jsp(?:\?([^'"\s<>]*))?""")
XXGK_FIELDS = ("infotypeId", "jdid", "area", "divid")
XXGK_TOTAL = re.compile(r"共\s*(?:&nbsp;|\s)*(\d+)\s*(?:&nbsp;|\s)*页")
# the report words the catalogue's search form is asked with
REPORT_WORDS = ("年度报告", "年报")
JPAAS_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JPAAS_KEYS = ("webId", "pageId", "tplSetId", "tagId")
JPAAS_PAGE_SIZE = 15


def _script_value(text: str, name: str) -> str | None:
    """``name: 'value'``, ``name = "value"`` or ``name=value&`` anywhere in the page."""
    m = re.search(r"""\b%s['"]?\s*[:=]\s*['"]?([\w.-]*)""" % re.escape(name), text)
    return m.group(1) if m else None


def hook_hanweb(spider: PortalSpider, response, depth):
    """Hanweb ``<datastore>`` records in the page, then POSTs to ``dataproxy.jsp``."""
    text = response.text
    if "<datastore>" not in text and "<recordset>" not in text:
        return
    records = re.findall(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", text, re.S)
    fake = scrapy.http.HtmlResponse(url=response.url, body="".join(records).encode("utf-8"),
                                    encoding="utf-8")
    record_links = list(spider.anchors(fake))
    yield from spider.follow_links(fake, record_links, depth, True)
    if response.meta.get("hanweb_proxy") or spider.known_here(u for _, _, u in record_links):
        return
    m = re.search(r"<totalrecord>\s*(\d+)\s*</totalrecord>", text) or re.search(r"totalRecord\s*[:=]\s*['\"]?(\d+)", text)
    total = int(m.group(1)) if m else 0
    pm = re.search(r"perPage\s*[:=]\s*['\"]?(\d+)", text, re.I)
    per = int(pm.group(1)) if pm else max(len(records), 15)
    ng = re.search(r"<nextgroup>\s*<!\[CDATA\[.*?href=['\"]([^'\"]+)['\"]", text, re.S)
    params = {}
    proxy = "/module/web/jpage/dataproxy.jsp"
    if ng:
        from urllib.parse import parse_qsl
        href = ng.group(1).replace("&amp;", "&")
        path, _, q = href.partition("?")
        proxy = path or proxy
        params = dict(parse_qsl(q, keep_blank_values=True))
    pu = re.search(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]", text)
    if pu:
        proxy = pu.group(1)
    def script_param(name):
        sm = re.search(r"\b" + name + r"\s*[:=]\s*['\"]?(\w+)", text, re.I)
        return sm.group(1) if sm else None
    colid = (params.get("columnid") or script_param("columnid")
             or (re.search(r"/col/col(\d+)/", response.url) or [None, ""])[1])
    if not params.get("unitid"):
        params["unitid"] = script_param("unitid") or (
            re.search(r"<div[^>]+id=['\"](\d+)['\"][^>]*>\s*<script[^>]+text/xml", text) or [None, ""])[1]
    for k in ("webid", "appid", "webname", "permissiontype"):
        if not params.get(k) and script_param(k):
            params[k] = script_param(k)
    form = {"col": "1", "appid": params.get("appid", "1"), "webid": params.get("webid", "1"),
            "path": params.get("path", "/"), "columnid": colid, "sourceContentType": "1",
            "unitid": params.get("unitid", ""), "webname": params.get("webname", ""),
            "permissiontype": params.get("permissiontype", "0")}
    start = len(records) + 1
    step = per * 3
    while start <= total and start < 5000:
        end = start + step - 1
        url = response.urljoin(f"{proxy}?startrecord={start}&endrecord={end}&perpage={per}")
        yield scrapy.FormRequest(url, formdata=form, callback=spider.parse_list, errback=spider.on_error,
                                 meta={"kind": "list", "nav_depth": depth, "in_column": True,
                                       "hanweb_proxy": True})
        start = end + 1


def xxgk_form(text: str) -> dict | None:
    """The search.jsp form of an xxgk column (its category, site, area and target div), or None
    when the page does not load one."""
    m = XXGK_SEARCH.search(text)
    if not m:
        return None
    given = dict(parse_qsl((m.group(1) or "").replace("&amp;", "&"), keep_blank_values=True))
    form = {k: given.get(k) if given.get(k) is not None else (_script_value(text, k) or "") for k in XXGK_FIELDS}
    if not form["infotypeId"] and not form["jdid"]:
        return None
    return form


def xxgk_request(spider: PortalSpider, referer: str, form: dict, page: int, depth: int, words: str = ""):
    """``POST search.jsp`` for page ``page`` (1-based) of a category, or of a title search."""
    fields = {**form, "vc_title": words, "vc_number": "", "vc_filenumber": "", "vc_all": "",
              "sortfield": ",createdatetime:0,orderid:0", "texttype": "0", "fbtime": "-1",
              "currpage": str(page)}
    url = urljoin(referer, f"/module/xxgk/search.jsp?{urlencode({'currpage': page, 'divid': form.get('divid', '')})}")
    return scrapy.FormRequest(url, formdata=fields, callback=spider.parse_list, errback=spider.on_error,
                              dont_filter=True, headers={"Referer": referer, "X-Requested-With": "XMLHttpRequest"},
                              meta={"kind": "list", "nav_depth": depth, "in_column": True,
                                    "xxgk": {"form": form, "page": page, "words": words, "referer": referer}})


def hook_xxgk(spider: PortalSpider, response, depth):
    """The xxgk module: a column's search.jsp list (then its pages), and once per portal the
    catalogue's search form asked with the report words."""
    state = response.meta.get("xxgk")
    if state:
        # an answer of search.jsp: its links were followed as a column's; ask for the next pages
        if state["page"] != 1 or response.meta.get("stop_paging"):
            return
        m = XXGK_TOTAL.search(response.text)
        total = min(int(m.group(1)), spider.max_pages) if m else 1
        for page in range(2, total + 1):
            yield xxgk_request(spider, state["referer"], state["form"], page, depth, state["words"])
        return
    form = xxgk_form(response.text)
    if form and response.meta.get("in_column"):
        spider.detected = spider.detected or "hanweb"
        yield xxgk_request(spider, response.url, form, 1, depth)
    search = response.css("form[action*='search.jsp']")
    if search and search.css("input[name=vc_title]") and not getattr(spider, "_xxgk_searched", False):
        spider._xxgk_searched = True
        spider.detected = spider.detected or "hanweb"
        hidden = {i.attrib["name"]: i.attrib.get("value", "") for i in search[0].css("input[name]")
                  if i.attrib.get("type", "").lower() == "hidden"}
        base = {k: hidden.get(k, "") for k in XXGK_FIELDS}
        base["infotypeId"] = ""          # every category: the words find the reports
        for words in REPORT_WORDS:
            yield xxgk_request(spider, response.url, base, 1, depth, words)


def jpaas_params(text: str) -> dict | None:
    if "jpaas-publish-server" not in text:
        return None
    params = {k: v for k in JPAAS_KEYS if (v := _script_value(text, k))}
    return params if {"webId", "pageId", "tplSetId"} <= params.keys() else None


def jpaas_request(spider: PortalSpider, column: str, params: dict, page: int, depth: int):
    query = {**params, "parseType": "bulidstatic", "pageType": "column",
             "paramJson": json.dumps({"pageNo": page, "pageSize": str(JPAAS_PAGE_SIZE)})}
    return scrapy.Request(urljoin(column, f"{JPAAS_API}?{urlencode(query)}"), callback=spider.parse_jpaas_list,
                          errback=spider.on_error, dont_filter=True, headers={"Referer": column},
                          meta={"kind": "list", "nav_depth": depth, "in_column": True,
                                "jpaas": {"params": params, "page": page, "column": column}})


def hook_jpaas(spider: PortalSpider, response, depth):
    """A JPaaS column: its list from the publishing server, page 1."""
    if response.meta.get("jpaas"):
        return
    params = jpaas_params(response.text)
    if params:
        spider.detected = spider.detected or "hanweb"
        yield jpaas_request(spider, response.url, params, 1, depth)


def parse_jpaas_list(spider: PortalSpider, response):
    """One page of a JPaaS list: its markup read as a column page, then the next page while the
    server keeps answering new articles (the answer states no total)."""
    state = response.meta["jpaas"]
    try:
        data = json.loads(response.text).get("data")
    except (ValueError, AttributeError):
        data = None
    markup = data.get("html") if isinstance(data, dict) else data if isinstance(data, str) else None
    if not markup:
        if state["page"] > 1:
            return
        spider.health["list_pages_unreachable"] += 1
        return
    page = scrapy.http.HtmlResponse(url=state["column"], body=markup.encode("utf-8"), encoding="utf-8",
                                    request=response.request)
    spider.count_page(response)
    anchors = list(spider.anchors(page))
    seen = vars(spider).setdefault("_jpaas_seen", set())     # links of earlier pages
    fresh = [u for _, _, u in anchors if u not in seen]
    seen.update(u for _, _, u in anchors)
    known = spider.known_here(u for _, _, u in anchors)
    yield from spider.follow_links(page, anchors, response.meta.get("nav_depth", 0), True)
    if fresh and not known and state["page"] < spider.max_pages:
        yield jpaas_request(spider, state["column"], state["params"], state["page"] + 1,
                            response.meta.get("nav_depth", 0))


class HanwebSpider(PortalSpider):
    name = "hanweb"
    platform = "hanweb"
    hooks = ("hanweb", "xxgk", "jpaas")
    hook_hanweb = hook_hanweb
    hook_xxgk = hook_xxgk
    hook_jpaas = hook_jpaas
    parse_jpaas_list = parse_jpaas_list
