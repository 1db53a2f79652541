"""Generic portals (discovery by link text from the home page) and ``platform: auto``.

``GenericSpider`` follows 政府信息公开 → 政府信息公开年报 / 年度报告 / 年报 → sub-columns, walks lists
by their 下一页 / page-number links. ``AutoSpider`` does the same with every platform's hooks on
(TRS ``createPageHTML``, Hanweb ``datastore`` / xxgk / JPaaS, TrueCMS, Epoint shells), and records the platform it detects
from the pages themselves (``portal_runs.platform``).
"""
from crawler.spiders.base import PortalSpider
from crawler.spiders.epoint import SHELL_URL, hook_epoint, parse_epoint_list, parse_epoint_script
from crawler.spiders.hanweb import hook_hanweb, hook_jpaas, hook_xxgk, parse_jpaas_list
from crawler.spiders.trs import hook_trs
from crawler.spiders.truecms import hook_truecms, parse_truecms_list


class GenericSpider(PortalSpider):
    name = "generic"
    platform = "generic"
    hooks = ()


class AutoSpider(PortalSpider):
    name = "auto"
    platform = "auto"
    hooks = ("trs", "hanweb", "xxgk", "jpaas", "truecms", "epoint")
    hook_trs = hook_trs
    hook_hanweb = hook_hanweb
    hook_epoint = hook_epoint
    parse_epoint_list = parse_epoint_list
    parse_epoint_script = parse_epoint_script
    hook_xxgk = hook_xxgk
    hook_jpaas = hook_jpaas
    parse_jpaas_list = parse_jpaas_list
    hook_truecms = hook_truecms
    parse_truecms_list = parse_truecms_list

    def needs_browser(self, url) -> bool:
        return self.detected == "epoint" and bool(SHELL_URL.search(url))
