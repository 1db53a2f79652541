"""export: the dated researcher bundle (CSV + Parquet per table, column guide, SQLite copy)."""
from __future__ import annotations

import csv
import sqlite3

import pyarrow.parquet as pq

from nianbao.benchdb import build_sample
from nianbao.export import export
from nianbao.publish import publish


def test_export_bundle(tmp_path):
    db = tmp_path / "nianbao.db"
    build_sample(db, tmp_path / "archive")
    publish(db)
    out = export(db, tmp_path / "exports", date="2024-05-01")
    assert out.name == "nianbao-export-2024-05-01"
    names = {p.name for p in out.iterdir()}
    assert {"README.md", "columns.csv", "csv", "parquet", "nianbao.db"} <= names
    tables = {p.stem for p in (out / "csv").iterdir()}
    assert {"reports", "agencies", "documents", "report_values", "checks", "report_texts",
            "failures", "crawl_runs", "portal_runs"} <= tables
    assert tables == {p.stem for p in (out / "parquet").iterdir()}
    assert not any(t.startswith("reports_fts") for t in tables)

    with open(out / "csv" / "reports.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5 and rows[0]["agency"] == "广东省公安厅" and rows[0]["review_corrected"] == "1"
    t = pq.read_table(out / "parquet" / "reports.parquet")
    assert t.num_rows == 5
    assert t.column("review_corrected").to_pylist()[:2] == [1, 0]
    assert str(t.schema.field("title").type) == "string"
    assert pq.read_table(out / "parquet" / "agencies.parquet").num_rows == 4

    with open(out / "columns.csv", encoding="utf-8-sig", newline="") as fh:
        guide = {(r["table"], r["column"]): r["label"] for r in csv.DictReader(fh)}
    assert guide[("reports", "review_corrected")] == "四、行政复议和行政诉讼 / 行政复议 / 结果纠正"
    assert guide[("agencies", "level")].startswith("机关层级")

    c = sqlite3.connect(out / "nianbao.db")
    assert c.execute("select count(*) from reports").fetchone()[0] == 5
    # the copy keeps the search index usable in plain sqlite3
    assert [r[0] for r in c.execute(
        "select rowid from reports_fts where reports_fts match '公安' order by rowid")] == [1, 2]
    assert "match '复议'" in (out / "README.md").read_text(encoding="utf-8")
