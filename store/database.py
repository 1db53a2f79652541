"""The schema of nianbao's SQLite database: every table, index, trigger and view, declared here
and changed only by the migrations below (sqlite-utils ``Migrations``, applied in order and
recorded in ``_sqlite_migrations``). ``Store`` applies them when it opens a database; nothing
else creates or alters a table.

Tables (see README "The database"):
- ``documents``: every original fetched, one row per version (url + sha256); a changed document
  at the same URL gets a new row whose ``previous_id`` links the version it replaces; ``role``
  ``picture`` for an image a page shows (its table pasted as a picture).
- ``reports``: one row per parsed report document, one column per canonical field, with the
  agency and its region (filled by ``publish``).
- ``report_values``: the same numbers in long form, with the printed text and where it was read.
- ``checks``: every sum rule evaluated per report; ``failures``: every URL that could not be
  fetched or parsed; ``crawl_runs`` and ``portal_runs``: crawl health per run and per portal;
  ``parse_outcomes``: which versions were parsed and how.
- For publishing: ``agencies``, ``report_texts`` and the search index ``reports_fts`` (with
  ``reports_fts_state``), ``table_changes`` (counted by triggers: the downloads compare with it),
  the view ``reports_current``; ``publish_runs`` (when each publish ran); ``findings``,
  ``report_edits`` and ``timeliness`` (what ``nianbao.findings`` found), ``text_facts`` (what the
  findings need from each report's text, worked out once per version of the text).
"""
from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from parsers import schema

migrations = Migrations("nianbao")

REGION_COLUMNS = {
    "search_id": int, "agency_id": int, "level": str, "tier": str, "province": str, "province_code": str,
    "city": str, "city_code": str, "county": str, "county_code": str,
}
AGENCY_COLUMNS = {
    "id": int, "name": str, "level": str, "tier": str, "province": str, "province_code": str,
    "city": str, "city_code": str, "county": str, "county_code": str, "parent": str,
    "parent_id": int, "reports": int, "first_year": int, "last_year": int,
}
FTS_CREATE = "create virtual table reports_fts using fts5(title, agency, body, tokenize='unicode61')"


def field_columns() -> dict:
    """The reports table's column per canonical field of ``schema.yaml`` (every format)."""
    cols = {}
    for fmt in schema.TABLE_FORMATS:
        dec = schema.decimal_keys(fmt)
        for key in schema.field_keys(fmt):
            if cols.get(key) is not float:
                cols[key] = float if key in dec else int
    return cols


def denied_columns() -> list[str]:
    """The reports columns of the 不予公开 rows (their sum over the outcome total: the denial rate)."""
    return [schema.req_key(r, "total") for r in schema.section3_rows("2021") if r.startswith("denied_")]


@migrations()
def m001_crawl_and_reports(db):
    db["crawl_runs"].create({
        "id": int, "started": str, "finished": str, "status": str, "sources": str,
        "pages": int, "documents": int, "documents_new": int, "documents_changed": int,
        "reports": int, "failures": int, "blocked": int, "not_modified": int, "summary": str,
    }, pk="id", if_not_exists=True)
    db["portal_runs"].create({
        "id": int, "run_id": int, "portal": str, "url": str, "platform": str,
        "pages": int, "reports_found": int, "reports_new": int, "reports_changed": int,
        "failures": int, "blocked": int, "flagged": str,
    }, pk="id", foreign_keys=[("run_id", "crawl_runs", "id")], if_not_exists=True)
    db["documents"].create({
        "id": int, "url": str, "sha256": str, "content_type": str, "medium": str, "size": int,
        "archive_path": str, "first_seen": str, "last_seen": str, "etag": str,
        "last_modified": str, "source_url": str, "portal": str, "title": str,
        "previous_id": int, "is_current": int, "run_id": int,
    }, pk="id", if_not_exists=True)
    db["reports"].create({
        "id": int, "document_id": int, "title": str, "agency": str, "year": int, "format": str,
        "medium": str, "portal": str, "source_url": str, "document_url": str,
        "document_sha256": str, "fetched_at": str, "parsed_at": str, "checks_failed": int,
        "checks_run": int, "notes": str, "inferred": str, "is_current": int,
        **field_columns(),
    }, pk="id", if_not_exists=True)
    db["report_values"].create({
        "report_id": int, "section": str, "field": str, "label": str, "value": float,
        "raw": str, "inferred": float, "page": int, "table_no": int, "row_no": int, "col_no": int,
    }, pk=("report_id", "field"), if_not_exists=True)
    db["checks"].create({"id": int, "report_id": int, "rule": str, "ok": int, "detail": str},
                        pk="id", if_not_exists=True)
    db["failures"].create({
        "id": int, "run_id": int, "url": str, "portal": str, "kind": str, "detail": str,
        "at": str, "document_sha256": str,
    }, pk="id", if_not_exists=True)
    db["parse_outcomes"].create({"sha256": str, "outcome": str, "at": str}, pk="sha256", if_not_exists=True)
    for table, cols in {
        "documents": [["url"], ["sha256"], ["url", "sha256"]],
        "reports": [["document_sha256"], ["year"], ["format"], ["agency"], ["checks_failed"]],
        "checks": [["report_id"], ["rule", "ok"]],
        "failures": [["run_id"], ["kind"]],
        "portal_runs": [["run_id"]],
    }.items():
        for c in cols:
            db[table].create_index(c, if_not_exists=True, unique=(c == ["url", "sha256"]))


@migrations()
def m002_crawl_run_mode(db):
    # full (every list page) or incremental (each column up to its first known article)
    if "mode" not in db["crawl_runs"].columns_dict:
        db["crawl_runs"].add_column("mode", str)


@migrations()
def m003_document_role(db):
    if "role" not in db["documents"].columns_dict:
        db["documents"].add_column("role", str)


@migrations()
def m004_publishing(db):
    db["agencies"].create(AGENCY_COLUMNS, pk="id", if_not_exists=True)
    db["agencies"].create_index(["name"], unique=True, if_not_exists=True)
    for c in ("level", "province", "parent_id"):
        db["agencies"].create_index([c], if_not_exists=True)
    db["report_texts"].create({"report_id": int, "text": str, "written_at": str}, pk="report_id", if_not_exists=True)
    have = set(db["reports"].columns_dict)
    for col, typ in REGION_COLUMNS.items():
        if col not in have:
            db["reports"].add_column(col, typ)
    # A search runs ``search_id in (select rowid from reports_fts …)``: this narrow index counts the
    # matches without reading the ~370-column rows (``id in (…)`` would look up every wide row).
    db.execute("drop index if exists idx_reports_search")       # an older, wide covering index
    db.execute("drop table if exists reports_facet_counts")     # an older facet cache (now in memory)
    db["reports"].create_index(["search_id"], index_name="idx_reports_search_id", if_not_exists=True)
    # the few reports that lost a review or a lawsuit (canned query agencies_losing_reviews_or_lawsuits)
    db.execute("""create index if not exists idx_reports_losing on reports(is_current, year, id)
                  where review_corrected > 0 or suit_direct_corrected > 0 or suit_after_review_corrected > 0""")
    # the denial-rate queries read this index instead of the ~370-column rows
    denial = ["is_current", "province", "year", "format", *denied_columns(), "req_outcome_total_total"]
    if set(denial) <= set(db["reports"].columns_dict):
        db["reports"].create_index(denial, index_name="idx_reports_denial", if_not_exists=True)
    for cols in (["province"], ["level"], ["year"], ["format"], ["checks_failed"], ["agency_id", "year"],
                 ["province", "year"], ["city"], ["tier"], ["fetched_at"], ["parsed_at"], ["is_current"]):
        db["reports"].create_index(cols, if_not_exists=True)
    if not db["reports_fts"].exists():
        db.execute(FTS_CREATE)
    db["reports_fts_state"].create({"report_id": int, "sig": str}, pk="report_id", if_not_exists=True)
    # every write to reports counts here (triggers): what the prebuilt downloads compare against
    db["table_changes"].create({"name": str, "changes": int}, pk="name", if_not_exists=True)
    db.execute("insert or ignore into table_changes (name, changes) values ('reports', 0)")
    for event in ("insert", "update", "delete"):
        db.execute(f"""create trigger if not exists reports_changes_{event} after {event} on reports begin
            insert into table_changes (name, changes) values ('reports', 1)
            on conflict (name) do update set changes = changes + 1; end""")
    db.execute("create view if not exists reports_current as select * from reports where is_current = 1")


@migrations()
def m005_publish_runs(db):
    # one row per publish: serve publishes a database that never was before serving it
    db["publish_runs"].create({"id": int, "at": str, "reports": int, "agencies": int, "indexed": int},
                              pk="id", if_not_exists=True)


@migrations()
def m006_findings(db):
    # what publish finds in the reports (nianbao.findings): one table every check writes
    db["findings"].create({
        "id": int, "kind": str, "severity": str, "agency_id": int, "agency": str, "province": str,
        "level": str, "year": int, "report_id": int, "other_report_id": int, "summary": str,
        "evidence": str, "detected_at": str,
    }, pk="id", if_not_exists=True)
    for cols in (["kind"], ["province"], ["level"], ["year"], ["agency_id"], ["report_id"]):
        db["findings"].create_index(cols, if_not_exists=True)
    db["report_edits"].create({
        "id": int, "report_id": int, "previous_report_id": int, "agency": str, "agency_id": int,
        "province": str, "level": str, "year": int, "field": str, "label": str, "old": float,
        "new": float, "old_seen": str, "new_seen": str, "old_sha256": str, "new_sha256": str,
        "document_url": str,
    }, pk="id", if_not_exists=True)
    db["report_edits"].create_index(["report_id"], if_not_exists=True)
    db["reports"].create_index(["document_url"], if_not_exists=True)       # versions of one document
    db["reports"].create_index(["agency_id", "year", "id"], if_not_exists=True)
    db["timeliness"].create({
        "report_id": int, "published_on": str, "date_source": str, "deadline": str, "days_late": int,
    }, pk="report_id", if_not_exists=True)



@migrations()
def m007_ingested_messages(db):
    # the writer of a distributed crawl applies each queued message once (store.queue)
    db["ingested_messages"].create({"id": str, "at": str}, pk="id", if_not_exists=True)
    db["failures"].create_index(["run_id", "url", "kind"], if_not_exists=True)

@migrations()
def m008_text_facts(db):
    # what the findings read in a report's text (dates, sections, stated numbers, its sentences
    # hashed), kept with the text's written_at: publish reads a text again only when it changed
    db["text_facts"].create({
        "report_id": int, "written_at": str, "agency": str, "page_date": str, "signed_date": str,
        "sections": str, "prose": str, "whole_area": int, "sentences": bytes, "fingerprint": int,
    }, pk="report_id", if_not_exists=True)


def migrate(db: sqlite_utils.Database) -> None:
    """Bring a database to the current schema (safe on every open; never drops data). A field a
    newer ``schema.yaml`` introduces becomes a column of ``reports``."""
    migrations.apply(db)
    have = set(db["reports"].columns_dict)
    for key, typ in field_columns().items():
        if key not in have:
            db["reports"].add_column(key, typ)


def rebuild_search_index(db: sqlite_utils.Database) -> None:
    """An empty ``reports_fts`` (its text scheme changed: every report is indexed again)."""
    db.execute("drop table reports_fts")
    db.execute("delete from reports_fts_state")
    db.execute(FTS_CREATE)
