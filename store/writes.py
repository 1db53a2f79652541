"""The store: the writer of the SQLite database (sqlite-utils), over the schema declared in
``store.database`` (applied as migrations when a database is opened).

The store never fetches and never parses: it is handed plain dicts.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import sqlite_utils

from store.database import REGION_COLUMNS, migrate, rebuild_search_index
from parsers import schema


def now() -> str:
    """UTC timestamp as ISO 8601 (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Store:
    """A nianbao database at ``path`` (created and upgraded on open)."""

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        if os.path.dirname(self.path):
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.ensure_schema()

    # ----------------------------------------------------------------- schema
    def ensure_schema(self) -> None:
        """Apply the schema's migrations (``store.database``); never drops data."""
        migrate(self.db)

    # ----------------------------------------------------------------- runs
    def start_run(self, sources: list[str] | None = None, mode: str = "full") -> int:
        """Open a crawl run (``mode``: full or incremental); returns its id."""
        return self.db["crawl_runs"].insert({
            "started": now(), "status": "running", "sources": json.dumps(sources or [], ensure_ascii=False),
            "mode": mode,
        }).last_pk

    def finish_run(self, run_id: int, status: str, counts: dict, summary: str = "") -> None:
        self.db["crawl_runs"].update(run_id, {"finished": now(), "status": status, "summary": summary, **counts})

    def record_portal(self, run_id: int, portal: dict, counts=None) -> None:
        """Store one portal's health for a run (pages, reports found/new/changed, failures…).
        ``counts``: the spider's raw counters, which only a frontier worker's store keeps."""
        self.db["portal_runs"].insert({"run_id": run_id, **portal}, alter=True)

    # ----------------------------------------------------------------- documents
    def known_document_urls(self, portal: str) -> set:
        """URLs of the documents a portal has already given (any version)."""
        return {r[0] for r in self.db.execute("select distinct url from documents where portal = ?", [portal])}

    def last_full_run(self) -> str | None:
        """When the last crawl that walked every list page started (ISO time), if any."""
        row = self.db.execute("select max(started) from crawl_runs where mode = 'full' "
                              "and status in ('ok', 'partial')").fetchone()
        return row[0] if row else None

    def latest_document(self, url: str) -> dict | None:
        """The current version of the document at ``url`` (for conditional requests)."""
        rows = list(self.db.query(
            "select * from documents where url = ? order by id desc limit 1", [url]))
        return rows[0] if rows else None

    def record_document(self, *, url: str, sha256: str, size: int, archive_path: str,
                        content_type: str | None = None, medium: str | None = None,
                        source_url: str | None = None, portal: str | None = None,
                        title: str | None = None, etag: str | None = None,
                        last_modified: str | None = None, run_id: int | None = None,
                        role: str | None = None) -> dict:
        """Record a fetched original (``role`` "picture": an image shown in the page
        ``source_url``, read with it, never parsed alone). Returns ``{"id", "status"}`` where status is ``new`` (first
        time this URL is seen), ``changed`` (new bytes at a known URL: a new version, the old one
        kept and linked) or ``unchanged``."""
        ts = now()
        with self.db.conn:
            same = list(self.db.query(
                "select id from documents where url = ? and sha256 = ?", [url, sha256]))
            if same:
                doc_id = same[0]["id"]
                self.db["documents"].update(doc_id, {
                    "last_seen": ts, "etag": etag, "last_modified": last_modified,
                    **({"source_url": source_url} if source_url else {}),
                    **({"title": title} if title else {})})
                return {"id": doc_id, "status": "unchanged"}
            prev = self.latest_document(url)
            doc_id = self.db["documents"].insert({
                "url": url, "sha256": sha256, "size": size, "archive_path": archive_path,
                "content_type": content_type, "medium": medium, "source_url": source_url,
                "portal": portal, "title": title, "etag": etag, "last_modified": last_modified,
                "first_seen": ts, "last_seen": ts, "previous_id": prev["id"] if prev else None,
                "is_current": 1, "run_id": run_id, "role": role,
            }).last_pk
            if prev:
                self.db.execute("update documents set is_current = 0 where url = ? and id != ?", [url, doc_id])
        return {"id": doc_id, "status": "changed" if prev else "new"}

    def touch_document(self, url: str) -> None:
        """A conditional request answered 304: the current version was seen again."""
        self.db.execute("update documents set last_seen = ? where url = ? and is_current = 1", [now(), url])

    # ----------------------------------------------------------------- reports
    def record_report(self, report: dict, *, document_url: str, document_sha256: str,
                      source_url: str | None = None, portal: str | None = None,
                      document_id: int | None = None, fetched_at: str | None = None) -> int:
        """Store a parsed report (the dict of ``parsers.parse``) for one document version.
        Re-parsing the same version replaces its rows; an earlier version's report stays but is
        no longer current."""
        fields = report.get("fields") or {}
        checks = report.get("checks") or []
        row = {
            "document_id": document_id, "title": report.get("title"), "agency": report.get("agency"),
            "year": report.get("year"), "format": report.get("format"), "medium": report.get("medium"),
            "portal": portal, "source_url": source_url, "document_url": document_url,
            "document_sha256": document_sha256, "fetched_at": fetched_at or now(), "parsed_at": now(),
            "checks_failed": sum(1 for c in checks if not c.get("ok")), "checks_run": len(checks),
            "notes": json.dumps(report.get("notes") or [], ensure_ascii=False),
            "inferred": json.dumps(report.get("inferred") or {}, ensure_ascii=False),
            "is_current": 1,
        }
        row.update({k: v for k, v in fields.items()})
        with self.db.conn:
            old = [r["id"] for r in self.db.query(
                "select id from reports where document_sha256 = ? and document_url = ?",
                [document_sha256, document_url])]
            for rid in old:
                self._delete_report(rid)
            self.db.execute("update reports set is_current = 0 where document_url = ?", [document_url])
            rid = self.db["reports"].insert(row, alter=True).last_pk
            self._write_values(rid, report)
            self.db["checks"].insert_all(
                ({"report_id": rid, "rule": c["rule"], "ok": int(bool(c["ok"])), "detail": c.get("detail")}
                 for c in checks))
            if report.get("text"):
                self.record_report_text(rid, report["text"])
        return rid

    def _delete_report(self, rid: int) -> None:
        self.db.execute("delete from report_values where report_id = ?", [rid])
        self.db.execute("delete from checks where report_id = ?", [rid])
        if self.db["report_texts"].exists():
            self.db.execute("delete from report_texts where report_id = ?", [rid])
        self.db.execute("delete from reports where id = ?", [rid])

    def _write_values(self, rid: int, report: dict) -> None:
        fields = report.get("fields") or {}
        inferred = report.get("inferred") or {}
        prov = report.get("provenance") or {}
        labels = schema.field_labels()
        rows = []
        for key, value in fields.items():
            p = prov.get(key) or {}
            where = p.get("where") or {}
            label = labels.get(key, key)
            rows.append({
                "report_id": rid, "section": label.split(" / ")[0], "field": key, "label": label,
                "value": value, "raw": p.get("raw"), "inferred": inferred.get(key),
                "page": where.get("page"), "table_no": where.get("table"),
                "row_no": where.get("row"), "col_no": where.get("col"),
            })
        self.db["report_values"].insert_all(rows)

    # ----------------------------------------------------------------- failures
    def record_failure(self, *, url: str, kind: str, detail: str, portal: str | None = None,
                       run_id: int | None = None, document_sha256: str | None = None) -> int:
        """Record a URL that could not be fetched or parsed (kind: http_error, blocked, robots,
        too_large, parse_error, timeout, …). Nothing is lost: a parse failure keeps its original."""
        return self.db["failures"].insert({
            "run_id": run_id, "url": url, "portal": portal, "kind": kind, "detail": detail,
            "at": now(), "document_sha256": document_sha256,
        }).last_pk

    # ----------------------------------------------------------------- report text (search)
    def record_report_text(self, report_id: int, text: str | None) -> None:
        """Store the full text of a parsed report (the parser dict's ``"text"``) for full-text
        search; call it right after ``record_report`` with the id it returned. ``publish``
        indexes it (``nianbao.publish``)."""
        self.db["report_texts"].upsert({"report_id": report_id, "text": text or "", "written_at": now()},
                                       pk="report_id")

    # ----------------------------------------------------------------- crawler helpers (crawler/)
    def has_report(self, sha256: str, url: str | None = None) -> bool:
        """Is a report stored for this document version?"""
        sql, args = "select 1 from reports where document_sha256 = ?", [sha256]
        if url:
            sql, args = sql + " and document_url = ?", args + [url]
        return bool(list(self.db.query(sql + " limit 1", args)))

    def mark_parsed(self, sha256: str, outcome: str) -> None:
        """Remember that a version was parsed (report / not_a_report / parse_error), so that a
        re-crawl (or a run after a crash) parses exactly the versions never parsed."""
        self.db["parse_outcomes"].insert({"sha256": sha256, "outcome": outcome, "at": now()},
                                         pk="sha256", replace=True)

    def has_parse_outcome(self, sha256: str) -> bool:
        return bool(list(self.db.query("select 1 from parse_outcomes where sha256 = ?", [sha256])))

    def replace_findings(self, found: dict) -> dict:
        """Write what ``nianbao.findings.compute`` found, replacing the previous publish's."""
        ts = now()
        with self.db.conn:
            for table in ("findings", "report_edits", "timeliness"):
                self.db.execute(f"delete from {table}")
            self._insert_rows("findings", found["findings"], detected_at=ts)
            self._insert_rows("report_edits", found["edits"])
            self._insert_rows("timeliness", found["timeliness"])
        return {"findings": len(found["findings"]), "edits": len(found["edits"])}

    def write_text_facts(self, rows: list) -> None:
        """What ``nianbao.findings`` read in reports' texts (one row per report, replaced)."""
        if rows:
            with self.db.conn:
                self.db.conn.executemany(
                    "insert or replace into text_facts (report_id, written_at, agency, page_date, signed_date, sections, "
                    "prose, whole_area, sentences, fingerprint) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def _insert_rows(self, table: str, rows: list, **same) -> None:
        """Plain rows into an existing table in one prepared statement: at a million rows
        (``timeliness``) sqlite-utils' per-batch statements cost most of publish's findings time."""
        if not rows:
            return
        cols = [c for c in self.db[table].columns_dict if c in same or any(c in r for r in rows[:50])]
        cols += sorted({k for r in rows for k in r} - set(cols) - set(same))     # a key not in the table: an error
        sql = f"insert into [{table}] ({', '.join(f'[{c}]' for c in cols)}) values ({', '.join('?' * len(cols))})"
        self.db.conn.executemany(sql, ([same[c] if c in same else r.get(c) for c in cols] for r in rows))

    # ----------------------------------------------------------------- publishing (nianbao.publish computes)
    def reports_without_agency(self) -> list:
        return list(self.db.query("select id, agency, title from reports where agency_id is null"))

    def agency_names(self) -> list:
        return list(self.db.query("select id, name from agencies"))

    def link_reports_to_agencies(self, names: dict) -> int:
        """Each report id of ``names`` linked to the agency of that name (created when new);
        returns how many agencies were new."""
        db = self.db
        known = {r["name"]: r["id"] for r in db.query("select id, name from agencies")}
        with db.conn:
            new = sorted({n for n in names.values() if n and n not in known})
            db["agencies"].insert_all(({"name": n} for n in new), batch_size=5000)
            known = {r["name"]: r["id"] for r in db.query("select id, name from agencies")}
            db.conn.executemany("update reports set agency_id = ? where id = ?",
                                [(known[n], rid) for rid, n in names.items() if n])
        return len(new)

    def classify_agencies(self, rows: list) -> None:
        """Write each agency's level, region and parent name; link parents, count reports, and copy
        the regions onto the reports (their facet columns)."""
        db = self.db
        with db.conn:
            db["agencies"].upsert_all(rows, pk="id", batch_size=5000)
            db.execute("""update agencies set parent_id = (select p.id from agencies p where p.name = agencies.parent)
                          where parent is not null""")
            db.execute("""update agencies set reports = s.n, first_year = s.y0, last_year = s.y1
                          from (select agency_id, count(*) n, min(year) y0, max(year) y1 from reports
                                group by agency_id) s where s.agency_id = agencies.id""")
            db.execute("update reports set search_id = id where search_id is not id")
            cols = [c for c in REGION_COLUMNS if c not in ("agency_id", "search_id")]
            sets = ", ".join(f"{c} = a.{c}" for c in cols)
            diff = " or ".join(f"reports.{c} is not a.{c}" for c in cols)
            db.execute(f"update reports set {sets} from agencies a where a.id = reports.agency_id and ({diff})")

    def sync_search_index(self, index_text, scheme: str, batch: int = 2000) -> int:
        """Bring ``reports_fts`` up to date: each report whose title, agency or text changed since
        it was indexed (or indexed under another ``scheme``) is indexed again as ``index_text``
        gives it; returns how many were."""
        db = self.db
        written = "coalesce(t.written_at, '')"
        # the signature names the index scheme: a new scheme re-indexes every report
        sig = (f"'{scheme}|' || coalesce(r.parsed_at, '') || '|' || coalesce(r.title, '') || '|' "
               f"|| coalesce(r.agency, '') || '|' || {written}")
        if db.execute("select 1 from reports_fts_state where sig not like ? limit 1", [scheme + "|%"]).fetchone():
            # indexed under another scheme: start afresh (deleting row by row from FTS5 re-reads every row)
            with db.conn:
                rebuild_search_index(db)
        with db.conn:
            db.execute("""delete from reports_fts where rowid in
                          (select report_id from reports_fts_state where report_id not in (select id from reports))""")
            db.execute("delete from reports_fts_state where report_id not in (select id from reports)")
            db.execute("delete from report_texts where report_id not in (select id from reports)")
        cur = db.execute(f"""select r.id, r.title, r.agency, t.text, {sig} as sig
                             from reports r left join report_texts t on t.report_id = r.id
                             left join reports_fts_state s on s.report_id = r.id
                             where s.sig is not ({sig})""")
        n = 0
        conn = db.conn
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                break
            with conn:
                ids = [(r[0],) for r in rows]
                conn.executemany("delete from reports_fts where rowid = ?", ids)
                conn.executemany("insert into reports_fts (rowid, title, agency, body) values (?, ?, ?, ?)",
                                 [(r[0], index_text(r[1]), index_text(r[2]), index_text(r[3])) for r in rows])
                conn.executemany("insert or replace into reports_fts_state (report_id, sig) values (?, ?)",
                                 [(r[0], r[4]) for r in rows])
            n += len(rows)
        if n:  # one b-tree per term instead of one per batch: faster matching, smaller file
            with conn:
                conn.execute("insert into reports_fts (reports_fts) values ('optimize')")
        return n

    def record_publish(self, reports: int, agencies: int, indexed: int) -> None:
        """A publish ran (``nianbao.publish``): what it covered."""
        self.db["publish_runs"].insert({"at": now(), "reports": reports, "agencies": agencies, "indexed": indexed})

    def close_stale_runs(self) -> int:
        """Mark runs left 'running' by a killed crawl as 'killed'; returns how many."""
        rows = [r["id"] for r in self.db.query("select id from crawl_runs where status = 'running'")]
        for rid in rows:
            self.db["crawl_runs"].update(rid, {"status": "killed"})
        return len(rows)
