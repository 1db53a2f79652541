"""A crawl shared out among worker processes over a Redis frontier (``crawler/frontier.py``) with
one writer (``store/queue.py``).

    nianbao crawl  --sources S --db DB --archive DIR --redis redis://HOST:PORT/N --workers K
    nianbao worker --redis URL --archive DIR      # joins the current run from another machine
    nianbao ingest --redis URL --db DB            # the single writer, on its own

``crawl`` opens a run in the database, copies into Redis what workers read of the database,
puts every portal's start page in the frontier, starts K workers on this machine and applies
their messages to the database (the writer) until the frontier is empty and no worker is left;
then it marks the run done, writes each portal's health and the run's summary, and removes the
run's keys. Workers anywhere that share the Redis and the archive directory crawl the same run.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from store.queue import (CURRENT_RUN, WRITER_QUEUE, connect, ingest_batch, portal_counts, run_key,
                            seed_state)

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]


def worker_settings(redis_url: str, run: dict, archive_dir, *, throttle: bool = True, log_file=None,
                    worker_id=None):
    """The Scrapy settings of a frontier worker for ``run`` (``{run_id, mode}``)."""
    from crawler.run import crawl_settings
    settings = crawl_settings(throttle=run.get("throttle", throttle), log_file=log_file,
                              log_level=os.environ.get("NIANBAO_LOG_LEVEL"))
    rid = run["run_id"]
    mws = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    mws["crawler.frontier.SharedPolitenessMiddleware"] = 950
    # outermost spider middleware: a callback's requests are in the frontier before it is acked
    smws = {**settings.getdict("SPIDER_MIDDLEWARES"), "crawler.frontier.FrontierOutputMiddleware": 1}
    settings.setdict({
        "NIANBAO_REDIS": redis_url, "NIANBAO_RUN": rid, "NIANBAO_ARCHIVE": str(archive_dir),
        "REDIS_URL": redis_url,
        "SCHEDULER": "crawler.frontier.FrontierScheduler",
        "DUPEFILTER_CLASS": "crawler.frontier.RunDupeFilter",
        "SCHEDULER_QUEUE_KEY": run_key(rid, "queue"),
        "SCHEDULER_DUPEFILTER_KEY": run_key(rid, "dupefilter"),
        "SCHEDULER_PERSIST": True,
        "DOWNLOADER_MIDDLEWARES": mws,
        "SPIDER_MIDDLEWARES": smws,
    }, priority="cmdline")
    if os.environ.get("NIANBAO_CONCURRENT_REQUESTS"):     # requests one worker has in flight at once
        settings.set("CONCURRENT_REQUESTS", int(os.environ["NIANBAO_CONCURRENT_REQUESTS"]), priority="cmdline")
    return settings


def current_run(redis, wait: float = 0.0) -> dict | None:
    """The run workers should join (``{run_id, mode, throttle}``), waiting up to ``wait`` s."""
    deadline = time.time() + wait
    while True:
        raw = redis.get(CURRENT_RUN)
        if raw:
            run = json.loads(raw)
            if not redis.get(run_key(run["run_id"], "done")):
                return run
        if time.time() >= deadline:
            return None
        time.sleep(0.5)


def run_worker(redis_url: str, archive_dir, *, log_file=None, idle_seconds: float | None = None,
               heartbeat_ttl: float | None = None, wait: float = 30.0, worker_id=None) -> int:
    """One worker: crawl the current run's frontier until it stays empty. Returns an exit code."""
    from scrapy.core.engine import ExecutionEngine
    from scrapy.crawler import CrawlerProcess

    from crawler.frontier import FrontierSpider, new_worker_id
    redis = connect(redis_url)
    run = current_run(redis, wait=wait)
    if run is None:
        print(f"no crawl run to join on {redis_url}", file=sys.stderr)
        return 1
    worker_id = worker_id or new_worker_id()
    settings = worker_settings(redis_url, run, archive_dir, log_file=log_file, worker_id=worker_id)
    # the frontier is shared: an idle worker looks for the others' new requests twice a second
    # (Scrapy's engine otherwise polls its scheduler every 5 s)
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = 0.5
    process = CrawlerProcess(settings)
    idle = idle_seconds if idle_seconds is not None else float(os.environ.get("NIANBAO_WORKER_IDLE", 10))
    ttl = heartbeat_ttl if heartbeat_ttl is not None else float(os.environ.get("NIANBAO_HEARTBEAT_TTL", 30))
    process.crawl(FrontierSpider, run_id=run["run_id"], redis_url=redis_url, mode=run.get("mode", "full"),
                  worker_id=worker_id, idle_seconds=idle, heartbeat_ttl=ttl)
    process.start()
    return 0


def open_run(redis, store, sources: list[dict], *, mode: str = "full", throttle: bool = True) -> int:
    """Open a run: the database's row, the state workers read, the sources, the start pages."""
    from crawler.frontier import FrontierQueue, FrontierSpider, RunDupeFilter
    run_id = store.start_run([s["url"] for s in sources], mode=mode)
    seed_state(redis, store)
    pipe = redis.pipeline()
    for s in sources:
        pipe.hset(run_key(run_id, "sources"), s["name"], json.dumps(s, ensure_ascii=False))
    pipe.execute()
    spider = FrontierSpider(run_id=run_id, redis_url=None, mode=mode)
    spider.source = lambda name: next(s for s in sources if s["name"] == name)
    queue = FrontierQueue(redis, spider, run_key(run_id, "queue"), inflight_key=run_key(run_id, "inflight", "-"))
    df = RunDupeFilter(redis, key=run_key(run_id, "dupefilter"))
    for s in sources:
        req = spider.start_request(s["name"])
        queue.push_if_new(req, df.key, df.request_fingerprint(req))
    redis.set(CURRENT_RUN, json.dumps({"run_id": run_id, "mode": mode, "throttle": throttle}))
    return run_id


def close_run(redis, store, run_id: int, sources: list[dict], elapsed: float, mode: str, archive_dir=None) -> dict:
    """Each portal's health summed over the workers, the run's summary; the run's keys removed;
    with ``archive_dir``, the half-written files of workers that died swept away (every worker of
    the run has ended by now)."""
    from crawler.run import COUNT_KEYS, add_health, format_summary, run_status
    from crawler.spiders import spider_for
    portals, counts = [], {k: 0 for k in COUNT_KEYS}
    for src in sources:
        h, platform = portal_counts(redis, run_id, src["name"])
        sp = spider_for(src.get("platform"))(source=src, run_id=run_id, mode=mode)
        sp.health.update(h)
        sp.detected = platform if sp.platform == "auto" else None
        row = sp.health_summary()
        if not h:
            row["flagged"] = "spider did not run"
        store.record_portal(run_id, row)
        portals.append(row)
        add_health(counts, h)
    status = run_status(portals)
    summary = format_summary(run_id, status, counts, portals, elapsed, mode)
    store.finish_run(run_id, status, counts, summary)
    for key in redis.scan_iter(run_key(run_id, "*")):
        if not key.endswith(b":done"):
            redis.delete(key)
    redis.expire(run_key(run_id, "done"), 7 * 24 * 3600)
    if archive_dir is not None:
        from store.archive import Archive
        swept = Archive(archive_dir).sweep(older_than=0)
        if swept:
            log.warning("removed %d half-written archive files left by workers that died", swept)
    return {"run_id": run_id, "status": status, "elapsed": round(elapsed, 2), **counts, "portals": portals}


def live_workers(redis, run_id) -> list[str]:
    """The workers of a run whose heartbeat is current."""
    return [w.decode() for w in redis.smembers(run_key(run_id, "workers"))
            if redis.exists(run_key(run_id, "alive", w.decode()))]


def write_until_finished(redis, store, run_id, procs, *, progress: bool = False) -> int:
    """Be the run's writer until every local worker has ended, nothing is queued or in flight
    and every message is stored; then mark the run done. Returns the messages applied."""
    from crawler.frontier import frontier_empty
    applied, bar, orphaned = 0, _progress(progress), None
    while True:
        n = ingest_batch(redis, store)
        applied += n
        bar(applied, redis.zcard(run_key(run_id, "queue")))
        if n:
            continue
        if all(p.poll() is not None for p in procs) and redis.llen(WRITER_QUEUE) == 0:
            if frontier_empty(redis, run_id):
                break
            if not live_workers(redis, run_id):
                # no worker left anywhere (they died): what they held goes back, for the next run
                orphaned = orphaned or time.time()
                if time.time() - orphaned > 5:
                    log.warning("run %s: no worker left, %d requests unfinished", run_id,
                                redis.zcard(run_key(run_id, "queue")))
                    break
        else:
            orphaned = None
    redis.set(run_key(run_id, "done"), "1")
    while True:
        n = ingest_batch(redis, store, block=0.1)
        applied += n
        if not n:
            break
    if progress:
        print(file=sys.stderr)
    return applied


def spawn_worker(redis_url: str, archive_dir, log_file=None, env=None, worker_id=None) -> subprocess.Popen:
    """A worker process on this machine (``python -m nianbao.distributed worker``)."""
    cmd = [sys.executable, "-m", "nianbao.distributed", "worker", "--redis", redis_url, "--archive", str(archive_dir)]
    if log_file:
        cmd += ["--log-file", str(log_file)]
    if worker_id:
        cmd += ["--worker-id", worker_id]
    return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def run_distributed(sources, db_path, archive_dir, redis_url: str, *, workers: int = 2, throttle: bool = True,
                    mode: str = "full", log_dir=None, quiet: bool = False, progress: bool = True,
                    worker_env=None) -> dict:
    """``nianbao crawl --redis``: a run over the frontier with ``workers`` local workers and this
    process as the writer. Returns the run's counts like ``crawler.run.run_crawl``."""
    from crawler.run import choose_mode, load_sources
    from store.writes import Store
    srcs = load_sources(sources)
    store, redis = Store(db_path), connect(redis_url)
    if mode == "auto":
        mode = choose_mode(store)
    t0 = time.time()
    run_id = open_run(redis, store, srcs, mode=mode, throttle=throttle)
    log_dir = Path(log_dir) if log_dir else None
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    procs = [spawn_worker(redis_url, archive_dir, log_file=log_dir / f"worker-{i}.log" if log_dir else None,
                          env=worker_env) for i in range(workers)]
    try:
        applied = write_until_finished(redis, store, run_id, procs, progress=progress and not quiet)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
            p.wait(30)
    result = close_run(redis, store, run_id, srcs, time.time() - t0, mode, archive_dir=archive_dir)
    result["messages"] = applied
    if not quiet:
        print(format_result(result), flush=True)
    return result


def format_result(result) -> str:
    from crawler.run import format_summary
    return format_summary(result["run_id"], result["status"], result, result["portals"], result["elapsed"])


def _progress(on: bool):
    last = [0.0]

    def show(applied, queued):
        if on and time.time() - last[0] > 2:
            last[0] = time.time()
            print(f"\r  writer: {applied} messages stored, {queued} requests in the frontier", end="",
                  file=sys.stderr, flush=True)
    return show


class RedisServer:
    """A private ``redis-server`` on a free loopback port (tests and bench), without persistence."""

    def __init__(self, port: int = 0):
        import shutil
        import socket
        import tempfile
        exe = shutil.which("redis-server")
        if not exe:
            raise RuntimeError("redis-server is not installed (make installs Debian's redis-server)")
        if not port:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.port, self.dir = port, tempfile.mkdtemp(prefix="nianbao-redis-")
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while True:
            try:
                connect(self.url).ping()
                break
            except Exception:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        import shutil
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def main(argv=None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m nianbao.distributed")
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("worker")
    w.add_argument("--redis", required=True)
    w.add_argument("--archive", required=True)
    w.add_argument("--log-file", default=None)
    w.add_argument("--wait", type=float, default=30.0, help="seconds to wait for a run to join")
    w.add_argument("--worker-id", default=None, help="the worker's name in the frontier (default host:pid:random)")
    i = sub.add_parser("ingest")
    i.add_argument("--redis", required=True)
    i.add_argument("--db", required=True)
    i.add_argument("--follow", action="store_true", help="keep applying messages until interrupted")
    args = ap.parse_args(argv)
    if args.command == "worker":      # Scrapy sets up the worker's logging (its file, or stderr)
        return run_worker(args.redis, args.archive, log_file=args.log_file, wait=args.wait, worker_id=args.worker_id)
    logging.basicConfig(level=logging.WARNING)
    from store.queue import ingest
    n = ingest(args.redis, args.db, follow=args.follow)
    print(f"nianbao ingest: {n} messages applied", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
