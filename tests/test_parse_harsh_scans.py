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
