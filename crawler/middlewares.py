"""Downloader middlewares: robots.txt for every waiting request, retries with backoff (honouring
Retry-After), JS-redirect shells, and encoding repair (GBK pages with no or a wrong charset are
decoded as gb18030)."""
from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.response import response_status_message

from crawler.recognize import blocked_kind
from parsers.encoding import encoding_of, normalise

log = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Parse a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except Exception:
        return None


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's, except that every request waiting for a host's robots.txt gets its rules.

    Scrapy (2.13 on, asyncio reactor) has each request that arrives while the robots.txt is being
    fetched await the one pending Deferred; Twisted hands a Deferred's result to its first
    awaiter only (the next ones get None), and None means "no robots.txt": every request but the
    first went out unchecked. It shows when several requests for one host come at once — a
    distributed worker taking up a dead one's requests, an attachment host first met through a
    list of links. Here each waiter gets a Deferred of its own, fed the same rules.

    In a distributed crawl (settings ``NIANBAO_REDIS`` and ``NIANBAO_RUN``) a host's robots.txt
    is fetched once a run, not once a worker: the body the first worker got is kept in the run's
    ``robots`` hash in Redis and the other workers read their rules from it."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._shared = None
        url, run = crawler.settings.get("NIANBAO_REDIS"), crawler.settings.get("NIANBAO_RUN")
        if url and run:
            from store.queue import connect, run_key
            self._shared, self._shared_key = connect(url), run_key(run, "robots")

    async def robot_parser(self, request):
        from scrapy.utils.defer import maybe_deferred_to_future
        from scrapy.utils.httpobj import urlparse_cached
        from scrapy.utils.misc import build_from_crawler
        from twisted.internet.defer import Deferred
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            mine = Deferred()

            def pass_on(rules):
                mine.callback(rules)
                return rules
            pending.addCallback(pass_on)
            return await maybe_deferred_to_future(mine)
        if netloc not in self._parsers and self._shared is not None:
            body = self._shared.hget(self._shared_key, netloc)
            if body is not None:
                self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, body)
                self._stats.inc_value("robotstxt/from_other_worker")
                return self._parsers[netloc]
        return await super().robot_parser(request)

    async def _parse_robots(self, response, netloc, request):
        if self._shared is not None:
            self._shared.hsetnx(self._shared_key, netloc, response.body)
        await super()._parse_robots(response, netloc, request)


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry 5xx / 429 with exponential backoff, waiting what Retry-After asks (capped).
    Anti-bot walls (412 $_ts, 521 __jsl_clearance) are never retried: they are recorded as blocked."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_AFTER_MAX", 120)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        if blocked_kind(response.status, response.body):
            return response
        tries = request.meta.get("retry_times", 0)
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = self.base * (2 ** tries)
        wait = min(wait, self.cap)
        new = self._retry(request, response_status_message(response.status))
        if new is None:
            return response
        if wait > 0:
            log.info("retrying %s in %.1fs (HTTP %s)", request.url, wait, response.status)
            await asyncio.sleep(wait)
        return new


JS_REDIRECT = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*(?:\.replace|\.assign)?\s*(?:=|\()\s*["']([^"']+)["']""")


class JsRedirectMiddleware:
    """Follow tiny JS shells (``location.replace("…")`` / ``location.href = "…"``) like redirects."""

    MAX_SIZE = 4096
    MAX_HOPS = 5

    def process_response(self, request, response, spider=None):
        if response.status != 200 or request.meta.get("playwright") or len(response.body) > self.MAX_SIZE:
            return response
        if not isinstance(response, TextResponse) or blocked_kind(response.status, response.body):
            return response
        try:
            text = response.text
        except Exception:
            return response
        m = JS_REDIRECT.search(text)
        if not m:
            return response
        target = response.urljoin(m.group(1))
        if target == response.url or target.startswith("javascript:"):
            return response
        hops = request.meta.get("redirect_times", 0) + 1
        if hops > self.MAX_HOPS:
            return response
        new = request.replace(url=target)
        new.meta["redirect_times"] = hops
        new.meta["redirect_urls"] = request.meta.get("redirect_urls", []) + [request.url]
        new.meta["redirect_reasons"] = request.meta.get("redirect_reasons", []) + ["js"]
        log.debug("JS redirect %s -> %s", request.url, target)
        return new


def detect_encoding(body: bytes) -> str:
    """The encoding of a page's bytes (``parsers.encoding``: the parser reads pages the same way)."""
    return encoding_of(body)


class EncodingMiddleware:
    """Decode gb2312/gbk as gb18030; detect the charset when none is declared or the declared one
    does not decode the bytes."""

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse) or request.meta.get("playwright"):
            return response
        declared = None
        try:
            declared = response._declared_encoding()
        except Exception:
            pass
        enc = None
        if declared:
            d = normalise(declared)
            if d == "gb18030":
                enc = d
            else:
                try:
                    response.body.decode(d)
                    return response
                except (UnicodeDecodeError, LookupError):
                    enc = encoding_of(response.body)
        else:
            enc = encoding_of(response.body)
        if enc and (declared or "").lower() != enc:
            cls = HtmlResponse if isinstance(response, HtmlResponse) else type(response)
            return response.replace(cls=cls, encoding=enc)
        return response


class CrawlDelayMiddleware:
    """Honour robots.txt ``Crawl-delay``: Scrapy reads Disallow but ignores the delay a site asks
    for. When a host's robots.txt names one (for nianbao or for ``*``), that host's download slot
    never goes faster, whatever AutoThrottle or ``--no-throttle`` would do. Capped at
    ``MAX_CRAWL_DELAY`` seconds, so that a hostile value cannot stall a nightly run."""

    MAX_CRAWL_DELAY = 60.0

    def __init__(self, crawler):
        self.crawler = crawler
        self.agent = crawler.settings.get("USER_AGENT") or "nianbao"
        self.delays: dict = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _slot(self, request):
        downloader = self.crawler.engine.downloader
        get_key = getattr(downloader, "get_slot_key", None) or downloader._get_slot_key
        try:
            key = get_key(request)
        except TypeError:          # older signature: (request, spider)
            key = get_key(request, None)
        return key, downloader.slots.get(key)

    @staticmethod
    def _apply(slot, delay: float) -> None:
        # a minimum, not an average: Scrapy would otherwise draw each wait from 0.5–1.5 × delay
        slot.randomize_delay = False
        if slot.delay < delay:
            slot.delay = delay

    def process_request(self, request, spider=None):
        if self.delays:
            key, slot = self._slot(request)
            if slot is not None and key in self.delays:
                self._apply(slot, self.delays[key])
        return None

    def process_response(self, request, response, spider=None):
        if response.status == 200 and request.url.split("?")[0].endswith("/robots.txt"):
            from protego import Protego
            try:
                rules = Protego.parse(response.body.decode("utf-8", "replace"))
                delay = rules.crawl_delay(self.agent)
            except Exception:
                delay = None
            if delay:
                key, slot = self._slot(request)
                self.delays[key] = min(float(delay), self.MAX_CRAWL_DELAY)
                if slot is not None:
                    self._apply(slot, self.delays[key])
                self.crawler.stats.set_value(f"nianbao/crawl_delay/{key}", self.delays[key])
        return response


class ConditionalRequestMiddleware:
    """Documents are asked for conditionally: ``If-None-Match`` / ``If-Modified-Since`` from the
    stored version of the URL, so an unchanged file costs a 304 and no bytes. An article answered
    304 gets its archived page back in ``meta["stored_body"]`` (its attachments may have changed
    even when the page did not). Pages rendered by Chromium and list pages are never conditional."""

    KINDS = ("doc", "attachment")

    def __init__(self, store, archive):
        self.store, self.archive = store, archive

    @classmethod
    def from_crawler(cls, crawler):
        from crawler.storage import store_and_archive
        return cls(*store_and_archive(crawler.settings))

    def process_request(self, request, spider=None):
        meta = request.meta
        if meta.get("kind") not in self.KINDS or meta.get("playwright") or not meta.get("doc_url"):
            return None
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            return None
        prev = self.store.latest_document(meta["doc_url"])
        if prev:
            if prev.get("etag"):
                request.headers["If-None-Match"] = prev["etag"]
            if prev.get("last_modified"):
                request.headers["If-Modified-Since"] = prev["last_modified"]
            meta["conditional"] = True
        return None

    def process_response(self, request, response, spider=None):
        if response.status == 304 and request.meta.get("kind") == "doc" and request.meta.get("doc_url"):
            prev = self.store.latest_document(request.meta["doc_url"])
            if prev and prev.get("medium") == "html":
                try:
                    request.meta["stored_body"] = self.archive.get(prev["sha256"])
                except OSError:
                    pass
        return response
