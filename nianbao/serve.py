"""``nianbao serve``: Datasette over the nianbao database, with nianbao's metadata (Chinese
titles, column labels, facets, canned queries), plugins (Chinese search, archived originals,
datasette-vega charts, datasette-atom feeds) and the archive of originals.

``serve(db_path, port=8001, host="127.0.0.1")`` runs ``datasette serve`` in a subprocess and
blocks until it exits (Ctrl-C stops it). ``make_datasette(db_path)`` builds the same Datasette
in-process (tests, benchmarks).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from nianbao.publish import ROOT, build_metadata

TEMPLATES_DIR = ROOT / "data" / "templates"

SETTINGS = {
    "max_csv_mb": 0,            # whole-table streamed CSV (?_stream=on) without a size cap
    "suggest_facets": False,    # suggestions scan every column: too slow at a million rows
    "facet_time_limit_ms": 1000,
    "sql_time_limit_ms": 10000,
    "default_page_size": 50,
    "allow_download": True,     # the .db file itself
    "allow_csv_stream": True,
    "num_sql_threads": 4,
    "cache_size_kb": 200000,
}


def default_archive(db_path) -> Path:
    return Path(db_path).resolve().parent / "archive"


def write_metadata(db_path, archive_dir=None, path=None) -> Path:
    """Metadata for this database (named after the file's stem) as JSON; returns its path."""
    meta = build_metadata(db_name=Path(db_path).stem, archive_dir=archive_dir or default_archive(db_path))
    if path is None:
        fd, path = tempfile.mkstemp(prefix="nianbao-metadata-", suffix=".json")
        os.close(fd)
    Path(path).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return Path(path)


def checkpoint(db_path) -> None:
    """Fold the WAL into the database file, so an immutable reader sees every row."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def command(db_path, port=8001, host="127.0.0.1", archive_dir=None, metadata_path=None,
            immutable=True) -> list[str]:
    """The ``datasette serve`` command line nianbao runs.

    ``immutable`` (default): the published database is opened read-only and immutable, which
    Datasette requires for the .db download and which lets it cache table counts; serve with
    ``immutable=False`` while a crawl is still writing (no .db download then)."""
    archive = Path(archive_dir) if archive_dir else default_archive(db_path)
    meta = write_metadata(db_path, archive, metadata_path)
    if immutable:
        checkpoint(db_path)
    cmd = [sys.executable, "-m", "datasette", "serve", *(["-i"] if immutable else []), str(db_path),
           "--host", host, "--port", str(port), "--metadata", str(meta)]
    if TEMPLATES_DIR.is_dir():
        cmd += ["--template-dir", str(TEMPLATES_DIR)]
    if archive.is_dir():
        cmd += ["--static", f"archive:{archive}"]
    for k, v in SETTINGS.items():
        cmd += ["--setting", k, ("on" if v else "off") if isinstance(v, bool) else str(v)]
    return cmd


def serve_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def start(db_path, port=8001, host="127.0.0.1", archive_dir=None, immutable=True, **popen) -> subprocess.Popen:
    """Start Datasette in the background; returns the process (caller stops it)."""
    return subprocess.Popen(command(db_path, port, host, archive_dir, immutable=immutable), env=serve_env(), **popen)


def serve(db_path, port: int = 8001, host: str = "127.0.0.1", archive_dir=None, immutable: bool = True) -> int:
    """Run Datasette until it exits or Ctrl-C; prints the URL."""
    if not Path(db_path).exists():
        print(f"no database at {db_path}", file=sys.stderr)
        return 1
    if not is_published(db_path):
        from nianbao.publish import publish
        print(f"{db_path} has not been published since its last crawl: publishing it first "
              "(agencies, regions, search index)", flush=True)
        publish(db_path, progress=True)
    proc = start(db_path, port, host, archive_dir, immutable)
    print(f"Datasette: http://{host}:{port}/{Path(db_path).stem}", flush=True)
    signal.signal(signal.SIGTERM, _stop)      # a service manager's stop ends Datasette too
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0


def _stop(signum, frame):
    raise KeyboardInterrupt


def is_published(db_path) -> bool:
    """Has ``publish`` ever built what the served pages read (agencies, regions, search index)?"""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
        return "publish_runs" in tables and conn.execute("select 1 from publish_runs limit 1").fetchone() is not None


def make_datasette(db_path, archive_dir=None, immutable=True):
    """The same Datasette, in-process (``ds.client`` for tests and benchmarks)."""
    from datasette.app import Datasette

    if immutable:
        checkpoint(db_path)
    archive = Path(archive_dir) if archive_dir else default_archive(db_path)
    meta = build_metadata(db_name=Path(db_path).stem, archive_dir=archive)
    return Datasette([] if immutable else [str(db_path)], immutables=[str(db_path)] if immutable else [],
                     metadata=meta,
                     static_mounts=[("archive", str(archive))] if archive.is_dir() else None,
                     template_dir=str(TEMPLATES_DIR) if TEMPLATES_DIR.is_dir() else None,
                     settings=dict(SETTINGS))


class PublishedApp:
    """An ASGI app serving the current published copy (:mod:`nianbao.snapshot`) with Datasette,
    in this process. Every ``poll`` seconds it looks where ``current`` points; a new copy is opened
    and started beside the old one, and requests go to it once it is ready (the old one finishes
    the requests it has)."""

    def __init__(self, published_dir, archive_dir=None, name: str = "nianbao", poll: float = 5.0):
        self.published_dir, self.name, self.poll = Path(published_dir), name, poll
        self.archive_dir = Path(archive_dir) if archive_dir else self.published_dir.parent / "archive"
        self.app = None
        self.path = None

    async def _open(self, path):
        ds = make_datasette(path, archive_dir=self.archive_dir, immutable=True)
        await ds.invoke_startup()
        return ds.app()

    async def switch(self) -> bool:
        """Open the current copy if it is not the one served. True when it switched."""
        from nianbao.snapshot import current
        path = current(self.published_dir, self.name)
        if path is None or path == self.path:
            return False
        self.app, self.path = await self._open(path), path
        print(f"serving {path}", flush=True)
        return True

    async def _watch(self):
        import asyncio
        while True:
            await asyncio.sleep(self.poll)
            try:
                await self.switch()
            except Exception as exc:      # a broken copy: keep serving the one that works
                print(f"not switching to the new copy: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            import asyncio
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    try:
                        await self.switch()
                    except Exception as exc:
                        await send({"type": "lifespan.startup.failed", "message": str(exc)})
                        return
                    self._watcher = asyncio.ensure_future(self._watch())
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    self._watcher.cancel()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if self.app is None:
            await send({"type": "http.response.start", "status": 503,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": "no published copy yet: run nianbao nightly\n".encode()})
            return
        await self.app(scope, receive, send)


def serve_published(published_dir, port: int = 8001, host: str = "127.0.0.1", archive_dir=None,
                    name: str = "nianbao", poll: float = 5.0) -> int:
    """Serve the current published copy, switching to each new one the nightly run publishes."""
    import uvicorn
    from nianbao.snapshot import current
    if current(published_dir, name) is None:
        print(f"no published copy in {published_dir} (nianbao nightly makes one)", file=sys.stderr)
        return 1
    print(f"Datasette: http://{host}:{port}/{name} (the current copy in {published_dir}, "
          f"switched when the nightly run publishes a new one)", flush=True)
    uvicorn.run(PublishedApp(published_dir, archive_dir, name, poll), host=host, port=port,
                lifespan="on", log_level="warning")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="nianbao serve")
    ap.add_argument("--db", default=str(ROOT / "data" / "nianbao.db"))
    ap.add_argument("--port", type=int, default=8001)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--archive", default=None)
    ap.add_argument("--mutable", action="store_true", help="a crawl is still writing (no .db download)")
    a = ap.parse_args(argv)
    return serve(a.db, a.port, a.host, a.archive, immutable=not a.mutable)


if __name__ == "__main__":
    raise SystemExit(main())
