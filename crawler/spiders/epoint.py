"""Epoint WebBuilder (新点) and other JS front ends: detail pages are shells filled by ``fetch()``
from a JSON endpoint, so they are rendered by Chromium (scrapy-playwright). Only the detail pages:
lists are plain HTML here, attachments are fetched by Scrapy's own downloader."""
import re

from crawler.spiders.base import PortalSpider

SHELL_URL = re.compile(r"showinfo|infoGuid=|/art/info/|#/", re.I)


class EpointSpider(PortalSpider):
    name = "epoint"
    platform = "epoint"
    hooks = ()

    def needs_browser(self, url) -> bool:
        return bool(SHELL_URL.search(url))
