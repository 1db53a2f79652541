"""The store and the archive: versions kept and linked, re-parses replace, nothing lost."""

from store.archive import Archive
from store.writes import Store
from parsers import parse, schema
from tests.conftest import SEEDS


def test_archive_is_content_addressed_and_idempotent(tmp_path):
    a = Archive(tmp_path / "archive")
    sha, rel = a.put(b"hello")
    assert rel == f"{sha[:2]}/{sha}" and a.get(sha) == b"hello"
    assert a.put(b"hello") == (sha, rel)
    assert [p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()] == [sha]


def test_document_versions_are_kept_and_linked(tmp_path):
    s = Store(tmp_path / "n.db")
    first = s.record_document(url="http://127.0.0.1/a.pdf", sha256="aa", size=1, archive_path="aa/aa")
    again = s.record_document(url="http://127.0.0.1/a.pdf", sha256="aa", size=1, archive_path="aa/aa")
    changed = s.record_document(url="http://127.0.0.1/a.pdf", sha256="bb", size=2, archive_path="bb/bb")
    assert (first["status"], again["status"], changed["status"]) == ("new", "unchanged", "changed")
    rows = list(s.db.query("select id, sha256, previous_id, is_current from documents order by id"))
    assert rows == [{"id": first["id"], "sha256": "aa", "previous_id": None, "is_current": 0},
                    {"id": changed["id"], "sha256": "bb", "previous_id": first["id"], "is_current": 1}]


def test_report_row_has_every_field_and_reparse_replaces(tmp_path):
    s = Store(tmp_path / "n.db")
    report = parse(SEEDS[0].read_bytes())
    rid = s.record_report(report, document_url="http://127.0.0.1/r.html", document_sha256="cc")
    rid2 = s.record_report(report, document_url="http://127.0.0.1/r.html", document_sha256="cc")
    assert s.db["reports"].count == 1
    row = s.db["reports"].get(rid2)
    assert row["normative_docs_issued"] == 6 and row["normative_docs_in_force"] is None
    assert row["checks_failed"] == sum(not c["ok"] for c in report["checks"]) and row["title"] == report["title"]
    assert set(schema.all_field_keys()) <= set(s.db["reports"].columns_dict)
    values = {r["field"]: r for r in s.db.query("select * from report_values where report_id = ?", [rid2])}
    assert values["licensing_decisions"]["value"] == 16520 and values["licensing_decisions"]["raw"] == "16520"
    assert s.db["checks"].count == len(report["checks"])
    assert rid != rid2 or s.db["report_values"].count == len(report["fields"])


def test_failures_are_recorded_with_kind(tmp_path):
    s = Store(tmp_path / "n.db")
    s.record_failure(url="http://127.0.0.1/x", kind="parse_error", detail="truncated PDF", document_sha256="dd")
    assert list(s.db.query("select kind, detail from failures")) == [{"kind": "parse_error", "detail": "truncated PDF"}]


def test_reopening_upgrades_without_losing_data(tmp_path):
    path = tmp_path / "n.db"
    s = Store(path)
    s.record_failure(url="u", kind="http_error", detail="500")
    s.db.execute("drop index idx_reports_losing")        # an older schema: no partial index, and
    s.db["reports"].transform(drop={"review_total"})      # a field column missing
    s2 = Store(path)
    assert "review_total" in s2.db["reports"].columns_dict
    assert s2.db["failures"].count == 1


def test_archive_sweeps_the_half_written_files_of_a_killed_writer(tmp_path):
    import os
    import time
    a = Archive(tmp_path)
    sha, rel = a.put(b"kept")
    (tmp_path / rel).parent.joinpath(".tmp-old").write_bytes(b"half")
    os.utime((tmp_path / rel).parent / ".tmp-old", (time.time() - 7200, time.time() - 7200))
    (tmp_path / rel).parent.joinpath(".tmp-new").write_bytes(b"being written")
    assert a.sweep(older_than=3600) == 1
    left = sorted(p.name for p in (tmp_path / rel).parent.iterdir())
    assert left == [".tmp-new", sha]
    assert a.get(sha) == b"kept"
