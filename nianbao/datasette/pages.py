"""How the pages read: the column labels kept compact and charts at a readable size (CSS), the
reports page showing its main columns unless the URL chooses (``?_col=`` / ``?_nocol=``), a facet
asked twice counted once."""
from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils.asgi import Response

from nianbao.datasette.search import facet_columns


CSS = """
/* nianbao: ~350 field columns each carry their Chinese label; keep that list compact */
dl.column-descriptions { max-height: 11em; overflow-y: auto; columns: 22em auto; column-gap: 2em;
  border: 1px solid #ddd; padding: 0.5em; font-size: 0.85em; }
dl.column-descriptions dt { break-after: avoid; margin-top: 0.2em; }
dl.column-descriptions dd { margin-left: 1em; break-before: avoid; }
/* datasette-vega draws a 200-pixel chart with 20-pixel bars: twice that is readable */
.vega-embed { zoom: 2; }
"""


async def css(request):
    return Response(CSS, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/nianbao.css")]



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
                    have = {c.encode() for c in facet_columns(datasette, dbname, "reports")}
                    qs = b"&".join(p for p in qs.split(b"&") if not (
                        p.startswith(b"_facet=") and p[len(b"_facet="):] in have))
                if path.endswith("/reports") and not chosen.search(qs):
                    qs = (qs + b"&" + extra) if qs else extra
                scope = dict(scope, query_string=qs)
            await app(scope, receive, send)
        return inner
    return wrap




@hookimpl
def register_routes():
    return [(r"^/-/nianbao\.css$", css)]
