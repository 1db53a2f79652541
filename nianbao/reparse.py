"""Rebuild every report from the archive alone: when the parser improves, no portal is touched."""
from __future__ import annotations

import sys

from store.archive import Archive
from store.writes import Store
from parsers.worker import ParseError, parse_document


def reparse(db_path: str, archive_dir: str, progress: bool = True) -> dict:
    """Re-parse the current version of every archived document that was parsed as, or could be,
    a report. Returns counts ``{"documents", "reports", "not_reports", "errors"}``."""
    store = Store(db_path)
    archive = Archive(archive_dir)
    docs = list(store.db.query(
        "select id, url, sha256, source_url, portal, first_seen from documents where is_current = 1 "
        "and coalesce(role, '') != 'picture'"))
    counts = {"documents": len(docs), "reports": 0, "not_reports": 0, "errors": 0}
    bar = _bar(len(docs), progress)
    for doc in docs:
        bar(1)
        if doc["sha256"] not in archive:
            store.record_failure(url=doc["url"], kind="missing_original", detail=f"{doc['sha256']} not in archive")
            counts["errors"] += 1
            continue
        try:
            report = parse_document(archive.get(doc["sha256"]), filename=doc["url"],
                                    pictures=_pictures_of(store, archive, doc["url"]), base_url=doc["url"])
        except ParseError as exc:
            store.record_failure(url=doc["url"], kind="parse_error", detail=str(exc),
                                 portal=doc["portal"], document_sha256=doc["sha256"])
            counts["errors"] += 1
            continue
        if report["format"] is None:
            counts["not_reports"] += 1
            continue
        store.record_report(report, document_url=doc["url"], document_sha256=doc["sha256"],
                            source_url=doc["source_url"], portal=doc["portal"], document_id=doc["id"],
                            fetched_at=doc["first_seen"])
        counts["reports"] += 1
    print(f"reparse: {counts['documents']} documents, {counts['reports']} reports, "
          f"{counts['not_reports']} not reports, {counts['errors']} errors", file=sys.stderr)
    return counts


def _pictures_of(store, archive, url: str) -> dict | None:
    """The pictures a page showed when it was crawled (current versions), by URL."""
    rows = store.db.query("select url, sha256 from documents where source_url = ? and role = 'picture' "
                          "and is_current = 1", [url])
    out = {r["url"]: archive.get(r["sha256"]) for r in rows if r["sha256"] in archive}
    return out or None


def _bar(total: int, enabled: bool):
    try:
        from tqdm import tqdm
    except ImportError:
        return lambda n: None
    t = tqdm(total=total, disable=not enabled or total < 20, unit="doc", desc="reparse")
    return t.update
