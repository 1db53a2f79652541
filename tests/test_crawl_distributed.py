"""The crawl over a shared Redis frontier (``crawler/frontier.py``, ``nianbao/distributed.py``,
``store/queue.py``) against a real ``redis-server`` on a free loopback port and the demo
portals: two workers give what one process gives; a worker or the writer killed with SIGKILL
midway loses nothing and duplicates nothing."""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders.crawls import ROOT, run_crawl_subprocess, write_sources

FAST = {"NIANBAO_WORKER_IDLE": "2", "NIANBAO_HEARTBEAT_TTL": "3"}


@pytest.fixture(scope="module")
def redis_server():
    from nianbao.distributed import RedisServer
    r = RedisServer()
    yield r
    r.stop()


@pytest.fixture()
def redis_url(redis_server):
    from store.queue import connect
    connect(redis_server.url).flushall()
    return redis_server.url


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo portals (their own instance: other tests change theirs) and one process's crawl."""
    from nianbao.demo.portals import start
    h = start(0)
    d = tmp_path_factory.mktemp("one-process")
    sources = write_sources(d / "sources.yaml", h.sources(platform=None))
    p = run_crawl_subprocess(sources, d / "nianbao.db", d / "archive", d / "crawl.log")
    assert p.returncode == 0, p.stderr[-2000:]
    yield {"portals": h, "sources": sources, "db": d / "nianbao.db", "archive": d / "archive"}
    h.stop()


def outcome(db: Path) -> dict:
    """What a crawl leaves, without ids and times: documents, reports with their values, failures."""
    con = sqlite3.connect(db)
    q = lambda sql: sorted(tuple(r) for r in con.execute(sql))  # noqa: E731
    out = {
        "documents": q("select url, sha256, medium, portal, role, source_url from documents"),
        "reports": q("select document_url, document_sha256, format, year, agency, portal, checks_failed from reports"),
        "values": q("select d.document_url, v.field, v.value, v.raw from report_values v "
                    "join reports d on d.id = v.report_id"),
        "failures": sorted(set(q("select url, kind from failures"))),
        "parsed": q("select sha256, outcome from parse_outcomes"),
    }
    con.close()
    return out


def archive_files(archive: Path) -> set:
    return {p.relative_to(archive).as_posix() for p in archive.rglob("*") if p.is_file() and "warc" not in p.parts}


def assert_same_crawl(one: dict, got_db: Path, got_archive: Path, site) -> None:
    got = outcome(got_db)
    ref = outcome(site["db"])
    for key in ("documents", "reports", "values", "failures", "parsed"):
        assert got[key] == ref[key], f"{key} differ: only distributed {set(got[key]) - set(ref[key])}, " \
                                     f"only one process {set(ref[key]) - set(got[key])}"
    con = sqlite3.connect(got_db)
    # nothing twice: one version per URL and bytes, one report per version, one failure per URL and kind
    assert not con.execute("select url, sha256 from documents group by 1, 2 having count(*) > 1").fetchall()
    assert not con.execute("select document_url, document_sha256 from reports group by 1, 2 having count(*) > 1").fetchall()
    assert archive_files(got_archive) == archive_files(site["archive"])


def test_two_workers_give_what_one_process_gives(site, redis_url, tmp_path):
    from nianbao.distributed import run_distributed
    site["portals"].reset()
    # a few requests in flight per worker, so that the first one up does not take the whole small site
    res = run_distributed(site["sources"], tmp_path / "d.db", tmp_path / "archive", redis_url, workers=2,
                          throttle=False, log_dir=tmp_path, quiet=True,
                          worker_env={**FAST, "NIANBAO_CONCURRENT_REQUESTS": "4"})
    assert_same_crawl(site, tmp_path / "d.db", tmp_path / "archive", site)
    con = sqlite3.connect(tmp_path / "d.db")
    run = con.execute("select status, documents, reports from crawl_runs where id = ?", [res["run_id"]]).fetchone()
    assert run[1] > 20 and run[2] > 20
    rows = con.execute("select portal, reports_found from portal_runs where run_id = ?", [res["run_id"]]).fetchall()
    assert len(rows) == len(site["portals"].sources(platform=None))
    # both workers took part
    logs = [(tmp_path / f"worker-{i}.log").read_text("utf-8") for i in range(2)]
    fetched = [int(re.search(r"done \(finished\): (\d+) pages fetched", t).group(1)) for t in logs]
    assert all(n > 0 for n in fetched), fetched
    # each host's robots.txt asked for once in the run, whichever worker came first
    asked = {k: site["portals"].requests(k).get("GET /robots.txt", 0) for k in site["portals"].portals}
    assert set(asked.values()) == {1}, asked
    # the run's keys are gone from Redis; tonight's fingerprints do not outlive the run
    from store.queue import connect, run_key
    left = [k for k in connect(redis_url).scan_iter(run_key(res["run_id"], "*"))]
    assert left == [run_key(res["run_id"], "done").encode()]


def _open(site, redis_url, tmp_path):
    from crawler.run import load_sources
    from nianbao.distributed import open_run
    from store.writes import Store
    from store.queue import connect
    store, redis = Store(tmp_path / "d.db"), connect(redis_url)
    srcs = load_sources(site["sources"])
    return store, redis, srcs, open_run(redis, store, srcs, throttle=False)


def _wait(cond, timeout=120, step=0.05):
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline, "timed out"
        time.sleep(step)


def test_worker_killed_midway_loses_and_duplicates_nothing(site, redis_url, tmp_path):
    from nianbao.distributed import close_run, spawn_worker, write_until_finished
    from store.queue import ingest_batch, run_key
    store, redis, srcs, run_id = _open(site, redis_url, tmp_path)
    victim = spawn_worker(redis_url, tmp_path / "archive", tmp_path / "victim.log", env=FAST, worker_id="victim")
    # the victim works alone until it holds requests in flight and has sent results
    applied = [0]

    def victim_busy():
        applied[0] += ingest_batch(redis, store, block=0.05)
        return applied[0] >= 5 and redis.hlen(run_key(run_id, "inflight", "victim")) > 0
    _wait(victim_busy)
    held = redis.hlen(run_key(run_id, "inflight", "victim"))
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    assert held > 0
    survivor = spawn_worker(redis_url, tmp_path / "archive", tmp_path / "survivor.log", env=FAST)
    write_until_finished(redis, store, run_id, [survivor])
    survivor.wait(30)
    res = close_run(redis, store, run_id, srcs, 1.0, "full", archive_dir=tmp_path / "archive")
    assert "put back" in (tmp_path / "survivor.log").read_text("utf-8")
    assert_same_crawl(site, tmp_path / "d.db", tmp_path / "archive", site)
    assert res["reports"] > 0


def test_worker_killed_right_after_acking_a_list_page_loses_none_of_its_links(site, redis_url, tmp_path):
    """The worst moment for a kill: a list page's request has just left the in-flight hash. Its
    links must be in the frontier already (Scrapy buffers a callback's output before scheduling
    it; ``FrontierOutputMiddleware`` schedules them first)."""
    from nianbao.distributed import close_run, spawn_worker, write_until_finished
    from store.queue import ingest_batch
    store, redis, srcs, run_id = _open(site, redis_url, tmp_path)
    victim = spawn_worker(redis_url, tmp_path / "archive", tmp_path / "victim.log", worker_id="victim",
                          env={**FAST, "NIANBAO_KILL_AFTER_ACK": "zfxxgknb/index_2.html"})
    while victim.poll() is None:
        ingest_batch(redis, store, block=0.05)
    assert victim.returncode == -signal.SIGKILL
    said = (tmp_path / "victim.log").read_text("utf-8")
    killed_after = re.search(r"NIANBAO_KILL_AFTER_ACK: killing this worker after (\S+)", said).group(1)
    survivor = spawn_worker(redis_url, tmp_path / "archive", tmp_path / "survivor.log",
                            env={**FAST, "NIANBAO_LOG_LEVEL": "DEBUG"})
    write_until_finished(redis, store, run_id, [survivor])
    survivor.wait(30)
    close_run(redis, store, run_id, srcs, 1.0, "full", archive_dir=tmp_path / "archive")
    assert "Crawled (200)" in (tmp_path / "survivor.log").read_text("utf-8")
    # the page itself was done: nobody asked for it again, yet everything it lists arrived
    assert f"<GET {killed_after}>" not in (tmp_path / "survivor.log").read_text("utf-8")
    con = sqlite3.connect(tmp_path / "d.db")
    assert con.execute("select count(*) from documents where source_url = ?", [killed_after]).fetchone()[0] > 0
    con.close()
    assert_same_crawl(site, tmp_path / "d.db", tmp_path / "archive", site)


def test_a_request_is_marked_seen_and_queued_in_one_step(redis_url):
    """The duplicate filter and the queue change together, so no kill can leave a request seen
    but never queued; a redirect to a page already seen still finishes the request it replaces."""
    import scrapy

    from crawler.frontier import TOKEN, FrontierQueue, RunDupeFilter
    from store.queue import connect
    redis = connect(redis_url)
    spider = scrapy.Spider(name="probe")
    queue = FrontierQueue(redis, spider, "probe:queue", inflight_key="probe:inflight")
    df = RunDupeFilter(redis, key="probe:seen")
    page = scrapy.Request("http://127.0.0.1:1/list/index_2.html")
    fp = df.request_fingerprint(page)
    assert queue.push_if_new(page, df.key, fp) is True
    assert queue.push_if_new(page.replace(), df.key, fp) is False
    assert len(queue) == 1 and redis.sismember("probe:seen", fp) and redis.ttl("probe:seen") > 0
    held = queue.pop()
    assert redis.hlen("probe:inflight") == 1
    # the page redirects to itself (already seen): dropped as a duplicate, and the held one done
    again = held.replace()
    assert again.meta[TOKEN] == held.meta[TOKEN]
    assert queue.push_if_new(again, df.key, fp) is False
    assert redis.hlen("probe:inflight") == 0


def test_a_worker_taken_for_dead_while_alive_keeps_what_it_takes_next_in_sight(redis_url):
    """A worker that stalls past its heartbeat is reaped by another (its requests put back),
    then goes on taking requests. Whatever it takes next must be where a reaper looks, so that
    if it then dies for good its requests are put back too, not lost."""
    import scrapy

    from crawler.frontier import FrontierQueue
    from store.queue import connect
    redis = connect(redis_url)
    spider = scrapy.Spider(name="probe")
    workers, alive = "probe:workers", "probe:alive:slow"
    slow = FrontierQueue(redis, spider, "probe:queue", inflight_key="probe:inflight:slow",
                         workers_key=workers, worker_id="slow")
    for n in range(3):
        slow.push(scrapy.Request(f"http://127.0.0.1:1/doc/{n}.html"))
    assert slow.pop() is not None and redis.sismember(workers, "slow")
    redis.set(alive, "1")
    assert slow.reap("slow", alive, "probe:inflight:slow", workers) == -1      # alive: left alone
    redis.delete(alive)                                                       # the stall
    assert slow.reap("slow", alive, "probe:inflight:slow", workers) == 1
    assert not redis.sismember(workers, "slow") and len(slow) == 3
    taken = slow.pop()                                                        # it goes on
    assert taken is not None and redis.sismember(workers, "slow")
    # it dies for good: the next reaper finds it and puts back what it held
    assert slow.reap("slow", alive, "probe:inflight:slow", workers) == 1 and len(slow) == 3


def test_writer_killed_midway_and_restarted_loses_nothing(site, redis_url, tmp_path):
    from nianbao.distributed import close_run, spawn_worker, write_until_finished
    from store.queue import WRITER_PROCESSING, WRITER_QUEUE
    store, redis, srcs, run_id = _open(site, redis_url, tmp_path)
    workers = [spawn_worker(redis_url, tmp_path / "archive", tmp_path / f"w{i}.log", env=FAST) for i in range(2)]
    # a writer of its own, killed once it has stored some messages and holds a batch
    writer = subprocess.Popen([sys.executable, "-m", "nianbao.distributed", "ingest", "--redis", redis_url,
                               "--db", str(tmp_path / "d.db"), "--follow"], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})

    def stored():
        con = sqlite3.connect(tmp_path / "d.db", timeout=30)
        try:
            return con.execute("select count(*) from ingested_messages").fetchone()[0]
        finally:
            con.close()
    _wait(lambda: stored() >= 10 and redis.llen(WRITER_QUEUE) + redis.llen(WRITER_PROCESSING) > 0, step=0.01)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(10)
    before = stored()
    # the restarted writer (here: this process) takes up what the dead one held
    write_until_finished(redis, store, run_id, workers)
    for w in workers:
        w.wait(30)
    close_run(redis, store, run_id, srcs, 1.0, "full", archive_dir=tmp_path / "archive")
    assert stored() > before
    assert_same_crawl(site, tmp_path / "d.db", tmp_path / "archive", site)


def test_a_worker_with_no_run_to_join_says_so(redis_url, tmp_path):
    p = subprocess.run([sys.executable, "-m", "nianbao.cli", "worker", "--redis", redis_url, "--archive",
                        str(tmp_path), "--wait", "0"], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert p.returncode == 1
    assert "no crawl run to join" in p.stderr


def test_nightly_over_redis_publishes_what_one_process_finds(site, redis_url, tmp_path):
    db, published = tmp_path / "n.db", tmp_path / "published"
    p = subprocess.run([sys.executable, "-m", "nianbao.cli", "nightly", "--sources", str(site["sources"]),
                        "--db", str(db), "--archive", str(tmp_path / "archive"), "--lock", str(tmp_path / "lock"),
                        "--published", str(published), "--no-throttle", "--redis", redis_url, "--workers", "2",
                        "--log-file", str(tmp_path / "logs" / "crawl.log")],
                       cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env={**os.environ, "PYTHONPATH": str(ROOT), **FAST})
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert "the served copy is now" in p.stdout
    assert sorted((tmp_path / "logs").glob("worker-*.log"))
    served = next((published / "current").glob("*.db"))
    con = sqlite3.connect(served)
    got = {r[0] for r in con.execute("select document_url from reports")}
    con.close()
    assert got == {r[0] for r in outcome(site["db"])["reports"]}
