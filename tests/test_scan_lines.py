"""Lines of a scanned page found and read by PP-OCR (``parsers.ocr._pp_words``,
``_pp_read_lines``): text found on a scaled-down page, short lines read packed on one strip, a
packed reading given up for the line's own reading whenever it is not sure, and a minus sign the
recogniser dropped found again. Drawn at 200 dpi sizes (print 10.5 pt: about 29 px high)."""
from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from parsers import ocr
from tests.builders.scan_lines import font as _font
from tests.builders.scan_lines import line as _line

pytestmark = pytest.mark.skipif(ocr.engine() != "ppocr", reason="PP-OCR is not installed")


def _cell(text, size, height, left, blur, ink):
    """A number as detection crops it from a scanned table cell: small print, ``left`` px of
    paper before it, the cell's rules along the top and bottom, blurred and saved as JPEG."""
    f = _font(size)
    x0, y0, x1, y1 = f.getbbox(text)
    w = x1 - x0 + left + 6
    im = Image.new("RGB", (w, height), (245, 245, 245))
    d = ImageDraw.Draw(im)
    d.text((left - x0, (height - (y1 - y0)) // 2 - y0), text, font=f, fill=(ink, ink, ink))
    d.rectangle((0, 0, w, 1), fill=(30, 30, 30))
    d.rectangle((0, height - 2, w, height), fill=(30, 30, 30))
    buf = io.BytesIO()
    im.filter(ImageFilter.GaussianBlur(blur)).save(buf, "JPEG", quality=60)
    return np.asarray(Image.open(buf).convert("RGB"))


# (size, crop height, paper before the print, blur, ink grey): the recogniser reads each of these
# without its minus sign when the crop is read as detection cut it
DROPPED_MINUS = [("-5", 18, 29, 11, 0.5, 40), ("-7", 16, 33, 5, 0.9, 40), ("-3", 18, 29, 8, 0.9, 90),
                 ("-7", 16, 29, 8, 0.9, 40), ("-5", 16, 33, 11, 0.9, 40), ("-3", 16, 29, 8, 0.9, 40)]
CELL_STYLES = [(size, height, left, blur, ink) for size in (16, 20) for height in (29, 33)
               for left in (5, 11) for blur in (0.5, 0.9) for ink in (40, 90)]


class _CountingSession:
    """One of the recogniser's sessions, counting its runs (each run costs the same at one
    width) in a count it shares with the others."""

    def __init__(self, session, count):
        self.session, self.count = session, count

    def __call__(self, *a, **k):
        self.count[0] += 1
        return self.session(*a, **k)

    @property
    def runs(self):
        return self.count[0]

    @runs.setter
    def runs(self, value):
        self.count[0] = value

    def __getattr__(self, name):
        return getattr(self.session, name)


@pytest.fixture
def counted():
    """The engine, its recognisers' runs counted: the first reading's and the second look's
    (``ocr._second_look``) together."""
    eng = ocr._pp_engine()
    real, look, count = eng.text_rec.session, getattr(eng, "second_look", None), [0]
    eng.text_rec.session = _CountingSession(real, count)
    if look is not None:
        eng.second_look = eng.text_rec.session if look is real else _CountingSession(look, count)
    yield eng
    eng.text_rec.session = real
    if look is not None:
        eng.second_look = look


NUMBERS = ["0", "15", "203", "7", "4193.32", "1,250", "12", "0", "96", "合计"]


def test_short_lines_read_packed_read_as_alone_in_fewer_runs(counted):
    eng = counted
    crops = [_line(t) for t in NUMBERS]
    alone = [(r[0], r[1]) for r in (eng.text_rec([c])[0][0] for c in crops)]
    assert [t for t, _ in alone] == NUMBERS
    eng.text_rec.session.runs = 0
    packed = ocr._pp_read_lines(eng, crops)
    assert [t for t, _ in packed] == NUMBERS
    # four strips, and the lines a strip read unsure read again alone ("1,250" and, in bf16, "12"
    # pick up a space from the paper beside them)
    assert eng.text_rec.session.runs <= len(crops) * 2 // 3
    assert all(s >= ocr.PACK_SURE for _, s in packed)


def test_a_long_line_is_read_alone_and_not_packed(counted):
    eng = counted
    long = _line("（一）主动公开政府信息情况")
    assert 48 * long.shape[1] / long.shape[0] > ocr.PACK_SHORT
    eng.text_rec.session.runs = 0
    [(text, score)] = ocr._pp_read_lines(eng, [long])
    assert text == "（一）主动公开政府信息情况" and eng.text_rec.session.runs == 1


@pytest.mark.parametrize("text", ["-5", "-12", "-0.5", "-1,024"])
def test_a_line_beginning_with_a_minus_sign_is_seen_to(text):
    assert ocr._leading_dash(_line(text))
    assert ocr._leading_dash(_cell(text, 18, 29, 8, 0.9, 90))


@pytest.mark.parametrize("text", ["5", "12", "0", "4193.32", "1,250", "—", "-", "一", "二、主动", "=5", "÷3", "+7"])
def test_a_line_without_a_leading_minus_sign_is_not(text):
    assert not ocr._leading_dash(_line(text))
    assert not ocr._leading_dash(_cell(text, 18, 29, 8, 0.9, 90))


def test_a_speck_before_a_number_is_not_a_minus_sign():
    crop = _cell("5", 18, 29, 11, 0.5, 40).copy()
    crop[14:16, 4:6] = 40                     # a 2-px speck of toner where a minus would stand
    assert not ocr._leading_dash(crop)


def test_a_minus_sign_the_recogniser_drops_is_read_again():
    """Table 二's change columns hold negative numbers. In small print with paper before it, the
    recogniser reads "-5" as "5" with the digit sure: nothing in the reading tells. The line's
    first mark is a dash, so the number is read again cut to its ink, where the minus is read."""
    eng = ocr._pp_engine()
    crops = [_cell(*case) for case in DROPPED_MINUS]
    plain = [eng.text_rec([c])[0][0][0] for c in crops]
    assert any(p == case[0].lstrip("-") for p, case in zip(plain, DROPPED_MINUS)), \
        f"the recogniser now keeps these minus signs ({plain}): find cases where it drops them"
    assert [t for t, _ in ocr._pp_read_lines(eng, crops)] == [case[0] for case in DROPPED_MINUS]


def test_numbers_read_in_table_cells_keep_their_sign():
    eng = ocr._pp_engine()
    values = ["-5", "12", "-1", "0", "3", "-27", "8", "-3"]
    for style in CELL_STYLES:
        got = [t for t, _ in ocr._pp_read_lines(eng, [_cell(v, *style) for v in values])]
        assert [t.startswith("-") for t in got] == [v.startswith("-") for v in values], (style, got)


def test_a_line_cut_to_its_ink_keeps_a_margin_of_paper():
    crop = _cell("-5", 18, 33, 11, 0.5, 40)
    cut = ocr._cut_to_ink(crop)
    assert cut.shape[0] < crop.shape[0] - 10 and cut.shape[1] < crop.shape[1] - 6
    assert cut[:ocr.INK_MARGIN].min() > 150 and cut[:, :ocr.INK_MARGIN].min() > 150    # paper
    blank = np.full((30, 40, 3), 240, dtype=np.uint8)
    assert ocr._cut_to_ink(blank) is blank


def test_a_line_that_reads_unsure_on_the_strip_is_read_alone(monkeypatch, counted):
    """With the bar set above any reading, every short line is read again alone: the result is
    each line's own reading, whatever the strip said."""
    eng = counted
    monkeypatch.setattr(ocr, "PACK_SURE", 1.01)
    crops = [_line(t) for t in NUMBERS[:4]]
    with ocr._second_look(eng):
        alone = [tuple(eng.text_rec([c])[0][0][:2]) for c in crops]
    eng.text_rec.session.runs = 0
    got = ocr._pp_read_lines(eng, crops)
    assert got == alone
    assert [t for t, _ in got] == NUMBERS[:4]
    assert eng.text_rec.session.runs > len(crops)      # the strip, then each line alone


def test_small_print_is_found_on_a_page_scaled_down_for_detection():
    """A 200-dpi A4 page is 2339 px long; text is looked for at 1400 px. Numbers in 10.5-pt
    print across the page are still found, each where it was printed, and read. (A lone digit
    on open paper can be missed at that scale; in a ruled table it is found: next test.)"""
    page = Image.new("RGB", (1654, 2339), (255, 255, 255))
    d = ImageDraw.Draw(page)
    placed = {}
    for k, v in enumerate(["10", "17", "305", "24", "64", "1,024"]):
        x, y = 200 + 230 * k, 300 + 330 * k
        d.text((x, y), v, font=_font(30), fill=(0, 0, 0))
        placed[v] = (x, y)
    d.text((200, 2200), "二、主动公开政府信息情况", font=_font(30), fill=(0, 0, 0))
    assert max(page.size) > ocr.DET_MAX_SIDE
    words = ocr._pp_words(page)
    found = {w["text"]: w for w in words}
    assert "二、主动公开政府信息情况" in found
    for v, (x, y) in placed.items():
        w = found[v]
        assert abs(w["x0"] - x) < 20 and abs(w["top"] - y) < 25, (v, w)


def test_lone_digits_in_a_ruled_table_are_read_on_a_page_scaled_down_for_detection():
    page = Image.new("RGB", (1654, 2339), (255, 255, 255))
    d = ImageDraw.Draw(page)
    labels = ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理", "总计", "结转下年"]
    digits = ["0", "7", "2", "1", "9", "4", "3", "6"]
    x0, x1, x2, top, h = 200, 800, 1100, 400, 70
    for k, (label, digit) in enumerate(zip(labels, digits)):
        d.text((x0 + 20, top + k * h + 18), label, font=_font(30), fill=(0, 0, 0))
        d.text((x1 + 130, top + k * h + 18), digit, font=_font(30), fill=(0, 0, 0))
    for k in range(len(labels) + 1):
        d.line((x0, top + k * h, x2, top + k * h), fill=(0, 0, 0), width=2)
    for x in (x0, x1, x2):
        d.line((x, top, x, top + len(labels) * h), fill=(0, 0, 0), width=2)
    buf = io.BytesIO()
    page.save(buf, "PNG")
    rows = [line.split("\t") for line in ocr.read_image(buf.getvalue()).text.splitlines() if "\t" in line]
    assert rows == [[label, digit] for label, digit in zip(labels, digits)]


def test_a_zero_packed_with_paper_about_it_read_as_a_circle_is_read_again(monkeypatch):
    """Three "0"s as detection on the scaled-down page cut them from a clean generated scan
    (``nianbao.demo.documents``, table 四): boxes a little looser than the page's own. Packed
    side by side they read "。", sure; cut to their ink they read "0"."""
    from pathlib import Path
    eng = ocr._pp_engine()
    here = Path(__file__).parent / "fixtures" / "scan_cells"
    crops = [np.asarray(Image.open(here / f"zero-read-as-a-circle-{k}.png").convert("RGB")) for k in (1, 2, 3)]
    with monkeypatch.context() as m:
        m.setattr(ocr, "_LONE_CIRCLE_READ", re.compile(r"(?!)"))
        assert "。" in [t for t, _ in ocr._pp_read_lines(eng, crops)], \
            "these zeros no longer read as a circle when packed: find cases where they do"
    assert [t for t, _ in ocr._pp_read_lines(eng, crops)] == ["0", "0", "0"]
