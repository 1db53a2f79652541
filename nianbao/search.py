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
复议、诉讼 does not match 复议诉讼.

In plain ``sqlite3`` (the downloadable .db) a two-character word needs no conversion::

    select rowid from reports_fts where reports_fts match '复议';
    select rowid from reports_fts where reports_fts match '"公安 安局"';   -- 公安局

In Datasette the search box converts for you (:func:`fts_query`, registered as the SQL function
``cjk_query``). The FTS table holds ``title, agency, body`` of each report, rowid = report id.
"""
from __future__ import annotations

import re
import sqlite3

#: Written into ``reports_fts_state`` signatures: changing it re-indexes every report at the next
#: ``publish`` (an upgrade from the one-character scheme of earlier versions, say).
SCHEME = "bigram-1"

_CJK_CLASS = "\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_RUN = re.compile(f"[{_CJK_CLASS}]+")
# what unicode61 keeps as one token outside CJK runs: letters and digits (not "_")
_SEGMENT = re.compile(f"[{_CJK_CLASS}]+|[^\\W_{_CJK_CLASS}]+")
_CJK_SPACE = re.compile(f"(?<=[{_CJK_CLASS}])\\s+(?=[{_CJK_CLASS}])")
_OPERATORS = {"OR", "AND", "NOT"}


def _run_tokens(run: str) -> str:
    if len(run) == 1:
        return f" {run} "
    return " " + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + f" {run[-1]} "


def index_text(text: str | None) -> str:
    """Text as the search index stores it: each CJK run → its bigrams and its last character."""
    if not text:
        return ""
    return re.sub(r"\s+", " ", _RUN.sub(lambda m: _run_tokens(m.group(0)), text)).strip()


def _phrase(part: str) -> str | None:
    """One word (or quoted phrase) of a query → one FTS5 phrase matching it in indexed text."""
    segments = _SEGMENT.findall(part)
    tokens, prefix = [], False
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if not _RUN.fullmatch(seg):
            tokens.append(seg)
        elif len(seg) == 1:
            # a lone character: at the end of the word it may start a longer run ("年" in 2023年度)
            tokens.append(seg)
            prefix = last
        else:
            tokens += [seg[j:j + 2] for j in range(len(seg) - 1)]
            if not last:  # followed by digits/letters: the run ends here in the text as well
                tokens.append(seg[-1])
    if not tokens:
        return None
    return '"' + " ".join(tokens) + '"' + (" *" if prefix else "")


def fts_query(query: str | None) -> str:
    """A user's search words → an FTS5 query for the bigram index. Never raises, always valid.

    ``复议`` → ``"复议"``; ``复议 公安局`` → ``"复议" "公安 安局"`` (both words); a ``"quoted
    phrase"`` stays one phrase (spaces between Chinese characters dropped); OR / AND / NOT
    between words are kept as operators; ``复`` → ``"复" *``.
    """
    if not query:
        return '""'
    out: list[str] = []
    for quoted, word in re.findall(r'"([^"]*)"|(\S+)', query):
        if word in _OPERATORS and out and out[-1] not in _OPERATORS:
            out.append(word)
            continue
        phrase = _phrase(_CJK_SPACE.sub("", quoted) if quoted else word)
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
