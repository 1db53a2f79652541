"""Datasette plugin for nianbao (loaded with ``--plugins-dir data/plugins`` by ``nianbao serve``).

- Chinese search: replaces Datasette's ``escape_fts`` SQL function with ``nianbao.publish.fts_query``,
  so the search box of the reports table (``fts_table: reports_fts``) finds two-character words
  (复议 → ``"复 议"`` against the one-character-per-token index). Also registers
  ``cjk_query(text)`` and ``cjk_split(text)`` for SQL and canned queries.
- ``/-/original/<sha256>``: the archived original, with the content type recorded in
  ``documents`` (sandboxed: archived HTML cannot run scripts on this site).
- Links: ``document_sha256`` / ``sha256`` / ``original`` cells link to the archived original.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nianbao.publish import cjk_split, fts_query  # noqa: E402

_SHA = re.compile(r"^[0-9a-f]{64}$")
_MEDIUM_TYPES = {
    "html": "text/html; charset=utf-8", "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel", "wps": "application/vnd.ms-works", "ofd": "application/ofd",
    "txt": "text/plain; charset=utf-8", "jpg": "image/jpeg", "png": "image/png",
}


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: runs after Datasette's own prepare_connection, so this escape_fts wins.
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("cjk_query", 1, fts_query, deterministic=True)
    conn.create_function("cjk_split", 1, cjk_split, deterministic=True)


def _archive_dir(datasette) -> Path | None:
    cfg = datasette.plugin_config("nianbao") or {}
    if cfg.get("archive_dir"):
        return Path(cfg["archive_dir"])
    if os.environ.get("NIANBAO_ARCHIVE"):
        return Path(os.environ["NIANBAO_ARCHIVE"])
    for db in datasette.databases.values():
        if db.path:
            return Path(db.path).resolve().parent / "archive"
    return None


async def original(request, datasette):
    sha = request.url_vars["sha"].lower()
    if not _SHA.match(sha):
        return Response.text("bad sha256", status=400)
    content_type, medium, url = None, None, None
    for db in datasette.databases.values():
        if db.name.startswith("_"):
            continue
        try:
            rows = (await db.execute(
                "select content_type, medium, url from documents where sha256 = ? order by id desc limit 1",
                [sha])).rows
        except Exception:
            continue
        if rows:
            content_type, medium, url = rows[0]
            break
    root = _archive_dir(datasette)
    path = root / sha[:2] / sha if root else None
    if not path or not path.is_file():
        return Response.text("原件不在存档中 / original not in the archive", status=404)
    ctype = content_type or _MEDIUM_TYPES.get((medium or "").lower()) or "application/octet-stream"
    if ctype.startswith("text/") and "charset" not in ctype:
        ctype += "; charset=utf-8"
    name = (url or sha).rstrip("/").rsplit("/", 1)[-1] or sha
    return Response(
        path.read_bytes(), status=200, content_type=ctype,
        headers={"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff",
                 "Content-Disposition": f"inline; filename*=UTF-8''{_quote(name)}"})


def _quote(s: str) -> str:
    from urllib.parse import quote
    return quote(s, safe="")


CSS = """
/* nianbao: ~350 field columns each carry their Chinese label; keep that list compact */
dl.column-descriptions { max-height: 11em; overflow-y: auto; columns: 22em auto; column-gap: 2em;
  border: 1px solid #ddd; padding: 0.5em; font-size: 0.85em; }
dl.column-descriptions dt { break-after: avoid; margin-top: 0.2em; }
dl.column-descriptions dd { margin-left: 1em; break-before: avoid; }
"""


async def css(request):
    return Response(CSS, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/nianbao.css")]


def csv_row_sql(cols, bare=()) -> str:
    """One SQL expression giving a whole CSV line (RFC 4180 quoting of text values), built in
    SQLite's C code: one Python object per row instead of one per cell. Columns in ``bare``
    hold no text (checked by the caller) and are printed as they are."""
    cells = []
    for c in cols:
        q = "[{}]".format(c.replace("]", "]]"))
        cells.append(q if c in bare else f"iif(typeof({q}) = 'text', '\"' || replace({q}, '\"', '\"\"') || '\"', {q})")
    parts = []
    for i in range(0, len(cells), 100):  # SQLite functions take at most 127 arguments
        chunk = cells[i:i + 100]
        parts.append("printf('" + ",".join(["%s"] * len(chunk)) + "', " + ", ".join(chunk) + ")")
    return " || ',' || ".join(parts)


_TEXTLESS: dict = {}


async def _textless_numeric_columns(db, table) -> frozenset:
    """Columns declared INTEGER/REAL that hold no text value (one scan, cached per file state)."""
    try:
        stamp = os.stat(db.path).st_mtime_ns if db.path else None
    except OSError:
        stamp = None
    key = (db.name, table, stamp)
    if key in _TEXTLESS:
        return _TEXTLESS[key]
    info = (await db.execute(f"pragma table_info([{table.replace(']', ']]')}])")).rows
    numeric = [r[1] for r in info if (r[2] or "").upper() in ("INTEGER", "REAL", "FLOAT", "INT")]
    clean = frozenset()
    if numeric:
        def fn(conn):
            out = set()
            for i in range(0, len(numeric), 100):
                chunk = numeric[i:i + 100]
                sel = ", ".join("max(typeof([{}]) = 'text')".format(c.replace("]", "]]")) for c in chunk)
                row = conn.execute(f"select {sel} from [{table.replace(']', ']]')}]").fetchone()
                out |= {c for c, has_text in zip(chunk, row) if not has_text}
            return frozenset(out)
        clean = await db.execute_fn(fn)
    _TEXTLESS[key] = clean
    return clean


async def table_csv(request, datasette):
    """``/-/csv/<database>/<table>.csv``: the whole table as CSV (UTF-8 with BOM), streamed in
    rowid order in batches read on Datasette's SQL threads — several times faster than
    ``<table>.csv?_stream=on`` for the 370-column reports table."""
    from datasette.utils.asgi import AsgiStream, NotFound

    dbname, table = request.url_vars["database"], request.url_vars["table"]
    try:
        db = datasette.get_database(dbname)
    except KeyError:
        raise NotFound("no such database")
    if table not in await db.table_names() or table.startswith("reports_fts"):
        raise NotFound("no such table")
    if not await datasette.permission_allowed(request.actor, "view-table", (dbname, table), default=True):
        return Response.text("forbidden", status=403)
    cols = await db.table_columns(table)
    tname = table.replace("]", "]]")
    expr = csv_row_sql(cols, await _textless_numeric_columns(db, table))
    batch = 20000

    async def stream(w):
        import asyncio
        import csv
        import io

        head = io.StringIO()
        csv.writer(head).writerow(cols)
        await w.write("\ufeff" + head.getvalue())
        top = (await db.execute(f"select max(rowid) from [{tname}]")).rows[0][0] or 0

        def fn(lo):
            def run(conn):
                cur = conn.cursor()
                cur.row_factory = None
                rows = cur.execute(f"select {expr} from [{tname}] where rowid > ? and rowid <= ? order by rowid",
                                   [lo, lo + batch]).fetchall()
                return "".join(r[0] + "\r\n" for r in rows)
            return run

        # rowid ranges, two in flight on Datasette's SQL threads (SQLite builds the lines without
        # the GIL) while the previous one is being sent
        starts = list(range(0, top, batch))
        pending = [asyncio.ensure_future(db.execute_fn(fn(lo))) for lo in starts[:2]]
        i = 2
        while pending:
            text = await pending.pop(0)
            if i < len(starts):
                pending.append(asyncio.ensure_future(db.execute_fn(fn(starts[i]))))
                i += 1
            if text:
                await w.write(text)

    return AsgiStream(stream, headers={"content-disposition": f'attachment; filename="{table}.csv"'},
                      content_type="text/csv; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/original/(?P<sha>[0-9a-fA-F]{64})$", original), (r"^/-/nianbao\.css$", css),
            (r"^/-/csv/(?P<database>[^/]+)/(?P<table>[^/]+)\.csv$", table_csv)]


# The reports table has ~370 columns; its HTML page shows the main ones unless the URL chooses
# columns itself (?_col=… / ?_nocol=…). All columns: ?_nocol=notes. JSON/CSV are not affected.
DEFAULT_REPORT_COLUMNS = (
    "title", "agency", "level", "province", "city", "county", "year", "format", "medium", "checks_failed",
    "req_new_total", "req_granted_total", "req_outcome_total_total", "review_total", "review_corrected",
    "suit_direct_total", "suit_direct_corrected", "suit_after_review_corrected", "document_sha256",
    "source_url", "fetched_at")


@hookimpl
def asgi_wrapper(datasette):
    extra = "&".join(f"_col={c}" for c in DEFAULT_REPORT_COLUMNS).encode()
    chosen = re.compile(rb"(^|&)_(no)?col=")

    def wrap(app):
        async def inner(scope, receive, send):
            if scope.get("type") == "http" and scope.get("path", "").endswith("/reports") \
                    and scope["path"].count("/") == 2:
                qs = scope.get("query_string", b"")
                if not chosen.search(qs):
                    scope = dict(scope, query_string=(qs + b"&" + extra) if qs else extra)
            await app(scope, receive, send)
        return inner
    return wrap


@hookimpl
def render_cell(value, column, table, database, datasette):
    if column in ("document_sha256", "sha256", "original") and isinstance(value, str) and _SHA.match(value):
        return Markup('<a href="{}" title="存档原件">原件 {}…</a>'.format(
            datasette.urls.path(f"/-/original/{value}"), escape(value[:10])))
    return None


# ----------------------------------------------------------------------------- facets
# The reports page's five default facets each group a million rows. `publish` stores their
# unfiltered counts in `reports_facet_counts`; on an immutable (published) database the
# unfiltered page reads them from there. Any filter or search computes facets live, exactly as
# Datasette's column facet does (this class *is* that facet, with a different source of rows).
from datasette.facets import ColumnFacet  # noqa: E402


class _Rows(list):
    @property
    def rows(self):
        return self


class _PrecomputedDs:
    def __init__(self, ds, db, column):
        self._ds, self._db, self._column = ds, db, column

    def __getattr__(self, name):
        return getattr(self._ds, name)

    async def execute(self, database, sql, params=None, **kw):
        limit = int(re.search(r"limit (\d+)\s*$", sql.strip()).group(1))
        res = await self._db.execute(
            "select value, count from reports_facet_counts where [column] = ? order by count desc, value limit ?",
            [self._column, limit])
        return _Rows({"value": r[0], "count": r[1]} for r in res.rows)


class PublishedColumnFacet(ColumnFacet):
    type = "published"

    def _unfiltered(self) -> bool:
        return self.table == "reports" and not any(
            not k.startswith("_") or k.startswith("_search") or k in ("_where", "_through")
            for k in self.request.args.keys())

    async def facet_results(self):
        db = self.ds.get_database(self.database)
        configs = self.get_configs()
        if not configs or db.is_mutable or not self._unfiltered() \
                or not await db.table_exists("reports_facet_counts"):
            return await super().facet_results()
        results, timed_out = [], []
        real = self.ds
        for cfg in configs:
            column = cfg["config"].get("column") or cfg["config"]["simple"]
            self.ds = _PrecomputedDs(real, db, column)
            orig = self.get_configs
            self.get_configs = lambda cfg=cfg: [cfg]
            try:
                r, t = await super().facet_results()
            finally:
                self.ds = real
                self.get_configs = orig
            results += r
            timed_out += t
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [PublishedColumnFacet]
