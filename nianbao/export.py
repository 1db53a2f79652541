"""``nianbao export``: a dated bundle for researchers.

``export(db_path, out_dir) -> path`` writes ``<out_dir>/nianbao-export-YYYY-MM-DD/``::

    README.md          what is in the bundle, how to search the .db, licence
    columns.csv        table, column, type, Chinese label (from the form for every field column)
    csv/<table>.csv    every table, UTF-8 with BOM (opens in Excel), streamed row by row
    parquet/<table>.parquet   every table, written in batches with pyarrow
    nianbao.db         a consistent copy of the SQLite database (VACUUM INTO)

Nothing is loaded into memory whole: rows are read with a cursor in batches.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nianbao import downloads

BATCH = 20_000
# the search index and the findings' cache of what each text says (hashes, rebuilt by publish
# from report_texts, which the bundle has)
SKIP = ("reports_fts", "sqlite_", "reports_fts_state", "text_facts")


def _tables(conn) -> list[str]:
    names = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' order by name")]
    return [n for n in names if not n.startswith(SKIP)]


def _columns(conn, table) -> list[tuple[str, str]]:
    return [(r[1], (r[2] or "").upper()) for r in conn.execute(f"pragma table_info([{table}])")]


def _arrow_type(decl: str):
    if "INT" in decl:
        return pa.int64()
    if any(t in decl for t in ("REAL", "FLOA", "DOUB")):
        return pa.float64()
    if "BLOB" in decl:
        return pa.binary()
    return pa.string()


def _labels() -> dict:
    from nianbao.publish import build_metadata

    tables = build_metadata()["databases"]["nianbao"]["tables"]
    return {t: v.get("columns", {}) for t, v in tables.items()}


def _coerce(values, typ):
    """SQLite is dynamically typed: make a column's values fit its Arrow type."""
    out = []
    for v in values:
        if v is None:
            out.append(None)
        elif typ == pa.int64():
            out.append(int(v) if isinstance(v, int) or (isinstance(v, float) and v.is_integer()) else None)
        elif typ == pa.float64():
            out.append(float(v) if isinstance(v, (int, float)) else None)
        elif typ == pa.binary():
            out.append(v if isinstance(v, bytes) else str(v).encode())
        else:
            out.append(v if isinstance(v, str) else str(v))
    return out


def _array(values, typ):
    try:
        return pa.array(values, type=typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return pa.array(_coerce(values, typ), type=typ)


def export_table(conn, table: str, csv_path: Path, parquet_path: Path) -> int:
    cols = _columns(conn, table)
    names = [c for c, _ in cols]
    schema = pa.schema([(c, _arrow_type(t)) for c, t in cols])
    # the CSV is written as the site's downloads write theirs (nianbao/downloads.py: one dialect)
    csv_cols, line_sql = downloads.batch_sql(conn, table)
    top = conn.execute(f"select max(rowid) from [{table}]").fetchone()[0] or 0
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        fh.write(downloads.header(csv_cols))
        for lo in range(0, top, BATCH):
            fh.write(downloads.read_batch(conn, line_sql, lo, lo + BATCH))
    cur = conn.execute(f"select {', '.join(f'[{c}]' for c in names)} from [{table}] order by rowid")
    n = 0
    with pq.ParquetWriter(parquet_path, schema, compression="zstd") as pw:
        while True:
            rows = cur.fetchmany(BATCH)
            if not rows:
                break
            arrays = [_array(list(col), f.type) for col, f in zip(zip(*rows), schema)]
            pw.write_table(pa.Table.from_arrays(arrays, schema=schema))
            n += len(rows)
    return n


README = """# 年报 · 政府信息公开工作年度报告数据库 — 导出包 {date}

nianbao archives the information-disclosure annual reports (政府信息公开工作年度报告) of Chinese
government agencies and turns each report's tables into one number per field.

Contents:
- `nianbao.db` — the whole SQLite database (open with `sqlite3 nianbao.db`, Datasette, or any SQLite tool).
- `csv/<table>.csv` — each table as CSV (UTF-8 with BOM).
- `parquet/<table>.parquet` — each table as Parquet (zstd).
- `columns.csv` — every column of every table with its Chinese label (field columns: the form's
  section / row / column as printed, e.g. 四、行政复议和行政诉讼 / 行政复议 / 结果纠正).

Tables ({ntables}): {tables}.
Rows: {counts}.

Full-text search in `nianbao.db`: the `reports_fts` table indexes Chinese text as overlapping
pairs of characters (行政复议 → 行政 政复 复议 议). A two-character word is one token; a longer
word is the phrase of its pairs; one character is a prefix query:

    select id, title from reports
    where id in (select rowid from reports_fts where reports_fts match '复议');
    -- 公安局: match '"公安 安局"'        复: match '"复" *'

(`nianbao.search.fts_query` makes these queries from any words.)

Field conventions: a number printed in the report is stored as printed; a blank cell is NULL (not 0);
inferred values are in `reports.inferred` (JSON) and `report_values.inferred`, never in the field columns.
Source: the agencies' own government information disclosure portals. Licence of the compiled data: CC BY 4.0.
"""


def export(db_path, out_dir, date: str | None = None) -> Path:
    """Write the dated bundle; returns its directory."""
    date = date or dt.date.today().isoformat()
    out = Path(out_dir) / f"nianbao-export-{date}"
    if out.exists():
        shutil.rmtree(out)
    (out / "csv").mkdir(parents=True)
    (out / "parquet").mkdir()
    src = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        src.execute(f"vacuum into '{str((out / 'nianbao.db').resolve()).replace(chr(39), chr(39) * 2)}'")
    finally:
        src.close()
    # export from the copy: one consistent snapshot for every file in the bundle
    conn = sqlite3.connect(f"file:{(out / 'nianbao.db').resolve()}?mode=ro", uri=True)
    labels = _labels()
    counts = {}
    try:
        tables = _tables(conn)
        with open(out / "columns.csv", "w", encoding="utf-8", newline="") as fh:
            fh.write(downloads.header(["table", "column", "type", "label"]))
            for t in tables:
                for c, typ in _columns(conn, t):
                    fh.write(downloads.csv_line([t, c, typ, labels.get(t, {}).get(c, "")]))
        for t in tables:
            counts[t] = export_table(conn, t, out / "csv" / f"{t}.csv", out / "parquet" / f"{t}.parquet")
    finally:
        conn.close()
    (out / "README.md").write_text(README.format(
        date=date, ntables=len(counts), tables=", ".join(counts),
        counts=", ".join(f"{t} {n}" for t, n in counts.items())), encoding="utf-8")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="nianbao export")
    ap.add_argument("--db", default="data/nianbao.db")
    ap.add_argument("--out", default="data/exports")
    a = ap.parse_args(argv)
    print(export(a.db, a.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
