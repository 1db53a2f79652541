"""Bulk downloads of whole tables: ``/-/csv/<database>/<table>.csv`` (the file ``publish`` wrote
while it still matches the database, else streamed live) and ``/-/json/<database>/<table>.json``
(a streamed JSON array; ``?_nl=1`` JSON Lines)."""
from __future__ import annotations

import os
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response

from nianbao import downloads


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
        raise NotFound("no such database") from None
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
    return [(r"^/-/csv/(?P<database>[^/]+)/(?P<table>[^/]+)\.csv$", table_csv),
            (r"^/-/json/(?P<database>[^/]+)/(?P<table>[^/]+)\.json$", table_json)]
