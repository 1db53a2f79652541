"""TRS WCM (拓尔思) portals.

Quirks:

- Articles ``YYYYMM/tYYYYMMDD_<id>.html`` (``.shtml``); list pages ``index.html``,
  ``index_1.html``…; the page count only in ``createPageHTML(count, cur, "index", "html")`` (old
  form, page 2 = ``index_1``) or ``createPageHTML('page_div', total, cur, 'index', 'shtml', rows)``
  (new form, numbering base differs by site: both ``index_1…`` and ``index_N`` are tried, a 404
  there is quiet); the arguments may be variables set earlier in the script (``var countPage =
  3//共多少页`` … ``createPageHTML(countPage, currentPage, "index", "shtml")``).
- Bodies in ``div.TRS_Editor`` / ``.trs_editor_view`` / ``#zoom``; attachments ``./P0YYYYMM…pdf``
  relative to the article, often in an ``appendix`` block after the body or written by a script
  (``var hasFile = "P0….wps"``; ``document.write``).
"""
from __future__ import annotations

import re

from crawler.spiders.base import PortalSpider

TRS_PAGER = re.compile(r"createPageHTML\(\s*(?:['\"][\w-]+['\"]\s*,\s*)?([\w$.]+)\s*,\s*([\w$.]+)\s*,"
                       r"\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
TRS_PAGER_NEW = re.compile(r"createPageHTML\(\s*['\"][\w-]+['\"]\s*,")
MAX_PAGES = 200


def hook_trs(spider: PortalSpider, response, depth):
    """TRS ``createPageHTML`` pagination (either form, either numbering base)."""
    m = TRS_PAGER.search(response.text)
    if not m or response.meta.get("stop_paging"):
        return

    def value(arg):
        """A literal, or a variable set earlier in the page (``var countPage = 3//共多少页``)."""
        if arg.isdigit():
            return int(arg)
        vm = re.search(r"\b(?:var\s+|let\s+|const\s+)?" + re.escape(arg.split(".")[-1])
                       + r"\s*=\s*['\"]?(\d+)", response.text)
        return int(vm.group(1)) if vm else None
    count, prefix, ext = value(m.group(1)), m.group(3), m.group(4)
    if count is None:
        return
    newer = bool(TRS_PAGER_NEW.search(response.text))
    count = min(count, MAX_PAGES)
    base = response.url.rsplit("/", 1)[0] + "/"
    pages = range(1, count) if not newer else range(1, count + 1)
    for n in pages:
        req = spider.list_request(f"{base}{prefix}_{n}.{ext}", depth, in_column=True, meta={"quiet404": newer})
        if req is not None:
            yield req


class TrsSpider(PortalSpider):
    name = "trs"
    platform = "trs"
    hooks = ("trs",)
    hook_trs = hook_trs
