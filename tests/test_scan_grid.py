"""The ruled grid of a scanned table (``parsers.ocr._grid``) when the scan damaged its rules:
drawn tables (white page, black 2-px rules, 200 dpi sizes), each with one kind of damage."""
from __future__ import annotations

from PIL import Image, ImageDraw

from parsers.ocr import _grid

COLS = [150, 560, 660, 760, 860, 960, 1060]      # a label column and six value columns
ROWS = [300, 340, 380, 420, 460]                 # four rows of 40 px


def _table(cols=COLS, rows=ROWS, skip_h=(), skip_v=()):
    """A white page with a ruled table; ``skip_h``: (row line index, x0, x1) stretches of a
    horizontal rule left out; ``skip_v``: (column line index, y0, y1) stretches of a vertical one."""
    im = Image.new("L", (1700, 800), 255)
    d = ImageDraw.Draw(im)
    for i, y in enumerate(rows):
        d.rectangle((cols[0], y, cols[-1], y + 1), fill=0)
        for k, x0, x1 in skip_h:
            if k == i:
                d.rectangle((x0, y, x1, y + 1), fill=255)
    for j, x in enumerate(cols):
        d.rectangle((x, rows[0], x + 1, rows[-1]), fill=0)
        for k, y0, y1 in skip_v:
            if k == j:
                d.rectangle((x, y0, x + 1, y1), fill=255)
    return im, d


def _shape(cells):
    """Cells as (first row, column start rounded to 10 px, rows spanned)."""
    return sorted((c["band"], round(c["x0"], -1), c["span"]) for c in cells)


def test_an_undamaged_table_gives_one_cell_per_row_and_column():
    im, _ = _table()
    assert _shape(_grid(im)) == [(r, round(x + 2, -1), 1) for r in range(4) for x in COLS[:-1]]


def test_a_short_run_of_bold_print_inside_a_row_does_not_cut_it():
    """Bold print at 150 dpi runs a character's horizontal strokes together into a dash 70 px
    long; two of them inside one row are not rules."""
    im, d = _table()
    for y in (396, 404):
        d.rectangle((250, y, 320, y + 1), fill=0)
    whole, _ = _table()
    assert _shape(_grid(im)) == _shape(_grid(whole))


def test_the_rule_a_scan_lost_between_two_rows_of_one_column_is_put_back():
    """Two values stacked in one tall cell would read as one number ("1" over "0" as 10)."""
    im, _ = _table(skip_h=[(2, 861, 959)])
    shape = _shape(_grid(im))
    assert (1, 860, 1) in shape and (2, 860, 1) in shape
    assert all(span == 1 for _, _, span in shape)


def test_a_label_spanning_rows_beside_taller_labels_stays_whole():
    """The outer label column spans all four rows; a sub-label spanning two stays one cell."""
    im, _ = _table(skip_h=[(1, 151, 359), (2, 151, 559), (3, 151, 359)],
                   cols=[150, 360, 560, 660, 760, 860, 960, 1060])
    shape = _shape(_grid(im))
    assert (0, 150, 4) in shape and (1, 360, 2) in shape


def test_a_cell_a_seal_cut_out_of_its_row_is_read_again():
    """A seal took the rules above and below one value cell: its row keeps the cell."""
    im, _ = _table(skip_h=[(1, 870, 950), (2, 870, 950)])
    shape = _shape(_grid(im))
    assert (1, 860, 1) in shape


def test_a_value_cell_whose_closing_rule_a_seal_took_is_taken_from_the_row_below():
    """Table 二's rows are a label and one wide value cell; a seal over the table's right edge
    took the outer rule of one row and stretches of the rules above and below it."""
    cols = [150, 560, 1530]
    im, _ = _table(cols=cols, skip_v=[(2, 341, 379)], skip_h=[(1, 1200, 1330), (2, 1150, 1300)])
    shape = _shape(_grid(im))
    assert (1, 560, 1) in shape and len(shape) == 8
