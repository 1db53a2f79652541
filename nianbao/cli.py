"""The ``nianbao`` command. Subcommands mirror the Makefile targets and the Python API:

    nianbao parse FILE [FILE ...]      parse documents, print reports as JSON (JSON Lines for several)
    nianbao crawl --sources S --db DB  crawl portals, archive originals, parse, store
    nianbao nightly                    crawl + publish for cron, locked, with an exit status
    nianbao reparse --db DB            re-parse every archived original (no network)
    nianbao publish --db DB            build agencies, search index and metadata for Datasette
    nianbao serve --db DB              Datasette on 127.0.0.1
    nianbao export --db DB --out DIR   a dated bundle of CSV + Parquet + the database
    nianbao run                        the demo: portals → crawl → database → Datasette
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

DEFAULT_DB = "data/nianbao.db"
DEFAULT_ARCHIVE = "data/archive"
DEMO_SOURCES = str(Path(__file__).resolve().parent.parent / "crawler" / "sources" / "demo.yaml")


def _public(report: dict, with_text: bool) -> dict:
    out = {k: v for k, v in report.items() if k != "text" or with_text}
    return out


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def cmd_parse(args) -> int:
    """Parse each FILE; one JSON object per file (pretty for one file, JSON Lines for several).
    Word-format files are converted in batches; each document has a time limit."""
    from parsers import parse_many

    many = len(args.files) > 1
    items, errors = [], {}
    for n, path in enumerate(args.files):
        try:
            items.append((Path(path).read_bytes(), path))
        except OSError as exc:
            items.append((b"", path))
            errors[n] = f"{path}: cannot read file: {exc.strerror or exc}"
    failed = 0
    signal.signal(signal.SIGALRM, _alarm)
    start = 0
    while start < len(items):
        gen = parse_many(items[start:])
        try:
            for n in range(start, len(items)):
                signal.alarm(args.timeout)
                try:
                    res = next(gen)
                finally:
                    signal.alarm(0)
                start = n + 1
                path = items[n][1]
                if n in errors:
                    res = Exception(errors[n].split(": ", 1)[1])
                if isinstance(res, Exception):
                    failed += 1
                    _print_error(path, f"{path}: {res}", many)
                    continue
                out = _public(res, args.text)
                print(json.dumps({"file": path, **out} if many else out, ensure_ascii=False,
                                 indent=None if many else 1), flush=True)
        except _Timeout:
            path = items[start][1]
            failed += 1
            _print_error(path, f"{path}: gave up after {args.timeout} s", many)
            start += 1
    return 1 if failed else 0


def _print_error(path: str, err: str, many: bool) -> None:
    print(err, file=sys.stderr, flush=True)
    if many:
        print(json.dumps({"file": path, "error": err}, ensure_ascii=False), flush=True)


def cmd_crawl(args) -> int:
    if args.redis:
        from nianbao.distributed import run_distributed
        summary = run_distributed(args.sources, args.db, args.archive, args.redis, workers=args.workers,
                                  throttle=not args.no_throttle, mode=args.mode, log_dir=args.log_dir)
        return 0 if summary.get("status") in ("ok", "partial") else 1
    from crawler.run import run_crawl
    summary = run_crawl(args.sources, args.db, args.archive, throttle=not args.no_throttle, mode=args.mode)
    return 0 if summary.get("status") in (None, "ok", "finished", "partial") else 1


def cmd_worker(args) -> int:
    from nianbao.distributed import run_worker
    return run_worker(args.redis, args.archive, log_file=args.log_file, wait=args.wait)


def cmd_ingest(args) -> int:
    from store.queue import ingest
    n = ingest(args.redis, args.db, follow=args.follow)
    print(f"nianbao ingest: {n} messages stored in {args.db}", flush=True)
    return 0


def cmd_nightly(args) -> int:
    from nianbao.nightly import nightly
    return nightly(args.sources, args.db, args.archive, lock_path=args.lock, mode=args.mode,
                   published_dir=args.published or None, throttle=not args.no_throttle,
                   log_file=args.log_file, redis_url=args.redis, workers=args.workers)


def cmd_reparse(args) -> int:
    from nianbao.reparse import reparse
    summary = reparse(args.db, args.archive)
    return 0 if not summary["errors"] else 1


def cmd_publish(args) -> int:
    from nianbao.publish import publish
    import sys
    import time

    t0 = time.time()
    stats = publish(args.db, progress=sys.stderr.isatty())
    csvs = ", ".join(f"{t}.csv {n:,} rows" for t, n in stats.get("downloads", {}).items()) or "none"
    print(f"published {args.db} in {time.time() - t0:.1f} s: {stats['reports']:,} reports, "
          f"{stats['agencies']:,} agencies ({stats['agencies_new']:,} new), {stats['indexed']:,} re-indexed "
          f"for search; downloads: {csvs}; metadata {stats['metadata']}")
    return 0


def cmd_serve(args) -> int:
    if args.published:
        from nianbao.serve import serve_published
        return serve_published(args.published, port=args.port, archive_dir=args.archive, poll=args.poll)
    from nianbao.serve import serve
    return serve(args.db, port=args.port, archive_dir=args.archive, immutable=not args.mutable) or 0


def cmd_export(args) -> int:
    from nianbao.export import export
    path = export(args.db, args.out)
    print(f"export written to {path}")
    return 0


def cmd_run(args) -> int:
    from nianbao.demo.run import run_demo
    return run_demo(db=args.db, archive=args.archive, port=args.port, portal_port=args.portal_port)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="nianbao", description="Archive of government information-disclosure annual reports (政府信息公开工作年度报告).")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("parse", help="parse documents and print the reports as JSON")
    s.add_argument("files", nargs="+")
    s.add_argument("--text", action="store_true", help="include the document's full text")
    s.add_argument("--timeout", type=int, default=120, help="seconds per document (default 120)")
    s.set_defaults(func=cmd_parse)

    def db_args(s, archive=True):
        s.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
        if archive:
            s.add_argument("--archive", default=DEFAULT_ARCHIVE, help=f"originals directory (default {DEFAULT_ARCHIVE})")

    s = sub.add_parser("crawl", help="crawl portals, archive, parse and store")
    s.add_argument("--sources", default=DEMO_SOURCES, help="sources YAML")
    db_args(s)
    s.add_argument("--no-throttle", action="store_true", help="no AutoThrottle or delays (local tests only)")
    s.add_argument("--mode", choices=("full", "incremental", "auto"), default="full",
                   help="full: every list page, every known document asked again (conditionally); "
                        "incremental: stop each column at its first known article; auto: incremental "
                        "unless the last full walk is a week old (default: full)")
    s.add_argument("--redis", default=None, metavar="URL",
                   help="crawl over a shared Redis frontier (redis://HOST:PORT/N) with --workers processes "
                        "and this process as the single writer; without it, one process crawls")
    s.add_argument("--workers", type=int, default=2, help="with --redis: worker processes on this machine")
    s.add_argument("--log-dir", default=None, help="with --redis: where each worker's Scrapy log goes")
    s.set_defaults(func=cmd_crawl)

    s = sub.add_parser("worker", help="join the current --redis crawl run from this machine")
    s.add_argument("--redis", required=True, metavar="URL")
    s.add_argument("--archive", default=DEFAULT_ARCHIVE, help="the originals directory every worker shares")
    s.add_argument("--log-file", default=None)
    s.add_argument("--wait", type=float, default=30.0, help="seconds to wait for a run to join")
    s.set_defaults(func=cmd_worker)

    s = sub.add_parser("ingest", help="the single writer of a --redis crawl: queued results into the database")
    s.add_argument("--redis", required=True, metavar="URL")
    db_args(s, archive=False)
    s.add_argument("--follow", action="store_true", help="keep applying messages until interrupted")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("nightly", help="crawl + publish for cron (locked; non-zero exit on failure)")
    s.add_argument("--sources", default=DEMO_SOURCES)
    db_args(s)
    s.add_argument("--lock", default="data/nightly.lock")
    s.add_argument("--mode", choices=("full", "incremental", "auto"), default="auto",
                   help="default auto: incremental nights, a full walk once a week")
    s.add_argument("--published", default="data/published", metavar="DIR",
                   help="where the published copy goes after publish (served by nianbao serve --published DIR)")
    s.add_argument("--no-throttle", action="store_true", help="no AutoThrottle or delays (local tests only)")
    s.add_argument("--log-file", default=None, help="the crawl's Scrapy log (default: warnings on stderr); "
                   "with --redis the workers' logs go beside it")
    s.add_argument("--redis", default=None, metavar="URL",
                   help="crawl over a shared Redis frontier (redis://HOST:PORT/N), this process the writer")
    s.add_argument("--workers", type=int, default=2, help="with --redis: worker processes on this machine")
    s.set_defaults(func=cmd_nightly)

    s = sub.add_parser("reparse", help="re-parse every archived original into the database")
    db_args(s)
    s.set_defaults(func=cmd_reparse)

    s = sub.add_parser("publish", help="prepare the database for Datasette")
    db_args(s, archive=False)
    s.set_defaults(func=cmd_publish)

    s = sub.add_parser("serve", help="serve the database with Datasette on 127.0.0.1")
    db_args(s)
    s.add_argument("--port", type=int, default=8001)
    s.add_argument("--mutable", action="store_true",
                   help="the database may change while served (a nightly crawl writes to it); "
                        "no .db download in this mode")
    s.add_argument("--published", default=None, metavar="DIR",
                   help="serve the current copy that nianbao nightly publishes into DIR, switching to "
                        "each new copy without a restart (instead of --db)")
    s.add_argument("--poll", type=float, default=5.0, help="with --published: seconds between looks for a new copy")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("export", help="write a dated bundle (CSV, Parquet, SQLite) for researchers")
    db_args(s, archive=False)
    s.add_argument("--out", default="data/exports")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("run", help="the demo: serve demo portals, crawl them, publish, serve Datasette")
    db_args(s)
    s.add_argument("--port", type=int, default=8001, help="Datasette port")
    s.add_argument("--portal-port", type=int, default=8601, help="first port of the demo portals")
    s.set_defaults(func=cmd_run)

    args = p.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
