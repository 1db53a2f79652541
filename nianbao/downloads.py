"""Whole-table CSV for bulk downloads: built in SQLite, written once at publish, served from disk.

A researcher who downloads the reports table (a million rows of ~370 columns, ~900 MB) should
cost the server a file read, not a minute of CPU. ``publish`` therefore writes
``downloads/<database>/<table>.csv`` beside the database (UTF-8 with BOM, so Excel reads the
Chinese, RFC 4180 quoting), with a small ``.json`` sidecar recording what it was built from.
The Datasette plugin serves that file at ``/-/csv/<database>/<table>.csv`` while the sidecar's
signature still matches the database, and otherwise streams the same CSV live from SQLite
(:func:`iter_csv`, also used to build the file).

Each CSV line is one SQL expression (:func:`csv_row_sql`) evaluated in SQLite's C code: one
Python object per row instead of one per cell.

    python -m nianbao.downloads data/nianbao.db          # (re)build, as publish does
"""
from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

#: tables published as files (others are small or narrow: streamed live at full speed)
PREBUILT = ("reports",)
BATCH = 20_000


def _q(name: str) -> str:
    return "[{}]".format(name.replace("]", "]]"))


def csv_row_sql(cols, bare=()) -> str:
    """One SQL expression giving a whole CSV line (RFC 4180 quoting of text values). Columns in
    ``bare`` hold no text (checked by the caller) and are printed as they are."""
    cells = []
    for c in cols:
        q = _q(c)
        cells.append(q if c in bare else f"iif(typeof({q}) = 'text', '\"' || replace({q}, '\"', '\"\"') || '\"', {q})")
    parts = []
    for i in range(0, len(cells), 100):  # SQLite functions take at most 127 arguments
        chunk = cells[i:i + 100]
        parts.append("printf('" + ",".join(["%s"] * len(chunk)) + "', " + ", ".join(chunk) + ")")
    return " || ',' || ".join(parts)


def json_row_sql(cols) -> str:
    """One SQL expression giving a row as a JSON object text (``json_object`` in C; built in
    chunks because a function takes at most 127 arguments, the chunks' braces trimmed and joined)."""
    parts = []
    for i in range(0, len(cols), 60):
        pairs = ", ".join("'{}', {}".format(c.replace("'", "''"), _q(c)) for c in cols[i:i + 60])
        # an object's text starts with '{"' and ends with its one closing '}' (values are quoted)
        parts.append(f"rtrim(ltrim(json_object({pairs}), '{{'), '}}')")
    return "'{' || " + " || ',' || ".join(parts) + " || '}'"


def textless_numeric_columns(conn: sqlite3.Connection, table: str) -> frozenset:
    """Columns declared INTEGER/REAL that hold no text value (one scan of the table)."""
    numeric = [r[1] for r in conn.execute(f"pragma table_info({_q(table)})")
               if (r[2] or "").upper() in ("INTEGER", "REAL", "FLOAT", "INT")]
    out = set()
    for i in range(0, len(numeric), 100):
        chunk = numeric[i:i + 100]
        sel = ", ".join(f"max(typeof({_q(c)}) = 'text')" for c in chunk)
        row = conn.execute(f"select {sel} from {_q(table)}").fetchone()
        out |= {c for c, has_text in zip(chunk, row) if not has_text}
    return frozenset(out)


def csv_line(values) -> str:
    """One CSV line in the dialect of every CSV nianbao writes (RFC 4180: minimal quoting, CRLF),
    the same as the lines ``csv_row_sql`` builds in SQLite."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(values)
    return buf.getvalue()


def header(cols) -> str:
    """The first line: a byte-order mark (Excel) and the column names."""
    return "\ufeff" + csv_line(cols)


def batch_sql(conn: sqlite3.Connection, table: str, bare=None, fmt: str = "csv") -> tuple[list[str], str]:
    """(columns, SQL taking ``(lo, hi)`` that returns one CSV line — or, with ``fmt="json"``, one
    JSON object — per row with a rowid in ``(lo, hi]``)."""
    cols = [r[1] for r in conn.execute(f"pragma table_info({_q(table)})")]
    if fmt == "json":
        expr = json_row_sql(cols)
    else:
        expr = csv_row_sql(cols, textless_numeric_columns(conn, table) if bare is None else bare)
    return cols, f"select {expr} from {_q(table)} where rowid > ? and rowid <= ? order by rowid"


def read_lines(conn: sqlite3.Connection, sql: str, lo: int, hi: int) -> list[str]:
    cur = conn.cursor()
    cur.row_factory = None
    return [r[0] for r in cur.execute(sql, [lo, hi]).fetchall()]


def read_batch(conn: sqlite3.Connection, sql: str, lo: int, hi: int) -> str:
    return "".join(line + "\r\n" for line in read_lines(conn, sql, lo, hi))


def iter_csv(conn: sqlite3.Connection, table: str, batch: int = BATCH):
    """The whole table as CSV text chunks, in rowid order (header first)."""
    cols, sql = batch_sql(conn, table)
    yield header(cols)
    top = conn.execute(f"select max(rowid) from {_q(table)}").fetchone()[0] or 0
    for lo in range(0, top, batch):
        text = read_batch(conn, sql, lo, lo + batch)
        if text:
            yield text


def signature(conn: sqlite3.Connection, table: str) -> str:
    """What a table's rows were, cheaply: the count of writes to it kept by triggers in
    ``table_changes`` (``publish`` installs them for the reports table), its row count, highest
    rowid and the schema version. ``publish`` also drops the files before it changes anything."""
    parts = list(conn.execute(f"select count(*), max(rowid) from {_q(table)}").fetchone())
    try:
        row = conn.execute("select changes from table_changes where name = ?", [table]).fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None:
        return ""  # writes to this table are not counted: never trust a file
    parts += [row[0], conn.execute("pragma schema_version").fetchone()[0]]
    return "|".join("" if p is None else str(p) for p in parts)


def location(db_path, table: str) -> Path:
    db_path = Path(db_path)
    return db_path.resolve().parent / "downloads" / db_path.stem / f"{table}.csv"


def discard(db_path) -> None:
    """Remove a database's prebuilt files (publish does this before changing anything)."""
    for table in PREBUILT:
        for p in (location(db_path, table), Path(str(location(db_path, table)) + ".json")):
            p.unlink(missing_ok=True)


def fresh_file(conn: sqlite3.Connection, db_path, table: str) -> Path | None:
    """The prebuilt CSV of ``table`` if it still matches the database, else None."""
    path = location(db_path, table)
    try:
        meta = json.loads(Path(str(path) + ".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not path.is_file() or path.stat().st_size != meta.get("bytes"):
        return None
    sig = signature(conn, table)
    return path if sig and meta.get("signature") == sig else None


def build(db_path, tables=PREBUILT, progress: bool = False) -> dict:
    """Write the CSV of each table (atomically: a temporary file renamed) and its sidecar."""
    out = {}
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        for table in tables:
            if not conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [table]).fetchone():
                continue
            t0 = time.time()
            path = location(db_path, table)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".csv.part")
            sig = signature(conn, table)
            total = conn.execute(f"select count(*) from {_q(table)}").fetchone()[0]
            bar = None
            if progress and total > 50_000:
                from tqdm import tqdm
                bar = tqdm(total=total, unit=" rows", desc=f"{table}.csv", leave=False)
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                for chunk in iter_csv(conn, table):
                    f.write(chunk)
                    if bar is not None:
                        bar.update(chunk.count("\r\n"))
            if bar is not None:
                bar.close()
            os.replace(tmp, path)
            size = path.stat().st_size
            meta = {"table": table, "rows": total, "bytes": size, "signature": sig,
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "seconds": round(time.time() - t0, 1)}
            Path(str(path) + ".json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            out[table] = meta
    finally:
        conn.close()
    return out


def main(argv=None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    if not argv:
        print("usage: python -m nianbao.downloads DB", file=sys.stderr)
        return 2
    for table, meta in build(argv[0], progress=True).items():
        print(f"{table}.csv: {meta['rows']:,} rows, {meta['bytes'] / 1e6:.1f} MB in {meta['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
