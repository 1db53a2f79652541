"""Chinese search and in-memory facets.

- ``nianbao.search``: every piece of an indexed text is found by the query made from it (real
  FTS5, random texts mixing Chinese, digits, Latin letters and punctuation), and punctuation
  separates words.
- The nianbao plugin on a published (immutable) database counts facets from memory and shapes
  the search SQL by the number of matches; on a mutable database Datasette does everything in
  SQL. Both must give the same page: rows, count and every facet, for every kind of request.
"""
from __future__ import annotations

import asyncio
import random
import re
import sqlite3

import pytest

from nianbao.search import _CJK_CLASS, _RUN, fts_query, index_text, search_ids


# what unicode61 keeps together outside Chinese runs: letters and digits (a query never cuts one)
_SEGMENT = re.compile(f"[{_CJK_CLASS}]+|[^\\W_{_CJK_CLASS}]+")


def _fts(texts):
    c = sqlite3.connect(":memory:")
    c.execute("create virtual table f using fts5(body, tokenize='unicode61')")
    c.executemany("insert into f (rowid, body) values (?, ?)", [(i, index_text(t)) for i, t in enumerate(texts)])
    return c


def test_every_piece_of_a_text_is_found():
    rng = random.Random(7)
    alphabet = list("复议公安局行政诉讼年度申请") + list("ab3 ，、。-") + ["2023", "Xyz"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(500)]
    c = _fts(texts)
    queries = 0
    for i, text in enumerate(texts):
        # Latin words and numbers are tokens (as in any FTS): a query never cuts one in two
        inside = set()
        for m in _SEGMENT.finditer(text):
            if not _RUN.fullmatch(m.group()):
                inside.update(range(m.start() + 1, m.end()))
        for _ in range(6):
            a = rng.randrange(len(text))
            b = rng.randint(a + 1, min(len(text), a + 7))
            piece = text[a:b]
            if a in inside or b in inside or not _SEGMENT.search(piece):
                continue
            queries += 1
            hits = {r[0] for r in c.execute("select rowid from f where f match ?", [fts_query(piece)])}
            assert i in hits, (text, piece, fts_query(piece), index_text(text))
    assert queries > 1500


def test_words_not_in_the_text_are_not_found():
    c = _fts(["本机关复议、诉讼情况", "恢复办学秩序，审议通过", "公安局2023年度报告", "行政复议情况"])
    def found(q):
        return [r[0] for r in c.execute("select rowid from f where f match ? order by rowid", [fts_query(q)])]
    assert found("复议") == [0, 3]          # 恢复…审议 has both characters, not the word
    assert found("复议诉讼") == []           # punctuation ends a word
    assert found("复议、诉讼") == [0]
    assert found("行政复议") == [3]
    assert found("2023年度") == [2] and found("2023年") == [2] and found("局2023") == [2]
    assert found("复") == [0, 1, 3]         # one character: anywhere in a run, last place included
    assert found("议") == [0, 1, 3]
    assert found("复议 OR 审议") == [0, 1, 3]
    assert found("复议 NOT 诉讼") == [3]


# ----------------------------------------------------------------------------- facets in memory
def _get(ds, path):
    async def go():
        return await ds.client.get(path)
    return asyncio.run(go())


def _page(ds, qs):
    r = _get(ds, f"/gen/reports.json?_col=title&_size=20&{qs}")
    assert r.status_code == 200, (qs, r.text[:500])
    d = r.json()
    facets = {name: [(v["value"], v["count"], v["selected"], v["toggle_url"].split("/gen/", 1)[1])
                     for v in f["results"]] for name, f in d["facet_results"].items()}
    return {"count": d["filtered_table_rows_count"], "rows": [r[0] for r in d["rows"]], "facets": facets,
            "human": d.get("human_description_en")}


@pytest.mark.parametrize("qs", [
    "",
    "_search=复议",
    "_search=公安",
    "_search=申请",                          # in every report: the "common word" SQL
    "_search=申请&province=广东省",
    "_search=冷水滩",                        # rare
    "_search=复",                            # one character
    "_search=复议 OR 诉讼",
    "_search=行政复议 公安",
    "_search=不存在的词",                    # nothing
    "_search=复议&province=广东省",
    "_search=公安&province=广东省&year=2023",
    "_search=公安&year__exact=2022",
    "_search=复议&checks_failed=1",
    "province=湖南省&level=部门",
    "year=2021&format=2021",
    "_search=复议&_facet=province&_facet=year",  # repeats facets the table already has
    "_search=复议&req_new_total__gt=5",     # not a facet filter: SQL path on both sides
    "_search=复议&_sort_desc=year",
    "_search=申请&_sort_desc=year",
    "_search=申请&_next=1200",               # page 2+: facets over the rows after the cursor
    "_search=申请&province=广东省&_next=900",
    "_search=申请&_sort=year&_next=2021,1500",
    "_search=申请&req_new_total__gt=5",
    "_searchmode=raw&_search=复议 OR 诉讼",
    "_search_title=人民政府",
])
def test_memory_facets_equal_sql_facets(pair, qs):
    immutable, mutable = pair
    got, want = _page(immutable, qs), _page(mutable, qs)
    if "_sort" in qs:  # rows tied on the sort column come in either order
        got["rows"], want["rows"] = len(got["rows"]), len(want["rows"])
    assert got == want
    if qs:
        assert want["facets"], "every request shows the table's facets"


def test_search_counts_match_the_index(pair, generated):
    immutable, _ = pair
    for word in ("复议", "公安", "冷水滩", "复"):
        page = _page(immutable, f"_search={word}")
        assert page["count"] == len(search_ids(generated, word)) > 0
        assert sum(c for _, c, _, _ in page["facets"]["year"]) == page["count"]


def test_facet_toggle_links_select_and_unselect(pair):
    immutable, _ = pair
    page = _page(immutable, "_search=公安&province=广东省")
    gd = [v for v in page["facets"]["province"] if v[0] == "广东省"]
    assert gd and gd[0][2] is True and "province=" not in gd[0][3]
    assert len(page["facets"]["province"]) == 1


def _sql_run(ds, path):
    from datasette.tracer import capture_traces

    traces = []

    async def go():
        with capture_traces(traces):
            r = await ds.client.get(path)
        assert r.status_code == 200
    asyncio.run(go())
    return [t["sql"] for t in traces if "sql" in t]


def test_published_database_counts_facets_in_memory(pair):
    immutable, mutable = pair
    def facet_sql(sqls):
        return [s for s in sqls if "count(*) as count" in s]
    for qs in ("_search=复议", "_search=申请&province=广东省", "province=湖南省", ""):
        assert facet_sql(_sql_run(mutable, f"/gen/reports?{qs}")), qs      # Datasette: one query per facet
        assert not facet_sql(_sql_run(immutable, f"/gen/reports?{qs}")), qs  # plugin: from memory
    # a filter the memory columns cannot answer goes to SQL on both
    assert facet_sql(_sql_run(immutable, "/gen/reports?_search=复议&req_new_total__gt=5"))
    # the search SQL follows the number of matches: a common word is checked row by row in page
    # order and its count comes from memory; a rare word's matches are looked up
    common = _sql_run(immutable, "/gen/reports?_search=申请")
    assert any("exists (select 1 from reports_fts" in q for q in common)
    assert not [q for q in common if q.startswith("select count(*)")]
    common_filtered = _sql_run(immutable, "/gen/reports?_search=申请&province=广东省")
    assert not [q for q in common_filtered if q.startswith("select count(*)")]
    rare = " ".join(_sql_run(immutable, "/gen/reports?_search=冷水滩"))
    assert "exists (" not in rare and "search_id in (select rowid" in rare
    other = _sql_run(immutable, "/gen/reports?_search=申请&req_new_total__gt=5")
    assert [q for q in other if q.startswith("select count(*)") and "likelihood(" in q]
