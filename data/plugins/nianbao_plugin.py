"""Datasette plugin for nianbao (loaded with ``--plugins-dir data/plugins`` by ``nianbao serve``).

- Chinese search (``filters_from_request``): the search box of a table configured under
  ``plugins.nianbao.search`` (the reports table, over ``reports_fts``) finds two-character words
  through the bigram index of :mod:`nianbao.search`; on a published (immutable) database the
  words are matched once per request and the SQL is shaped by how many reports matched.
  Registers ``cjk_query(text)`` and ``cjk_index_text(text)`` for SQL and canned queries.
- Facets (``published`` facet type): on an immutable database the facets of the reports page
  are counted from memory (:mod:`nianbao.facetindex`) for searches and facet filters; anything
  else is Datasette's own column facet.
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

from nianbao import downloads  # noqa: E402
from nianbao.facetindex import FacetIndex, match_ids  # noqa: E402
from nianbao.search import fts_query, index_text  # noqa: E402

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
    conn.create_function("cjk_query", 1, fts_query, deterministic=True)
    conn.create_function("cjk_index_text", 1, index_text, deterministic=True)


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
    from datasette import Forbidden
    content_type, medium, url = None, None, None
    for db in datasette.databases.values():
        if db.name.startswith("_"):
            continue
        try:
            await datasette.ensure_permissions(request.actor, [("view-table", (db.name, "documents")),
                                                               ("view-database", db.name), "view-instance"])
        except Forbidden:
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


class _FileResponse:
    """A file sent in 1 MB chunks read on a worker thread (Datasette's own sender reads 4 KB)."""

    def __init__(self, path: Path, filename: str, content_type: str, headers: dict):
        self.path, self.filename, self.content_type, self.headers = path, filename, content_type, headers

    async def asgi_send(self, send):
        import asyncio

        size = self.path.stat().st_size
        headers = {**self.headers, "content-type": self.content_type, "content-length": str(size),
                   "content-disposition": f'attachment; filename="{self.filename}"'}
        await send({"type": "http.response.start", "status": 200,
                    "headers": [[k.encode(), v.encode()] for k, v in headers.items()]})
        loop = asyncio.get_running_loop()
        with open(self.path, "rb") as f:
            while True:
                chunk = await loop.run_in_executor(None, f.read, 1 << 20)
                await send({"type": "http.response.body", "body": chunk, "more_body": bool(chunk)})
                if not chunk:
                    break


def _file_state(path) -> tuple | None:
    """Changes whenever the database does: a write in WAL mode touches only the -wal file."""
    if not path:
        return None
    out = []
    for p in (path, str(path) + "-wal"):
        try:
            st = os.stat(p)
            out += [st.st_mtime_ns, st.st_size]
        except OSError:
            out += [None, None]
    return tuple(out)


async def table_csv(request, datasette):
    """``/-/csv/<database>/<table>.csv``: the whole table as CSV (UTF-8 with BOM). The file
    ``publish`` wrote when it still matches the database (header ``x-nianbao-csv: prebuilt``),
    else (or with ``?_live=1``) streamed live from SQLite in rowid batches."""
    return await _table_download(request, datasette, "csv")


async def table_json(request, datasette):
    """``/-/json/<database>/<table>.json``: the whole table as a streamed JSON array of objects;
    ``?_nl=1`` gives JSON Lines (one object per line) instead."""
    return await _table_download(request, datasette, "json")


_BARE: dict = {}


async def _table_download(request, datasette, fmt):
    import asyncio

    from datasette.utils.asgi import AsgiStream, NotFound

    dbname, table = request.url_vars["database"], request.url_vars["table"]
    try:
        db = datasette.get_database(dbname)
    except KeyError:
        raise NotFound("no such database")
    if table not in await db.table_names() or table.startswith("reports_fts"):
        raise NotFound("no such table")
    from datasette import Forbidden
    try:  # the table page's own cascade: table, then database, then instance
        await datasette.ensure_permissions(request.actor, [("view-table", (dbname, table)),
                                                           ("view-database", dbname), "view-instance"])
    except Forbidden:
        return Response.text("forbidden", status=403)
    if fmt == "csv" and db.path and table in downloads.PREBUILT and not request.args.get("_live"):
        path = await db.execute_fn(lambda conn: downloads.fresh_file(conn, db.path, table))
        if path:
            return _FileResponse(path, f"{table}.csv", "text/csv; charset=utf-8", {"x-nianbao-csv": "prebuilt"})
    bare = None
    if fmt == "csv":
        key = (db.name, table, _file_state(db.path))
        if key not in _BARE:  # numeric columns without text need no quoting (one scan, kept per file state)
            _BARE[key] = await db.execute_fn(lambda conn: downloads.textless_numeric_columns(conn, table))
        bare = _BARE[key]
    cols, sql = await db.execute_fn(lambda conn: downloads.batch_sql(conn, table, bare, fmt))
    nl = fmt == "json" and bool(request.args.get("_nl"))
    batch = downloads.BATCH

    async def stream(w):
        if fmt == "csv":
            await w.write(downloads.header(cols))
        elif not nl:
            await w.write("[")
        top = (await db.execute(f"select max(rowid) from [{table.replace(']', ']]')}]")).rows[0][0] or 0

        def fn(lo):
            return lambda conn: downloads.read_lines(conn, sql, lo, lo + batch)

        # SQLite builds the lines without the GIL, two batches at a time, while one is sent
        starts = list(range(0, top, batch))
        pending = [asyncio.ensure_future(db.execute_fn(fn(lo))) for lo in starts[:2]]
        i, first = 2, True
        while pending:
            lines = await pending.pop(0)
            if i < len(starts):
                pending.append(asyncio.ensure_future(db.execute_fn(fn(starts[i]))))
                i += 1
            if not lines:
                continue
            if fmt == "csv":
                await w.write("".join(line + "\r\n" for line in lines))
            elif nl:
                await w.write("".join(line + "\n" for line in lines))
            else:
                await w.write(("\n" if first else ",\n") + ",\n".join(lines))
            first = False
        if fmt == "json" and not nl:
            await w.write("\n]\n")

    if fmt == "csv":
        headers, ctype = {"x-nianbao-csv": "live"}, "text/csv; charset=utf-8"
    else:
        headers, ctype = {}, ("application/x-ndjson; charset=utf-8" if nl else "application/json; charset=utf-8")
    ext = "jsonl" if nl else fmt
    headers["content-disposition"] = f'attachment; filename="{table}.{ext}"'
    return AsgiStream(stream, headers=headers, content_type=ctype)


@hookimpl
def register_routes():
    return [(r"^/-/original/(?P<sha>[0-9a-fA-F]{64})$", original), (r"^/-/nianbao\.css$", css),
            (r"^/-/csv/(?P<database>[^/]+)/(?P<table>[^/]+)\.csv$", table_csv),
            (r"^/-/json/(?P<database>[^/]+)/(?P<table>[^/]+)\.json$", table_json)]


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
    facet_arg = re.compile(rb"(^|&)_facet=([^&]*)")

    def wrap(app):
        async def inner(scope, receive, send):
            path = scope.get("path", "") if scope.get("type") == "http" else ""
            if path.count("/") == 2 and re.search(r"/reports(\.json|\.csv)?$", path):
                qs = scope.get("query_string", b"")
                if facet_arg.search(qs):
                    # ?_facet=province repeats a facet the table already has: Datasette would count it twice
                    dbname = path.split("/")[1]
                    have = {c.encode() for c in _facet_columns(datasette, dbname, "reports")}
                    qs = b"&".join(p for p in qs.split(b"&") if not (
                        p.startswith(b"_facet=") and p[len(b"_facet="):] in have))
                if path.endswith("/reports") and not chosen.search(qs):
                    qs = (qs + b"&" + extra) if qs else extra
                scope = dict(scope, query_string=qs)
            await app(scope, receive, send)
        return inner
    return wrap


@hookimpl
def render_cell(value, column, table, database, datasette):
    if column in ("document_sha256", "sha256", "original") and isinstance(value, str) and _SHA.match(value):
        return Markup('<a href="{}" title="存档原件">原件 {}…</a>'.format(
            datasette.urls.path(f"/-/original/{value}"), escape(value[:10])))
    return None


# ----------------------------------------------------------------------------- search and facets
# A search for a common word matches a quarter of a million reports or more. Datasette would
# join those rows to the table once for the count, once for the page and once per facet
# (~1.2 s at a million reports). On a published (immutable) database the plugin instead matches
# the words once per request (ids kept on the request), counts the rows and every facet from
# memory (nianbao.facetindex), and gives SQLite a clause that finds one page cheaply: each row
# walked in page order is checked against the index (a few dozen lookups) for a common word,
# the matches are looked up for a rare one.
import contextvars  # noqa: E402

from datasette.database import Results  # noqa: E402
from datasette.facets import ColumnFacet  # noqa: E402
from datasette.filters import FilterArguments  # noqa: E402
from datasette.utils import escape_sqlite  # noqa: E402

_ENGINES: dict = {}
# underscore arguments that change neither the rows a facet counts nor the search
_NEUTRAL_ARGS = {"_search", "_searchmode", "_size", "_sort", "_sort_desc", "_col", "_nocol", "_labels",
                 "_label", "_shape", "_json", "_trace", "_nocount", "_nofacet", "_nosuggest", "_timelimit",
                 "_stream", "_dl", "_nl", "_context", "_extra", "_ttl", "_format", "_json_infinity", "_next"}
_COMMON_SHARE = 0.02   # a search matching more than this share of reports counts as common
# (count SQL prefix, clause, count, search, filters) of the request being served: its count query is answered from memory
_KNOWN_COUNT: contextvars.ContextVar = contextvars.ContextVar("nianbao_known_count", default=None)


def _search_config(datasette, database, table) -> dict | None:
    cfg = (datasette.plugin_config("nianbao", database=database) or {}).get("search") or {}
    return cfg.get(table)


def _facet_columns(datasette, database, table) -> tuple[str, ...]:
    facets = (datasette.table_metadata(database, table) or {}).get("facets") or []
    return tuple(f[PublishedColumnFacet.type] for f in facets if isinstance(f, dict) and PublishedColumnFacet.type in f)


def _answer_known_counts(db) -> None:
    """Datasette runs ``select count(*) from <table> where …`` after the page. When the plugin
    has already counted exactly those rows in memory, answer with that number instead."""
    if getattr(db, "_nianbao_counts", False):
        return
    real = db.execute

    async def execute(sql, params=None, *args, **kw):
        known = _KNOWN_COUNT.get()
        if known and sql.startswith(known[0]) and known[1] in sql and (params or {}).get("search") == known[3] \
                and sorted(str(v) for k, v in (params or {}).items() if k != "search") == sorted(v for _, v in known[4]):
            _KNOWN_COUNT.set(None)  # one answer per request
            return Results([(known[2],)], False, [("count(*)",)])
        return await real(sql, params, *args, **kw)

    db.execute = execute
    db._nianbao_counts = True


async def facet_index(datasette, db, table) -> FacetIndex | None:
    """The in-memory facet columns of ``table`` (immutable databases only), loaded once per file."""
    columns = _facet_columns(datasette, db.name, table)
    if db.is_mutable or not db.path or not columns:
        return None
    try:
        st = os.stat(db.path)
    except OSError:
        return None
    key = (db.path, st.st_mtime_ns, st.st_size, table, columns)
    if key not in _ENGINES:  # (two concurrent first loads only cost the work twice)
        if not await db.table_exists(table):
            return None
        for old in [k for k in _ENGINES if k[0] == db.path and k[3] == table]:
            del _ENGINES[old]  # an earlier state of the same file
        search_key = (_search_config(datasette, db.name, table) or {}).get("fts_pk", "rowid")
        _ENGINES[key] = await db.execute_fn(lambda conn: FacetIndex.load(conn, table, columns, search_key))
        _answer_known_counts(db)
    return _ENGINES[key]


@hookimpl
def startup(datasette):
    async def inner():  # load the facet columns before the first request instead of during it
        for db in list(datasette.databases.values()):
            if db.name.startswith("_") or db.is_mutable:
                continue
            for table in ((datasette.plugin_config("nianbao", database=db.name) or {}).get("search") or {}):
                await facet_index(datasette, db, table)
            # Datasette counts every table of an immutable database once, at its first page
            # (seconds at a million reports with a cold cache): do it before anyone waits
            await db.table_counts(limit=120_000)
    return inner


def _memory_rows_spec(request, datasette, database, table, columns):
    """What the request's rows are, if memory can tell: ``(filters, after)`` — equality filters on
    facet columns and, on page 2+ of a table sorted by its key, the last id of the previous page
    (Datasette counts facets over the rows after it). None when some argument means something
    else (other filters, ``_where``, ``_search_<column>``, a cursor of another sort order)."""
    filters, after = [], None
    meta = datasette.table_metadata(database, table) or {}
    for key in request.args:
        values = request.args.getlist(key)
        if key.startswith("_") and "__" not in key:  # Datasette's own arguments (a "__" makes a filter)
            if key not in _NEUTRAL_ARGS and key not in ("_facet", "_facet_size", "_facet_array", "_facet_date"):
                return None
            continue
        column = key[:-len("__exact")] if key.endswith("__exact") else key
        if column not in columns or "__" in column:
            return None
        filters += [(column, v) for v in values]
    nxt = request.args.get("_next")
    if nxt:
        sorted_by_key = not (request.args.get("_sort") or request.args.get("_sort_desc")
                             or meta.get("sort") or meta.get("sort_desc"))
        if not sorted_by_key or not re.fullmatch(r"-?[0-9]+", nxt):  # ASCII digits: what SQLite reads as a number
            return None
        after = int(nxt)
    return filters, after


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    cfg = _search_config(datasette, database, table)
    if not cfg:
        return None

    async def inner():
        db = datasette.get_database(database)
        fts = escape_sqlite(cfg["fts_table"])
        pk = escape_sqlite(cfg.get("fts_pk", "rowid"))
        raw = request.args.get("_searchmode") == "raw"
        match = ":{}" if raw else "cjk_query(:{})"
        extra = {"supports_search": True}
        where, params, human = [], {}, []
        _KNOWN_COUNT.set(None)  # nothing from an earlier request in this task
        search = (request.args.get("_search") or "").strip()
        if search:
            in_clause = f"{pk} in (select rowid from {fts} where {fts} match {match.format('search')})"
            engine = await facet_index(datasette, db, table)
            spec = engine and _memory_rows_spec(request, datasette, database, table, engine.columns)
            ids = None
            if engine is not None:
                expr = search if raw else fts_query(search)
                try:
                    ids = await db.execute_fn(lambda conn: match_ids(conn, cfg["fts_table"], expr))
                except Exception:  # an invalid raw FTS5 expression: let SQL report it
                    ids = None
                request.scope["nianbao.search"] = (search, raw, ids)
            common = ids is not None and len(ids) > max(2000, _COMMON_SHARE * int(engine.exists.sum()))
            counted = not (request.args.get("_nocount") or request.args.get("_shape") in ("array", "object"))
            if common and spec is not None and not any(k.startswith("_search_") for k in request.args):
                # memory counts the rows; the page needs only rows walked in page order, each
                # checked against the index by its id (a few dozen index lookups)
                clause = (f"exists (select 1 from {fts} where {fts}.rowid = {escape_sqlite(table)}.{pk} "
                          f"and {fts} match {match.format('search')})")
                if counted:  # Datasette will ask for the count: it is already known
                    rows = engine.select(ids, spec[0])
                    _KNOWN_COUNT.set((f"select count(*) from {escape_sqlite(table)} ", clause, int(len(rows)),
                                      search, tuple(sorted((k, v) for k, v in spec[0]))))
                where.append(clause)
            elif common:  # SQL counts: walking the table in page order still meets a match every few rows
                where.append(f"likelihood({in_clause}, 0.5)")
            else:  # a rare word: look each match up
                where.append(in_clause)
            params["search"] = search
            extra["search"] = search
            human.append(f'search matches "{search}"')
        for key in request.args:  # ?_search_title=… searches one column of the index
            if key.startswith("_search_") and request.args[key].strip():
                column = key[len("_search_"):]
                if column not in await db.table_columns(cfg["fts_table"]):
                    from datasette.utils.asgi import BadRequest
                    raise BadRequest("Cannot search by that column")
                name = f"search_{len(params)}"
                where.append(f"{pk} in (select rowid from {fts} where {escape_sqlite(column)} match {match.format(name)})")
                params[name] = request.args[key]
                extra["search"] = request.args[key]
                human.append(f'search column "{column}" matches "{request.args[key]}"')
        return FilterArguments(where, params, human, extra)

    return inner


class _Rows(list):
    @property
    def rows(self):
        return self


class _CountsDs:
    """Stands in for Datasette inside ColumnFacet.facet_results: answers its one facet query from
    counts already made, so the facet's JSON and links are exactly Datasette's."""

    def __init__(self, ds, counts):
        self._ds, self._counts = ds, counts

    def __getattr__(self, name):
        return getattr(self._ds, name)

    async def execute(self, database, sql, params=None, **kw):
        return _Rows({"value": v, "count": n} for v, n in self._counts)


class PublishedColumnFacet(ColumnFacet):
    """Datasette's column facet; on an immutable database counted from memory when the rows are
    the search and/or equality filters on facet columns."""

    type = "published"

    async def _rows_from_memory(self):
        if self.table is None:
            return None, None
        db = self.ds.get_database(self.database)
        engine = await facet_index(self.ds, db, self.table)
        if engine is None:
            return None, None
        spec = _memory_rows_spec(self.request, self.ds, self.database, self.table, engine.columns)
        if spec is None or any(k.startswith("_search_") for k in self.request.args):
            return None, None
        filters, after = spec
        search = (self.request.args.get("_search") or "").strip()
        ids = None
        if search:
            found = self.request.scope.get("nianbao.search")
            if not found or found[0] != search or found[2] is None:
                return None, None
            ids = found[2]
        rows = await db.execute_fn(lambda conn: engine.select(ids, filters))
        if after is not None:
            rows = rows[rows > after]
        return engine, rows

    async def facet_results(self):
        configs = self.get_configs()
        if not configs:
            return [], []
        engine, rows = await self._rows_from_memory()
        if engine is None:
            return await super().facet_results()
        size = self.get_facet_size()
        results, timed_out = [], []
        real, orig = self.ds, self.get_configs
        for cfg in configs:
            column = cfg["config"].get("column") or cfg["config"]["simple"]
            if column not in engine.columns:
                self.ds = real
            else:
                self.ds = _CountsDs(real, engine.counts(rows, column, size + 1))
            self.get_configs = lambda cfg=cfg: [cfg]
            try:
                r, t = await super().facet_results()
            finally:
                self.ds, self.get_configs = real, orig
            results += r
            timed_out += t
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [PublishedColumnFacet]
