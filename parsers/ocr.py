"""Offline OCR (PP-OCR on OpenVINO or ONNX Runtime, or Debian's tesseract) for scanned / image-only reports.

Public API
----------
``read_pdf(data: bytes, max_pages: int = 12, budget: float = 90.0) -> Extract``
    Rasterise with ``pdftoppm -r 200 -gray`` and OCR. A 30-dpi preview of every page first scores
    pages for ruled-table lines; page 1 (title, year, agency) and the table pages are OCR'd first,
    the other pages only while the time budget lasts (at most ``max_pages`` pages). Output rows
    stay in page order.
``read_image(data: bytes, budget: float = 90.0) -> Extract``
    PNG / JPEG / TIFF (all frames, capped) / anything Pillow opens.
``fix_numeric(text: str) -> str``
    O/o→0, l/I/|→1, S→5, B→8, Z→2 … but only for cells that are numeric once fixed.

How
---
* Every page is first turned straight (``deskew``): the angle within ±5° whose row profile is
  sharpest (half-degree steps on a 500 px copy, then tenth-degree steps on a 1000 px one,
  turned by OpenCV: ~0.05 s a page; the page itself is turned by Pillow, whose softer bicubic
  reads better). Without it a page leaning by 0.8° lost every ruled line and every field.
* Ruled tables: horizontal lines by a long horizontal opening (``_erode_dark``, OpenCV);
  between two consecutive horizontal lines, vertical lines are the columns that are dark over the
  whole band. Cells are the gaps between vertical lines; a cell continues into the next band when
  the horizontal line between is absent (vertically merged), and is emitted once, in its top row.
* Lines are erased and the page is OCR'd once with chi_sim (``--psm 6``); words go to the cell
  holding their centre (labels) or to prose lines (text). Cells with no ink are real blanks ('').
* Numeric cells (no CJK read, or a short low-confidence reading) are re-read by a digits-only
  pass (eng, whitelist ``0-9.,-/``): every crop on its own line of ONE strip image; unsure
  readings get a second strip at another scale, then a few single-line calls. ``where["conf"]``
  holds tesseract's confidence (0–100; 0 = fallback reading) and ``where["page"]``.
* With PP-OCR (the engine when installed, ``engine``; its models run by OpenVINO when installed,
  in bf16 where the CPU has it, doubtful lines read again in f32: ``_use_openvino``) the page is
  read once, detection and recognition, and boxes go to cells. Text is found on a copy at most ``DET_MAX_SIDE`` px long
  and each line read from the page at the engine's scale; short lines (numbers) are read packed
  side by side on one strip, and read alone whenever that reading is not sure; a number read
  unsigned from a line that begins with a dash, or a "0" read as "。", is read again cut to its
  ink, where the recogniser sees the minus it dropped and the digit (``_pp_read_lines``). A cell with ink and no box is read alone: from
  the box of its print (``_print_box``: specks away from it left out), then from the page as scanned with
  its light marks dropped, then cut to its ink after a 3×3 opening, and, where a red seal covers
  it, from the page in colour (``_under_seal``), where print is darker than the seal's ink.
* ``strict_cells`` is True when a grid was found; otherwise the old word-gap cell splitting
  is used and only the order of values can be trusted (False).
* Every subprocess has a timeout derived from the remaining budget; a page that does not fit is
  skipped with a note. The budget (90 s of wall clock) is far above the 4–8 s a scan needs
  on one core (two or three times that on a CPU without bf16 or a busy machine), so that a
  busy machine slows a scan down instead of losing its table page.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import statistics
import subprocess
import tempfile
import time

from .docx import join_lines

try:
    from PIL import Image as _Image
    _BOX = _Image.Resampling.BOX
    _LANCZOS = _Image.Resampling.LANCZOS
    _BILINEAR = _Image.Resampling.BILINEAR
    _BICUBIC = _Image.Resampling.BICUBIC
except Exception:  # pragma: no cover
    _BOX = _LANCZOS = _BILINEAR = _BICUBIC = None
from .model import Cell, Extract, ParseError

LANG = "chi_sim"
DIGIT_LANG = "eng"
DPI = 200
_ENV = dict(os.environ, OMP_THREAD_LIMIT="1")
_CONF = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                       "i": "1", "!": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                       "g": "9", "G": "6", "，": ",", "。": ".", "工": "1", "丨": "1"})
_NOT_CJK = str.maketrans("", "", "一丨〇")
_NUMERIC = re.compile(r"\d+(?:[.,]\d+)*%?")
_JUNK = re.compile(r"^[|丨\[\]{}_—\-=~'\"`]+$")


def fix_numeric(text: str) -> str:
    t = text.strip().replace(" ", "").strip("“”\"'‘’`、:：;；")
    if not t:
        return text
    fixed = t.translate(_CONF)
    if _NUMERIC.fullmatch(fixed) and (re.search(r"\d", t) or len(t) <= 2):
        return fixed
    return text


# ----------------------------------------------------------------------------- image helpers
def _shift(im, dx, dy):
    from PIL import Image

    out = Image.new(im.mode, im.size, 255)
    out.paste(im, (dx, dy))
    return out


def _erode_dark(im, length, horizontal):
    """Keep dark pixels only where a dark run of >= length exists along the axis (then dilate
    back): a morphological opening of the dark, beyond the image's edge all light.
    im: 'L' binary (0 dark / 255 light). Returns the line mask (0 = line)."""
    import cv2
    import numpy as np
    from PIL import Image

    kernel = np.ones((1, length) if horizontal else (length, 1), np.uint8)
    last = (length - 1, 0) if horizontal else (0, length - 1)
    # light wherever any pixel of the run from here on is light, then dark wherever a run ending
    # here is dark
    m = cv2.dilate(np.asarray(im), kernel, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT, borderValue=255)
    return Image.fromarray(cv2.erode(m, kernel, anchor=last, borderType=cv2.BORDER_CONSTANT, borderValue=255))


def _min_filter(im, size: int):
    """PIL's ``MinFilter(size)`` on an 'L' image, in OpenCV (the same pixels, ten times faster)."""
    import cv2
    import numpy as np
    from PIL import Image
    return Image.fromarray(cv2.erode(np.asarray(im), np.ones((size, size), np.uint8)))


def _max_filter(im, size: int):
    """PIL's ``MaxFilter(size)`` on an 'L' image, in OpenCV (the same pixels)."""
    import cv2
    import numpy as np
    from PIL import Image
    return Image.fromarray(cv2.dilate(np.asarray(im), np.ones((size, size), np.uint8)))


def _prepare(im):
    """Binarise, find and remove ruled lines. Returns (clean image, vertical-line mask)."""
    from PIL import ImageChops

    g = im.convert("L")
    bw = g.point(lambda p: 0 if p < 170 else 255)
    W, H = bw.size
    L = max(40, W // 20)
    hmask = _erode_dark(bw, L, True)
    vmask = _erode_dark(bw, L, False)
    lines = ImageChops.darker(hmask, vmask)
    # widen the mask by one pixel to remove anti-aliased edges
    lines = _min_filter(lines, 3)
    clean = ImageChops.lighter(g, ImageChops.invert(lines))
    return clean, vmask


def _vlines_in_band(vmask, top, bottom):
    """x positions of vertical ruled lines crossing the band [top, bottom]."""
    W, _ = vmask.size
    band = vmask.crop((0, max(0, int(top)), W, max(int(top) + 1, int(bottom))))
    row = band.resize((W, 1)).tobytes()  # mean darkness per column (L: 1 byte each)
    xs, run = [], []
    for x, v in enumerate(row):
        if v < 128:
            run.append(x)
        elif run:
            xs.append(sum(run) / len(run))
            run = []
    if run:
        xs.append(sum(run) / len(run))
    return xs


SKEW_MAX = 5.0      # degrees searched either way
SKEW_MIN = 0.1      # below this a page is left as it is


def _line_sharpness(small, angle: float) -> float:
    """How sharply the text lines and rulings of a small binary page (uint8 array) stand out as
    horizontal rows when it is turned by ``angle`` degrees (PIL's sense, about its centre): the
    spread of its row darkness."""
    import cv2
    h, w = small.shape
    turned = cv2.warpAffine(small, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                            flags=cv2.INTER_LINEAR, borderValue=255)
    prof = turned.mean(axis=1)
    return float(((prof - prof.mean()) ** 2).sum())


def _binary_width(g, width: int):
    k = width / g.width if g.width > width else 1.0
    return g.resize((max(1, int(g.width * k)), max(1, int(g.height * k))), _BOX).point(
        lambda p: 0 if p < 170 else 255)


def skew_angle(im) -> float:
    """The rotation (degrees, PIL's sense) that makes a scanned page's lines horizontal: half-degree
    steps over ±SKEW_MAX on the page shrunk to 500 px, then tenth-degree steps at 1000 px."""
    import numpy as np
    g = im.convert("L")
    small, fine = np.asarray(_binary_width(g, 500)), np.asarray(_binary_width(g, 1000))
    coarse = [a / 2 for a in range(int(-SKEW_MAX * 2), int(SKEW_MAX * 2) + 1)]
    best = max(coarse, key=lambda a: _line_sharpness(small, a))
    return max((round(best + d / 10, 2) for d in range(-5, 6)), key=lambda a: _line_sharpness(fine, a))


def deskew(im):
    """(page turned straight, angle applied): scanned pages lean a little, and a leaning grid
    has no long horizontal or vertical lines to find."""
    angle = skew_angle(im)
    if abs(angle) < SKEW_MIN:
        return im, 0.0
    g = im.convert("L")
    return g.rotate(angle, resample=_BICUBIC, expand=True, fillcolor=255), angle


def _table_score(im) -> float:
    """Rough amount of long horizontal ruling on a low-res page image."""
    g = im.convert("L").point(lambda p: 0 if p < 180 else 255)
    W, H = g.size
    m = _erode_dark(g, max(10, W // 5), True)
    hist = m.histogram()
    return hist[0] / float(W * H)


# ------------------------------------------------------------------------------- tesseract
def _tesseract_tsv(png_path: str, timeout: float, lang: str = LANG, psm: str = "6",
                   extra=()) -> list[dict]:
    if timeout <= 0.5:
        raise TimeoutError
    try:
        r = subprocess.run(["tesseract", png_path, "-", "-l", lang, "--psm", psm, *extra, "tsv"],
                           capture_output=True, timeout=timeout, env=_ENV)
    except FileNotFoundError:
        raise ParseError("tesseract is not installed") from None
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    if r.returncode != 0:
        raise ParseError(f"tesseract failed: {r.stderr.decode('utf-8', 'replace')[:120]}")
    words = []
    for ln in r.stdout.decode("utf-8", "replace").splitlines()[1:]:
        f = ln.split("\t")
        if len(f) < 12 or f[0] != "5":
            continue
        text = f[11].strip()
        if not text:
            continue
        try:
            left, top, w, h = (int(f[6]), int(f[7]), int(f[8]), int(f[9]))
            conf = float(f[10])
        except ValueError:
            continue
        words.append({"key": (int(f[2]), int(f[3]), int(f[4])), "x0": left, "x1": left + w,
                      "top": top, "bottom": top + h, "text": text, "conf": conf})
    return words


def _join(words) -> str:
    out = ""
    for w in words:
        t = w["text"]
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z0-9]", t) \
                and not (re.search(r"\d$", out) and re.match(r"\d", t)):
            out += " " + t
        else:
            out += t
    return out


def _page_rows(words, vmask, page_no):
    """Group OCR words into lines and cells."""
    lines: dict = {}
    for w in words:
        if _JUNK.match(w["text"]):
            continue
        lines.setdefault(w["key"], []).append(w)
    ordered = sorted(lines.values(), key=lambda ws: min(w["top"] for w in ws))
    rows = []
    for ri, ws in enumerate(ordered):
        ws.sort(key=lambda w: w["x0"])
        hs = [w["bottom"] - w["top"] for w in ws]
        em = statistics.median(hs) if hs else 30
        top = min(w["top"] for w in ws)
        bottom = max(w["bottom"] for w in ws)
        vx = _vlines_in_band(vmask, top, bottom) if vmask is not None else []
        cells: list[list[dict]] = []
        for w in ws:
            if cells:
                prev = cells[-1][-1]
                gap = w["x0"] - prev["x1"]
                ruled = any(prev["x1"] - 2 <= x <= w["x0"] + 2 for x in vx)
                if not ruled and gap <= 1.2 * em:
                    cells[-1].append(w)
                    continue
            cells.append([w])
        row = []
        for ci, cw in enumerate(cells):
            t = fix_numeric(_join(cw))
            row.append(Cell(t, {"page": page_no, "row": ri, "col": ci, "x": cw[0]["x0"], "y": top,
                                "conf": round(min(w["conf"] for w in cw), 1)}))
        # a table row lies between ruled vertical lines or carries >= 2 numbers; other lines
        # (prose split on wide justification gaps) only go to the text
        inside = len(vx) >= 2 and vx[0] <= ws[0]["x0"] + 2 and ws[-1]["x1"] - 2 <= vx[-1]
        numeric = sum(1 for c in row if _NUMERIC.fullmatch(c.text))
        rows.append((row, inside or numeric >= 2))
    return rows


# ------------------------------------------------------------------------------ ruled grid
_CJK = re.compile(r"[\u3400-\u9fff]")


def _runs(mask, min_len):
    """Dark runs (0 bytes) of at least min_len along the rows of an 'L' mask: [(y, x0, x1)]."""
    W = mask.width
    data = mask.tobytes()
    out = []
    for m in re.finditer(rb"\x00{%d,}" % min_len, data):
        s, e = m.span()
        while s < e:
            y = s // W
            row_end = min(e, (y + 1) * W)
            if row_end - s >= min_len:
                out.append((y, s - y * W, row_end - y * W))
            s = row_end
    return out


def _hlines(bw, min_len):
    """Horizontal ruled lines: [(y_centre, [(x0, x1), ...])], top to bottom."""
    from PIL import ImageChops

    # a one-pixel vertical dilation joins the stair steps of a slightly skewed line
    d = ImageChops.darker(bw, _shift(bw, 0, 1))
    m = _erode_dark(d, min_len, True)
    runs = _runs(m, min_len)
    byy: dict = {}
    for y, x0, x1 in runs:
        byy.setdefault(y, []).append((x0, x1))
    groups = []
    for y in sorted(byy):
        if groups and y - groups[-1][1] <= 2:
            groups[-1][1] = y
            groups[-1][2].extend(byy[y])
        else:
            groups.append([y, y, list(byy[y])])
    lines = []
    for y0, y1, ivs in groups:
        ivs.sort()
        merged = []
        for a, b in ivs:
            if merged and a <= merged[-1][1] + 8:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        lines.append(((y0 + y1) / 2.0, y0, y1, [tuple(v) for v in merged]))
    return lines


def _covered(ivs, a, b):
    """True when the horizontal line intervals cover most of (a, b)."""
    return _share(ivs, a + (b - a) * 0.25, a + (b - a) * 0.75) >= 0.8


def _share(ivs, a, b) -> float:
    """The share of (a, b) that the line intervals ``ivs`` cover."""
    return sum(max(0, min(x1, b) - max(x0, a)) for x0, x1 in ivs) / max(1.0, b - a)


def _vlines_band(bw, y0, y1, support=()):
    """x centres of the vertical lines crossing the whole band y0..y1: ink in >= 85% of it and
    in the few rows next to the ruled lines above and below. A character's vertical stroke in a
    tight row can fill most of the row's height, but it stands clear of the rules.

    ``support``: x of lines found in the neighbouring rows of the same table. A rule that the scan
    broke up (light toner, blur) is taken there on weaker evidence: ink in >= 40% of the band
    and touching the rule above or below."""
    W = bw.width
    if y1 - y0 < 3:
        return []

    def profile(a, b):
        return bw.crop((0, int(a), W, max(int(a) + 1, int(b)))).resize((W, 1), resample=_BOX).tobytes()

    prof = profile(y0, y1)
    edge = min(3, max(1, int((y1 - y0) // 8)))
    top, bottom = profile(y0, y0 + edge), profile(y1 - edge, y1)

    def near_dark(row, x):
        return min(row[max(0, x - 1):x + 2]) < 128

    xs, run = [], []
    for x, v in enumerate(prof):
        if v < 40:
            run.append(x)
        elif run:
            xs.append((run[0], run[-1]))
            run = []
    if run:
        xs.append((run[0], run[-1]))
    found = [(a + b) / 2.0 for a, b in xs if b - a <= 12
             and any(near_dark(top, x) for x in range(a, b + 1))
             and any(near_dark(bottom, x) for x in range(a, b + 1))]
    weak = []
    for sx in support:
        x = int(round(sx))
        if any(abs(x - f) <= 6 for f in found + weak) or not 2 <= x < W - 2:
            continue
        if min(prof[x - 2:x + 3]) < 150 and (near_dark(top, x) or near_dark(bottom, x)):
            weak.append(float(x))
    return sorted(found + weak)


def _grid(bw):
    """Find ruled table cells. Returns a list of cells, each a dict with box (x0, y0, x1, y1)
    (interior, lines excluded), band (first row band), col (x order) and span; bands ordered."""
    W, H = bw.size
    # a short run is a character's stroke (bold print at 150 dpi runs 一 strokes together), not
    # a rule: it would cut its row in two thin bands without vertical lines, and lose the row
    hl = [h for h in _hlines(bw, max(40, W // 25)) if sum(b - a for a, b in h[3]) >= W // 10]
    if len(hl) < 2:
        return []
    bands = [(hl[i][2] + 1, hl[i + 1][1] - 1) for i in range(len(hl) - 1)]
    found = [_vlines_band(bw, y0 + 1, y1 - 1) if 8 <= y1 - y0 <= H // 3 else [] for y0, y1 in bands]
    cells_by_band = []
    for i, (y0, y1) in enumerate(bands):
        if not found[i]:
            cells_by_band.append([])
            continue
        # the lines of the rows next to this one (same table), inside this row's outer rules
        near = {x for k in range(max(0, i - 3), min(len(bands), i + 4)) if k != i for x in found[k]
                if found[i][0] + 6 < x < found[i][-1] - 6 and all(abs(x - f) > 6 for f in found[i])}
        xs = _vlines_band(bw, y0 + 1, y1 - 1, sorted(near)) if near else found[i]
        band = []
        for a, b in zip(xs, xs[1:]):
            if b - a < 12:
                continue
            # the cell must be closed above and below by ruled lines (in this or a later band)
            band.append([a, b])
        cells_by_band.append(band)
    # merge vertically: a cell continues into the next band when the line between is absent
    cells = []
    open_cells: list = []   # cells that reached the bottom of the previous band, unclosed
    for i, band in enumerate(cells_by_band):
        top_y = hl[i][0]
        bot_line = hl[i + 1]
        new_open = []
        for a, b in band:
            cont = None
            for c in open_cells:
                if abs(c["x0"] - a) <= 6 and abs(c["x1"] - b) <= 6:
                    cont = c
                    break
            if cont is None:
                cont = {"x0": a, "x1": b, "y0": top_y, "band": i, "span": 1,
                        "ytop_line": hl[i]}
                if not _covered(hl[i][3], a, b):
                    # no ruled line above: not a cell top (e.g. prose between tables)
                    cont["open_top"] = True
                cells.append(cont)
            else:
                cont["span"] += 1
            cont["y1"] = bot_line[0]
            cont["ybot_line"] = bot_line
            cont["closed"] = _covered(bot_line[3], a, b)
            if not cont["closed"]:
                new_open.append(cont)
        open_cells = new_open
    cells = _split_lost_rules([c for c in cells if c["closed"] and not c.get("open_top")], hl)
    cells += _missing_cells(cells)
    return cells + _borrowed_cells(cells)


def _by_band(cells) -> dict:
    """{band: [cell, …]} in the cells' order."""
    out: dict = {}
    for c in cells:
        out.setdefault(c["band"], []).append(c)
    return out


def _split_lost_rules(cells, hl) -> list:
    """A cell two or more rows high whose neighbour on the left is one row high (and on the
    right too, unless it ends the table) lost the rule between its rows in the scan: it would
    read the two values stacked in it as one number ("1" over "0" as 10). It is cut at the rows'
    rules. Labels spanning rows have a taller label beside them and are kept whole."""
    out = []
    for c in cells:
        if c["span"] < 2:
            out.append(c)
            continue
        beside = [n for n in cells if n is not c and n["band"] == c["band"]]
        left = [n for n in beside if abs(n["x1"] - c["x0"]) <= 6]
        right = [n for n in beside if abs(n["x0"] - c["x1"]) <= 6]
        if not left or left[0]["span"] != 1 or (right and right[0]["span"] != 1):
            out.append(c)
            continue
        for k in range(c["span"]):
            b = c["band"] + k
            out.append({**c, "band": b, "span": 1, "y0": hl[b][0], "y1": hl[b + 1][0], "split": True})
    return out


def _missing_cells(cells) -> list:
    """Cells of a row that the scan took (a seal over them, a rule lost) where their row's other
    cells leave a gap as wide as a whole number of its cells: that many equal cells, which are
    then read like the others (or said unread)."""
    out = []
    for band in _by_band(cells).values():
        if len(band) < 4:
            continue
        band.sort(key=lambda c: c["x0"])
        widths = sorted(c["x1"] - c["x0"] for c in band)
        w = widths[len(widths) // 2]
        for a, b in zip(band, band[1:]):
            gap = b["x0"] - a["x1"]
            n = round(gap / w) if w else 0
            if n < 1 or abs(gap - n * w) > 0.2 * w or abs(a["y1"] - b["y1"]) > 4 or a["span"] != b["span"]:
                continue
            for k in range(n):
                out.append({"x0": a["x1"] + k * gap / n, "x1": a["x1"] + (k + 1) * gap / n, "y0": a["y0"],
                            "y1": a["y1"], "band": a["band"], "span": a["span"], "closed": True, "filled": True})
    return out


def _borrowed_cells(cells) -> list:
    """A one-row band that the scan left short of a cell (a seal over the table's outer rule
    took the line that closes it) gets the cell its neighbour row has there, when nothing of
    its own row stands there and the rules above and below it run across that cell."""
    byband = _by_band(cells)
    out = []
    for i, band in byband.items():
        rows = [c for c in band if c["span"] == 1]
        if not rows or "ybot_line" not in rows[0]:
            continue
        top, bottom = rows[0]["y0"], rows[0]["y1"]
        over = [c for c in cells if c["y0"] <= top + 2 and c["y1"] >= bottom - 2]
        above, below = rows[0]["ytop_line"][3], rows[0]["ybot_line"][3]
        for j in (i - 1, i + 1):
            for n in byband.get(j, []):
                if n["span"] != 1 or n.get("filled"):
                    continue
                wide = n["x1"] - n["x0"]
                if any(min(n["x1"], c["x1"]) - max(n["x0"], c["x0"]) > 0.2 * wide for c in over):
                    continue
                if min(_share(above, n["x0"], n["x1"]), _share(below, n["x0"], n["x1"])) < 0.6:
                    continue        # (a seal takes a stretch of the rules, not most of them)
                cell = {"x0": n["x0"], "x1": n["x1"], "y0": top, "y1": bottom, "band": i, "span": 1,
                        "closed": True, "filled": True}
                over.append(cell)
                out.append(cell)
    return out


def _ink_box(bw, box, pad=3):
    """Bounding box of the ink inside box (shrunk by pad), or None when the cell is empty."""
    x0, y0, x1, y1 = (int(box[0]) + pad, int(box[1]) + pad, int(box[2]) - pad, int(box[3]) - pad)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    crop = bw.crop((x0, y0, x1, y1))
    from PIL import ImageChops
    bb = ImageChops.invert(crop).getbbox()
    if bb is None:
        return None
    # specks: require a few dark pixels
    if crop.histogram()[0] < 6:
        return None
    return (x0 + bb[0], y0 + bb[1], x0 + bb[2], y0 + bb[3])


PRINT_GAP = 3          # px at least between the parts of one number (digits stand 1-3 px apart at 200 dpi)
PRINT_MIN_SIZE = 8     # px: a number's print is at least this tall or this wide; less is specks


def _print_box(gray, box, pad=4):
    """Bounding box of the print in a cell (shrunk by pad), specks beside it left out, or None.

    The print is the largest dark part (grey below 200, so that a faint digit stays one part or
    breaks into parts that nearly touch) and every part within a quarter of that part's height
    (``PRINT_GAP`` at least) of what is taken so far; a speck farther off is scanner dust. A box
    stretched to a speck two rows away makes a tall thin crop that nothing reads; a box of specks
    alone (less than ``PRINT_MIN_SIZE`` both ways) is None. A thin part along the crop's edge is
    a rule's remains, not print."""
    import numpy as np
    x0, y0, x1, y1 = (int(box[0]) + pad, int(box[1]) + pad, int(box[2]) - pad, int(box[3]) - pad)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    dark = np.asarray(gray.crop((x0, y0, x1, y1))) < 200
    h, w = dark.shape
    seen = np.zeros_like(dark)
    parts = []                                  # (pixels, x0, y0, x1, y1)
    for y, x in np.argwhere(dark).tolist():
        if seen[y, x]:
            continue
        seen[y, x] = True
        stack, n, bx0, by0, bx1, by1 = [(y, x)], 0, x, y, x, y
        while stack:
            cy, cx = stack.pop()
            n += 1
            bx0, by0, bx1, by1 = min(bx0, cx), min(by0, cy), max(bx1, cx), max(by1, cy)
            for ny in (cy - 1, cy, cy + 1):
                for nx in (cx - 1, cx, cx + 1):
                    if 0 <= ny < h and 0 <= nx < w and dark[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        edge = (bx1 - bx0 < 3 and (bx0 == 0 or bx1 == w - 1)) or (by1 - by0 < 3 and (by0 == 0 or by1 == h - 1))
        if not edge:
            parts.append((n, bx0, by0, bx1 + 1, by1 + 1))
    if not parts:
        return None
    parts.sort(reverse=True)
    kept = list(parts[0][1:])
    rest = parts[1:]
    gap = max(PRINT_GAP, (kept[3] - kept[1]) // 4)
    grown = True
    while grown:
        grown = False
        for p in list(rest):
            if p[1] <= kept[2] + gap and p[3] >= kept[0] - gap and p[2] <= kept[3] + gap and p[4] >= kept[1] - gap:
                kept = [min(kept[0], p[1]), min(kept[1], p[2]), max(kept[2], p[3]), max(kept[3], p[4])]
                rest.remove(p)
                grown = True
    if kept[2] - kept[0] < PRINT_MIN_SIZE and kept[3] - kept[1] < PRINT_MIN_SIZE:
        return None
    return (x0 + kept[0], y0 + kept[1], x0 + kept[2], y0 + kept[3])


def _crop_around(im, box, margin: int = 4):
    """``im`` cut to ``box`` (x0, y0, x1, y1) and ``margin`` pixels around it."""
    return im.crop((max(0, box[0] - margin), max(0, box[1] - margin), box[2] + margin, box[3] + margin))


def _line_groups(ws):
    """Order words inside one cell: lines by vertical centre, then left to right."""
    ws = sorted(ws, key=lambda w: (w["top"] + w["bottom"]) / 2)
    lines: list = []
    for w in ws:
        c = (w["top"] + w["bottom"]) / 2
        if lines and abs(c - lines[-1][0]) < 0.5 * max(8, w["bottom"] - w["top"]):
            lines[-1][1].append(w)
        else:
            lines.append([c, [w]])
    return [sorted(line[1], key=lambda w: w["x0"]) for line in lines]


def _digits_strip(lines, tmpdir, name, deadline, target=40):
    """OCR many numeric cell crops in one tesseract run. ``lines``: list of lists of crops (a
    table row's numeric cells); each list becomes one line of a strip image, the crops far apart.
    Returns per line a list of (text, conf) — text '' when nothing was read."""
    from PIL import Image

    if not lines:
        return []
    scaled = []
    for crops in lines:
        row = []
        for im in crops:
            k = min(3.0, max(1.0, target / max(1, im.height)))
            if k != 1.0:
                im = im.resize((max(1, int(im.width * k)), max(1, int(im.height * k))), _LANCZOS)
            row.append(im)
        scaled.append(row)
    gap = int(target * 1.5)
    width = max(sum(im.width + gap for im in row) for row in scaled) + gap
    height = sum(max(im.height for im in row) + gap for row in scaled) + gap
    strip = Image.new("L", (width, height), 255)
    boxes = []
    y = gap
    for row in scaled:
        h = max(im.height for im in row)
        x = gap
        for im in row:
            strip.paste(im, (x, y + (h - im.height) // 2))
            boxes.append((x - gap // 2, y - gap // 2, x + im.width + gap // 2, y + h + gap // 2))
            x += im.width + gap
        y += h + gap
    path = os.path.join(tmpdir, f"{name}.png")
    strip.save(path)
    if os.environ.get("NIANBAO_OCR_DEBUG"):
        strip.save(os.path.join(os.environ["NIANBAO_OCR_DEBUG"], f"{name}.png"))
    words = _tesseract_tsv(path, deadline - time.time(), lang=DIGIT_LANG, psm="6",
                           extra=["-c", "tessedit_char_whitelist=0123456789.,-/"])
    res = [[] for _ in boxes]
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        for i, (a, b, c, d) in enumerate(boxes):
            if a <= cx < c and b <= cy < d:
                res[i].append(w)
                break
    flat = []
    for ws in res:
        ws.sort(key=lambda w: w["x0"])
        flat.append(("".join(w["text"] for w in ws), min((w["conf"] for w in ws), default=0.0)))
    out, i = [], 0
    for crops in lines:
        out.append(flat[i:i + len(crops)])
        i += len(crops)
    return out


def _digits_single(crop, tmpdir, name, deadline):
    """One numeric cell alone, upscaled, as a single text line (psm 7)."""
    from PIL import Image

    k = max(1.0, 48.0 / max(1, crop.height))
    im = crop.resize((max(1, int(crop.width * k)), max(1, int(crop.height * k))), _LANCZOS)
    pad = Image.new("L", (im.width + 60, im.height + 40), 255)
    pad.paste(im, (30, 20))
    path = os.path.join(tmpdir, f"{name}.png")
    pad.save(path)
    if os.environ.get("NIANBAO_OCR_DEBUG"):
        pad.save(os.path.join(os.environ["NIANBAO_OCR_DEBUG"], f"{name}.png"))
    words = _tesseract_tsv(path, min(5.0, deadline - time.time()), lang=DIGIT_LANG, psm="7",
                           extra=["-c", "tessedit_char_whitelist=0123456789.,-/"])
    words.sort(key=lambda w: w["x0"])
    return ("".join(w["text"] for w in words), min((w["conf"] for w in words), default=0.0))


def _words_by_cell(words, cells) -> tuple[dict, list]:
    """Words to the grid cell holding their centre ({cell index: [words]}), and the rest."""
    inside: dict = {}
    loose = []
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        for ci, c in enumerate(cells):
            if c["x0"] <= cx <= c["x1"] and c["y0"] <= cy <= c["y1"]:
                inside.setdefault(ci, []).append(w)
                break
        else:
            loose.append(w)
    return inside, loose


def _grid_rows(cells, texts, page_no, keep_unread: bool = False, ink: dict | None = None) -> list:
    """The grid's bands as table rows [(y, [Cell], True)]; ``texts``: {cell: (text, conf)}. A
    cell's confidence is kept when it was read (and, with ``keep_unread``, when it had ink that
    nothing could read: conf 0). ``ink``: {cell: (text extent, ink extent)}, each (x0, x1) or
    None: where the words and all the ink of a cell stand, which says under which column a value
    stood (and that the rest of the cell is blank) when the scan lost the rule between two cells."""
    items = []
    byband: dict = {}
    for ci, c in enumerate(cells):
        byband.setdefault(c["band"], []).append(ci)
    for bi in sorted(byband):
        cis = sorted(byband[bi], key=lambda k: cells[k]["x0"])
        row = []
        for col, ci in enumerate(cis):
            t, conf = texts[ci]
            where = {"page": page_no, "row": bi, "col": col,
                     "x": round(cells[ci]["x0"], 1), "x1": round(cells[ci]["x1"], 1),
                     "y": round(cells[ci]["y0"], 1), "y1": round(cells[ci]["y1"], 1)}
            if conf is not None and (t or (keep_unread and conf == 0.0)):
                where["conf"] = round(conf, 1)
            for name, extent in zip(("text", "ink"), (ink or {}).get(ci, ())):
                if extent:
                    where[f"{name}_x0"], where[f"{name}_x1"] = round(extent[0], 1), round(extent[1], 1)
            row.append(Cell(t, where))
        items.append((cells[cis[0]]["y0"], row, True))
    return items


def _cell_text(ws) -> str:
    return join_lines(_join(line) for line in _line_groups(ws))


def _paper(g):
    """The paper's brightness around each pixel of a grey page (float array, >= 1): the lightest
    level within ~4 mm (ink is thinner than that), smoothed."""
    import numpy as np
    from PIL import ImageFilter

    w, h = g.size
    small = g.resize((max(1, w // 4), max(1, h // 4)), _BOX)
    paper = _max_filter(small, 9).filter(ImageFilter.GaussianBlur(5)).resize((w, h), _BILINEAR)
    return np.maximum(np.asarray(paper, dtype=np.float32), 1.0)


def flatten_light(im):
    """The page with its paper brought to white: each pixel divided by the paper's brightness
    around it. A photographed page darkens towards one side (to half the light), and a fixed
    threshold then turns that side's paper into ink and loses every ruled line on it; after
    this the print keeps its contrast everywhere."""
    import numpy as np
    from PIL import Image

    g = im.convert("L")
    a = np.asarray(g, dtype=np.float32) * 255.0 / _paper(g)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def _rule_ink(g):
    """Binary image for finding ruled lines: rules printed in light toner (grey ~200 after a
    scan, lighter where blurred) must count as ink, so the threshold is near the paper's white
    (the page's light is flattened first and a red seal is already paper, see ``ink_gray``).
    Specks and text do not make lines: a line is a long run (``_hlines``) or a column dark over
    a whole row band (``_vlines_band``)."""
    return g.point(lambda p: 0 if p < 230 else 255)


def _ocr_image(im, page_no, tmpdir, deadline, colour=None):
    """OCR one page. Returns a page dict: grid (bool), rows [(y, [Cell], is_table)], skew.
    ``colour``: the page in colour when a seal is on it (``seal_colour``), for the print under it."""
    size = im.size
    im, angle = deskew(im)
    if engine() == "ppocr":
        if colour is not None:
            colour = colour.resize(size) if colour.size != size else colour
            if angle:
                colour = colour.rotate(angle, resample=_BICUBIC, expand=True, fillcolor=(255, 255, 255))
        page = _pp_straight(im, page_no, deadline, colour)
    else:
        page = _ocr_straight(im, page_no, tmpdir, deadline)
    page["skew"] = angle
    return page


# ------------------------------------------------------------------------------- PP-OCR
def engine() -> str:
    """The OCR engine: ``ppocr`` (PP-OCR models from the ``rapidocr-onnxruntime`` package, which
    ships them, run by OpenVINO or ONNX Runtime) when installed, else ``tesseract``. ``NIANBAO_OCR_ENGINE``
    chooses one explicitly."""
    want = os.environ.get("NIANBAO_OCR_ENGINE", "").strip().lower()
    if want in ("tesseract", "ppocr"):
        return want
    return "ppocr" if _pp_engine() is not None else "tesseract"


_PP = []


def _pp_engine():
    """The PP-OCR engine (created once per process), or None when the package is missing."""
    if not _PP:
        try:
            from rapidocr_onnxruntime import RapidOCR
            # the runtime's threads, one per core this process may use: more threads than cores
            # halve the speed (measured on one core: 23.6 → 12.3 s a harsh 4-page scan); one text
            # line per recognition batch (a batch is padded to its widest line: long labels beside
            # lone digits cost more than they share)
            try:
                cores = len(os.sched_getaffinity(0))
            except (AttributeError, OSError):
                cores = os.cpu_count() or 1
            # pages are turned straight first; the angle classifier turns lone digits upside down (6 → 9)
            eng = RapidOCR(print_verbose=False, use_cls=False, rec_batch_num=1,
                           intra_op_num_threads=cores, inter_op_num_threads=1)
            try:
                _use_openvino(eng, cores)
            except Exception:  # OpenVINO cannot run here: the engine stays on ONNX Runtime
                pass
            _PP.append(eng)
        except Exception:      # not installed, or its runtime cannot start here
            _PP.append(None)
    return _PP[0]


OCR_RUNTIME = "openvino"   # runs the engine's models (NIANBAO_OCR_RUNTIME): openvino, or onnxruntime
OCR_PRECISION = "bf16"     # OpenVINO's arithmetic for finding and reading text (NIANBAO_OCR_PRECISION)
SECOND_LOOK_PRECISION = "f32"   # and for reading a doubtful line again (see ``_second_look``)
REC_WIDTHS = ((640, 32), (2560, 128), (None, 512))   # line images padded to widths: up to 640 px
                                                    # a multiple of 32, up to 2,560 of 128, then of 512


def padded_width(w: int) -> int:
    """The width a line image ``w`` px wide (at 48 px high) is read at (``REC_WIDTHS``)."""
    for upto, step in REC_WIDTHS:
        if upto is None or w <= upto:
            return -(-w // step) * step
    raise AssertionError("REC_WIDTHS ends with an open range")


def padded_widths(widest: int) -> list[int]:
    """Every width a line up to ``widest`` px is read at."""
    return sorted({padded_width(w) for w in range(1, widest + 1)})


class _OpenVinoSession:
    """One of the engine's models compiled by OpenVINO, called as the engine calls its ONNX Runtime
    session (what else the engine asks of its session, such as the recogniser's character list,
    comes from that session).

    OpenVINO prepares its kernels and buffers once per input shape (about 50 ms a shape on one
    core, and 6 MB kept) and keeps them: line images, whose widths are all different (240 widths
    in 1,800 lines of 8 scans), are padded on the right to one of a few widths (``padded_width``)
    with the grey the engine pads a line with, so that a few dozen shapes serve every line and a
    warmed process (``warm_ocr``) prepares none; the readings over the padding are dropped (the
    recogniser gives one per 8 px). Padding leaves the readings as they were (harsh scans: the
    same fields, the same numbers)."""

    def __init__(self, ort_session, compiled, pad: bool = False):
        self._ort, self._compiled, self._pad = ort_session, compiled, pad
        self._request = compiled.create_infer_request()

    def __call__(self, x):
        import numpy as np
        w = x.shape[-1]
        extra = padded_width(w) - w if self._pad else 0
        if not extra:
            return [np.array(self._request.infer({0: x})[0])]
        x = np.pad(x, ((0, 0), (0, 0), (0, 0), (0, extra)))
        return [np.array(self._request.infer({0: x})[0])[:, :(w + 3) // 8]]

    def __getattr__(self, name):
        return getattr(self._ort, name)


def _use_openvino(eng, cores: int) -> str:
    """Run the engine's text finder and recogniser on OpenVINO, when installed and not turned off
    (``NIANBAO_OCR_RUNTIME=onnxruntime``); returns the runtime in use.

    On one core OpenVINO reads a line in half the time ONNX Runtime takes with the same (f32)
    arithmetic, and in a fifth in bf16 on a CPU that has it (AMX or AVX-512 BF16; elsewhere it
    runs f32). bf16 keeps 8 bits of each number's mantissa: the readings differ a little, and
    a few doubtful ones differ in their digits (harsh scans: 3 more wrong numbers than f32). A
    line the engine is not sure of is read again (``_second_look``) by a second recogniser in
    ``SECOND_LOOK_PRECISION``: as many fields right as f32 throughout, in four fifths of its time."""
    want = os.environ.get("NIANBAO_OCR_RUNTIME", OCR_RUNTIME).strip().lower()
    if want != "openvino":
        return "onnxruntime"
    try:
        import openvino as ov
    except ImportError:
        return "onnxruntime"
    from pathlib import Path

    import rapidocr_onnxruntime
    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    core = ov.Core()

    def compiled(name, precision):
        return core.compile_model(core.read_model(models / name), "CPU", {
            "INFERENCE_NUM_THREADS": cores, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_PRECISION_HINT": precision})
    precision = os.environ.get("NIANBAO_OCR_PRECISION", OCR_PRECISION).strip().lower() or "f32"
    if precision == "bf16" and "BF16" not in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
        precision = "f32"          # this CPU has no bf16 arithmetic
    rec = "ch_PP-OCRv4_rec_infer.onnx"
    det = _OpenVinoSession(eng.text_det.infer, compiled("ch_PP-OCRv4_det_infer.onnx", precision))
    first = _OpenVinoSession(eng.text_rec.session, compiled(rec, precision), pad=True)
    look = (first if precision == SECOND_LOOK_PRECISION
            else _OpenVinoSession(eng.text_rec.session, compiled(rec, SECOND_LOOK_PRECISION), pad=True))
    eng.text_det.infer, eng.text_rec.session, eng.second_look = det, first, look
    return "openvino"


@contextlib.contextmanager
def _second_look(eng):
    """Within it the engine reads with its second-look recogniser (``SECOND_LOOK_PRECISION``), for
    lines it was not sure of; the same recogniser when it has none."""
    tr, look = eng.text_rec, getattr(eng, "second_look", None)
    if look is None or look is tr.session:
        yield
        return
    first, tr.session = tr.session, look
    try:
        yield
    finally:
        tr.session = first


WARM_REC_WIDTH = 2560          # px at 48 px high: a line of print across an A4 page is about 2,300
WARM_DET_SHAPES = ((1408, 1024), (1408, 992), (1408, 960), (1408, 1056))   # A4 pages turned straight,
                                                                          # at DET_MAX_SIDE, either way up
WARM_SECOND_LOOK_WIDTH = 640   # doubtful lines are short: numbers, cells read alone (320, mostly)


def warm_ocr() -> None:
    """Load the engine and prepare its recognisers for every padded line width they are likely to
    meet, and the text finder for the sizes an A4 page has once turned straight, so that the
    processes forked from this one (the parser's fork server) read their first scan at full speed."""
    import numpy as np
    if engine() != "ppocr":
        return
    eng = _pp_engine()
    if eng is None or not isinstance(eng.text_rec.session, _OpenVinoSession):
        return
    for session, widest in ((eng.text_rec.session, WARM_REC_WIDTH), (eng.second_look, WARM_SECOND_LOOK_WIDTH)):
        for w in padded_widths(widest):
            session(np.zeros((1, 3, 48, w), dtype=np.float32))
    for h, w in WARM_DET_SHAPES:
        eng.text_det.infer(np.zeros((1, 3, h, w), dtype=np.float32))
        eng.text_det.infer(np.zeros((1, 3, w, h), dtype=np.float32))


DET_MAX_SIDE = 1400    # px: the page is searched for text at most this long (0: as the engine does)


PACK_SHORT = 160    # px at 48 px high: a line this short is read packed with others (0: each alone)
PACK_GAP = 32       # px of paper between two packed lines (four of the recogniser's steps)
PACK_WIDTH = 320    # px: the recogniser's own line width, filled with short lines
PACK_SURE = 0.9     # a packed line is taken when each of its characters is this sure; else read alone


_NUMBER_READ = re.compile(r"^[0-9.,]+$")
_SIGNED_NUMBER_READ = re.compile(r"^-?[0-9.,]+$")
_LONE_CIRCLE_READ = re.compile(r"^[。○〇oO°]$")     # a "0" with paper about it, read as a mark


def _grey(crop):
    """A line image's grey levels: the darkest of its channels (print of any colour is dark)."""
    return crop.min(axis=2) if crop.ndim == 3 else crop


def _ink_mask(crop):
    """The dark ink of a line image (None when it holds none). Rows or columns nearly all dark
    are the table's rules, caught at the crop's edge: they are cleared, and the print is told
    from the paper by the contrast of what remains (beside a black rule, faint print is light)."""
    g = _grey(crop)
    dark = g < (int(g.min()) + int(g.max())) / 2
    rule_rows, rule_cols = dark.mean(axis=1) >= 0.8, dark.mean(axis=0) >= 0.8
    rest = g[~rule_rows][:, ~rule_cols]
    if not rest.size:
        return None
    lo, hi = int(rest.min()), int(rest.max())
    if hi - lo < 60:
        return None
    dark = g < (lo + hi) / 2
    dark[rule_rows | (dark.mean(axis=1) >= 0.8)] = False      # a rule's blurred edge, dark now
    dark[:, rule_cols | (dark.mean(axis=0) >= 0.8)] = False
    return dark if dark.any() else None


DASH_FLAT = 1.5     # a minus sign's darkness spreads at least this much wider than high


def _leading_dash(crop) -> bool:
    """Whether a line image begins with a minus sign: its first mark (leftmost blob of ink; specks
    of under 6 px² at 48 px high and a rule's remnants along the crop's top and bottom fifth left
    out) is 4 px wide at 48 px high, flat (``DASH_FLAT``), stands in the middle of the line's
    height, and other marks follow it (a speck is too small or round, a digit too tall, a rule too
    low, a lone dash is a dash)."""
    import cv2
    import numpy as np
    dark = _ink_mask(crop)
    if dark is None:
        return False
    H = crop.shape[0]
    k = 48 / H
    _, _, stats, _ = cv2.connectedComponentsWithStats(dark.astype(np.uint8), connectivity=8)
    marks = [st for st in stats[1:] if st[cv2.CC_STAT_AREA] * k * k >= 6
             and st[cv2.CC_STAT_TOP] + st[cv2.CC_STAT_HEIGHT] > 0.2 * H and st[cv2.CC_STAT_TOP] < 0.8 * H]
    if len(marks) < 2:
        return False
    first = min(marks, key=lambda st: st[cv2.CC_STAT_LEFT])
    x, y, w, h = (int(first[c]) for c in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    if any(st[cv2.CC_STAT_LEFT] < x + w for st in marks if st is not first):
        return False                                   # another mark above or below it: not a dash
    top = min(int(st[cv2.CC_STAT_TOP]) for st in marks)
    bottom = max(int(st[cv2.CC_STAT_TOP] + st[cv2.CC_STAT_HEIGHT]) for st in marks)
    middle = (y + h / 2 - top) / max(1, bottom - top)
    if not (w * k >= 4 and 1 / 3 <= middle <= 3 / 4):
        return False
    # flat: the spread of its darkness (the grey, not the cut at half contrast, which blur
    # rounds off) is wider than high
    g = _grey(crop)[max(0, y - 2):y + h + 2, max(0, x - 2):x + w + 2].astype(np.float32)
    ink = np.clip(g.max() - g, 0, None)
    ink[ink < 0.25 * ink.max()] = 0
    if not ink.sum():
        return False
    ys, xs = np.mgrid[:ink.shape[0], :ink.shape[1]]

    def spread(at):
        return np.sqrt((ink * (at - (ink * at).sum() / ink.sum()) ** 2).sum() / ink.sum())
    return bool(spread(xs) >= DASH_FLAT * spread(ys))


INK_MARGIN = 2      # px of paper kept around the ink when a line is cut to it
INK_CUT_SURE = 0.9  # a number read again cut to its ink is taken when this sure,
INK_CUT_AGREED = 0.5   # or this sure when it reads the same digits after a minus sign


def _cut_to_ink(crop):
    """A line image cut to its ink, ``INK_MARGIN`` px of paper around it (the crop itself when
    it holds no ink)."""
    import numpy as np
    dark = _ink_mask(crop)
    if dark is None:
        return crop
    ys, xs = np.flatnonzero(dark.any(axis=1)), np.flatnonzero(dark.any(axis=0))
    return crop[max(0, ys[0] - INK_MARGIN):ys[-1] + INK_MARGIN + 1,
                max(0, xs[0] - INK_MARGIN):xs[-1] + INK_MARGIN + 1]


def _read_alone(eng, crops, second_look: bool = False) -> list[tuple[str, float]]:
    """(text, score 0–1) of each line image read on its own, by the engine's first recogniser or
    by its second look (``_second_look``)."""
    if not crops:
        return []
    with _second_look(eng) if second_look else contextlib.nullcontext():
        res, _ = eng.text_rec(crops)
    return [(r[0], float(r[1])) for r in res]


def _pp_read_lines(eng, crops) -> list[tuple[str, float]]:
    """(text, score 0–1) of each line image.

    A line is read padded to the recogniser's width (320 px at 48 px high), so a lone "0" costs
    as much as a line of words. Short lines (numbers, mostly) are set side by side on one strip
    of paper, read at once, and each gets the characters decoded over its own span: a third of
    the time. A packed reading is taken only when every character is ``PACK_SURE`` sure; any
    other short line is read alone. A number read unsigned from a line that begins with a dash
    (``_leading_dash``), and a lone "0" read as a circle ("。"), are read once more cut to their
    ink (``_cut_to_ink``): with paper about it the recogniser drops a minus sign at a crop's edge
    and takes a small "0" for a full stop, packed or alone."""
    import math

    import cv2
    import numpy as np
    tr = eng.text_rec
    reads = [("", 0.0)] * len(crops)
    short = [i for i, c in enumerate(crops) if PACK_SHORT and 48 * c.shape[1] / max(1, c.shape[0]) <= PACK_SHORT]
    alone = sorted(set(range(len(crops))) - set(short))
    for i, read in zip(alone, _read_alone(eng, [crops[i] for i in alone])):
        reads[i] = read
    chars = tr.postprocess_op.character

    def normed(c):
        w = max(1, int(math.ceil(48 * c.shape[1] / max(1, c.shape[0]))))
        a = cv2.resize(c, (w, 48)).astype(np.float32).transpose((2, 0, 1)) / 255
        return (a - 0.5) / 0.5
    pending = [(i, normed(crops[i])) for i in short]
    unsure = []
    while pending:
        group, x = [], 0
        while pending and (not group or x + PACK_GAP + pending[0][1].shape[2] <= PACK_WIDTH):
            i, a = pending.pop(0)
            x += PACK_GAP if group else 0
            group.append((i, a, x))
            x += a.shape[2]
        width = max(PACK_WIDTH, x)
        # white paper between the lines, not the grey the recogniser pads a line with: on grey
        # more packed lines read sure, a few of them wrongly (harsh scans: 2 more wrong numbers);
        # on white, stray marks read in the gaps send a doubtful line to be read alone
        strip = np.ones((1, 3, 48, width), dtype=np.float32)
        for _, a, x0 in group:
            strip[0, :, :, x0:x0 + a.shape[2]] = a
        preds = tr.session(strip)[0][0]
        best, prob = preds.argmax(1), preds.max(1)
        step = width / preds.shape[0]
        got = {i: [] for i, _, _ in group}
        prev = 0
        for t, c in enumerate(best):
            if c and c != prev:
                xc = (t + 0.5) * step
                i = min(group, key=lambda g: 0 if g[2] <= xc < g[2] + g[1].shape[2]
                        else min(abs(xc - g[2]), abs(xc - g[2] - g[1].shape[2])))[0]
                got[i].append((chars[c], float(prob[t])))
            prev = c
        for i, cs in got.items():
            text = "".join(ch for ch, _ in cs)
            if cs and min(p for _, p in cs) >= PACK_SURE:
                reads[i] = (text, sum(p for _, p in cs) / len(cs))
            else:
                unsure.append(i)
    for i, read in zip(unsure, _read_alone(eng, [crops[i] for i in unsure], second_look=True)):
        reads[i] = read
    # Two readings the recogniser gives a number with paper about it are read again cut to its
    # ink: a minus sign standing in the paper at the crop's edge is dropped (a number read
    # unsigned whose line begins with a dash), and a lone "0" reads as a circle ("。"). The
    # reading cut to the ink is taken when it is a number read sure, or for the minus, when it
    # reads the same digits after it (the dash seen and read agree: a plainer bar will do).
    again = [i for i in range(len(crops))
             if _NUMBER_READ.match(reads[i][0]) and _leading_dash(crops[i]) or _LONE_CIRCLE_READ.match(reads[i][0])]
    for i, (text, score) in zip(again, _read_alone(eng, [_cut_to_ink(crops[i]) for i in again], second_look=True)):
        text = text.strip()
        if (text == "-" + reads[i][0] and score >= INK_CUT_AGREED
                or _SIGNED_NUMBER_READ.match(text) and score >= INK_CUT_SURE
                and (text.startswith("-") or _LONE_CIRCLE_READ.match(reads[i][0]))):
            reads[i] = (text, score)
    return reads


def _pp_words(im) -> list[dict]:
    """Text boxes of a page: [{text, conf (0–100), x0, x1, top, bottom}].

    The engine's own steps, with text found on the page scaled down to ``DET_MAX_SIDE``: finding
    text costs in proportion to the pixels, and a line of print 29 px high at 200 dpi is still
    found at two thirds of that; each line is then read from the page at the engine's scale."""
    import cv2
    import numpy as np
    eng = _pp_engine()
    raw = np.asarray(im.convert("RGB"))
    img, ratio_h, ratio_w = eng.preprocess(raw)
    img, op_record = eng.maybe_add_letterbox(img, {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}})
    h, w = img.shape[:2]
    scale = DET_MAX_SIDE / max(h, w) if DET_MAX_SIDE else 1.0
    if scale < 1.0:
        small = cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        boxes, _ = eng.text_det(small)
        if boxes is not None and len(boxes):
            boxes = (np.asarray(boxes, dtype=np.float32) * np.array([w / small.shape[1], h / small.shape[0]],
                                                                     dtype=np.float32))
    else:
        boxes, _ = eng.text_det(img)
    if boxes is None or not len(boxes):
        return []
    boxes = eng.sorted_boxes(boxes)
    reads = _pp_read_lines(eng, eng.get_crop_img_list(img, boxes))
    boxes = eng._get_origin_points(boxes, op_record, *raw.shape[:2])
    words = []
    for box, (text, score) in zip(boxes, reads):
        if float(score) < eng.text_score:
            continue
        xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
        text = text.strip()
        if text and not _JUNK.match(text):
            words.append({"text": text, "conf": float(score) * 100, "x0": min(xs), "x1": max(xs),
                          "top": min(ys), "bottom": max(ys)})
    return words


REC_MIN_CONFIDENCE = 50      # per cent, for a put-back cell read alone (recognition without detection)
REC_RETRY_CONFIDENCE = 50    # per cent, for its second reading (``_plain_crop``)
REC_DESPECKLED_CONFIDENCE = 80   # per cent, for its third (cut to its ink without specks)


def _plain_crop(g, cell, light: int = 185):
    """A cell's ink from the straightened page, marks lighter than ``light`` dropped and the
    contrast stretched, cut to its ink; None when nothing is left."""
    from PIL import ImageOps
    cr = g.crop((int(cell["x0"]) + 3, int(cell["y0"]) + 3, int(cell["x1"]) - 3, int(cell["y1"]) - 3))
    cr = cr.point(lambda p: 255 if p > light else p)
    bb = ImageOps.invert(cr).getbbox()
    if bb is None:
        return None
    cr = cr.crop((max(0, bb[0] - 4), max(0, bb[1] - 4), min(cr.width, bb[2] + 4), min(cr.height, bb[3] + 4)))
    return ImageOps.autocontrast(cr, cutoff=1)


def _read_numbers(cis, crop_of, texts, ink, min_conf) -> list:
    """Read cells ``cis`` again from ``crop_of(cell index)`` (None: nothing to read); a number
    read at ``min_conf`` or more is taken (into ``texts`` and ``ink``). Returns the cells that
    had a crop and are still unread."""
    crops = [(ci, crop) for ci in cis if (crop := crop_of(ci)) is not None]
    taken = set()
    for (ci, _), (t, conf) in zip(crops, _pp_rec([crop for _, crop in crops])):
        t = _pp_cell_text(t)
        if conf >= min_conf and _NUMERIC.fullmatch(t):
            texts[ci] = (t, conf)
            ink[ci] = (ink[ci][1], ink[ci][1])
            taken.add(ci)
    return [ci for ci, _ in crops if ci not in taken]


_COLOUR_MODES = ("RGB", "RGBA", "P", "CMYK", "YCbCr", "LAB", "HSV")
SEAL_REDNESS = 50      # red above the mean of green and blue: a seal's ink (print and paper are grey)
SEAL_MIN_PIXELS = 500  # a page with fewer such pixels has no seal (a red heading's dots, colour noise)
REC_UNDER_SEAL_CONFIDENCE = 50   # per cent, for a cell read from under a seal (``_under_seal``)


def _seal_mask(a):
    """Where a seal's ink is, on an array of RGB pixels."""
    a = a.astype("float32")
    return a[..., 0] - (a[..., 1] + a[..., 2]) / 2 > SEAL_REDNESS


def seal_colour(im):
    """The page in colour (RGB) when a red seal is on it, else None: print under a seal is read
    from the colour (``_under_seal``), where it is darker than the seal's ink."""
    if im.mode not in _COLOUR_MODES:
        return None
    import numpy as np
    rgb = im if im.mode == "RGB" else im.convert("RGB")
    small = rgb.reduce(4)                 # cheap look: a seal is thousands of pixels
    if int(_seal_mask(np.asarray(small)).sum()) * 16 < SEAL_MIN_PIXELS:
        return None
    return rgb


def _under_seal(cell_rgb):
    """A cell's print where a seal covers part of it, as grey on white, and the box of the print
    in the cell; None when the cell has no seal or no print.

    A seal's ink over print leaves the print darker than the seal everywhere (the seal's mask in
    ``ink_gray`` cannot tell them apart where blur and JPEG mix them, and erases stripes of a
    digit). Here the seal's median grey in the cell counts as paper and its darkest 1% (at least
    40 grey levels below) as black, which gives the print back its contrast; the rest of the
    cell has its paper brought to white. The seal's ink is widened by a pixel, so that its
    blurred edges go to white with it."""
    import numpy as np
    from PIL import Image
    a = np.asarray(cell_rgb)
    seal = _seal_mask(a)
    if seal.sum() < 20:
        return None
    seal = np.asarray(_max_filter(Image.fromarray(seal.astype(np.uint8) * 255), 3)) > 0
    a = a.astype(np.float32)
    y = 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]
    level = float(np.median(y[seal]))
    lo = min(float(np.percentile(y[seal], 1)), level - 40)
    paper = max(float(np.percentile(y, 95)), 1.0)
    out = np.where(seal, 255 * (y - lo) / (level - lo), y * 255 / paper)
    img = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    box = _print_box(img, (0, 0, img.width, img.height), pad=0)
    if box is None:
        return None
    return _crop_around(img, box), box


def _read_under_seal(colour, cells, texts, ink) -> None:
    """Cells a seal covers, read once more from the page in colour (``_under_seal``): those
    still unread, and those with no ink left once the seal was taken away (a "0" under the
    seal's star). The crop is read as it is and smoothed (a 3×3 median): a number both readings
    agree on, one of them at ``REC_UNDER_SEAL_CONFIDENCE`` or more, is taken (a seal's stroke
    beside a "0" reads as "2" one way and "9" the other). A cell that had no ink stays a
    printed blank unless a number is read."""
    import numpy as np
    from PIL import Image, ImageFilter
    a = np.asarray(colour)
    h, w = a.shape[:2]
    found = []
    for ci in [ci for ci, tc in texts.items() if tc in (("", 0.0), ("", None))]:
        c = cells[ci]
        x0, y0 = max(0, int(c["x0"]) + 3), max(0, int(c["y0"]) + 3)
        x1, y1 = min(w, int(c["x1"]) - 3), min(h, int(c["y1"]) - 3)
        if x1 - x0 >= 8 and y1 - y0 >= 8 and (got := _under_seal(Image.fromarray(a[y0:y1, x0:x1]))):
            found.append((ci, got[0], (x0 + got[1][0], x0 + got[1][2])))
    crops = [crop for _, crop, _ in found]
    readings = _pp_rec(crops + [crop.filter(ImageFilter.MedianFilter(3)) for crop in crops])
    for (ci, _, extent), (t, conf), (t2, conf2) in zip(found, readings, readings[len(found):]):
        t = _pp_cell_text(t)
        if t == _pp_cell_text(t2) and max(conf, conf2) >= REC_UNDER_SEAL_CONFIDENCE and _NUMERIC.fullmatch(t):
            texts[ci] = (t, max(conf, conf2))
            ink[ci] = (extent, extent)


def _pp_rec(crops) -> list[tuple[str, float]]:
    """Recognition only, for cell crops that have ink but no detected text."""
    import numpy as np
    reads = _read_alone(_pp_engine(), [np.asarray(c.convert("RGB")) for c in crops], second_look=True)
    return [(t.strip(), sc * 100) for t, sc in reads]


def _pp_cell_text(text: str) -> str:
    """A cell as PP-OCR reads it: spaces dropped between digits, a speck beside a number read as a
    point, a tick or a dash (``0.``, ``.0``, ``15-``) dropped (a minus stands before the digits
    and stays), look-alike letters in numbers fixed."""
    t = text.strip()
    if re.fullmatch(r"[.·,'`_~]?\s*-?[\dOoIl|SBZ]+(?:[.,]\d+)?\s*[.·,°'`_~\-—]?", t):
        t = t.strip(".·,°'`_~ ").rstrip("-—").rstrip()
    return fix_numeric(t)


def _garbled(text: str) -> bool:
    """A cell's reading that is neither a number, nor a printed blank, nor words: a stray letter
    or sign, or digits with one stray character (a seal's stroke, a speck, a digit half-read:
    ``#``, ``A``, ``0品``). Every label of the form has two characters or more. Such a cell is
    kept as unread ink (a value not known), never as a label: a label in the middle of a row
    would cut the row in two."""
    from .normalize import read_number
    t = text.strip()
    if read_number(t)[0] != "text" or t in ("无", "空"):
        return False
    return len(_CJK.findall(t)) <= 1


def _pp_lines(words) -> list[list[dict]]:
    """Words grouped into printed lines (centres within half a line height), top to bottom."""
    lines: list = []
    for w in sorted(words, key=lambda w: (w["top"] + w["bottom"]) / 2):
        cy = (w["top"] + w["bottom"]) / 2
        h = w["bottom"] - w["top"]
        if lines:
            line = lines[-1]
            ly = statistics.median((x["top"] + x["bottom"]) / 2 for x in line)
            lh = statistics.median(x["bottom"] - x["top"] for x in line)
            if abs(cy - ly) <= 0.5 * max(lh, h):
                line.append(w)
                continue
        lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def _pp_straight(im, page_no, deadline, colour=None):
    """One straightened page read by PP-OCR: boxes go to the cells of a ruled grid (a cell with
    ink and no box is recognised alone), or, without a grid, to rows of cells whose positions
    the mapping uses to place values under their columns."""
    if time.time() > deadline:
        raise TimeoutError
    g = im.convert("L")
    cells = _grid(_rule_ink(g))
    words = _pp_words(g)
    if not cells:
        items = []
        for ri, line in enumerate(_pp_lines(words)):
            top = min(w["top"] for w in line)
            row = [Cell(_pp_cell_text(w["text"]), {"page": page_no, "row": ri, "col": ci, "x": w["x0"], "x1": w["x1"],
                                                  "y": top, "conf": round(w["conf"], 1)})
                   for ci, w in enumerate(line)]
            numeric = sum(1 for c in row if _NUMERIC.fullmatch(c.text))
            if numeric >= 2 or len(row) >= 3:
                items.append((top, row, True))
            else:
                items.append((top, [Cell(_join(line), {"page": page_no})], False))
        return {"grid": False, "items": items}
    inside, loose = _words_by_cell(words, cells)
    clean, _ = _prepare(g)
    cbw = clean.point(lambda p: 0 if p < 170 else 255)
    texts, unread, ink = {}, [], {}
    for ci, c in enumerate(cells):
        ws = sorted(inside.get(ci, []), key=lambda w: (w["top"] // 20, w["x0"]))
        box = _ink_box(cbw, (c["x0"], c["y0"], c["x1"], c["y1"]), pad=4)
        if ws:
            texts[ci] = (_pp_cell_text(_join(ws)), min(w["conf"] for w in ws))
            ink[ci] = ((min(w["x0"] for w in ws), max(w["x1"] for w in ws)), box and (box[0], box[2]))
            continue
        if box is None:
            texts[ci] = ("", None)          # no ink: a printed blank
        else:
            box = _print_box(clean, (c["x0"], c["y0"], c["x1"], c["y1"])) or box
            unread.append((ci, _crop_around(clean, box)))
            texts[ci] = ("", 0.0)
            ink[ci] = (None, (box[0], box[2]))
    again = []
    for (ci, _), (t, conf) in zip(unread, _pp_rec([c for _, c in unread])):
        # in a cell put back where the scan lost its rules (under a seal, mostly) a reading this
        # unsure is a seal's stroke or a speck read as a digit (a "6" at 17%): the ink stays unread
        if t and (conf >= REC_MIN_CONFIDENCE or not cells[ci].get("filled")):
            texts[ci] = (_pp_cell_text(t), conf)
            ink[ci] = (ink[ci][1], ink[ci][1])     # read from the crop of its ink: the words stand there
        else:
            again.append(ci)
    # once more from the page as scanned, its light marks (a seal's remains, blur) dropped and
    # its contrast stretched: a small "0" lost among specks reads there
    again = _read_numbers(again, lambda ci: _plain_crop(g, cells[ci]), texts, ink, REC_RETRY_CONFIDENCE)
    if again:
        # and once more cut to its ink without the specks (a "0" among specks is a small part of
        # the box around them all, too small to read)
        opened = _min_filter(_max_filter(cbw, 3), 3)

        def despeckled(ci):
            c = cells[ci]
            b = _ink_box(opened, (c["x0"], c["y0"], c["x1"], c["y1"]), pad=4)
            return None if b is None else _crop_around(clean, b)
        _read_numbers(again, despeckled, texts, ink, REC_DESPECKLED_CONFIDENCE)
    if colour is not None:
        _read_under_seal(colour, cells, texts, ink)
    for ci, (t, _) in texts.items():
        if t and _garbled(t):
            texts[ci] = ("", 0.0)           # ink that reads as neither a number nor a label
    items = _grid_rows(cells, texts, page_no, keep_unread=True, ink=ink)
    for line in _pp_lines(loose):
        items.append((min(w["top"] for w in line), [Cell(_join(line), {"page": page_no})], False))
    items.sort(key=lambda it: it[0])
    return {"grid": True, "items": items}


def _ocr_straight(im, page_no, tmpdir, deadline):
    g = im.convert("L")
    cells = _grid(_rule_ink(g))
    clean, vmask = _prepare(g)
    path = os.path.join(tmpdir, f"p{page_no}.png")
    clean.save(path)
    words = _tesseract_tsv(path, deadline - time.time())
    if not cells:
        rows = _page_rows(words, vmask, page_no)
        return {"grid": False, "items": [(min((c.where.get("y", 0) for c in r), default=0), r, t)
                                          for r, t in rows]}
    cbw = clean.point(lambda p: 0 if p < 170 else 255)
    inside, loose = _words_by_cell(words, cells)
    texts, cand, crops = {}, [], []
    for ci, c in enumerate(cells):
        box = _ink_box(cbw, (c["x0"], c["y0"], c["x1"], c["y1"]), pad=4)
        ws = [w for w in inside.get(ci, []) if not _JUNK.match(w["text"])]
        if box is None:
            texts[ci] = ("", None)
            continue
        t = _cell_text(ws) if ws else ""
        conf = min((w["conf"] for w in ws), default=0.0)
        if t.strip() in ("无", "空"):
            texts[ci] = (t.strip(), conf)
            continue
        core = re.sub(r"[\s\W_]", "", t)
        ncjk = len(_CJK.findall(t.translate(_NOT_CJK)))
        if ncjk == 0 or (ncjk <= 1 and len(core) <= 3):
            cand.append((ci, True))
        elif len(core) <= 4 and conf < 60:
            cand.append((ci, False))   # CJK read with little confidence: maybe spaced digits
        else:
            texts[ci] = (t, conf)
            continue
        m = 4
        crops.append(clean.crop((max(0, box[0] - m), max(0, box[1] - m), box[2] + m, box[3] + m)))
        texts[ci] = (t, conf)
    read = [r[0] for r in _digits_strip([[cr] for cr in crops], tmpdir, f"d{page_no}", deadline)]
    # a second look, at another scale, for the readings tesseract was unsure of
    redo = [i for i, (t, c) in enumerate(read) if not t or c < 85]
    if redo and deadline - time.time() > 2:
        again = _digits_strip([[crops[i]] for i in redo], tmpdir, f"e{page_no}", deadline,
                              target=56)
        for i, r in zip(redo, again):
            if r[0][0] and r[0][1] >= 30 and (not read[i][0] or r[0][1] > read[i][1]):
                read[i] = r[0]
    # still nothing: one single-line tesseract call per cell (a few per page at most)
    singles = 0
    for i, (t, c) in enumerate(read):
        if (t and c >= 30) or not cand[i][1] or singles >= 10 or deadline - time.time() < 2:
            continue
        singles += 1
        r = _digits_single(crops[i], tmpdir, f"s{page_no}_{i}", deadline)
        if r[0] and (not t or r[1] > c):
            read[i] = r
    for (ci, strong), (dt, dconf) in zip(cand, read):
        dt = dt.replace(" ", "")
        if strong:
            if dt:
                texts[ci] = (dt, dconf)
            else:
                texts[ci] = (fix_numeric(texts[ci][0]), 0.0)
        elif dt and dconf >= 70 and _NUMERIC.fullmatch(dt.replace(",", "")):
            texts[ci] = (dt, dconf)
    items = _grid_rows(cells, texts, page_no)
    lines: dict = {}
    for w in loose:
        if _JUNK.match(w["text"]):
            continue
        lines.setdefault(w["key"], []).append(w)
    for ws in lines.values():
        ws.sort(key=lambda w: w["x0"])
        items.append((min(w["top"] for w in ws), [Cell(_join(ws), {"page": page_no})], False))
    items.sort(key=lambda it: it[0])
    return {"grid": True, "items": items}


def _extract(pages, notes) -> Extract:
    grid = any(p["grid"] for p in pages)
    rows, lines = [], []
    gridless_rows = False
    for p in pages:
        for _, r, is_table in p["items"]:
            if is_table:
                lines.append("\t".join(c.text for c in r))
                if p["grid"] and any(c.text for c in r):
                    rows.append(r)
                elif not p["grid"] and len(r) > 1:
                    rows.append(r)       # a page whose rules were not found: cells by position
                    gridless_rows = True
            else:
                lines.append(join_lines(c.text for c in r))
    grid = grid and not gridless_rows
    if grid:
        notes.append("ocr: ruled table grid found; cells read one by one")
    turned = [(i, p["skew"]) for i, p in enumerate(pages, 1) if p.get("skew")]
    if turned:
        notes.append("ocr: pages turned straight before reading: "
                     + ", ".join(f"{i} by {a:+.2f}°" for i, a in turned))
    return Extract(medium="ocr", text="\n".join(lines), rows=rows, strict_cells=grid,
                   title=None, notes=notes)


# ------------------------------------------------------------------------------------ API
def read_image(data: bytes, budget: float = 90.0, max_pages: int = 12) -> Extract:
    try:
        from PIL import Image, ImageSequence
    except ImportError as e:  # pragma: no cover
        raise ParseError(f"Pillow unavailable: {e}") from e
    deadline = time.time() + budget
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except Exception as e:
        raise ParseError(f"not a readable image: {type(e).__name__}") from e
    notes = [f"ocr: {engine()} on image"]
    frames = []
    pieces = []
    for i, fr in enumerate(ImageSequence.Iterator(im)):
        if i >= max_pages:
            notes.append(f"ocr: only the first {max_pages} frames read")
            break
        parts = [(ink_gray(p), seal_colour(p)) for p in split_tall(fr)]
        if len(parts) > 1:
            notes.append(f"ocr: a tall image ({fr.width}×{fr.height}) read as {len(parts)} pages cut at blank rows")
        pieces += parts
    for f, colour in pieces[:max_pages]:
        if f.width < 1500:  # below ~180 dpi for a page, OCR misreads small digits: upscale
            k = 1650 / f.width
            f = f.resize((int(f.width * k), int(f.height * k)))
        elif f.width > 3000:
            k = 2400 / f.width
            f = f.resize((int(f.width * k), int(f.height * k)))
        frames.append((f, colour))
    out = []
    with tempfile.TemporaryDirectory(prefix="nianbao-ocr-") as td:
        for i, (f, colour) in enumerate(frames, 1):
            try:
                out.append(_ocr_image(f, i, td, deadline, colour))
            except TimeoutError:
                notes.append(f"ocr: time budget exhausted at frame {i}")
                break
    return _extract(out, notes)


def split_tall(im, ratio: float = 1.5) -> list:
    """A very tall image (pages stitched into one picture, as portals paste them) cut into
    page-sized pieces at blank rows, so that no engine limit on image size stops it and each
    piece is read at its own resolution. Shorter images come back whole."""
    w, h = im.size
    if h <= w * ratio * 1.3:
        return [im]
    small = im.convert("L").resize((max(1, w // 4), max(1, h // 4)))
    sw, sh = small.size
    data = small.tobytes()
    ink = [sum(1 for v in data[y * sw:(y + 1) * sw] if v < 160) for y in range(sh)]
    pieces, top = [], 0
    page = int(w * ratio)
    while h - top > page * 1.2:
        lo, hi = top + int(page * 0.75), top + page
        # the blankest row in the last quarter of a page, lowest first among equals
        cut = min(range(lo // 4, min(hi // 4, sh - 1) + 1), key=lambda y: (ink[y], -y)) * 4
        pieces.append(im.crop((0, top, w, cut)))
        top = cut
    pieces.append(im.crop((0, top, w, h)))
    return pieces


def ink_gray(im):
    """A page as grey levels of its ink on white paper (see ``flatten_light``). On a colour page
    a red seal (stamped over the signature or over table cells) is paper and print is ink: the
    red channel, in which black print stays black, with the seal's own pixels (clearly red, and
    light in the red channel once the paper is white) set to white. The threshold that keeps
    ruled lines printed in light toner would otherwise keep the seal's ring and letters as
    lines. Print under the seal stays dark in the red channel and is kept."""
    if im.mode not in _COLOUR_MODES:
        return flatten_light(im)
    import numpy as np
    from PIL import Image

    rgb = np.asarray(im.convert("RGB"))
    k = 255.0 / _paper(Image.fromarray(rgb.max(axis=2)))
    # channel by channel, the arithmetic of _seal_mask on the whole array (the same pixels,
    # without three copies of a float page)
    red, green, blue = (np.minimum(rgb[..., c] * k, 255) for c in range(3))
    seal = (red - (green + blue) / 2 > SEAL_REDNESS) & (red >= 170)
    return Image.fromarray(np.where(seal, 255, red).astype(np.uint8))


def _pdftoppm(data_path, outprefix, dpi, first=None, last=None, timeout=10.0, colour=False):
    # raw PPM / PGM output: PNG compression of a 200-dpi page costs more than rendering it
    cmd = ["pdftoppm", "-r", str(dpi)] + ([] if colour else ["-gray"])
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    cmd += [data_path, outprefix]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=max(0.5, timeout))
    except FileNotFoundError:
        raise ParseError("pdftoppm (poppler-utils) is not installed") from None
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    return r.returncode, r.stderr.decode("utf-8", "replace")


def _pdfium_pages(data: bytes, dpi: int, first: int, last: int, colour: bool = False) -> list:
    """Fallback renderer: pdfium substitutes a system CJK font for non-embedded CID fonts
    (reportlab STSong-Light), which poppler without poppler-data cannot draw."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return []
    try:
        doc = pdfium.PdfDocument(data)
    except Exception:
        return []
    try:
        out = []
        for i in range(first - 1, min(last, len(doc))):
            page = doc[i]
            out.append(page.render(scale=dpi / 72, grayscale=not colour).to_pil())
            page.close()
        return out
    finally:
        doc.close()


def read_pdf(data: bytes, max_pages: int = 12, budget: float = 90.0) -> Extract:
    from PIL import Image

    t0 = time.time()
    deadline = t0 + budget
    notes = []
    with tempfile.TemporaryDirectory(prefix="nianbao-ocr-") as td:
        src = os.path.join(td, "in.pdf")
        with open(src, "wb") as fh:
            fh.write(data)
        # 1) low-res preview of (at most 60) pages to pick table pages
        err = ""
        try:
            _, err = _pdftoppm(src, os.path.join(td, "lo"), 30, 1, 60,
                               timeout=min(8.0, budget / 3))
        except TimeoutError:
            pass
        previews = sorted(f for f in os.listdir(td) if f.startswith("lo"))
        pdfium = not previews or "Missing language pack" in err or "Unknown font" in err
        if pdfium:
            prev_imgs = [ink_gray(im) for im in _pdfium_pages(data, 30, 1, 60)]
            if prev_imgs:
                notes.append("ocr: rendered with pdfium (poppler cannot draw the fonts)")
        else:
            prev_imgs = []
            for f in previews:
                with Image.open(os.path.join(td, f)) as im:
                    prev_imgs.append(im.convert("L"))
        if not prev_imgs:
            raise ParseError("PDF could not be rasterised (broken or encrypted)")
        npages = len(prev_imgs)
        scores = {i: _table_score(im) for i, im in enumerate(prev_imgs, 1)}
        table_pages = [p for p, s in scores.items() if s > 0.002]
        if table_pages:
            order = [1] + [p for p in table_pages if p != 1]
            order += [p for p in range(2, npages + 1) if p not in order]
        else:
            order = list(range(1, npages + 1))
        order = order[:max_pages]
        if npages > max_pages:
            notes.append(f"ocr: {npages}+ pages, only {max_pages} OCR'd")
        notes.append(f"ocr: {engine()} at {DPI} dpi; table pages {table_pages or 'unknown'}")
        done: dict = {}
        for p in order:
            remaining = deadline - time.time()
            if remaining < 1.0:
                notes.append(f"ocr: time budget exhausted; pages not read: "
                             f"{[q for q in order if q not in done]}")
                break
            prefix = os.path.join(td, f"hi{p}")
            try:
                if pdfium:
                    ims = _pdfium_pages(data, DPI, p, p, colour=True)
                else:
                    _pdftoppm(src, prefix, DPI, p, p, timeout=min(remaining, 10.0), colour=True)
                    ims = []
                    for f in os.listdir(td):
                        if f.startswith(f"hi{p}-"):
                            im = Image.open(os.path.join(td, f))
                            im.load()       # the pixels read and the file closed; the image stays usable
                            ims.append(im)
                if not ims:
                    notes.append(f"ocr: page {p} could not be rasterised")
                    continue
                done[p] = _ocr_image(ink_gray(ims[0]), p, td, deadline, seal_colour(ims[0]))
            except TimeoutError:
                notes.append(f"ocr: time budget exhausted at page {p}")
                break
        notes.append(f"ocr: {len(done)} page(s) in {time.time() - t0:.1f}s")
    return _extract([done[p] for p in sorted(done)], notes)
