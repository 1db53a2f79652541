"""TrueCMS portals (several Jiangsu cities and counties).

Quirks:

- A column page is a shell whose list a script asks for with ``GET <proxyUrl>`` (usually
  ``/module/web/messageController/getMessage.do`` or a path ending in ``getMessage.do``) and the
  parameters ``columnId``, ``startrecord`` / ``endrecord`` (1-based, inclusive), ``perpage`` and
  ``callback``; both ``columnId`` and ``proxyUrl`` are in the page's script
  (``columnId:'…'``, ``proxyUrl:'…'``).
- The answer is JSONP (``cb({...})``) whose ``result`` is an XML string of ``<record>`` elements,
  each a CDATA ``<li>`` with the article's link. Some servers refuse the Referer-less request (404).
- The largest window a server accepts differs by site (50 works on some, answers empty or 404
  on others): the walk tries 50, then 20, then 10, and keeps the first that answers.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urljoin

import scrapy

from crawler.spiders.base import PortalSpider

WINDOWS = (50, 20, 10)
COLUMN_ID = re.compile(r"""columnId['"]?\s*[:=]\s*['"]([\w-]+)['"]""")
PROXY_URL = re.compile(r"""proxyUrl['"]?\s*[:=]\s*['"]([^'"]*getMessage\.do)['"]""")
JSONP = re.compile(r"^[\s;]*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)


def truecms_request(spider: PortalSpider, column: str, proxy: str, column_id: str, start: int, window: int,
                    depth: int, windows=WINDOWS):
    query = {"startrecord": start, "endrecord": start + window - 1, "perpage": window,
             "columnId": column_id, "callback": "cb"}
    return scrapy.Request(f"{urljoin(column, proxy)}?{urlencode(query)}", callback=spider.parse_truecms_list,
                          errback=spider.on_error, dont_filter=True, headers={"Referer": column},
                          meta={"kind": "list", "nav_depth": depth, "in_column": True, "dont_retry": start == 1,
                                "truecms": {"column": column, "proxy": proxy, "id": column_id, "start": start,
                                            "window": window, "windows": list(windows)}})


def hook_truecms(spider: PortalSpider, response, depth):
    """A TrueCMS column: its records from ``getMessage.do``, the first window."""
    if response.meta.get("truecms") or "getMessage.do" not in response.text:
        return
    cid, proxy = COLUMN_ID.search(response.text), PROXY_URL.search(response.text)
    if cid and proxy:
        spider.detected = spider.detected or "truecms"
        yield truecms_request(spider, response.url, proxy.group(1), cid.group(1), 1, WINDOWS[0], depth)


def records_of(text: str) -> list[str] | None:
    """The records' markup of a ``getMessage.do`` answer, or None when it is not one."""
    m = JSONP.match(text or "")
    try:
        data = json.loads(m.group(1) if m else text)
    except (ValueError, TypeError):
        return None
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, str):
        return None
    return RECORD.findall(result) or ([result] if "<a" in result else [])


def parse_truecms_list(spider: PortalSpider, response):
    """One window of a TrueCMS column: its articles, then the next window while the last was full
    (a window the server refuses at the start is retried smaller)."""
    st = response.meta["truecms"]
    depth = response.meta.get("nav_depth", 0)
    recs = records_of(response.text) if response.status == 200 else None
    if not recs:
        rest = [w for w in st["windows"] if w < st["window"]]
        if st["start"] == 1 and rest:
            yield truecms_request(spider, st["column"], st["proxy"], st["id"], 1, rest[0], depth, rest)
        elif st["start"] == 1:
            spider.health["list_pages_unreachable"] += 1
        return
    spider.count_page(response)
    page = scrapy.http.HtmlResponse(url=st["column"], body="".join(recs).encode("utf-8"), encoding="utf-8",
                                    request=response.request)
    anchors = list(spider.anchors(page))
    yield from spider.follow_links(page, anchors, depth, True)
    if (len(recs) >= st["window"] and not spider.known_here(u for _, _, u in anchors)
            and st["start"] < 100 * st["window"]):
        yield truecms_request(spider, st["column"], st["proxy"], st["id"], st["start"] + st["window"],
                              st["window"], depth, [st["window"]])


class TrueCmsSpider(PortalSpider):
    name = "truecms"
    platform = "truecms"
    hooks = ("truecms",)
    hook_truecms = hook_truecms
    parse_truecms_list = parse_truecms_list
