"""The parser over documents the tests build from the schema, in every medium.

Each document is rendered from a known report (``nianbao.demo.documents``), so the truth is the
report the document was made from: printed numbers must come back exactly, blanks as null.
"""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from nianbao.demo import documents as D
from parsers import parse, schema
from parsers.model import ParseError

FAST_MEDIA = ["html", "html-gbk", "text", "docx", "pdf-reportlab"]
QUIRK_SETS = [
    frozenset(),
    frozenset({"wrapped"}),
    frozenset({"slash"}),
    frozenset({"fullwidth", "thousands"}),
    frozenset({"variants"}),
    frozenset({"split"}),
    frozenset({"mso", "wrapped", "slash", "fullwidth", "thousands", "variants", "split"}),
]
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def _supports(medium, quirks):
    return not ("mso" in quirks and not medium.startswith("html"))


def wrong_fields(report: dict, got: dict) -> dict:
    return {k: (got["fields"].get(k), v) for k, v in report["fields"].items() if got["fields"].get(k) != v}


CASES = [(m, q) for m in FAST_MEDIA for q in QUIRK_SETS if _supports(m, q)]


@pytest.mark.parametrize("fmt,year", [("2021", 2023), ("2019", 2020)])
@pytest.mark.parametrize("medium,quirks", CASES, ids=[f"{m}-{'+'.join(sorted(q)) or 'plain'}" for m, q in CASES])
def test_every_field_comes_back(fmt, year, medium, quirks):
    report = D.random_report(fmt=fmt, year=year, seed=hash((medium, tuple(sorted(quirks)))) % 1000, blanks=3)
    got = parse(D.render(report, medium, quirks))
    assert (got["format"], got["year"]) == (fmt, year)
    assert wrong_fields(report, got) == {}
    assert set(got["fields"]) == set(schema.field_keys(fmt))
    assert all(c["ok"] for c in got["checks"]), got["checks"]


def test_gbk_page_without_charset_is_read():
    report = D.random_report(seed=11)
    data = D.render(report, "html-gbk")
    assert b"charset" not in data.lower()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    got = parse(data)
    assert got["title"] == report["title"]
    assert wrong_fields(report, got) == {}


def test_2019_format_keeps_negative_changes():
    report = D.random_report(fmt="2019", year=2020, seed=3)
    report["fields"]["licensing_items_change"] = -7
    report["fields"]["penalty_items_change"] = -2
    got = parse(D.render(report, "html"))
    assert got["format"] == "2019"
    assert got["fields"]["licensing_items_change"] == -7
    assert got["fields"]["penalty_items_change"] == -2
    assert {c["rule"]: c["ok"] for c in got["checks"]}["non_negative"] is True


def test_negative_count_fails_non_negative():
    report = D.random_report(seed=4)
    report["fields"]["penalty_decisions"] = -1
    got = parse(D.render(report, "html"))
    assert got["fields"]["penalty_decisions"] == -1
    assert {c["rule"]: c["ok"] for c in got["checks"]}["non_negative"] is False


def test_printed_numbers_that_break_a_rule_are_kept_and_flagged():
    report = D.random_report(seed=8)
    report["fields"]["req_new_total"] += 1          # the agency's own arithmetic error
    got = parse(D.render(report, "html"))
    assert got["fields"]["req_new_total"] == report["fields"]["req_new_total"]
    failed = {c["rule"] for c in got["checks"] if not c["ok"]}
    assert {"row_total", "balance"} <= failed


def test_blank_proved_zero_is_inferred_not_printed():
    report = D.random_report(seed=2)
    f = report["fields"]
    for c in schema.section4_columns():
        f[f"review_{c}"] = 0
    f["review_corrected"] = None                   # blank cell beside a printed total of 0
    got = parse(D.render(report, "html"))
    assert got["fields"]["review_corrected"] is None
    assert got["inferred"].get("review_corrected") == 0


def test_legacy_report_is_recognised_without_fields():
    got = parse(D.render_legacy(year=2017))
    assert got["format"] == "legacy"
    assert got["year"] == 2017
    assert got["fields"] == {}


@pytest.mark.parametrize("kind", ["guide", "plan", "news"])
def test_non_report_has_no_format(kind):
    got = parse(D.render_non_report(kind))
    assert got["format"] is None
    assert got["fields"] == {}


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "pdf"),
    (bytes(range(256)) * 40, "not a document"),
    (b"PK\x03\x04" + b"\x00" * 100, "zip"),
])
def test_broken_files_raise_a_clear_error(data, reason):
    with pytest.raises(ParseError):
        parse(data)


def test_truncated_docx_raises_parse_error():
    data = D.render(D.random_report(seed=1), "docx")
    with pytest.raises(ParseError):
        parse(data[: len(data) // 2])


# --------------------------------------------------------------------------- LibreOffice media
@pytest.fixture(scope="module")
def office_docs(tmp_path_factory):
    """One report rendered as LibreOffice PDF (table split across pages), DOC, WPS and RTF."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    report = D.random_report(seed=21, blanks=2)
    return report, {m: D.render(report, m, frozenset({"split", "wrapped"}) if m == "pdf" else frozenset())
                    for m in ("pdf", "doc", "wps", "rtf")}


@needs_soffice
@pytest.mark.parametrize("medium", ["pdf", "doc", "wps", "rtf"])
def test_office_media(office_docs, medium, tmp_path):
    report, docs = office_docs
    path = tmp_path / f"report.{medium}"
    path.write_bytes(docs[medium])
    got = parse(docs[medium], filename=str(path))
    assert got["format"] == "2021"
    assert wrong_fields(report, got) == {}


@needs_soffice
def test_pdf_provenance_names_pages(office_docs):
    report, docs = office_docs
    got = parse(docs["pdf"])
    pages = {p["where"].get("page") for p in got["provenance"].values() if p.get("where")}
    assert len(pages - {None}) >= 2        # the split table was read from two pages


@needs_soffice
@needs_tesseract
def test_scanned_report_is_read_by_ocr_and_never_wrong_when_checks_pass():
    report = D.random_report(seed=5)
    got = parse(D.render(report, "scan-pdf"))
    assert got["format"] == "2021" and got["year"] == 2023
    assert any("OCR" in n or "ocr" in n for n in got["notes"])
    wrong = wrong_fields(report, got)
    right = len(report["fields"]) - len(wrong)
    assert right >= 0.8 * len(report["fields"]), wrong
    if all(c["ok"] for c in got["checks"]):
        wrongly_printed = {k: v for k, v in wrong.items() if v[0] is not None}
        assert wrongly_printed == {}


def test_skew_angle_of_a_leaning_page():
    """Scanned pages lean; the angle that straightens them is found to a tenth of a degree."""
    from PIL import Image, ImageDraw

    from parsers.ocr import skew_angle

    im = Image.new("L", (1650, 2300), 255)
    d = ImageDraw.Draw(im)
    for y in range(200, 2000, 60):          # ruled rows with "text" blocks between
        d.line((150, y, 1500, y), fill=0, width=2)
        for x in range(200, 1400, 40):
            d.rectangle((x, y + 15, x + 25, y + 40), fill=0)
    for lean in (0.0, 0.4, -1.3, 3.0):
        turned = im.rotate(lean, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        assert abs(skew_angle(turned) + lean) <= 0.11, lean


@needs_soffice
@needs_tesseract
def test_leaning_scan_is_straightened_and_read():
    """A scan turned by 1.5° (no ruled line is horizontal any more) is read as well as a straight one."""
    import io

    from PIL import Image

    report = D.random_report(seed=5)
    png = Image.open(io.BytesIO(D.render(report, "png")))
    buf = io.BytesIO()
    png.convert("L").rotate(1.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255).save(buf, "PNG")
    got = parse(buf.getvalue(), filename="scan.png")
    assert any("turned straight" in n and "-1.5" in n for n in got["notes"]), got["notes"]
    wrong = wrong_fields(report, got)
    assert len(report["fields"]) - len(wrong) >= 0.8 * len(report["fields"]), wrong
    if all(c["ok"] for c in got["checks"]):
        assert {k: v for k, v in wrong.items() if v[0] is not None} == {}


def test_cli_parse_many_media_in_order(tmp_path):
    report = D.random_report(seed=30)
    files = []
    for medium, ext in [("html", "html"), ("docx", "docx"), ("pdf-reportlab", "pdf"), ("text", "txt")]:
        p = tmp_path / f"r.{ext}"
        p.write_bytes(D.render(report, medium))
        files.append(str(p))
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    out = subprocess.run([sys.executable, "-m", "nianbao.cli", "parse", *files, str(bad)],
                         capture_output=True, text=True)
    import json
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["file"] for x in lines] == files + [str(bad)]
    assert all(x["fields"]["req_new_total"] == report["fields"]["req_new_total"] for x in lines[:4])
    assert "error" in lines[4] and out.returncode == 1
    assert "broken.pdf" in out.stderr
