"""Distributed crawl benchmark (``make bench``): one worker against two over a frontier in Redis,
on a simulator of many small portals on loopback, throttle off.

Each simulated portal is a county-style TRS site (robots.txt, home page, 信息公开 page, a report
column listing three report articles, each an HTML report of the demo's tables), on a loopback
address of its own (127.1.x.y), so that every portal is a host of its own for Scrapy's download
slots and for the per-host politeness held in Redis.
One asyncio process serves all of them; ``--latency`` adds a delay before each answer, for the
wait a real portal's server and the network add (loopback has none).

For each run it prints the requests the simulator served per second (first request to last),
and for the two-worker run the writer alone draining the backlog: database rows stored per
second. The workers fetch, archive and parse; the writer only stores.

    python -m nianbao.benchdist [--portals 1000] [--latency 0.2] [--json]
"""
from __future__ import annotations

import argparse
import asyncio
import html
import json
import multiprocessing
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROW_TABLES = ("documents", "reports", "report_values", "parse_outcomes", "failures", "ingested_messages")


# --------------------------------------------------------------------------- the simulator
def _site_pages(i: int, bodies: list[str]) -> dict[str, bytes]:
    from nianbao.demo.portals import _article, links, page
    agency = f"示例县第{i}局"
    col = "/xxgk/ndbg"
    arts = []
    pages = {
        "/robots.txt": b"User-agent: *\nDisallow: /private/\n",
        "/": page(f"示例县{i}人民政府", '<a href="/xxgk/index.html">政府信息公开</a>').encode(),
        "/xxgk/index.html": page("政府信息公开", links([("政府信息公开年报", f"{col}/index.html")])).encode(),
    }
    for k in range(3):
        title = f"{agency}第{k + 1}科{2023 - k}年政府信息公开工作年度报告"
        path = f"{col}/2024{k + 1:02d}/t20240{k + 1}20_{i * 10 + k}.html"
        pages[path] = _article(title, bodies[(i + k) % len(bodies)]).replace(
            "发布日期", f"{html.escape(agency)} 发布日期").encode()
        arts.append((title, "." + path[len(col):]))
    pages[f"{col}/index.html"] = page("政府信息公开年报", links(arts)).encode()
    return pages


class _Http(asyncio.Protocol):
    def __init__(self, pages: dict, latency: float, served: list):
        self.pages, self.latency, self.served = pages, latency, served
        self.buf = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        while b"\r\n\r\n" in self.buf:
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            parts = head.split(b"\r\n", 1)[0].split()
            path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
            body = self.pages.get(path.split("#")[0])
            status = b"200 OK" if body is not None else b"404 Not Found"
            body = body if body is not None else b"<html><body>404</body></html>"
            ctype = b"text/plain" if path == "/robots.txt" else b"text/html; charset=utf-8"
            resp = (b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nContent-Length: "
                    + str(len(body)).encode() + b"\r\nConnection: keep-alive\r\n\r\n" + body)
            now = time.time()
            self.served[0] += 1
            self.served[1] = self.served[1] or now
            self.served[2] = now
            if self.latency:
                asyncio.get_running_loop().call_later(self.latency, self._write, resp)
            else:
                self._write(resp)

    def _write(self, resp):
        if not self.transport.is_closing():
            self.transport.write(resp)


def _address(i: int) -> str:
    """Portal ``i``'s loopback address: a host of its own, as real portals are (Scrapy's download
    slots go by host name, so portals sharing 127.0.0.1 would share one slot's concurrency)."""
    return f"127.1.{i // 250}.{i % 250 + 1}"


def _serve(n: int, latency: float, conn) -> None:
    from nianbao.demo.portals import Content, body_of

    c = Content()
    bodies = [body_of(c.render(c.report(60 + k, agency=f"示例县第{k + 1}局"), "html")) for k in range(6)]

    async def main():
        loop = asyncio.get_running_loop()
        served = [0, 0.0, 0.0]
        addrs = []
        for i in range(n):
            pages = _site_pages(i, bodies)
            srv = await loop.create_server(lambda p=pages: _Http(p, latency, served), _address(i), 0, backlog=64)
            addrs.append(srv.sockets[0].getsockname()[:2])
        conn.send(addrs)
        while True:
            cmd = await loop.run_in_executor(None, conn.recv)
            if cmd == "stats":
                conn.send(list(served))
            elif cmd == "reset":
                served[:] = [0, 0.0, 0.0]
                conn.send(True)
            else:
                conn.send(True)
                return
    asyncio.run(main())


class ManyPortals:
    """``n`` simulated portals served by one asyncio process (see the module doc)."""

    def __init__(self, n: int, latency: float = 0.0):
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, max(soft, 4 * n + 1024))
        if want > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(n, latency, child), daemon=True)
        self.proc.start()
        self.addresses = self.conn.recv()

    def sources(self) -> list[dict]:
        return [{"name": f"bench-{i:04d}", "url": f"http://{host}:{port}/", "platform": "trs"}
                for i, (host, port) in enumerate(self.addresses)]

    def stats(self) -> tuple[int, float]:
        """(requests served, seconds from the first to the last)."""
        self.conn.send("stats")
        n, first, last = self.conn.recv()
        return n, max(last - first, 1e-9)

    def reset(self) -> None:
        self.conn.send("reset")
        self.conn.recv()

    def stop(self) -> None:
        try:
            self.conn.send("stop")
            self.conn.recv()
        except (BrokenPipeError, EOFError):
            pass
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()


# --------------------------------------------------------------------------- one run
def _rows(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return sum(con.execute(f"select count(*) from {t}").fetchone()[0] for t in ROW_TABLES)
    finally:
        con.close()


def crawl_once(sim: ManyPortals, workers: int, tmp: Path, redis_url: str) -> dict:
    """Crawl every simulated portal with ``workers`` workers, then drain the writer's queue."""
    from crawler.run import load_sources
    from nianbao.distributed import close_run, open_run, spawn_worker
    from store.writes import Store
    from store.queue import WRITER_PROCESSING, WRITER_QUEUE, connect, ingest_batch
    import yaml
    redis = connect(redis_url)
    redis.flushall()
    db, archive = tmp / f"w{workers}.db", tmp / f"w{workers}-archive"
    sources = tmp / "sources.yaml"
    sources.write_text(yaml.safe_dump(sim.sources(), allow_unicode=True), encoding="utf-8")
    srcs = load_sources(sources)
    store = Store(db)
    run_id = open_run(redis, store, srcs, throttle=False)
    sim.reset()
    env = {"NIANBAO_WORKER_IDLE": "3"}
    t0 = time.time()
    procs = [spawn_worker(redis_url, archive, log_file=tmp / f"w{workers}-{k}.log", env=env) for k in range(workers)]
    for p in procs:
        p.wait()
    crawl_wall = time.time() - t0
    served, span = sim.stats()
    backlog = redis.llen(WRITER_QUEUE)
    # the writer alone, over the whole backlog of the run
    before = _rows(db)
    t1 = time.time()
    while redis.llen(WRITER_QUEUE) or redis.llen(WRITER_PROCESSING):
        ingest_batch(redis, store, batch=500, block=0.01)
    write_wall = time.time() - t1
    rows = _rows(db) - before
    res = close_run(redis, store, run_id, srcs, crawl_wall, "full")
    return {"workers": workers, "requests": served, "seconds": round(span, 2),
            "requests_per_s": round(served / span, 1), "documents": res.get("documents"),
            "documents_per_s": round((res.get("documents") or 0) / span, 1),
            "reports": res.get("reports"), "messages": backlog, "writer_rows": rows,
            "writer_seconds": round(write_wall, 2), "writer_rows_per_s": round(rows / max(write_wall, 1e-9), 1)}


def bench(portals: int = 1000, latency: float = 0.2) -> dict:
    from nianbao.distributed import RedisServer
    if not shutil.which("redis-server"):
        raise RuntimeError("redis-server is not installed (make installs it)")
    sim = ManyPortals(portals, latency)
    redis = RedisServer()
    out = {"portals": portals, "latency_s": latency, "cores": os.cpu_count(), "runs": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for k in (1, 2):
                out["runs"].append(crawl_once(sim, k, Path(tmp), redis.url))
    finally:
        redis.stop()
        sim.stop()
    one, two = out["runs"]
    out["ratio"] = round(two["requests_per_s"] / max(one["requests_per_s"], 1e-9), 2)
    out["documents_ratio"] = round(two["documents_per_s"] / max(one["documents_per_s"], 1e-9), 2)
    return out


def report(r: dict) -> str:
    lines = [f"distributed crawl: {r['portals']} simulated portals on loopback, throttle off, "
             f"{r['latency_s'] * 1000:.0f} ms answer delay, {r['cores']} cores"]
    for run in r["runs"]:
        lines.append(f"  {run['workers']} worker{'s' if run['workers'] > 1 else ' '}: {run['requests']} requests in "
                     f"{run['seconds']} s = {run['requests_per_s']} requests/s; {run['documents']} documents "
                     f"({run['documents_per_s']}/s), {run['reports']} reports")
    lines.append(f"  two workers / one: {r['ratio']}× the requests/s (target ≥ 1.7× on two cores), "
                 f"{r['documents_ratio']}× the documents/s")
    w = r["runs"][-1]
    lines.append(f"  writer alone: {w['messages']} messages, {w['writer_rows']} rows in {w['writer_seconds']} s "
                 f"= {w['writer_rows_per_s']} rows/s")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--portals", type=int, default=1000)
    ap.add_argument("--latency", type=float, default=0.2,
                    help="seconds each simulated portal waits before answering (0: CPU-bound)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    r = bench(args.portals, args.latency)
    print(json.dumps(r, ensure_ascii=False, indent=2) if args.json else report(r), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
