"""``StoreExtension``: what a spider's run leaves in the database besides documents.

- when a spider opens for an incremental walk, it is told the documents its portal already has
  (``spider.known``: it asks nothing again of them and stops walking a column at the first);
- each ``crawler.signals.document_failed`` becomes a ``failures`` row (kind and reason);
- when the spider closes, its portal's health row (pages, reports, failures, the flag) is
  written for the run (by a frontier worker: its counters added to the run's in Redis).
"""
from __future__ import annotations

from scrapy import signals

from crawler import signals as nianbao_signals
from crawler.storage import store_and_archive


class StoreExtension:
    def __init__(self, crawler):
        self.store, _ = store_and_archive(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.document_failed, signal=nianbao_signals.document_failed)
        return ext

    def spider_opened(self, spider):
        if getattr(spider, "incremental", False):
            spider.known = self.store.known_document_urls(spider.portal_name)

    def document_failed(self, spider, url, kind, detail):
        self.store.record_failure(url=url, kind=kind, detail=str(detail)[:500], portal=spider.portal_name,
                                  run_id=getattr(spider, "run_id", None))

    def spider_closed(self, spider, reason):
        # a frontier worker crawls many portals: one row (or one share of a row) for each
        for portal in getattr(spider, "portal_spiders", lambda: [spider])():
            row = portal.health_summary()
            portal.health_row = row
            if getattr(portal, "run_id", None) is not None:
                self.store.record_portal(portal.run_id, row, counts=portal.health)
