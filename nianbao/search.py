"""Chinese full-text search: how report text is indexed and how a user's words become a query.

FTS5's ``unicode61`` tokenizer keeps a run of Chinese characters as one token (行政复议情况 is one
"word"), and the ``trigram`` tokenizer needs three characters, so neither finds 复议. nianbao
indexes **overlapping character pairs** instead, with the plain ``unicode61`` tokenizer:
:func:`index_text` turns every run of CJK characters into its bigrams followed by its last
character::

    行政复议情况  →  行政 政复 复议 议情 情况 况

so a two-character word is one token (the commonest search — 复议, 诉讼, 公安 — reads a single
posting list, no position matching), a longer word is a phrase of its bigrams
(公安局 → ``"公安 安局"``), and a single character is a prefix query (复 → ``"复" *``, which also
matches the trailing 议 of a run). The trailing single character keeps phrases exact where
Chinese meets digits or Latin letters (``"复议 议 3"`` for 复议3件). Punctuation ends a run, so
复议、诉讼 does not match 复议诉讼. Both sides are NFKC-normalised (full-width digits, Kangxi
radicals from PDFs) and spaces between Chinese characters are dropped (letter-spaced PDF text).

In plain ``sqlite3`` (the downloadable .db) a two-character word needs no conversion::

    select rowid from reports_fts where reports_fts match '复议';
    select rowid from reports_fts where reports_fts match '"公安 安局"';   -- 公安局

In Datasette the search box converts for you (:func:`fts_query`, registered as the SQL function
``cjk_query``). The FTS table holds ``title, agency, body`` of each report, rowid = report id.
"""
from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata

#: Written into ``reports_fts_state`` signatures: changing it re-indexes every report at the next
#: ``publish`` (an upgrade from the one-character scheme of earlier versions, say).
SCHEME = "bigram-2"

# CJK ideographs (incl. Extensions A–H and compatibility forms) and kana. Radicals (U+2E80–2FDF)
# are not here: NFKC turns the Kangxi radicals PDFs produce (⼈) into ideographs (人), and
# unicode61 treats the rest as separators.
_CJK_CLASS = ("\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
              "\U00020000-\U0002fa1f\U00030000-\U000323af")
_RUN = re.compile(f"[{_CJK_CLASS}]+")
_RUN_AT_END = re.compile(f"[{_CJK_CLASS}]+$")
_CJK_SPACE = re.compile(f"(?<=[{_CJK_CLASS}])\\s+(?=[{_CJK_CLASS}])")
_OPERATORS = {"OR", "AND", "NOT"}


def _normal(text: str) -> str:
    """NFKC (full-width letters and digits, Kangxi radicals → ideographs) and no spaces between
    Chinese characters: PDF text of letter-spaced or justified lines reads 行 政 复 议."""
    return _CJK_SPACE.sub("", unicodedata.normalize("NFKC", text))


def _run_tokens(run: str, tail: bool = True) -> str:
    if len(run) == 1:
        return f" {run} "
    pairs = " ".join(run[i:i + 2] for i in range(len(run) - 1))
    return f" {pairs} {run[-1]} " if tail else f" {pairs} "


def index_text(text: str | None) -> str:
    """Text as the search index stores it: each CJK run → its bigrams and its last character.
    Everything else is left for unicode61 to tokenize."""
    if not text:
        return ""
    return re.sub(r"\s+", " ", _RUN.sub(lambda m: _run_tokens(m.group(0)), _normal(text))).strip()


def _has_token(text: str) -> bool:
    """Would unicode61 find any token in ``text``? Letters, digits and private-use characters
    surely are; for text of symbols and marks only, ask SQLite's own tokenizer."""
    if any(unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co" for ch in text):
        return True
    if not text.strip():
        return False
    conn = _tokenizer()
    conn.execute("delete from t")
    conn.execute("insert into t (x) values (?)", [text])
    return conn.execute("select count(*) from v").fetchone()[0] > 0


_LOCAL = threading.local()


def _tokenizer() -> sqlite3.Connection:
    conn = getattr(_LOCAL, "conn", None)
    if conn is None:
        conn = _LOCAL.conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.execute("create virtual table t using fts5(x, tokenize='unicode61')")
        conn.execute("create virtual table v using fts5vocab(t, 'row')")
    return conn


def _phrase(part: str) -> str | None:
    """One word (or quoted phrase) of a query → one FTS5 phrase matching it in indexed text.

    The word is indexed exactly as a document would be, except a Chinese run at its very end: the
    document's run may go on, so that run gives its bigrams without the closing single character
    (复议 → "复议"), and a lone character there becomes a prefix (年 → "年" *). Anything else —
    Latin words, digits, symbols — is left to unicode61 to split, as it split the document."""
    part = _normal(part).strip()
    end = _RUN_AT_END.search(part)
    head, run = (part[:end.start()], end.group(0)) if end else (part, "")
    text = index_text(head) + (_run_tokens(run, tail=False) if run else "")
    text = re.sub(r"\s+", " ", text).strip()
    if not text or not _has_token(text):
        return None
    return '"' + text.replace('"', '""') + '"' + (" *" if len(run) == 1 else "")


def fts_query(query: str | None) -> str:
    """A user's search words → an FTS5 query for the bigram index. Never raises, always valid.

    ``复议`` → ``"复议"``; ``复议 公安局`` → ``"复议" "公安 安局"`` (both words); a ``"quoted
    phrase"`` stays one phrase; OR / AND / NOT between two words are operators (elsewhere they
    are dropped); ``复`` → ``"复" *``.
    """
    if not query:
        return '""'
    out: list[str] = []
    for quoted, word in re.findall(r'"([^"]*)"|(\S+)', query):
        if word in _OPERATORS:
            if out and out[-1] not in _OPERATORS:
                out.append(word)
            continue
        phrase = _phrase(quoted or word)
        if phrase:
            out.append(phrase)
    while out and out[-1] in _OPERATORS:
        out.pop()
    return " ".join(out) if out else '""'


def search_ids(db_path_or_conn, query: str, table: str = "reports_fts") -> list[int]:
    """Report ids matching ``query`` (the same search as Datasette's box), for scripts and tests."""
    conn = db_path_or_conn if isinstance(db_path_or_conn, sqlite3.Connection) else sqlite3.connect(str(db_path_or_conn))
    try:
        return [r[0] for r in conn.execute(
            f"select rowid from [{table}] where [{table}] match ? order by rowid", [fts_query(query)])]
    finally:
        if conn is not db_path_or_conn:
            conn.close()
