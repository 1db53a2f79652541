"""Offline OCR with Debian's tesseract (chi_sim) for scanned / image-only reports.

Public API
----------
``read_pdf(data: bytes, max_pages: int = 12, budget: float = 18.0) -> Extract``
    Rasterise with ``pdftoppm -r 200 -gray`` and OCR. A 30-dpi preview of every page first scores
    pages for ruled-table lines; page 1 (title, year, agency) and the table pages are OCR'd first,
    the other pages only while the time budget lasts (at most ``max_pages`` pages). Output rows
    stay in page order.
``read_image(data: bytes, budget: float = 18.0) -> Extract``
    PNG / JPEG / TIFF (all frames, capped) / anything Pillow opens.
``fix_numeric(text: str) -> str``
    O/o→0, l/I/|→1, S→5, B→8, Z→2 … but only for cells that are numeric once fixed.

How
---
* Ruled lines are removed before OCR (they make tesseract emit garbage such as ``EECIECDN``):
  a horizontal / vertical erosion of length ~1/20 page width, done with Pillow channel ops
  (log-doubling shifts, no numpy), finds the lines, which are painted white. The vertical line
  positions are kept and used as cell borders.
* ``tesseract img - -l chi_sim --psm 6 tsv`` (``OMP_THREAD_LIMIT=1``: one core). Words are grouped
  by tesseract's line ids, split into cells at a ruled vertical line or a horizontal gap wider
  than ~1.2 character heights; CJK words are joined without spaces.
* ``strict_cells`` is False: only the order of values can be trusted.
* Every subprocess has a timeout derived from the remaining budget; a page that does not fit is
  skipped with a note.
"""
from __future__ import annotations

import io
import os
import re
import statistics
import subprocess
import tempfile
import time

from .docx import join_lines
from .model import Cell, Extract, ParseError

LANG = "chi_sim"
DPI = 200
_ENV = dict(os.environ, OMP_THREAD_LIMIT="1")
_CONF = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                       "i": "1", "!": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                       "g": "9", "G": "6", "，": ",", "。": ".", "工": "1", "丨": "1"})
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
    back). im: 'L' binary (0 dark / 255 light). Returns the line mask (0 = line)."""
    from PIL import ImageChops

    m = im
    span = 1
    while span < length:
        step = min(span, length - span)
        sh = _shift(m, -step, 0) if horizontal else _shift(m, 0, -step)
        m = ImageChops.lighter(m, sh)  # dark only if both dark
        span += step
    # dilate back over the same length
    d = m
    span = 1
    while span < length:
        step = min(span, length - span)
        sh = _shift(d, step, 0) if horizontal else _shift(d, 0, step)
        d = ImageChops.darker(d, sh)
        span += step
    return d


def _prepare(im):
    """Binarise, find and remove ruled lines. Returns (clean image, vertical-line mask)."""
    from PIL import ImageChops, ImageFilter

    g = im.convert("L")
    bw = g.point(lambda p: 0 if p < 170 else 255)
    W, H = bw.size
    L = max(40, W // 20)
    hmask = _erode_dark(bw, L, True)
    vmask = _erode_dark(bw, L, False)
    lines = ImageChops.darker(hmask, vmask)
    # widen the mask by one pixel to remove anti-aliased edges
    lines = lines.filter(ImageFilter.MinFilter(3))
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


def _table_score(im) -> float:
    """Rough amount of long horizontal ruling on a low-res page image."""
    g = im.convert("L").point(lambda p: 0 if p < 180 else 255)
    W, H = g.size
    m = _erode_dark(g, max(10, W // 5), True)
    hist = m.histogram()
    return hist[0] / float(W * H)


# ------------------------------------------------------------------------------- tesseract
def _tesseract_tsv(png_path: str, timeout: float) -> list[dict]:
    if timeout <= 0.5:
        raise TimeoutError
    try:
        r = subprocess.run(["tesseract", png_path, "-", "-l", LANG, "--psm", "6", "tsv"],
                           capture_output=True, timeout=timeout, env=_ENV)
    except FileNotFoundError:
        raise ParseError("tesseract is not installed")
    except subprocess.TimeoutExpired:
        raise TimeoutError
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
            row.append(Cell(t, {"page": page_no, "row": ri, "col": ci, "x": cw[0]["x0"],
                                "conf": round(min(w["conf"] for w in cw), 1)}))
        # a table row lies between ruled vertical lines or carries >= 2 numbers; other lines
        # (prose split on wide justification gaps) only go to the text
        inside = len(vx) >= 2 and vx[0] <= ws[0]["x0"] + 2 and ws[-1]["x1"] - 2 <= vx[-1]
        numeric = sum(1 for c in row if _NUMERIC.fullmatch(c.text))
        rows.append((row, inside or numeric >= 2))
    return rows


def _ocr_image(im, page_no, tmpdir, deadline):
    clean, vmask = _prepare(im)
    path = os.path.join(tmpdir, f"p{page_no}.png")
    clean.save(path)
    words = _tesseract_tsv(path, deadline - time.time())
    return _page_rows(words, vmask, page_no)


def _extract(pages_rows, notes) -> Extract:
    rows, lines = [], []
    for prow in pages_rows:
        for r, is_table in prow:
            if is_table:
                lines.append("\t".join(c.text for c in r))
                if len(r) > 1:
                    rows.append(r)
            else:
                lines.append(join_lines(c.text for c in r))
    return Extract(medium="ocr", text="\n".join(lines), rows=rows, strict_cells=False,
                   title=None, notes=notes)


# ------------------------------------------------------------------------------------ API
def read_image(data: bytes, budget: float = 18.0, max_pages: int = 12) -> Extract:
    try:
        from PIL import Image, ImageSequence
    except ImportError as e:  # pragma: no cover
        raise ParseError(f"Pillow unavailable: {e}")
    deadline = time.time() + budget
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except Exception as e:
        raise ParseError(f"not a readable image: {type(e).__name__}")
    notes = ["ocr: tesseract chi_sim on image"]
    frames = []
    for i, fr in enumerate(ImageSequence.Iterator(im)):
        if i >= max_pages:
            notes.append(f"ocr: only the first {max_pages} frames read")
            break
        f = fr.convert("L")
        if f.width < 1200:  # small images OCR badly: upscale
            k = 1600 / f.width
            f = f.resize((int(f.width * k), int(f.height * k)))
        elif f.width > 3000:
            k = 2400 / f.width
            f = f.resize((int(f.width * k), int(f.height * k)))
        frames.append(f)
    out = []
    with tempfile.TemporaryDirectory(prefix="nianbao-ocr-") as td:
        for i, f in enumerate(frames, 1):
            try:
                out.append(_ocr_image(f, i, td, deadline))
            except TimeoutError:
                notes.append(f"ocr: time budget exhausted at frame {i}")
                break
    return _extract(out, notes)


def _pdftoppm(data_path, outprefix, dpi, first=None, last=None, timeout=10.0):
    cmd = ["pdftoppm", "-r", str(dpi), "-gray", "-png"]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    cmd += [data_path, outprefix]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=max(0.5, timeout))
    except FileNotFoundError:
        raise ParseError("pdftoppm (poppler-utils) is not installed")
    except subprocess.TimeoutExpired:
        raise TimeoutError
    return r.returncode, r.stderr.decode("utf-8", "replace")


def _pdfium_pages(data: bytes, dpi: int, first: int, last: int) -> list:
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
            out.append(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            page.close()
        return out
    finally:
        doc.close()


def read_pdf(data: bytes, max_pages: int = 12, budget: float = 18.0) -> Extract:
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
            prev_imgs = _pdfium_pages(data, 30, 1, 60)
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
        notes.append(f"ocr: tesseract {LANG} at {DPI} dpi; table pages {table_pages or 'unknown'}")
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
                    ims = _pdfium_pages(data, DPI, p, p)
                else:
                    _pdftoppm(src, prefix, DPI, p, p, timeout=min(remaining, 10.0))
                    ims = []
                    for f in os.listdir(td):
                        if f.startswith(f"hi{p}-"):
                            with Image.open(os.path.join(td, f)) as im:
                                ims.append(im.convert("L"))
                if not ims:
                    notes.append(f"ocr: page {p} could not be rasterised")
                    continue
                done[p] = _ocr_image(ims[0], p, td, deadline)
            except TimeoutError:
                notes.append(f"ocr: time budget exhausted at page {p}")
                break
        notes.append(f"ocr: {len(done)} page(s) in {time.time() - t0:.1f}s")
    return _extract([done[p] for p in sorted(done)], notes)
