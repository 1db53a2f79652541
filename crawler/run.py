"""Run one crawl of a sources list and report its health (the nightly cron job, a locked crawl
then publish, is ``nianbao nightly``: ``nianbao/nightly.py``).

    python -m crawler.run --sources crawler/sources/demo.yaml --db data/nianbao.db --archive data/archive

``run_crawl`` starts a Twisted reactor, which cannot be restarted: call it once per process.
Exit status: 0 ok (some portals may be flagged), 1 the run failed badly (every portal failed or
nothing could be fetched), 2 usage error.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import yaml

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COUNT_KEYS = ("pages", "documents", "documents_new", "documents_changed", "reports", "failures",
              "blocked", "not_modified")


def load_sources(sources) -> list[dict]:
    """A sources list from a YAML path, a YAML string of a list, or a list of dicts."""
    if isinstance(sources, (str, os.PathLike)) and os.path.exists(sources):
        with open(sources, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or []
    elif isinstance(sources, str):
        data = yaml.safe_load(sources) or []
    else:
        data = list(sources or [])
    if isinstance(data, dict):
        data = data.get("sources") or data.get("portals") or []
    out = []
    for s in data:
        if not isinstance(s, dict) or not s.get("url"):
            raise ValueError(f"bad source entry (needs at least url): {s!r}")
        s = dict(s)
        s.setdefault("name", s["url"])
        s.setdefault("platform", "auto")
        out.append(s)
    return out


def crawl_settings(*, throttle: bool = True, log_file=None, log_level=None):
    from scrapy.settings import Settings
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if not throttle:
        settings.setdict({
            "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "DOWNLOAD_DELAY_JITTER": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "CONCURRENT_REQUESTS": 32,
            "RETRY_BACKOFF_BASE": 0.2, "RETRY_AFTER_MAX": 5,
        }, priority="cmdline")
    if log_file:
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
        settings.set("LOG_LEVEL", log_level or "INFO", priority="cmdline")
    else:
        settings.set("LOG_LEVEL", log_level or "WARNING", priority="cmdline")
    return settings


FULL_WALK_DAYS = 7


def choose_mode(store, full_every_days: float = FULL_WALK_DAYS) -> str:
    """``full`` when no crawl walked every list page in the last ``full_every_days`` days,
    else ``incremental`` (the nightly default: only what is new at the top of each column)."""
    from datetime import datetime, timedelta, timezone
    last = store.last_full_run()
    if not last:
        return "full"
    started = datetime.fromisoformat(last)
    if started.tzinfo is None:
        started = started.replace(tzinfo=timezone.utc)
    return "full" if datetime.now(timezone.utc) - started >= timedelta(days=full_every_days) else "incremental"


def run_crawl(sources, db_path, archive_dir=None, *, throttle: bool = True, log_file=None,
              quiet: bool = False, warc: bool = False, mode: str = "full") -> dict:
    """Crawl every source once: archive, record, parse, store. Returns the run's counts with
    ``run_id``, ``status`` (ok / partial / failed) and ``portals`` (health per portal).
    ``mode``: ``full`` walks every list page and asks again (conditionally) for every known
    document, which finds changed files and dead links; ``incremental`` stops walking a column
    at its first known article and asks nothing again of known documents (a few requests a
    portal); ``auto`` is incremental unless the last full walk is a week old.
    ``warc=True`` also writes ``<archive_dir>/warc/run-<id>.warc.gz``."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders import spider_for
    from crawler.storage import store_and_archive

    srcs = load_sources(sources)
    db_path = str(db_path)
    archive_dir = str(archive_dir or Path(db_path).with_name("archive"))
    settings = crawl_settings(throttle=throttle, log_file=log_file)
    settings.setdict({"NIANBAO_DB": db_path, "NIANBAO_ARCHIVE": archive_dir}, priority="cmdline")
    store, archive = store_and_archive(settings)
    archive.sweep()       # what a crawl killed midway an hour or more ago left half-written
    if mode == "auto":
        mode = choose_mode(store)
    run_id = store.start_run([s["url"] for s in srcs], mode=mode)
    t0 = time.time()
    process = CrawlerProcess(settings)
    sink = None
    if warc:
        from crawler.warc import WarcSink
        sink = WarcSink(Path(archive_dir) / "warc" / f"run-{run_id}.warc.gz")
    crawlers = []
    for src in srcs:
        cls = spider_for(src.get("platform"))
        crawler = process.create_crawler(cls)
        crawlers.append((src, crawler))
        process.crawl(crawler, source=src, run_id=run_id, warc_writer=sink, mode=mode)
    process.start()
    if sink is not None:
        sink.close()
    elapsed = time.time() - t0

    portals = []
    for src, crawler in crawlers:
        sp = crawler.spider
        row = getattr(sp, "health_row", None) if sp is not None else None
        if row is None:  # the spider never ran (e.g. crashed on open): flag it
            row = {"portal": src["name"], "url": src["url"], "platform": src.get("platform"),
                   "pages": 0, "reports_found": 0, "reports_new": 0, "reports_changed": 0,
                   "failures": 1, "blocked": 0, "flagged": "spider did not run"}
            store.record_portal(run_id, row)
        portals.append(row)
    counts = {k: 0 for k in COUNT_KEYS}
    for _src, crawler in crawlers:
        add_health(counts, getattr(crawler.spider, "health", {}) if crawler.spider else {})
    status = run_status(portals)
    summary = format_summary(run_id, status, counts, portals, elapsed, mode)
    store.finish_run(run_id, status, counts, summary)
    if not quiet:
        print(summary, flush=True)
    return {"run_id": run_id, "status": status, "elapsed": round(elapsed, 2), **counts,
            "portals": portals}


def add_health(counts: dict, health) -> None:
    """Add one portal's health counters to the run's counts (attachments count as pages)."""
    for k in ("pages", "documents", "documents_new", "documents_changed", "failures", "blocked", "not_modified"):
        counts[k] += int(health.get(k, 0))
    counts["pages"] += int(health.get("attachments", 0))
    counts["reports"] += int(health.get("reports_found", 0))


def run_status(portals: list[dict]) -> str:
    """``failed`` when nothing could be fetched or every portal is flagged, ``partial`` when some
    are, else ``ok``."""
    ok_portals = [p for p in portals if not p.get("flagged")]
    if portals and all(p.get("pages", 0) == 0 for p in portals):
        return "failed"
    if portals and not ok_portals:
        return "failed"
    return "partial" if len(ok_portals) < len(portals) else "ok"


def format_summary(run_id, status, counts, portals, elapsed, mode="full") -> str:
    lines = [f"nianbao crawl run {run_id} ({mode}): {status} in {elapsed:.1f}s — "
             f"{counts['pages']} pages, {counts['documents']} documents "
             f"({counts['documents_new']} new, {counts['documents_changed']} changed, "
             f"{counts['not_modified']} not modified), {counts['reports']} reports, "
             f"{counts['failures']} failures ({counts['blocked']} blocked)"]
    w = max([len(p["portal"]) for p in portals] + [6])
    lines.append(f"  {'portal'.ljust(w)}  platform  pages reports new chg fail blocked  flag")
    for p in portals:
        lines.append(f"  {str(p['portal']).ljust(w)}  {str(p.get('platform') or '?'):8s} {p.get('pages', 0):6d}"
                     f" {p.get('reports_found', 0):7d} {p.get('reports_new', 0):3d} {p.get('reports_changed', 0):3d}"
                     f" {p.get('failures', 0):4d} {p.get('blocked', 0):7d}  {p.get('flagged') or ''}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__.split("\n")[0])
    ap.add_argument("--sources", required=True, help="sources YAML: [{name, url, platform}]")
    ap.add_argument("--db", required=True, help="SQLite database")
    ap.add_argument("--archive", default=None, help="archive directory (default: beside the db)")
    ap.add_argument("--no-throttle", action="store_true", help="no politeness delays (tests, bench)")
    ap.add_argument("--log-file", default=None)
    ap.add_argument("--warc", action="store_true", help="also write a WARC of the run's documents")
    ap.add_argument("--mode", choices=("full", "incremental", "auto"), default="full",
                    help="full / incremental walk, or auto (incremental unless the last full walk is a week old)")
    args = ap.parse_args(argv)
    try:
        load_sources(args.sources)
    except Exception as e:
        print(f"bad sources {args.sources}: {e}", file=sys.stderr)
        return EXIT_USAGE
    result = run_crawl(args.sources, args.db, args.archive, throttle=not args.no_throttle,
                       log_file=args.log_file, warc=args.warc, mode=args.mode)
    return EXIT_FAILED if result["status"] == "failed" else EXIT_OK


if __name__ == "__main__":
    logging.getLogger("asyncio").setLevel(logging.WARNING)
    raise SystemExit(main())
