"""One cell of a scanned table read alone (``parsers.ocr``): where its print is among specks and
the remains of rules, and what a reading of it says. Drawn cells at 200 dpi sizes."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers import ocr
from parsers.ocr import _pp_cell_text, _print_box

CELL = (0, 0, 100, 90)          # a value cell two rows high, as a lost rule leaves it


def _cell(draw):
    im = Image.new("L", (CELL[2], CELL[3]), 255)
    draw(ImageDraw.Draw(im))
    return im


def test_specks_away_from_the_print_are_left_out_of_its_box():
    """A "0" in the middle of a tall cell with specks near its top and bottom: the box is the
    digit's, not a tall thin box from speck to speck (which nothing reads)."""
    im = _cell(lambda d: (d.ellipse((44, 36, 56, 54), outline=0, width=2),
                          d.rectangle((30, 8, 31, 9), fill=0), d.rectangle((70, 80, 71, 81), fill=40)))
    x0, y0, x1, y1 = _print_box(im, CELL)
    assert (x0, y0, x1, y1) == (44, 36, 57, 55)


def test_a_faint_number_broken_into_parts_stays_one_box():
    """Light print breaks into parts where a stroke crosses it (a seal's ring took a stripe of
    the last "0" of "15000"): parts a few pixels apart are one number, whose box is the box of
    the whole print."""
    def number(d):
        d.text((20, 30), "15000", font=_font(22), fill=170)
    whole = _print_box(_cell(number), CELL)
    assert whole is not None and whole[2] - whole[0] > 50

    def broken(d):
        number(d)
        d.rectangle((whole[2] - 6, 0, whole[2] - 5, 89), fill=255)
        d.rectangle((whole[0] + 4, 0, whole[0] + 4, 89), fill=255)
    assert _print_box(_cell(broken), CELL) == whole


def test_a_rules_remains_along_the_cells_edge_are_not_print():
    """A sliver of a vertical rule left inside the cell's crop (a lean the grid did not follow)
    is not a "1"."""
    im = _cell(lambda d: d.rectangle((4, 10, 5, 80), fill=0))
    assert _print_box(im, CELL) is None
    im = _cell(lambda d: (d.rectangle((4, 10, 5, 80), fill=0), d.ellipse((44, 36, 56, 54), outline=0, width=2)))
    assert _print_box(im, CELL) == (44, 36, 57, 55)


def test_specks_alone_are_no_print():
    im = _cell(lambda d: [d.rectangle((x, y, x + 1, y + 1), fill=0) for x, y in ((20, 20), (60, 30), (40, 70))])
    assert _print_box(im, CELL) is None


@pytest.mark.parametrize("read, cell", [("15-", "15"), ("0-", "0"), ("0.", "0"), (".0", "0"), ("0'", "0"),
                                        ("-7", "-7"), ("1,234", "1,234"), ("43.32", "43.32")])
def test_a_speck_read_beside_a_number_is_dropped_and_a_minus_kept(read, cell):
    assert _pp_cell_text(read) == cell


def _font(size):
    return ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", size)


FIXTURES = Path(__file__).parent / "fixtures" / "scan_cells"


def test_a_zero_among_specks_reads_from_the_box_of_its_print():
    """A cell of a harsh scan (``nianbao.demo.scans``, seed 7, document 11, table 三, two rows
    high where a rule was lost): a faint "0" with specks above and below. Cut to all its ink the
    crop is a tall strip that reads as nothing; cut to its print it reads 0."""
    if ocr.engine() != "ppocr":
        pytest.skip("PP-OCR is not installed")
    im = Image.open(FIXTURES / "zero-among-specks.png").convert("L")
    box = (0, 0, im.width, im.height)
    x0, y0, x1, y1 = _print_box(im, box)
    text, conf = ocr._pp_rec([im.crop((x0 - 4, y0 - 4, x1 + 4, y1 + 4))])[0]
    assert _pp_cell_text(text) == "0" and conf >= ocr.REC_MIN_CONFIDENCE
    ink = ocr._ink_box(im.point(lambda p: 0 if p < 170 else 255), box, pad=4)
    assert (ink[3] - ink[1]) > 2 * (y1 - y0)       # the box of all its ink runs from speck to speck


def test_a_zero_under_a_seals_star_reads_from_the_colour_page():
    """A cell of a harsh scan (seed 7, document 21, table 四) under the seal's star: the grey page
    with the seal taken away keeps a broken "0" that reads as a letter; from the colour, where the
    print is darker than the seal's ink, the cell reads 0."""
    if ocr.engine() != "ppocr":
        pytest.skip("PP-OCR is not installed")
    cell = Image.open(FIXTURES / "zero-under-a-seal.png").convert("RGB")
    crop, (x0, y0, x1, y1) = ocr._under_seal(cell)
    assert 35 <= x0 < x1 <= 55
    text, conf = ocr._pp_rec([crop])[0]
    assert _pp_cell_text(text) == "0" and conf >= ocr.REC_UNDER_SEAL_CONFIDENCE


def test_a_page_has_a_seal_only_where_red_ink_is():
    from nianbao.demo.scans import seal
    page = Image.new("RGB", (800, 1000), (255, 255, 255))
    ImageDraw.Draw(page).text((100, 100), "二〇二三年", font=_font(40), fill=(0, 0, 0))
    assert ocr.seal_colour(page) is None and ocr.seal_colour(page.convert("L")) is None
    stamp = seal(300)
    page.paste(stamp, (400, 500), stamp)
    assert ocr.seal_colour(page) is not None


def test_a_seal_over_table_cells_gives_them_back():
    """A table whose value cells a red seal covers, blurred and saved as JPEG the way scans are:
    read with the page in colour, every cell reads as printed or stays unread (never another
    number), and no cell reads worse than from the grey page alone."""
    if ocr.engine() != "ppocr":
        pytest.skip("PP-OCR is not installed")
    import io
    from PIL import ImageFilter
    from nianbao.demo.scans import seal
    values = [["3", "0", "12", "5", "0", "7", "1"], ["0", "2", "0", "0", "9", "0", "4"], ["1", "0", "0", "6", "0", "0", "0"]]
    im = Image.new("RGB", (1654, 900), (255, 255, 255))
    d = ImageDraw.Draw(im)
    cols, rows = [150, 560] + [560 + 92 * k for k in range(1, 8)], [300, 340, 380, 420]
    for y in rows:
        d.rectangle((cols[0], y, cols[-1], y + 1), fill=(0, 0, 0))
    for x in cols:
        d.rectangle((x, rows[0], x + 1, rows[-1]), fill=(0, 0, 0))
    for r, (label, row) in enumerate(zip(("结果维持", "结果纠正", "其他结果"), values)):
        d.text((170, rows[r] + 6), label, font=_font(22), fill=(0, 0, 0))
        for c, v in enumerate(row):
            d.text((cols[c + 1] + 40, rows[r] + 6), v, font=_font(22), fill=(0, 0, 0))
    stamp = seal(360)
    im.paste(stamp, (760, 200), stamp)
    buf = io.BytesIO()
    im.filter(ImageFilter.GaussianBlur(0.8)).save(buf, "JPEG", quality=40)
    im = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")

    def read(colour):
        page = ocr._pp_straight(ocr.ink_gray(im), 1, float("inf"), colour)
        table = [[c.text for c in row] for _, row, is_table in page["items"] if is_table]
        return [row[1:] for row in table]
    grey, coloured = read(None), read(ocr.seal_colour(im))
    assert all(t in ("", v) for got, want in zip(coloured, values) for t, v in zip(got, want)), coloured
    right = [sum(t == v for got, want in zip(table, values) for t, v in zip(got, want)) for table in (grey, coloured)]
    assert right[1] >= right[0] >= 15, right
