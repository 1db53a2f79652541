"""The crawler over a shared Redis frontier: any number of worker processes, on any machines, crawl
the same run (scrapy-redis keeps the scheduler's queue and the duplicate filter in Redis).

What scrapy-redis gives and what is added here:

- :class:`FrontierQueue` — scrapy-redis's priority queue, except that a request taken from it is
  not gone: it moves atomically into its worker's *in-flight* hash and leaves it only when its
  callback has finished, every request it yielded is in the frontier and every item it yielded
  has been through the pipelines (or when a retry or redirect of it has been queued). A worker
  killed with SIGKILL leaves its in-flight requests behind; a live worker sees its heartbeat
  expire and puts them back in the queue. Nothing is lost; what is done twice is written once
  (``store.queue``).
- :class:`FrontierOutputMiddleware` — the worker's outermost spider middleware: a callback's
  requests are put in the frontier as they come out, before its own request is acked. Scrapy's
  scraper reads a callback's output into a buffer ahead of scheduling it (up to twice
  ``CONCURRENT_ITEMS``), so the callback's generator is exhausted while its requests are still
  in that buffer; a worker killed then would have lost them with its parent already acked.
- :class:`RunDupeFilter` — the fingerprints of one run only, expiring after two days (marked seen
  and queued in one atomic step, so a worker killed between the two loses nothing): last
  night's fingerprints never stop tonight's list pages, and every document is asked for again
  (conditionally) each night.
- :class:`SharedPolitenessMiddleware` — per-host politeness across all workers: a minimum
  interval between request starts (``DOWNLOAD_DELAY`` or the host's robots.txt Crawl-delay,
  whichever is longer) and at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests at once per host,
  counted in Redis (entries expire, so a killed worker's slots come back).
- :class:`FrontierSpider` — one spider per worker for every portal of the run: each request
  carries its portal's name, and the callback of that portal's own spider (``spider_for(platform)``,
  built once per worker from the run's sources) is called for it. Portal spiders keep their
  health counters; the worker adds them to the run's in Redis when it closes.

A worker ends when the frontier has stayed empty, with nothing in flight anywhere, for
``NIANBAO_WORKER_IDLE`` seconds, or when its run is marked done.
"""
from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import socket
import time
import uuid

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.spider import iterate_spider_output
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from store.queue import connect, run_key

log = logging.getLogger(__name__)

TOKEN = "frontier_token"
TOKEN_LEN = 32
FINGERPRINT_TTL = 2 * 24 * 3600
# crash tests: a worker kills itself (SIGKILL) right after acking a request whose URL contains this
KILL_AFTER_ACK = "NIANBAO_KILL_AFTER_ACK"

# pop the best request into the worker's in-flight hash (value "score|member"), atomically; the
# worker (ARGV[1]) is in the run's workers (KEYS[3]) whenever it holds a request, so that a worker
# once taken for dead and reaped, but alive, has what it takes next seen (and put back if it dies)
POP = """
local m = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #m == 0 then return false end
redis.call('ZREM', KEYS[1], m[1])
redis.call('HSET', KEYS[2], string.sub(m[1], 1, %d), m[2] .. '|' .. m[1])
if #KEYS > 2 then redis.call('SADD', KEYS[3], ARGV[1]) end
return m[1]
""" % TOKEN_LEN
# an in-flight hash (values "score|member") back in the queue, emptied; leaves its size in n
PUT_BACK = """
local vals = redis.call('HVALS', %(inflight)s)
for _, v in ipairs(vals) do
  local i = string.find(v, '|', 1, true)
  redis.call('ZADD', %(queue)s, tonumber(string.sub(v, 1, i - 1)), string.sub(v, i + 1))
end
redis.call('DEL', %(inflight)s)
local n = #vals
"""
# a worker whose heartbeat (KEYS[1]) is gone: its in-flight requests (KEYS[2]) back in the queue
# (KEYS[3]) and the worker out of the run's workers (KEYS[4]), in one step, so that a heartbeat
# in between cannot leave it out of the workers while it still takes requests
REAP = ("if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end"
        + PUT_BACK % {"inflight": "KEYS[2]", "queue": "KEYS[3]"}
        + "redis.call('SREM', KEYS[4], ARGV[1])\nreturn n\n")
# mark a request's fingerprint seen and queue it, in one step: a worker killed between the two
# would leave a request that nobody fetches and that every later sight of it calls a duplicate
ENQUEUE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4])) end
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]), ARGV[3])
return 1
"""
# put every in-flight request of a worker (KEYS[1]) back in the queue (KEYS[2]), atomically
REQUEUE = PUT_BACK % {"inflight": "KEYS[1]", "queue": "KEYS[2]"} + "return n\n"
# reserve the next start slot of a host: returns milliseconds to wait (Redis's clock for all workers)
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(nxt, now)
redis.call('SET', KEYS[1], start + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
return start - now
"""
# take one of a host's concurrency slots, if one is free (expired slots are freed first)
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
  return 1
end
return 0
"""


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def frontier_empty(redis, run_id) -> bool:
    """Nothing queued and nothing in flight in any worker of the run."""
    if redis.zcard(run_key(run_id, "queue")):
        return False
    return not any(redis.hlen(run_key(run_id, "inflight", w.decode()))
                   for w in redis.smembers(run_key(run_id, "workers")))


# --------------------------------------------------------------------------- queue and scheduler
class FrontierQueue(RedisQueueBase):
    """A priority queue whose members are ``token + serialized request``; see the module doc."""

    def __init__(self, server, spider, key, serializer=None, inflight_key=None, workers_key=None, worker_id=None):
        super().__init__(server, spider, key, serializer)
        self.inflight_key = inflight_key or f"{self.key}:inflight"
        self.workers_key, self.worker_id = workers_key, worker_id
        self._pop = server.register_script(POP)
        self._requeue = server.register_script(REQUEUE)
        self._reap = server.register_script(REAP)
        self._enqueue = server.register_script(ENQUEUE)
        self._urls: dict = {}        # token → URL of the requests this worker holds (for the logs)
        self._kill_after_ack = os.environ.get(KILL_AFTER_ACK)

    def __len__(self):
        return self.server.zcard(self.key)

    def _member(self, request) -> tuple:
        """(token of the request this one replaces or None, the queue member for it)."""
        old = request.meta.pop(TOKEN, None)
        return old, uuid.uuid4().hex.encode() + self._encode_request(request)

    def push(self, request):
        old, member = self._member(request)
        self.server.execute_command("ZADD", self.key, -request.priority, member)
        if old:      # a retry or redirect of a request this worker holds: the new one replaces it
            self.ack(old)

    def push_if_new(self, request, seen_key: str, fingerprint: str) -> bool:
        """Queue ``request`` unless its fingerprint is in ``seen_key``, marking it seen in the
        same step. False for a duplicate. Either way a request this worker held and that this
        one replaces (a redirect) is done."""
        old, member = self._member(request)
        added = bool(self._enqueue(keys=[seen_key, self.key],
                                   args=[fingerprint, -request.priority, member, FINGERPRINT_TTL]))
        if old:
            self.ack(old)
        return added

    def pop(self, timeout=0):
        if self.workers_key:
            member = self._pop(keys=[self.key, self.inflight_key, self.workers_key], args=[self.worker_id])
        else:
            member = self._pop(keys=[self.key, self.inflight_key])
        if not member:
            return None
        request = self._decode_request(member[TOKEN_LEN:])
        request.meta[TOKEN] = member[:TOKEN_LEN].decode()
        self._urls[request.meta[TOKEN]] = request.url
        log.debug("took %s %s", request.meta[TOKEN], request.url)
        return request

    def ack(self, token: str) -> None:
        url = self._urls.pop(token, None)
        log.debug("finished %s %s", token, url)
        self.server.hdel(self.inflight_key, token)
        if self._kill_after_ack and url and self._kill_after_ack in url:
            import signal
            log.warning("%s: killing this worker after %s", KILL_AFTER_ACK, url)
            os.kill(os.getpid(), signal.SIGKILL)

    def requeue(self, inflight_key=None) -> int:
        """Put a worker's in-flight requests back (this worker's by default)."""
        return int(self._requeue(keys=[inflight_key or self.inflight_key, self.key]))

    def reap(self, worker: str, alive_key: str, inflight_key: str, workers_key: str) -> int:
        """Put back what ``worker`` holds and drop it from the workers, unless its heartbeat
        (``alive_key``) is there: -1 then."""
        return int(self._reap(keys=[alive_key, inflight_key, self.key, workers_key], args=[worker]))


class FrontierScheduler(RedisScheduler):
    """scrapy-redis's scheduler over :class:`FrontierQueue` for this worker."""

    def open(self, spider):
        self.spider = spider
        self.queue = FrontierQueue(self.server, spider, self.queue_key % {"spider": spider.name},
                                   serializer=self.serializer,
                                   inflight_key=run_key(spider.run_id, "inflight", spider.worker_id),
                                   workers_key=run_key(spider.run_id, "workers"), worker_id=spider.worker_id)
        spider.frontier_queue = self.queue
        if not self.df:
            self.df = RunDupeFilter.from_spider(spider)

    def enqueue_request(self, request):
        """scrapy-redis's, with the duplicate check and the push one atomic step in Redis."""
        if request.dont_filter:
            self.queue.push(request)
        elif not self.queue.push_if_new(request, self.df.key, self.df.request_fingerprint(request)):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def close(self, reason):
        # requests this worker took but did not finish go back for the others
        n = self.queue.requeue()
        if n:
            log.warning("worker closing (%s): %d unfinished requests put back in the frontier", reason, n)


class RunDupeFilter(RFPDupeFilter):
    """The fingerprints of one run (its key names the run), expiring after two days. The
    scheduler marks them with the push (:meth:`FrontierQueue.push_if_new`)."""

    def close(self, reason=""):
        pass      # shared by every worker: the run's end removes it (nianbao.distributed)


class FrontierOutputMiddleware:
    """Put a callback's requests in the frontier as they come out of the other spider
    middlewares, then tell the spider its callback is done (see the module doc). Outermost: the
    requests have been through Scrapy's referer, depth and URL-length middlewares."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_output(self, response, result, spider=None):
        token = response.meta.get(TOKEN)
        try:
            for out in result:
                if isinstance(out, scrapy.Request):
                    self.crawler.engine.crawl(out)
                else:
                    yield out
        finally:
            self._done(token)

    async def process_spider_output_async(self, response, result, spider=None):
        token = response.meta.get(TOKEN)
        try:
            async for out in result:
                if isinstance(out, scrapy.Request):
                    self.crawler.engine.crawl(out)
                else:
                    yield out
        finally:
            self._done(token)

    def _done(self, token):
        spider = self.crawler.spider
        if token and hasattr(spider, "callback_done"):
            spider.callback_done(token)


# --------------------------------------------------------------------------- politeness
class SharedPolitenessMiddleware:
    """Per-host delay and concurrency held across every worker (see the module doc)."""

    def __init__(self, crawler):
        s = crawler.settings
        self.redis = connect(s.get("NIANBAO_REDIS"))
        self.delay = s.getfloat("DOWNLOAD_DELAY")
        self.limit = s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") or 8
        self.timeout_ms = int((s.getfloat("DOWNLOAD_TIMEOUT") or 60) * 1000) + 5000
        self.crawler = crawler
        self._reserve = self.redis.register_script(RESERVE)
        self._acquire = self.redis.register_script(ACQUIRE)
        self._crawl_delays: dict = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _host(self, request) -> str:
        from urllib.parse import urlsplit
        return urlsplit(request.url).netloc.lower()

    def _interval(self, host: str) -> float:
        cd = self.crawler.stats.get_value(f"nianbao/crawl_delay/{host}")
        if cd:
            self.redis.hset("nianbao:crawl_delay", host, cd)
            return max(self.delay, float(cd))
        if host not in self._crawl_delays:
            v = self.redis.hget("nianbao:crawl_delay", host)
            if not v:       # not known yet: the worker that read the robots.txt may still be on its way
                return self.delay
            self._crawl_delays[host] = float(v)
        return max(self.delay, self._crawl_delays[host])

    async def process_request(self, request, spider=None):
        host = self._host(request)
        interval = self._interval(host)
        if interval > 0:
            wait = int(self._reserve(keys=[f"nianbao:host:{host}:next"], args=[int(interval * 1000)]))
            if wait > 0:
                await asyncio.sleep(wait / 1000)
        token = uuid.uuid4().hex
        key = f"nianbao:host:{host}:slots"
        while not int(self._acquire(keys=[key], args=[self.limit, self.timeout_ms, token])):
            await asyncio.sleep(0.05)
        request.meta["host_slot"] = (key, token)
        return None

    def _release(self, request):
        slot = request.meta.pop("host_slot", None)
        if slot:
            self.redis.zrem(*slot)

    def process_response(self, request, response, spider=None):
        self._release(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._release(request)
        return None


# --------------------------------------------------------------------------- the worker's spider
class FrontierSpider(scrapy.Spider):
    """Every portal of a run, in one worker (see the module doc)."""

    name = "frontier"
    incremental = False

    def __init__(self, run_id=None, redis_url=None, mode="full", worker_id=None, idle_seconds=10.0,
                 heartbeat_ttl=30.0, *a, **kw):
        super().__init__(*a, **kw)
        self.run_id, self.mode = run_id, mode
        self.redis_url = redis_url
        self.worker_id = worker_id or new_worker_id()
        self.idle_seconds, self.heartbeat_ttl = float(idle_seconds), float(heartbeat_ttl)
        self.portals: dict = {}
        self._pending = collections.Counter()
        self._done: set = set()
        self._idle_since = None
        self.frontier_queue = None

    # portals
    def source(self, name: str) -> dict:
        raw = connect(self.redis_url).hget(run_key(self.run_id, "sources"), name)
        if raw is None:
            raise KeyError(f"portal {name!r} is not a source of run {self.run_id}")
        return json.loads(raw)

    def portal(self, name: str):
        """The portal spider of ``name`` (built on first use from the run's sources)."""
        p = self.portals.get(name)
        if p is None:
            from crawler.spiders import spider_for
            src = self.source(name)
            p = spider_for(src.get("platform"))(source=src, run_id=self.run_id, mode=self.mode)
            p.warc_writer = None
            if getattr(self, "crawler", None) is not None:
                p.crawler, p.settings = self.crawler, self.crawler.settings
                if p.incremental:
                    from crawler.storage import store_and_archive
                    p.known = store_and_archive(self.crawler.settings)[0].known_document_urls(p.portal_name)
            self.portals[name] = p
        return p

    def portal_of(self, item):
        return self.portal(item["portal"])

    def portal_spiders(self):
        return list(self.portals.values())

    def start_request(self, name: str):
        p = self.portal(name)
        return self.adopt(p, p.page_request(p.start_url, meta={"nav_depth": 0, "entry": True}))

    def adopt(self, portal, request):
        """A portal spider's request, routed back to it through this spider."""
        meta = request.meta
        meta.pop(TOKEN, None)
        meta["portal"] = portal.portal_name
        meta["cb"] = request.callback.__name__ if request.callback else "parse_list"
        meta["eb"] = request.errback.__name__ if request.errback else None
        return request.replace(callback=self.route, errback=self.route_error)

    # callbacks
    def route(self, response):
        """A response's callback. Its requests reach the frontier through
        :class:`FrontierOutputMiddleware`, which then calls :meth:`callback_done`."""
        meta = response.meta
        portal = self.portal(meta["portal"])
        result = getattr(portal, meta["cb"])(response)
        return self._outputs(portal, result, meta.get(TOKEN))

    def route_error(self, failure):
        """A download error's errback. Its output passes no spider middleware, so its requests
        are put in the frontier here, and the callback is done when the output is."""
        meta = failure.request.meta
        portal = self.portal(meta["portal"])
        result = getattr(portal, meta["eb"])(failure) if meta.get("eb") else None
        return self._outputs(portal, result, meta.get(TOKEN), schedule=True)

    def _outputs(self, portal, result, token, schedule=False):
        try:
            for out in iterate_spider_output(result):
                if out is None:
                    continue
                if isinstance(out, scrapy.Request):
                    req = self.adopt(portal, out)
                    if schedule:
                        self.crawler.engine.crawl(req)
                    else:
                        yield req
                    continue
                out["portal"] = portal.portal_name
                if token:
                    out[TOKEN] = token
                    self._pending[token] += 1
                yield out
        finally:
            if token and schedule:
                self.callback_done(token)

    def callback_done(self, token):
        """The callback of ``token`` has ended and its requests are in the frontier: acked as
        soon as its items have been through the pipelines too."""
        self._done.add(token)
        self._maybe_ack(token)

    def _maybe_ack(self, token):
        if token in self._done and self._pending[token] <= 0:
            self._done.discard(token)
            self._pending.pop(token, None)
            if self.frontier_queue is not None:
                self.frontier_queue.ack(token)

    def _item_finished(self, item, **kw):
        token = item.get(TOKEN) if hasattr(item, "get") else None
        if token:
            self._pending[token] -= 1
            self._maybe_ack(token)

    # lifecycle
    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        for sig in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_finished, signal=sig)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    async def start(self):
        return
        yield  # an async generator that yields nothing: the frontier's requests come from Redis

    def _opened(self, spider):
        from twisted.internet import task
        self.redis = connect(self.redis_url)
        self.redis.sadd(run_key(self.run_id, "workers"), self.worker_id)
        self._beat()
        self._heartbeat = task.LoopingCall(self._beat)
        self._heartbeat.start(max(self.heartbeat_ttl / 4, 0.5), now=False)

    def _beat(self):
        # alive, and one of the run's workers again if a stall made another take it for dead
        pipe = self.redis.pipeline()
        pipe.set(run_key(self.run_id, "alive", self.worker_id), "1", px=int(self.heartbeat_ttl * 1000))
        pipe.sadd(run_key(self.run_id, "workers"), self.worker_id)
        pipe.execute()
        self.reap()

    def reap(self) -> int:
        """Put back the in-flight requests of workers whose heartbeat stopped."""
        n = 0
        workers = run_key(self.run_id, "workers")
        for w in self.redis.smembers(workers):
            w = w.decode()
            if w == self.worker_id or self.frontier_queue is None:
                continue
            k = self.frontier_queue.reap(w, run_key(self.run_id, "alive", w), run_key(self.run_id, "inflight", w),
                                         workers)
            if k > 0:
                log.warning("worker %s stopped answering: %d of its requests put back", w, k)
            n += max(k, 0)
        return n

    def frontier_idle(self) -> bool:
        """Nothing queued and nothing in flight in any worker of the run (dead ones reaped first)."""
        self.reap()
        return frontier_empty(self.redis, self.run_id)

    def _idle(self, spider):
        if self.redis.get(run_key(self.run_id, "done")):
            return
        if not self.frontier_idle():
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_seconds:
            raise DontCloseSpider
        log.info("worker %s: frontier empty for %.0f s, ending", self.worker_id, now - self._idle_since)

    def _closed(self, spider, reason):
        hb = getattr(self, "_heartbeat", None)
        if hb is not None and hb.running:
            hb.stop()
        self.redis.delete(run_key(self.run_id, "alive", self.worker_id))
        self.redis.srem(run_key(self.run_id, "workers"), self.worker_id)
        stats = self.crawler.stats
        log.info("worker %s done (%s): %d pages fetched, %d items sent to the writer", self.worker_id, reason,
                 stats.get_value("response_received_count", 0), stats.get_value("item_scraped_count", 0))
