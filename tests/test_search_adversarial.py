"""Adversarial tests of Chinese search, in-memory facets/counts and the prebuilt CSV download.

Tests whose docstring starts with "Was a bug" state an input that once went wrong and what went
wrong; the others guard the behaviour against regressions.

Parts:
  A. nianbao.search: tokenizer/query pair against nasty inputs (real FTS5).
  B. The plugin on an immutable database (memory) vs mutable (pure SQL): same rows/count/facets.
  C. The count-answering execute wrapper (_KNOWN_COUNT).
  D. /-/csv/<db>/<table>.csv: a stale prebuilt file must never be served.
"""
from __future__ import annotations

import asyncio
import csv
import io
import random
import re
import sqlite3
from urllib.parse import quote

import pytest

from nianbao.search import _CJK_CLASS, _RUN, fts_query, index_text

from .test_search import _get


# ============================================================================ A. tokenizer
# what unicode61 keeps together outside Chinese runs: letters and digits (a query never cuts one)
_SEGMENT = re.compile(f"[{_CJK_CLASS}]+|[^\\W_{_CJK_CLASS}]+")


def _fts(texts):
    c = sqlite3.connect(":memory:")
    c.execute("create virtual table f using fts5(title, agency, body, tokenize='unicode61')")
    c.executemany("insert into f (rowid, title, agency, body) values (?, '', '', ?)",
                  [(i, index_text(t)) for i, t in enumerate(texts)])
    return c


def _hits(c, query):
    return {r[0] for r in c.execute("select rowid from f where f match ?", [fts_query(query)])}


def test_fuzzed_queries_never_give_fts5_syntax_errors():
    """Regression: 100k random queries of FTS5 syntax characters, operators, column filters,
    NEAR, quotes, kana, full-width, Kangxi radicals, private use, combining marks, emoji, Ext B."""
    c = _fts(["行政复议 abc OR NEAR"])
    alpha = list('复议行政"*():-^+{}., \t\n，。、 title:body:a1２Ａ⼀・\ue000\u0301😀𠀀_\\\'[]@#$%&!?~`|<>=')
    alpha += ["OR", "AND", "NOT", "NEAR(", '""', "*", "^", " OR ", " NOT ", " AND "]
    rng = random.Random(11)
    for _ in range(100_000):
        q = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 12)))
        c.execute("select count(*) from f where f match ?", [fts_query(q)]).fetchone()


@pytest.mark.parametrize("q", [
    "", " ", "\u3000", "\t\n", "OR", "AND", "NOT", "OR OR", "AND 复议", "复议 AND", "NOT 复议", "复议 NOT",
    '"', '""', '"""', '"复议', '复议"', '"复议" "', "*", "**", "复*", "*复", "复议*", "title:复议", "{title}:复议",
    "-复议", "^复议", "+复议", "NEAR(复议 诉讼, 5)", "NEAR(复议", "(复议", "复议)", "((", "复议 OR (诉讼 AND 公安)",
    "⼀", "・", "゠", "\ue000", "😀", "\u0301", "𠀀", "𠀀𠀁", "ガ", "ｶﾞ", "２０２３年", "ＡＢＣ复议", "〇", "々",
    "复" * 3000, "a" * 5000, " ".join(["复议"] * 500), " OR ".join(["复议"] * 200), "复议 OR" * 50,
])
def test_nasty_queries_are_valid_fts5(q):
    """Regression: no syntax error from fts_query's output for hand-picked nasty queries."""
    c = _fts(["行政复议"])
    c.execute("select count(*) from f where f match ?", [fts_query(q)]).fetchone()


def test_every_piece_is_found_with_a_wider_alphabet():
    """Regression: the claimed property with kana, full-width letters/digits, Ext B, emoji,
    〇, repeated characters and unusual punctuation in the texts."""
    rng = random.Random(3)
    alphabet = (list("复复复议议公安行政") + list("ガカきゃー") + ["𠀀", "𠀁", "２", "Ａ", "ｂ", "〇", "😀", "a", "3"]
                + list(" ，、。-·…—「」（）") + ["2023", "Xyz"])
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25))) for _ in range(400)]
    c = _fts(texts)
    n = 0
    for i, text in enumerate(texts):
        inside = set()
        for m in _SEGMENT.finditer(text):
            if not _RUN.fullmatch(m.group()):
                inside.update(range(m.start() + 1, m.end()))
        for _ in range(8):
            a = rng.randrange(len(text))
            b = rng.randint(a + 1, min(len(text), a + 8))
            piece = text[a:b]
            if a in inside or b in inside or not _SEGMENT.search(piece):
                continue
            n += 1
            assert i in _hits(c, piece), (text, piece, fts_query(piece), index_text(text))
    assert n > 1000


@pytest.mark.parametrize("text,piece", [
    ("abc\ue000def", "abc\ue000def"),        # private-use char (common in PDF-extracted text) inside a Latin word
    ("复\ue000议", "复\ue000议"),            # … between Chinese characters
    ("行政复议\ue000情况", "复议\ue000情况"),
    ("2023\uf0b7年", "2023\uf0b7年"),         # a Wingdings bullet mapped to the PUA, after a number
    ("cafe\u0301s", "cafe\u0301s"),          # decomposed é (combining acute, NFD text)
    ("ab\U0001F3FBcd", "ab\U0001F3FBcd"),    # emoji skin-tone modifier
    ("复\u20bd议", "复\u20bd议"),            # ₽ (assigned after Unicode 6.1: a token character to unicode61)
])
def test_unicode61_token_chars_that_python_splits_on(text, piece):
    """Was a bug: characters unicode61 keeps inside a token (private use Co, combining marks Mn/Mc,
    code points unassigned in Unicode 6.1 …) are neither CJK nor ``[^\\W_]`` to Python, so
    ``_SEGMENT`` drops them from the query while the index keeps them: the whole text, queried
    verbatim, is not found. e.g. 'abc\\ue000def' → query '"abc def"', index token 'abc\\ue000def'."""
    c = _fts([text])
    assert 0 in _hits(c, piece), (fts_query(piece), index_text(text))


def test_cjk_extension_g_is_not_cjk():
    """Was a bug: CJK Extension G/H (U+30000–U+323AF, e.g. 𰻞 U+30EDE of 𰻞𰻞面) is outside _CJK_CLASS,
    so a run of them is one "Latin word" token: 𰻞面 is not found in 𰻞𰻞面."""
    c = _fts(["𰻞𰻞面"])
    assert 0 in _hits(c, "𰻞面"), (fts_query("𰻞面"), index_text("𰻞𰻞面"))


def test_lone_kangxi_radical_is_never_found():
    """Was a bug (minor): Kangxi radicals (U+2F00–U+2FDF, which PDF extraction often yields for 人, 一 …)
    are in _CJK_CLASS but unicode61 drops them (category So): the piece ⼈ of ⼈民政府 gives the
    query '"⼈" *', an empty phrase that matches nothing."""
    c = _fts(["⼈民政府"])
    assert 0 in _hits(c, "⼈")


@pytest.mark.parametrize("text,quoted", [
    ("行 政 复 议", '"行 政 复 议"'),   # PDF text with a space between every character
    ("行政 复议", '"行政 复议"'),
])
def test_quoted_phrase_copied_from_spaced_text_is_not_found(text, quoted):
    """Was a bug: a quoted phrase drops spaces between Chinese characters (_CJK_SPACE) but the index
    keeps them, so a phrase copied verbatim from the text (with its spaces) is NOT found, while
    the same words unquoted are. '"行 政 复 议"' → '"行政 政复 复议"' vs index '行 政 复 议'."""
    c = _fts([text])
    assert 0 in _hits(c, quoted.strip('"'))   # unquoted: found
    assert 0 in _hits(c, quoted), (fts_query(quoted), index_text(text))


@pytest.mark.parametrize("query,expected", [
    ("复议 OR ！ OR 诉讼", '"复议" OR "诉讼"'),
    ("！ OR 复议", '"复议"'),
])
def test_operator_next_to_a_dropped_word_becomes_a_literal_word(query, expected):
    """Was a bug: when a word has no letters (！, emoji …) it is dropped, and a following OR/AND/NOT
    then becomes the literal word "OR": '复议 OR ！ OR 诉讼' → '"复议" OR "OR" "诉讼"' (finds only
    texts containing the Latin word "or"); '！ OR 复议' → '"OR" "复议"' finds nothing."""
    c = _fts(["诉讼", "复议"])
    assert _hits(c, query) == {r[0] for r in c.execute("select rowid from f where f match ?", [expected])}, \
        fts_query(query)


# ============================================================================ B. memory vs SQL
def _page(ds, qs, name="gen"):
    r = _get(ds, f"/{name}/reports.json?_col=title&_size=20&{qs}")
    if r.status_code != 200:
        return {"status": r.status_code}
    d = r.json()
    facets = {n: [(v["value"], v["count"], v["selected"]) for v in f["results"]]
              for n, f in d["facet_results"].items()}
    return {"status": 200, "count": d["filtered_table_rows_count"], "rows": [x[0] for x in d["rows"]],
            "facets": facets}


SAME = [
    "_search=申请&year=2023.0",
    "_search=申请&year=%202023",
    "_search=申请&year=2023%20",
    "_search=申请&year=+2023",
    "_search=申请&year=2023e0",
    "_search=申请&year=.2023e4",
    "_search=申请&year=0x7E7",
    "_search=申请&year=nan",
    "_search=申请&year=inf",
    "_search=申请&province=",
    "province=",
    "_search=申请&province=广东省&province=湖南省",
    "_search=申请&province=广东省&province=广东省",
    "_search=申请&province__exact=广东省",
    "_search=申请&province=广东省&province__exact=广东省",
    "_search=申请&_facet_size=max",
    "_facet_size=max",
    "_search=申请&_size=max",
    "_search=申请&_size=0",
    "_search=申请&_next=20",
    "_search=申请&_next=20&_size=5",
    "_search=申请&_next=3999",
    "_search=申请&_next=-5",
    "_search=申请&_next=0020",
    "_search=申请&_next=99999999999999999999999",
    "_search=复议&_next=500&province=湖南省",
    "_search=申请&_sort=id",
    "_search=申请&_sort_desc=id&_next=2000",
    "_searchmode=raw&_search=复议%20AND%20(",      # invalid FTS5: same error status both sides
    "_searchmode=raw&_search=申请",
    "_searchmode=raw&_search=title:申请",
    "_search=",
    "_search=%20",
    "_search=！",
    "_search=OR",
    "_search=申请&_where=1=1",
    "_search=申请&_where=year=2019",
    "_search=申请&_search_title=",
    "_search=申请&_search_title=人民政府",
    "_search=申请&checks_failed__gt=0",
    "_search=申请&checks_failed=1",
    "_search=申请&_search=复议",
    "_search=申请&_nocount=1",
    "_search=申请&_facetx__gt=1",
    "_search=申请&_facet=level&_facet=level",
    "_search=申请&_facet=agency",
    "_search=申请&_facet_published=agency",
    "_search=申请&_filter_column=province&_filter_op=exact&_filter_value=广东省",
    "_search=申请&level=%E9%83%A8%E9%97%A8",
]


@pytest.mark.parametrize("qs", SAME)
def test_memory_equals_sql_for_unusual_requests(pair, qs):
    """Regression: immutable (memory) and mutable (SQL) give the same status, rows, count, facets."""
    immutable, mutable = pair
    got, want = _page(immutable, qs), _page(mutable, qs)
    if "_sort" in qs and got.get("rows") is not None and want.get("rows") is not None:
        got["rows"], want["rows"] = len(got["rows"]), len(want["rows"])
    assert got == want


@pytest.mark.parametrize("qs", [
    "_search=申请&year=2_023",                               # float('2_023') == 2023.0; SQLite: text
    "year=2_023",
    "_search=申请&year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93",  # full-width ２０２３: float() accepts it
    "year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93",
    "_search=申请&year=%E3%80%802023",                       # ideographic space: float() strips it
    "_search=申请&year=%C2%A02023",                          # no-break space
])
def test_numeric_filter_values_python_float_accepts_but_sqlite_does_not(pair, qs):
    """Was a bug: facetindex.sql_equal uses Python float(), which accepts '2_023', full-width or
    Arabic-Indic digits and Unicode whitespace; SQLite's numeric affinity does not. Memory then
    selects all 2023 reports while SQL selects none: on the memory path the count (answered from
    memory for a common word) is 667 with 0 rows, and the facets list 667 reports."""
    immutable, mutable = pair
    assert _page(immutable, qs) == _page(mutable, qs)


@pytest.mark.parametrize("qs", [
    "_search=申请&_next=%EF%BC%92%EF%BC%90",    # _next=２０ (full-width digits)
    "_next=%EF%BC%92%EF%BC%90",
])
def test_next_cursor_with_unicode_digits(pair, qs):
    """Was a bug: _memory_rows_spec accepts any str.isdigit() cursor and int()s it; '２０' is 20 for
    Python but SQLite compares id > '２０' (text) → no rows. Facets: memory counts rows > 20,
    SQL counts nothing."""
    immutable, mutable = pair
    assert _page(immutable, qs) == _page(mutable, qs)


@pytest.mark.parametrize("qs", ["_search=申请&_next=%C2%B2", "_next=%C2%B2"])
def test_next_cursor_superscript_digit_is_a_500(pair, qs):
    """Was a bug: '²'.isdigit() is True but int('²') raises ValueError → HTTP 500 on the published
    (immutable) database (mutable: 200, no rows). nianbao.datasette.search._memory_rows_spec."""
    immutable, mutable = pair
    assert _page(mutable, qs)["status"] == 200
    assert _page(immutable, qs)["status"] == 200


@pytest.mark.parametrize("qs", ["_search=申请&_facet__exact=zzz", "_facet__exact=zzz",
                                "_search=复议&_facet_size__exact=zzz"])
def test_underscore_facet_prefixed_filter_is_ignored_by_memory(pair, qs):
    """Was a bug: Datasette treats ``_facet__exact=zzz`` (underscore key containing "__") as a filter
    on column "_facet" (→ '"_facet" = 'zzz'', a string literal: no rows), but
    _memory_rows_spec skips every key starting with "_facet". Memory counts/facets all rows:
    count 4000 (answered by the wrapper) with 0 rows."""
    immutable, mutable = pair
    assert _page(immutable, qs) == _page(mutable, qs)


@pytest.fixture(scope="module")
def odd_pair(generated, tmp_path_factory):
    """A copy with NULL, empty, text and real values in the facet columns."""
    from nianbao.serve import make_datasette

    db = tmp_path_factory.mktemp("odd") / "odd.db"
    src = sqlite3.connect(generated)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.executescript("""
        update reports set year = null where id % 37 = 0;
        update reports set province = null where id % 41 = 0;
        update reports set level = null where id % 43 = 0;
        update reports set year = 'unknown' where id % 53 = 0;
        update reports set year = 2023.5 where id % 59 = 0;
        update reports set province = '' where id % 61 = 0;
        update reports set checks_failed = null where id % 67 = 0;
    """)
    dst.commit()
    dst.close()
    return make_datasette(db), make_datasette(db, immutable=False)


@pytest.mark.parametrize("qs", [
    "", "_search=申请", "_search=复议", "_search=申请&province=", "province=", "_search=申请&year=unknown",
    "year=unknown", "_search=申请&year=2023.5", "_search=申请&year__exact=2023.50", "_search=申请&year=2023",
    "_search=申请&checks_failed=0", "_search=申请&_facet_size=max", "_facet_size=max", "_search=复议&level=部门",
    "_search=申请&_next=1000&_facet_size=3",
])
def test_null_and_mixed_type_facet_values(odd_pair, qs):
    """Regression: NULLs, '' and mixed INTEGER/REAL/TEXT values in facet columns."""
    immutable, mutable = odd_pair
    assert _page(immutable, qs, "odd") == _page(mutable, qs, "odd")


def test_report_reparsed_after_publish_keeps_its_id_but_loses_search_id(tmp_path):
    """Was a bug: memory matches FTS rowids against reports' rowid (id); SQL matches them against
    ``search_id``. A report re-recorded after publish (Store.record_report deletes and inserts:
    the newest report gets its id back, search_id NULL) is counted in the memory facets but not
    in the SQL rows/facets until the next publish."""
    from nianbao.benchdb import SAMPLE, _fields, build_sample
    from nianbao.publish import publish
    from nianbao.serve import make_datasette
    from store.writes import Store

    db = tmp_path / "nianbao.db"
    build_sample(db, tmp_path / "archive")
    publish(db)
    s = Store(db)
    url, sha = s.db.execute("select document_url, document_sha256 from reports where id = 5").fetchone()
    agency, year, fmt, values, _, _ = SAMPLE[4]
    rid = s.record_report({"format": fmt, "year": year, "title": f"{agency}{year}年政府信息公开工作年度报告",
                           "agency": agency, "fields": _fields(fmt, **values), "checks": [], "notes": [],
                           "inferred": {}}, document_url=url, document_sha256=sha)
    s.db.conn.close()
    assert rid == 5
    immutable, mutable = make_datasette(db), make_datasette(db, immutable=False)
    got, want = _page(immutable, "_search=教育部", "nianbao"), _page(mutable, "_search=教育部", "nianbao")
    assert got == want


# ============================================================================ C. count wrapper
def test_concurrent_requests_get_their_own_counts(pair):
    """Regression: interleaved requests (asyncio.gather) each get their own count."""
    immutable, mutable = pair
    qss = ["_search=申请&province=广东省", "_search=申请&province=湖南省", "_search=申请", "_search=公安&year=2023",
           "_search=申请&year=2019", "_search=申请&level=部门", "_search=复议", "_search=申请&_next=100"]
    want = [_page(mutable, q)["count"] for q in qss]

    async def go():
        rs = await asyncio.gather(*[immutable.client.get(f"/gen/reports.json?_size=1&{q}") for q in qss * 3])
        return [r.json()["filtered_table_rows_count"] for r in rs]
    assert asyncio.run(go()) == want * 3


def test_sequential_requests_in_one_task_get_their_own_counts(pair):
    """Regression: several table requests in one asyncio task (ds.client) – each its own count,
    also after requests whose count was never run (_nocount, _shape=array)."""
    immutable, mutable = pair
    qss = ["_search=申请&province=广东省&_nocount=1", "_search=申请&province=湖南省", "_search=申请&_shape=array",
           "_search=申请&year=2019", "_search=申请&req_new_total__gt=5", "_search=申请"]
    counted = [q for q in qss if "_nocount" not in q and "_shape" not in q]
    want = [_page(mutable, q)["count"] for q in counted]

    async def go():
        out = []
        for q in qss:
            r = await immutable.client.get(f"/gen/reports.json?_size=1&{q}")
            if q in counted:
                out.append(r.json()["filtered_table_rows_count"])
        return out
    assert asyncio.run(go()) == want


SQL = ("select count(*) from reports where exists (select 1 from reports_fts where reports_fts.rowid = "
       "reports.search_id and reports_fts match cjk_query(:search)) and year = 2019")


def test_unconsumed_known_count_leaks_into_a_later_query(pair):
    """Was a bug: a table request whose count Datasette never runs (``_shape=array`` / ``_nocount=1``)
    leaves _KNOWN_COUNT set in the task's context. A later query in the same task that starts
    with 'select count(*) from reports ', contains the exists clause and has the same :search
    is answered with the earlier request's count – even with extra conditions
    ('and year = 2019'): got 216 (广东省's count), want 667. Also via asyncio.gather (each child
    inherits the unconsumed value). nianbao.datasette.search._answer_known_counts only checks a prefix, a
    substring and the search parameter."""
    immutable, _ = pair
    q = f"/gen.json?sql={quote(SQL)}&search=%E7%94%B3%E8%AF%B7&_shape=array"

    async def go():
        before = (await immutable.client.get(q)).json()[0]["count(*)"]
        await immutable.client.get("/gen/reports.json?_search=申请&province=广东省&_shape=array&_size=1")
        after = (await immutable.client.get(q)).json()[0]["count(*)"]
        return before, after
    before, after = asyncio.run(go())
    assert after == before == 667


# ============================================================================ D. prebuilt CSV
@pytest.fixture()
def published(tmp_path):
    from nianbao.benchdb import build_sample
    from nianbao.publish import publish

    db = tmp_path / "nianbao.db"
    build_sample(db, tmp_path / "archive")
    publish(db)
    return db


def _csv(db, live=False, immutable=True):
    from nianbao.serve import make_datasette

    r = _get(make_datasette(db, immutable=immutable), "/-/csv/nianbao/reports.csv" + ("?_live=1" if live else ""))
    assert r.status_code == 200
    return r.headers["x-nianbao-csv"], r.content


def test_prebuilt_equals_live(published):
    """Regression: the file publish wrote is byte-identical to the live stream."""
    kind, prebuilt = _csv(published)
    kind_live, live = _csv(published, live=True)
    assert (kind, kind_live) == ("prebuilt", "live") and prebuilt == live


def test_new_report_after_publish_is_not_served_stale(published):
    """Regression: a report added after publish → live stream."""
    from nianbao.benchdb import _fields
    from store.writes import Store

    s = Store(published)
    s.record_report({"format": "2021", "year": 2024, "title": "新报告", "agency": "教育部",
                     "fields": _fields("2021", req_new_total=7), "checks": [], "notes": [], "inferred": {}},
                    document_url="http://x/new.html", document_sha256="0" * 64)
    s.db.conn.close()
    assert _csv(published)[0] == "live"


def test_deleted_report_is_not_served_stale(published):
    """Regression: a report deleted after publish → live stream."""
    c = sqlite3.connect(published)
    c.execute("delete from reports where id = 3")
    c.commit()
    c.close()
    assert _csv(published)[0] == "live"


def test_interrupted_publish_leaves_no_prebuilt_file(published, monkeypatch):
    """Regression: publish removes the files before changing anything; if it then fails, the
    route streams live."""
    from nianbao import downloads, publish as pub
    from store.writes import Store

    c = sqlite3.connect(published)
    c.execute("update reports set title = 'changed' where id = 2")
    c.commit()
    c.close()
    Store(published).db.conn.close()

    def boom(*a, **k):
        raise RuntimeError("interrupted")
    monkeypatch.setattr(downloads, "build", boom)
    with pytest.raises(RuntimeError):
        pub.publish(published)
    assert _csv(published)[0] == "live"


def test_in_place_update_serves_a_stale_file(published):
    """Was a bug: signature() = count, max(rowid), max(parsed_at), max(fetched_at), schema_version.
    An UPDATE of a value (a manual correction, a migration …) changes none of them: the
    prebuilt file with the old value is still served."""
    c = sqlite3.connect(published)
    c.execute("update reports set req_new_total = 999 where id = 1")
    c.commit()
    c.close()
    kind, body = _csv(published)
    assert kind == "live", "stale prebuilt CSV served after an in-place update"


def test_reparse_of_newest_report_in_the_same_second_serves_a_stale_file(published, monkeypatch):
    """Was a bug: re-parsing the newest report deletes and re-inserts it with the SAME id (rowid
    reuse): count and max(rowid) are unchanged, and parsed_at has one-second resolution. A
    re-parse within the same second as the latest parse (forced here by fixing store.now) leaves
    the signature unchanged → the old file, with the old numbers, is served."""
    from store import writes as store_mod
    from nianbao.benchdb import _fields

    c = sqlite3.connect(published)
    url, sha, fetched, parsed = c.execute(
        "select document_url, document_sha256, fetched_at, parsed_at from reports where id = 5").fetchone()
    latest = c.execute("select max(parsed_at) from reports").fetchone()[0]
    c.close()
    monkeypatch.setattr(store_mod, "now", lambda: latest)
    s = store_mod.Store(published)
    rid = s.record_report({"format": "2019", "year": 2023, "title": "教育部2023年政府信息公开工作年度报告",
                           "agency": "教育部", "fields": _fields("2019", req_new_total=4242), "checks": [],
                           "notes": [], "inferred": {}}, document_url=url, document_sha256=sha, fetched_at=fetched)
    s.db.conn.close()
    assert rid == 5
    kind, body = _csv(published)
    assert b"4242" in body, f"stale {kind} CSV: the re-parsed value is missing"


def test_live_csv_quoting_cache_is_stale_in_wal_mode(published):
    """Was a bug: the live route caches "numeric columns holding no text" per (db, table, mtime of the
    main file). In WAL mode writes go to the -wal file and the main file's mtime does not
    change, so a text value later written into a numeric column is printed unquoted: a value
    'x,y' splits the row into one field too many (mutable server, ?_live=1)."""
    from nianbao.serve import make_datasette

    ds = make_datasette(published, immutable=False)
    c = sqlite3.connect(published)
    assert c.execute("pragma journal_mode=wal").fetchone()[0] == "wal"

    async def go():
        await ds.client.get("/-/csv/nianbao/reports.csv?_live=1")          # fills the cache
        c.execute("update reports set req_new_total = 'x,y' where id = 1")
        c.commit()
        return (await ds.client.get("/-/csv/nianbao/reports.csv?_live=1")).text
    text = asyncio.run(go())
    c.close()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {len(r) for r in rows} == {len(rows[0])}, [len(r) for r in rows]


def test_csv_route_ignores_database_level_permissions(generated, tmp_path):
    """Was a bug (security): /-/csv/ checks only ``view-table``; a database protected by an ``allow``
    block in metadata (its table pages answer 403) is still downloadable in full."""
    from datasette.app import Datasette

    from nianbao.publish import build_metadata
    from nianbao.serve import SETTINGS

    meta = build_metadata(db_name="gen")
    meta["databases"]["gen"]["allow"] = {"id": "root"}
    ds = Datasette(immutables=[str(generated)], metadata=meta, settings=dict(SETTINGS))
    assert _get(ds, "/gen/reports.json").status_code == 403
    assert _get(ds, "/-/csv/gen/reports.csv").status_code == 403
