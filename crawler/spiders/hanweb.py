"""Hanweb JCMS (大汉) portals: ``<datastore>`` records, further pages by POST to ``dataproxy.jsp``."""
from crawler.spiders.base import PortalSpider


class HanwebSpider(PortalSpider):
    name = "hanweb"
    platform = "hanweb"
    hooks = ("hanweb",)
