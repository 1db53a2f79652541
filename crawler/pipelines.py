"""The item pipelines: every original archived and recorded, then the candidates parsed.

For each :class:`crawler.items.DocumentItem`:

1. ``ArchivePipeline`` — ``Archive.put(bytes)`` (content-addressed, atomic: a crawl killed midway
   leaves no half file; optionally a WARC record too), then ``Store.record_document``: status new /
   changed (a new version, the old one kept and linked) / unchanged. The pictures a page shows
   (a table pasted as an image) are archived and recorded with it (role ``picture``).
2. ``ParsePipeline`` — candidates (article pages holding tables or pictures, attachments of report
   articles) are parsed by ``parsers.worker.parse_document`` in a thread (one at a time); a report
   whose ``format`` is None is not an annual report and stays a document only; ``ParseError`` →
   failure ``parse_error`` (the original is kept).

A 304 item only touches the stored version — and is parsed again from the archive if an earlier
run was killed between recording and parsing it (nothing lost).
"""
from __future__ import annotations

import logging
import os
import re
from urllib.parse import urlsplit

from twisted.internet.defer import DeferredLock
from twisted.internet.threads import deferToThread

from crawler.recognize import EXT, PARSEABLE, sniff
from crawler.storage import store_and_archive

log = logging.getLogger(__name__)


def portal_spider(spider, item):
    """The spider of the item's portal: the spider itself, or one of a frontier worker's."""
    of = getattr(spider, "portal_of", None)
    return of(item) if of is not None and item.get("portal") else spider


def _filename(url: str, kind: str) -> str:
    base = os.path.basename(urlsplit(url).path) or "index"
    base = re.sub(r"[^\w.\-]", "_", base)[:80]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return stem + EXT.get(kind, "")


class ArchivePipeline:
    """Keep the bytes, record the version (``item["document"]`` tells the next pipeline)."""

    def __init__(self, crawler=None):
        self.crawler = crawler
        self.store, self.archive = store_and_archive(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        spider = portal_spider(spider or self.crawler.spider, item)
        store, h, url = self.store, spider.health, item["url"]
        if item.get("not_modified"):
            store.touch_document(url)
            doc = store.latest_document(url)
            item["document"] = doc and {"id": doc["id"], "sha256": doc["sha256"], "status": "unchanged",
                                        "medium": doc.get("medium")}
            return item
        data = item["body"]
        sha, rel = self.archive.put(data)
        warc = getattr(spider, "warc_writer", None)
        if warc is not None:
            try:
                warc.write(item.get("final_url") or url, data, item.get("content_type"))
            except Exception as e:  # WARC is a bonus: never lose a run over it
                log.warning("warc write failed: %s", e)
        kind = sniff(data)
        rec = store.record_document(
            url=url, sha256=sha, size=len(data), archive_path=rel,
            content_type=item.get("content_type"), medium=kind, source_url=item.get("source_url"),
            portal=spider.portal_name, title=item.get("title"), etag=item.get("etag"),
            last_modified=item.get("last_modified"), run_id=spider.run_id)
        h["documents"] += 1
        h[f"documents_{rec['status']}"] += 1
        pictures_changed = self._archive_pictures(spider, item)
        item["document"] = {"id": rec["id"], "sha256": sha, "status": rec["status"], "medium": kind,
                            "pictures_changed": pictures_changed}
        return item

    def _archive_pictures(self, spider, item) -> bool:
        """The pictures a page shows are kept as documents of their own, linked to the page
        (``source_url``). True when one of them is new or changed."""
        changed = False
        for url, data in (item.get("pictures") or {}).items():
            sha, rel = self.archive.put(data)
            rec = self.store.record_document(
                url=url, sha256=sha, size=len(data), archive_path=rel, medium=sniff(data),
                source_url=item["url"], portal=spider.portal_name, run_id=spider.run_id, role="picture")
            spider.health["pictures"] += 1
            changed = changed or rec["status"] != "unchanged"
        return changed


class ParsePipeline:
    """Parse the candidates (one at a time, in a bounded child process) and store their reports."""

    def __init__(self, crawler=None):
        self.crawler = crawler
        self.store, self.archive = store_and_archive(crawler.settings)
        self.lock = DeferredLock()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item, spider=None):
        spider = portal_spider(spider or self.crawler.spider, item)
        store, h, url, doc = self.store, spider.health, item["url"], item.get("document")
        if doc is None or not item.get("candidate"):
            return _light(item)
        if item.get("not_modified"):
            if store.has_report(doc["sha256"], url):
                h["reports_found"] += 1
            elif not store.has_parse_outcome(doc["sha256"]):
                await self._parse(spider, item, self.archive.get(doc["sha256"]), doc)
            return _light(item)
        if doc["medium"] not in PARSEABLE:
            return _light(item)
        if doc["status"] != "unchanged" or not store.has_parse_outcome(doc["sha256"]) or doc.get("pictures_changed"):
            await self._parse(spider, item, item["body"], doc)
        elif store.has_report(doc["sha256"], url):
            h["reports_found"] += 1
        return _light(item)

    async def _parse(self, spider, item, data, doc):
        from scrapy.utils.defer import maybe_deferred_to_future

        from parsers.worker import ParseError, parse_document
        store, h, url = self.store, spider.health, item["url"]
        name = _filename(item.get("final_url") or url, sniff(data))
        await maybe_deferred_to_future(self.lock.acquire())
        try:
            report = await maybe_deferred_to_future(deferToThread(
                parse_document, data, filename=name, pictures=item.get("pictures") or None, base_url=url))
        except ParseError as e:
            h["parse_errors"] += 1
            spider.fail(url, "parse_error", str(e) or type(e).__name__)
            store.mark_parsed(doc["sha256"], "parse_error")
            return
        except Exception as e:  # a parser bug must cost one failure, never the run
            h["parse_errors"] += 1
            spider.fail(url, "parse_error", f"{type(e).__name__}: {e}")
            store.mark_parsed(doc["sha256"], "parse_error")
            return
        finally:
            self.lock.release()
        if not report or report.get("format") is None:
            store.mark_parsed(doc["sha256"], "not_a_report")
            log.info("not an annual report: %s", url)
            return
        store.record_report(report, document_url=url, document_sha256=doc["sha256"],
                            source_url=item.get("source_url") or url, portal=spider.portal_name,
                            document_id=doc["id"])
        store.mark_parsed(doc["sha256"], "report")
        h["reports_found"] += 1
        if doc["status"] == "new":
            h["reports_new"] += 1
        elif doc["status"] == "changed":
            h["reports_changed"] += 1
        log.info("report %s (%s, %s): %s", report.get("format"), report.get("year"), report.get("agency"), url)


def _light(item):
    d = dict(item)
    d.pop("body", None)
    d.pop("pictures", None)
    return d
