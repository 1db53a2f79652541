"""The archived originals in Datasette: ``/-/original/<sha256>`` serves a document's bytes with the
content type recorded in ``documents`` (sandboxed: archived HTML cannot run scripts on this
site), and ``document_sha256`` / ``sha256`` / ``original`` cells link to it."""
from __future__ import annotations

import os
import re
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

_SHA = re.compile(r"^[0-9a-f]{64}$")
_MEDIUM_TYPES = {
    "html": "text/html; charset=utf-8", "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel", "wps": "application/vnd.ms-works", "ofd": "application/ofd",
    "txt": "text/plain; charset=utf-8", "jpg": "image/jpeg", "png": "image/png",
}


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



@hookimpl
def render_cell(value, column, table, database, datasette):
    if column == "原件位置" and isinstance(value, str) and value.startswith("/-/original/"):
        return Markup('<a href="{}">打开原件{}</a>'.format(
            escape(datasette.urls.path(value)), escape(" 第" + value.split("#page=")[1] + "页") if "#page=" in value else ""))
    if column in ("document_sha256", "sha256", "original") and isinstance(value, str) and _SHA.match(value):
        return Markup('<a href="{}" title="存档原件">原件 {}…</a>'.format(
            datasette.urls.path(f"/-/original/{value}"), escape(value[:10])))
    return None




@hookimpl
def register_routes():
    return [(r"^/-/original/(?P<sha>[0-9a-fA-F]{64})$", original)]
