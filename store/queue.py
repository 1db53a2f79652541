"""The single writer of a distributed crawl, and what workers hold in its place.

SQLite has one writer. In a crawl over a Redis frontier (``nianbao.distributed``) the workers
fetch, archive (into a shared directory, content-addressed) and parse; every write they would
make to the database becomes a message on a Redis list, and one ``ingest`` applies the messages
to the :class:`store.writes.Store`.

- :class:`QueuedStore` is what a worker's pipelines, middlewares and extension get instead of a
  ``Store`` (``crawler/storage.py`` picks it when the settings name a Redis). Writes are queued;
  reads (the stored version of a URL for conditional requests, whether a version was parsed)
  come from a copy of that state in Redis, seeded from the database when a run starts
  (:func:`seed_state`) and kept up to date by the workers as they go.
- :func:`ingest` is the writer. A message is moved to a processing list (``LMOVE``) before it is
  applied and removed only after its effects are committed, with its id recorded in
  ``ingested_messages``: a writer killed at any point loses nothing, and one restarted applies
  each message once (ops are idempotent besides: the same bytes at a URL are one version, a
  report re-stored replaces its rows, a failure is recorded once per run, URL and kind).

Messages are JSON: ``{"id", "run_id", "op", "args"}`` where ``op`` names a Store method.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from collections import Counter

log = logging.getLogger(__name__)

PREFIX = "nianbao"
WRITER_QUEUE = f"{PREFIX}:writer"
WRITER_PROCESSING = f"{PREFIX}:writer:processing"
STATE_DOCS = f"{PREFIX}:state:docs"            # url → {sha256, medium, etag, last_modified}
STATE_PARSED = f"{PREFIX}:state:parsed"        # sha256 of every version parsed (any outcome)
STATE_REPORTS = f"{PREFIX}:state:reports"      # "sha256 url" of every version holding a report
CURRENT_RUN = f"{PREFIX}:current_run"
OPS = ("record_document", "touch_document", "record_report", "mark_parsed", "record_failure")


def run_key(run_id, *parts) -> str:
    """The Redis key of one run's ``parts`` (queue, dupefilter, workers, health…)."""
    return ":".join([PREFIX, "run", str(run_id), *map(str, parts)])


def known_key(portal: str) -> str:
    return f"{PREFIX}:state:known:{portal}"


def connect(url: str):
    import redis
    return redis.Redis.from_url(url)


# --------------------------------------------------------------------------- the workers' side
class QueuedStore:
    """The Store interface the crawler uses, over Redis: writes queued for :func:`ingest`."""

    def __init__(self, redis_url: str, run_id=None):
        self.redis = connect(redis_url)
        self.run_id = run_id

    def _send(self, op: str, **args) -> None:
        msg = {"id": uuid.uuid4().hex, "run_id": self.run_id, "op": op, "args": args}
        self.redis.rpush(WRITER_QUEUE, json.dumps(msg, ensure_ascii=False, default=str))

    # reads
    def latest_document(self, url: str) -> dict | None:
        raw = self.redis.hget(STATE_DOCS, url)
        if not raw:
            return None
        doc = json.loads(raw)
        doc.setdefault("id", None)
        return doc

    def known_document_urls(self, portal: str) -> set:
        return {u.decode() for u in self.redis.smembers(known_key(portal))}

    def has_parse_outcome(self, sha256: str) -> bool:
        return bool(self.redis.sismember(STATE_PARSED, sha256))

    def has_report(self, sha256: str, url: str | None = None) -> bool:
        if url is None:
            return any(m.decode().startswith(sha256 + " ") for m in self.redis.sscan_iter(STATE_REPORTS, f"{sha256} *"))
        return bool(self.redis.sismember(STATE_REPORTS, f"{sha256} {url}"))

    # writes
    def record_document(self, *, url: str, sha256: str, medium=None, etag=None, last_modified=None,
                        portal=None, **kw) -> dict:
        prev = self.latest_document(url)
        status = "new" if prev is None else ("unchanged" if prev.get("sha256") == sha256 else "changed")
        kw.setdefault("run_id", self.run_id)
        self._send("record_document", url=url, sha256=sha256, medium=medium, etag=etag,
                   last_modified=last_modified, portal=portal, **kw)
        if kw.get("role") != "picture":
            self.redis.hset(STATE_DOCS, url, json.dumps({"sha256": sha256, "medium": medium, "etag": etag,
                                                         "last_modified": last_modified}))
        if portal:
            self.redis.sadd(known_key(portal), url)
        return {"id": None, "status": status}

    def touch_document(self, url: str) -> None:
        self._send("touch_document", url=url)

    def record_report(self, report: dict, *, document_url: str, document_sha256: str, **kw) -> None:
        kw.pop("document_id", None)    # the writer finds the version by URL and bytes
        from store.writes import now
        self._send("record_report", report=report, document_url=document_url,
                   document_sha256=document_sha256, fetched_at=now(), **kw)
        self.redis.sadd(STATE_REPORTS, f"{document_sha256} {document_url}")

    def mark_parsed(self, sha256: str, outcome: str) -> None:
        self._send("mark_parsed", sha256=sha256, outcome=outcome)
        self.redis.sadd(STATE_PARSED, sha256)

    def record_failure(self, **kw) -> None:
        self._send("record_failure", **kw)

    def record_portal(self, run_id, row: dict, counts=None) -> None:
        """A worker's share of a portal's health: its counters added to the run's."""
        key = run_key(run_id, "health", row["portal"])
        pipe = self.redis.pipeline()
        for k, v in (counts or {}).items():
            if v:
                pipe.hincrby(key, k, int(v))
        if row.get("platform"):
            pipe.hset(key, "platform", row["platform"])
        pipe.execute()


def portal_counts(redis, run_id, portal: str) -> tuple[Counter, str | None]:
    """The health counters of a portal summed over every worker of a run, and its platform."""
    raw = {k.decode(): v.decode() for k, v in redis.hgetall(run_key(run_id, "health", portal)).items()}
    platform = raw.pop("platform", None)
    return Counter({k: int(v) for k, v in raw.items()}), platform


# --------------------------------------------------------------------------- state seeding
def seed_state(redis, store, batch: int = 5000) -> dict:
    """Copy into Redis what workers read of the database: the current version of every URL, the
    versions parsed, the versions holding a report, the URLs each portal gave."""
    for key in (STATE_DOCS, STATE_PARSED, STATE_REPORTS):
        redis.delete(key)
    for key in redis.scan_iter(known_key("*")):
        redis.delete(key)
    counts = Counter()
    pipe = redis.pipeline(transaction=False)
    for i, r in enumerate(store.db.query(
            "select url, sha256, medium, etag, last_modified, portal, role from documents where is_current = 1")):
        if r["role"] != "picture":
            pipe.hset(STATE_DOCS, r["url"], json.dumps({k: r[k] for k in ("sha256", "medium", "etag", "last_modified")}))
            counts["documents"] += 1
        if r["portal"]:
            pipe.sadd(known_key(r["portal"]), r["url"])
        if i % batch == batch - 1:
            pipe.execute()
    for (sha,) in store.db.execute("select sha256 from parse_outcomes"):
        pipe.sadd(STATE_PARSED, sha)
        counts["parsed"] += 1
    for sha, url in store.db.execute("select distinct document_sha256, document_url from reports"):
        pipe.sadd(STATE_REPORTS, f"{sha} {url}")
        counts["reports"] += 1
    pipe.execute()
    return dict(counts)


# --------------------------------------------------------------------------- the writer
def apply(store, msg: dict) -> None:
    """Apply one message to the store (idempotently)."""
    op, args = msg["op"], dict(msg["args"])
    if op not in OPS:
        raise ValueError(f"unknown writer op {op!r}")
    if op == "record_report":
        row = store.db.execute("select id from documents where url = ? and sha256 = ? order by id desc limit 1",
                               [args["document_url"], args["document_sha256"]]).fetchone()
        args["document_id"] = row[0] if row else None
    elif op == "record_failure":
        if store.db.execute("select 1 from failures where run_id is ? and url = ? and kind = ? limit 1",
                            [args.get("run_id"), args["url"], args["kind"]]).fetchone():
            return
    getattr(store, op)(**args)


def _ingested(store, ids: list) -> set:
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {r[0] for r in store.db.execute(f"select id from ingested_messages where id in ({marks})", ids)}


def ingest_batch(redis, store, batch: int = 200, block: float = 1.0) -> int:
    """Move up to ``batch`` messages to the processing list, apply those never applied, record
    their ids, then drop them from Redis. Returns how many were applied."""
    from store.writes import now
    raw = redis.lrange(WRITER_PROCESSING, 0, -1)     # left by a writer that died: first
    if not raw:
        first = redis.blmove(WRITER_QUEUE, WRITER_PROCESSING, block, "LEFT", "RIGHT")
        if first is None:
            return 0
        raw = [first]
        pipe = redis.pipeline(transaction=False)
        for _ in range(batch - 1):
            pipe.lmove(WRITER_QUEUE, WRITER_PROCESSING, "LEFT", "RIGHT")
        raw += [m for m in pipe.execute() if m is not None]
    msgs = [json.loads(m) for m in raw]
    done = _ingested(store, [m["id"] for m in msgs])
    applied = 0
    for m in msgs:
        if m["id"] in done:
            continue
        try:
            apply(store, m)
        except Exception as e:   # a bad message is recorded and set aside, never blocks the queue
            log.error("writer: message %s (%s) failed: %s", m.get("id"), m.get("op"), e)
            store.db["failures"].insert({"run_id": m.get("run_id"), "url": (m.get("args") or {}).get("url") or "",
                                         "kind": "ingest_error", "detail": f"{m.get('op')}: {e}"[:500], "at": now()})
        store.db["ingested_messages"].insert({"id": m["id"], "at": now()}, pk="id", ignore=True)
        applied += 1
    redis.delete(WRITER_PROCESSING)
    return applied


def ingest(redis_url: str, db_path, *, until_done_run=None, follow: bool = False, progress=None,
           batch: int = 200) -> int:
    """The writer loop: apply messages until the queue is empty and (with ``until_done_run``) the
    run is marked done, or forever with ``follow``. Returns the messages applied."""
    from store.writes import Store
    redis, store = connect(redis_url), Store(db_path)
    total = 0
    while True:
        n = ingest_batch(redis, store, batch=batch)
        total += n
        if progress and n:
            progress(n)
        if n:
            continue
        if follow:
            continue
        if until_done_run is None:
            if redis.llen(WRITER_QUEUE) == 0:
                return total
        elif redis.get(run_key(until_done_run, "done")) and redis.llen(WRITER_QUEUE) == 0:
            return total
        time.sleep(0.2)
