"""The five real seed reports: every field equals its hand-checked expected value, nulls included."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from parsers import parse
from parsers import schema
from tests.conftest import SEEDS, seed_answer


def _expected(path: Path) -> dict:
    return seed_answer(path)


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_fields_equal_expected(path):
    exp = _expected(path)
    got = parse(path.read_bytes())
    assert got["format"] == exp["format"]
    assert got["year"] == exp["year"]
    assert got["title"] == exp["title"]
    assert set(got["fields"]) == set(schema.field_keys(exp["format"])) == set(exp["fields"])
    wrong = {k: (got["fields"][k], v) for k, v in exp["fields"].items() if got["fields"][k] != v}
    assert wrong == {}


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_checks_all_pass_and_every_value_has_provenance(path):
    got = parse(path.read_bytes())
    form_rules = [r for r, _ in schema.rules()]
    assert [c["rule"] for c in got["checks"]][:len(form_rules)] == form_rules
    assert all(c["ok"] for c in got["checks"] if c["rule"] in form_rules), got["checks"]
    printed = [k for k, v in got["fields"].items() if v is not None]
    assert all(k in got["provenance"] for k in printed)


def test_missing_cell_is_null_and_noted():
    got = parse(SEEDS[0].read_bytes())       # 000: 行政规范性文件 prints two of three cells
    assert got["fields"]["normative_docs_in_force"] is None
    assert "normative_docs_in_force" not in got["inferred"]
    assert any("normative_docs_in_force" in n for n in got["notes"])


def test_blank_cells_are_null_not_zero():
    got = parse([p for p in SEEDS if p.name.startswith("002")][0].read_bytes())
    assert [got["fields"][f"review_{c}"] for c in schema.section4_columns()] == [None] * 5
    assert got["fields"]["suit_direct_total"] == 0


def test_lost_label_row_placed_by_form_order():
    got = parse([p for p in SEEDS if p.name.startswith("004")][0].read_bytes())
    assert got["fields"]["req_denied_state_secret_total"] == 0
    assert any("denied_state_secret" in n for n in got["notes"])


def test_cli_parse_jsonl_in_order():
    out = subprocess.run([sys.executable, "-m", "nianbao.cli", "parse", *map(str, SEEDS)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert [json.loads(line)["file"] for line in out] == [str(p) for p in SEEDS]
    assert [json.loads(line)["title"] for line in out] == [_expected(p)["title"] for p in SEEDS]


def test_cli_parse_unreadable_file_exits_nonzero_with_one_line(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage, truncated")
    r = subprocess.run([sys.executable, "-m", "nianbao.cli", "parse", str(bad)], capture_output=True, text=True)
    assert r.returncode != 0
    assert len(r.stderr.strip().splitlines()) == 1 and "broken.pdf" in r.stderr


def test_rows_placed_by_the_rules_leave_the_report_unverified():
    got = parse([p for p in SEEDS if p.name.startswith("003")][0].read_bytes())   # PDF text, 6 or 8 values a row
    placement = [c for c in got["checks"] if c["rule"] == "cell_placement"]
    assert placement and not placement[0]["ok"] and "granted" in placement[0]["detail"]
    clean = parse([p for p in SEEDS if p.name.startswith("001")][0].read_bytes())
    assert all(c["ok"] for c in clean["checks"])
