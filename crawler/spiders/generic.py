"""Generic portals (discovery by link text from the home page) and ``platform: auto``.

``GenericSpider`` follows 政府信息公开 → 政府信息公开年报 / 年度报告 / 年报 → sub-columns, walks lists
by their 下一页 / page-number links. ``AutoSpider`` does the same with every platform's hooks on
(TRS ``createPageHTML``, Hanweb ``datastore``, Epoint shells), and records the platform it detects
from the pages themselves (``portal_runs.platform``).
"""
from crawler.spiders.base import PortalSpider
from crawler.spiders.epoint import SHELL_URL, hook_epoint, parse_epoint_list


class GenericSpider(PortalSpider):
    name = "generic"
    platform = "generic"
    hooks = ()


class AutoSpider(PortalSpider):
    name = "auto"
    platform = "auto"
    hooks = ("trs", "hanweb", "epoint")
    hook_epoint = hook_epoint
    parse_epoint_list = parse_epoint_list

    def needs_browser(self, url) -> bool:
        return self.detected == "epoint" and bool(SHELL_URL.search(url))
