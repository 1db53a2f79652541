"""Scans made the way real ones look (``nianbao/demo/scans.py``): printed, stamped, scanned or
photographed. The OCR engine is PP-OCR on ONNX Runtime when installed (``parsers.ocr.engine``)."""
from __future__ import annotations

import io
import random

import pytest

from nianbao.demo import documents as D
from nianbao.demo import scans
from parsers import ocr, parse


def _score(report, got):
    fields = report["fields"]
    right = sum(1 for k, v in fields.items() if got["fields"].get(k) == v)
    wrong = {k: (v, got["fields"].get(k)) for k, v in fields.items()
             if got["fields"].get(k) is not None and got["fields"].get(k) != v}
    return right / len(fields), wrong


def _scanned_pdf(report, conditions, seed: int) -> bytes:
    """``report`` printed and scanned under ``conditions`` (150 dpi with ``low_dpi``, else 200)."""
    rng = random.Random(seed)
    dpi = 150 if "low_dpi" in conditions else 200
    pages = [scans.degrade(p, conditions, rng, scans._is_table_page(p)) for p in scans._pages(report, dpi)]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:], quality=60)
    return buf.getvalue()


def _never_wrong_when_verified(got, wrong):
    if all(c["ok"] for c in got["checks"]):
        assert wrong == {}, wrong


def test_engine_is_pp_ocr_when_installed():
    """The package is a dependency: when it is installed, its engine must load (OpenCV's
    libraries present, models in the wheel), never fall back to tesseract unnoticed."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        version("rapidocr-onnxruntime")
    except PackageNotFoundError:
        pytest.skip("rapidocr-onnxruntime is not installed")
    assert ocr.engine() == "ppocr"


def test_tall_stitched_image_is_cut_into_pages_and_read():
    """Every page of a report stitched into one tall image (as portals paste them): no engine
    limit on image size stops it; it is cut at blank rows and each piece read as a page."""
    from PIL import Image
    report = D.random_report("2021", 2023, "示例县第9局", 91)
    rng = random.Random(3)
    pages = [scans.degrade(p, {"lean", "speckle", "jpeg", "seal_signature"}, rng, scans._is_table_page(p))
             for p in scans._pages(report, 150)]
    im = Image.new("RGB", (pages[0].width, sum(p.height for p in pages)), (255, 255, 255))
    y = 0
    for p in pages:
        im.paste(p, (0, y))
        y += p.height
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=70)
    data, ext = buf.getvalue(), "jpg"
    assert im.height > 2.5 * im.width
    pieces = ocr.split_tall(im.convert("L"))
    assert len(pieces) >= 2 and sum(p.height for p in pieces) == im.height
    got = parse(data, filename=f"report.{ext}")
    assert any("tall image" in n for n in got["notes"])
    share, wrong = _score(report, got)
    assert share >= 0.8, (share, wrong)
    _never_wrong_when_verified(got, wrong)


@pytest.mark.parametrize("conditions", [{"lean", "seal_cells", "speckle", "low_dpi"},
                                        {"lean", "blur", "jpeg", "dark_edge", "seal_signature"}])
def test_stamped_150_dpi_scan_is_read(conditions):
    """A seal over table cells on a 150-dpi page, or a blurred JPEG-compressed page with a dark
    scanner edge: most fields read, none wrong in a report whose checks all pass."""
    report = D.random_report("2021", 2023, "示例县第3局", 33)
    got = parse(_scanned_pdf(report, conditions, 5))
    share, wrong = _score(report, got)
    assert share >= 0.8, (share, wrong)
    _never_wrong_when_verified(got, wrong)


@pytest.mark.parametrize("conditions", [{"lean", "faint_lines", "uneven_light", "speckle"},
                                        {"lean", "faint_lines", "seal_cells", "speckle", "low_dpi"}])
def test_photographed_page_with_rules_in_light_toner_keeps_its_grid(conditions):
    """Light falling off to half across the page, rules printed in light toner (grey ~205), a seal
    over the cells: the page's light is flattened and the rules are found, so the cells are read
    one by one (a fixed threshold lost the whole grid of such pages and most of their fields)."""
    report = D.random_report("2019", 2020, "示例县第16局", 7015)
    got = parse(_scanned_pdf(report, conditions, 11))
    assert any("ruled table grid found" in n for n in got["notes"]), got["notes"][:6]
    share, wrong = _score(report, got)
    assert share >= 0.9, (share, wrong)
    _never_wrong_when_verified(got, wrong)


def test_a_garbled_cell_is_unread_ink_not_a_label():
    from parsers.ocr import _garbled
    assert [t for t in ("#", "A", "0品", "MO5", "有") if _garbled(t)] == ["#", "A", "0品", "MO5", "有"]
    assert [t for t in ("0", "20000", "/", "—", "无", "规章", "总计", "3其他", "1.属于国家秘密") if _garbled(t)] == []


def _section4_rows(value_cells):
    """Table 四 as a scanned grid gives it: its two headings, a header row the seal made
    unreadable, and the value row (cells with where they stand and where their words are)."""
    from parsers.model import Cell
    header = [Cell(t, {"page": 2, "row": 1, "col": i, "x": 100 + 200 * i, "x1": 300 + 200 * i})
              for i, t in enumerate(["行政复议", "行政诉讼"])]
    garbled = [Cell("结果维持结果纠正其他结果尚未审结", {"page": 2, "row": 2, "col": 0, "x": 100, "x1": 1600})]
    return [header, garbled, value_cells]


def _cell(text, col, span=1, text_col=None, ink=None, conf=95.0):
    """A value cell of table 四's row (15 columns, 100 px each from x=100)."""
    from parsers.model import Cell
    x = 100 + 100 * col
    where = {"page": 2, "row": 3, "col": col, "x": x, "x1": x + 100 * span, "conf": conf}
    if text:
        tx = 100 + 100 * (col if text_col is None else text_col) + 45
        where.update(text_x0=tx, text_x1=tx + 10, ink_x0=tx, ink_x1=tx + 10)
    if ink:
        where.update(ink_x0=ink[0], ink_x1=ink[1])
    return Cell(text, where)


def test_table_four_short_of_cells_is_placed_by_its_equal_columns():
    """A seal over table 四: the scan lost a cell (no rule around it) and the rule between two
    others (one cell twice as wide, its value in its right half). The columns are of one width,
    so each value goes under its own column; the column with no cell is not known (null, not a
    blank), the swallowed half with no ink is a printed blank."""
    from parsers.mapping import map_rows, tokenize
    values = [3, 1, 0, 0, 4, 2, 0, 1, 0, 3, 0, 0, 1, 0, 1]
    cells = [_cell(str(values[c]), c) for c in range(15) if c not in (6, 7, 8, 9)]
    cells.append(_cell("0", 7, span=2, text_col=8))            # columns 7–8 one cell, value in 8
    cells.sort(key=lambda c: c.where["x"])
    m, _ = map_rows(tokenize(_section4_rows(cells)), "2021", strict=True)
    keys = [k for k in m.fields if k.startswith(("review_", "suit_"))]
    got = [m.fields[k] for k in keys]
    assert got == [3, 1, 0, 0, 4, 2, None, None, 0, None, 0, 0, 1, 0, 1], got
    assert keys[7] in m.blank and keys[6] not in m.blank and keys[9] not in m.blank
    assert any("equal widths" in n for n in m.notes)


def test_unread_ink_in_a_lost_column_is_not_a_blank():
    """The same row, the wide cell's ink reaching both halves (a digit under the seal): the value
    read stays under its column, the other half is not known rather than blank."""
    from parsers.mapping import map_rows, tokenize
    cells = [_cell("1", c) for c in range(15) if c not in (7, 8)]
    wide = _cell("2", 7, span=2, text_col=7, ink=(845, 960))
    cells.append(wide)
    cells.sort(key=lambda c: c.where["x"])
    m, _ = map_rows(tokenize(_section4_rows(cells)), "2021", strict=True)
    keys = [k for k in m.fields if k.startswith(("review_", "suit_"))]
    assert [m.fields[k] for k in keys[6:9]] == [1, 2, None]
    assert keys[8] not in m.blank


def test_ink_nothing_could_read_is_not_a_printed_blank():
    """A scanned cell with ink and no reading is a value not known: null, and not counted among
    the printed blanks (which would let the report pass its reading check)."""
    from parsers.mapping import map_rows, tokenize
    cells = [_cell(str(c % 3), c) for c in range(15)]
    cells[4] = _cell("", 4, conf=0.0)
    m, _ = map_rows(tokenize(_section4_rows(cells)), "2021", strict=True)
    assert m.fields["review_total"] is None and "review_total" not in m.blank
    assert m.fields["review_pending"] == 0


def _piece(text, x0, x1, conf=None):
    """A piece of a table 四 cell: a seal's strokes read as rules cut the cell."""
    from parsers.model import Cell
    where = {"page": 2, "row": 3, "col": 0, "x": x0, "x1": x1}
    if conf is not None:
        where["conf"] = conf
    if text:
        where.update(text_x0=x0 + 5, text_x1=x0 + 15, ink_x0=x0 + 5, ink_x1=x0 + 15)
    return Cell(text, where)


def test_table_four_cells_cut_into_pieces_by_a_seal_are_put_back_together():
    """A seal's strokes over table 四 read as rules and cut three cells into pieces (19 cells
    for 15 columns). By the columns' equal widths: a column whose pieces hold one value and
    printed blanks has that value; one whose pieces are all blank is blank; one with ink nothing
    could read is not known."""
    from parsers.mapping import map_rows, tokenize
    values = [7, 2, 2, 0, 11, 1, 0, 1, 0, 2, None, 0, 0, 0, 1]
    cells = [_cell(str(values[c]), c) for c in range(15) if c not in (10, 12, 13)]
    cells += [_piece("", 1100, 1140), _piece("", 1140, 1165, conf=0.0), _piece("", 1165, 1200)]  # 10: unread ink
    cells += [_piece("0", 1300, 1350, conf=90.0), _piece("", 1350, 1400)]                    # 12: 0 and a blank
    cells += [_piece("", 1400, 1430), _piece("", 1430, 1500)]                                # 13: all blank
    cells.sort(key=lambda c: c.where["x"])
    m, _ = map_rows(tokenize(_section4_rows(cells)), "2021", strict=True)
    keys = [k for k in m.fields if k.startswith(("review_", "suit_"))]
    got = [m.fields[k] for k in keys]
    assert got == [7, 2, 2, 0, 11, 1, 0, 1, 0, 2, None, 0, 0, None, 1], got
    assert keys[10] not in m.blank and keys[13] in m.blank
    assert any("19 cells read for 15 columns" in n for n in m.notes)


def _scanned_section2(value: str, row_label: str = "行政处罚"):
    """Table 二's 第二十条第（六）项 block as a scanned grid gives it (cells with confidence)."""
    from parsers.model import Cell

    def row(r, *texts):
        return [Cell(t, {"page": 1, "row": r, "col": i, "x": 150 + 400 * i, "x1": 550 + 400 * i, "conf": 96.0})
                for i, t in enumerate(texts)]
    return [row(0, "第二十条第（六）项"), row(1, "信息内容", "本年处理决定数量"), row(2, row_label, value),
            row(3, "行政强制", "12")]


@pytest.mark.parametrize("read, label", [("40.3", "a speck taken for a point"), ("-1", "a speck taken for a minus"),
                                         ("03", "a speck taken for a digit")])
def test_a_count_read_by_ocr_as_a_fraction_below_zero_or_with_a_leading_zero_is_not_known(read, label):
    """403 read as "40.3", 1 as "-1", 0 as "03": counts are whole numbers, not below zero and
    printed without a leading zero, so the value is null with a note, and what was read stays in
    the provenance."""
    from parsers.mapping import map_rows, tokenize
    m, _ = map_rows(tokenize(_scanned_section2(read)), "2021", strict=True)
    assert m.fields["enforcement_decisions"] == 12, label
    assert m.fields["penalty_decisions"] is None
    assert m.provenance["penalty_decisions"]["raw"] == read
    assert any("penalty_decisions" in n and "not known" in n for n in m.notes)


def test_a_text_layers_odd_count_is_kept_as_printed():
    """In a text layer the document printed what it printed: a fraction in a count is kept (its
    checks say what is wrong with it)."""
    from nianbao.demo import documents as D
    from parsers import parse
    rep = D.random_report(seed=5)
    rep["fields"]["penalty_decisions"] = 403
    html = D.render(rep, "html").decode("utf-8")
    assert html.count(">403<") == 1
    got = parse(html.replace(">403<", ">40.3<").encode("utf-8"), filename="report.html")
    assert got["fields"]["penalty_decisions"] == 40.3


def test_a_long_report_prints_on_four_pages_its_prose_first():
    """The bench's 4-page reports (``scans.build(long=True)``): a page and a half of prose under
    一、总体情况 before the tables, as most real reports run: four A4 pages where the same report
    with the generic prose prints on two."""
    report = D.random_report("2021", 2023, "示例县第7局", 71)
    assert len(scans._pages(report, 100)) == 2
    report["overview"] = scans.long_prose(random.Random(1), 12)
    report["problems"] = scans.long_prose(random.Random(2), 4)
    assert all(len(p) > 80 for p in report["overview"])
    assert len(scans._pages(report, 100)) == 4
