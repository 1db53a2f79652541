"""The nightly cron job: a locked crawl, then publish, then a consistent copy for Datasette.

    nianbao nightly --sources … --db data/nianbao.db --archive data/archive --published data/published

Exit status: 0 ok (some portals may be flagged), 1 the crawl or the publish failed badly, 75
another nightly run holds the lock (nothing was started).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from pathlib import Path

from crawler.run import EXIT_FAILED, EXIT_OK, run_crawl
from nianbao.publish import publish
from nianbao.snapshot import snapshot
from store.writes import Store

EXIT_LOCKED = 75


@contextlib.contextmanager
def run_lock(lock_path):
    """An exclusive, non-blocking flock; yields False when another run holds it."""
    Path(lock_path).parent.mkdir(parents=True, exist_ok=True)
    fh = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()


def nightly(sources, db_path, archive_dir=None, lock_path=None, *, throttle: bool = True,
            log_file=None, warc: bool = False, mode: str = "auto", published_dir=None,
            redis_url=None, workers: int = 2) -> int:
    """The cron job: a locked crawl, then publish (and the published copy when ``published_dir``
    is given). With ``redis_url`` the crawl is distributed: ``workers`` local worker processes
    (others may join with ``nianbao worker``) and this process as the single writer.
    Returns an exit status: 0 ok, 1 failed badly, 75 another run holds the lock."""
    lock_path = lock_path or str(Path(db_path).with_name("nightly.lock"))
    with run_lock(lock_path) as got:
        if not got:
            print(f"nianbao nightly: another run holds {lock_path}; not starting (exit {EXIT_LOCKED})",
                  file=sys.stderr, flush=True)
            return EXIT_LOCKED
        stale = Store(str(db_path)).close_stale_runs()
        if stale:
            print(f"nianbao nightly: {stale} earlier run(s) had been killed; resuming", flush=True)
        if redis_url:
            from nianbao.distributed import run_distributed
            log_dir = Path(log_file).parent if log_file else None
            result = run_distributed(sources, db_path, archive_dir or Path(db_path).with_name("archive"), redis_url,
                                     workers=workers, throttle=throttle, mode=mode, log_dir=log_dir)
        else:
            result = run_crawl(sources, db_path, archive_dir, throttle=throttle, log_file=log_file, warc=warc,
                               mode=mode)
        try:
            published = publish(str(db_path))
            print(f"nianbao nightly: published {published if published is not None else ''}".rstrip(), flush=True)
            if published_dir:
                copy = snapshot(db_path, published_dir)
                print(f"nianbao nightly: the served copy is now {copy}", flush=True)
        except Exception as e:
            print(f"nianbao nightly: publish failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
            return EXIT_FAILED
        return EXIT_FAILED if result["status"] == "failed" else EXIT_OK
