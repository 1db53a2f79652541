"""TRS WCM (拓尔思) portals: ``createPageHTML`` pagination, ``TRS_Editor`` bodies, ``P0…`` attachments."""
from crawler.spiders.base import PortalSpider


class TrsSpider(PortalSpider):
    name = "trs"
    platform = "trs"
    hooks = ("trs",)
