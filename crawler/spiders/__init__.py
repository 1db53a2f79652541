"""Spiders per platform over one base (see base.py for the platforms' quirks)."""
from crawler.spiders.base import PortalSpider
from crawler.spiders.trs import TrsSpider
from crawler.spiders.hanweb import HanwebSpider
from crawler.spiders.gdzwfw import GdzwfwSpider
from crawler.spiders.epoint import EpointSpider
from crawler.spiders.truecms import TrueCmsSpider
from crawler.spiders.generic import GenericSpider, AutoSpider

SPIDERS = {"trs": TrsSpider, "hanweb": HanwebSpider, "gdzwfw": GdzwfwSpider, "epoint": EpointSpider,
           "truecms": TrueCmsSpider, "generic": GenericSpider, "auto": AutoSpider}


def spider_for(platform: str | None):
    """The spider class for a source's ``platform`` (unknown names fall back to auto)."""
    return SPIDERS.get((platform or "auto").lower(), AutoSpider)


__all__ = ["PortalSpider", "SPIDERS", "spider_for"] + [c.__name__ for c in SPIDERS.values()]
