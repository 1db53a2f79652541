"""Chinese search and fast facets in Datasette.

- Search (``filters_from_request``): the search box of a table configured under
  ``plugins.nianbao.search`` (the reports table, over ``reports_fts``) finds two-character words
  through the bigram index of :mod:`nianbao.search`; on a published (immutable) database the
  words are matched once per request and the SQL is shaped by how many reports matched.
  Registers ``cjk_query(text)`` and ``cjk_index_text(text)`` for SQL and canned queries.
- Facets (``published`` facet type): on an immutable database the facets of the reports page
  are counted from memory (:mod:`nianbao.facetindex`) for searches and facet filters; anything
  else is Datasette's own column facet."""
from __future__ import annotations

import contextvars
import os
import re

from datasette import hookimpl
from datasette.database import Results
from datasette.facets import ColumnFacet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

from nianbao.facetindex import FacetIndex, match_ids
from nianbao.search import fts_query, index_text


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("cjk_query", 1, fts_query, deterministic=True)
    conn.create_function("cjk_index_text", 1, index_text, deterministic=True)



# ----------------------------------------------------------------------------- search and facets
# A search for a common word matches a quarter of a million reports or more. Datasette would
# join those rows to the table once for the count, once for the page and once per facet
# (~1.2 s at a million reports). On a published (immutable) database the plugin instead matches
# the words once per request (ids kept on the request), counts the rows and every facet from
# memory (nianbao.facetindex), and gives SQLite a clause that finds one page cheaply: each row
# walked in page order is checked against the index (a few dozen lookups) for a common word,
# the matches are looked up for a rare one.

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


def facet_columns(datasette, database, table) -> tuple[str, ...]:
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
    columns = facet_columns(datasette, db.name, table)
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
