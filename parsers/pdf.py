"""PDF reader (pdfplumber / pdfminer).

Public API
----------
``read(data: bytes) -> Extract``
    medium "pdf" (or "ocr" when the text layer is unusable and the document went through
    :func:`parsers.ocr.read_pdf`). Raises ``ParseError`` for broken, truncated, encrypted (with a
    non-empty user password) or non-PDF bytes.
``garbled_reason(data: bytes) -> str | None``
    Why the text layer is unusable (for tests / diagnostics), or None.

How
---
* Every page's text is extracted (one line per text line); only the pages whose text holds the
  table words (``schema.table_page_words()``: 本年新收, 申请人情况, 行政复议 …) get table extraction.
* Ruled tables: ``page.find_tables()`` with the lines strategy. pdfplumber reports a merged
  region once (its first row/column) and ``None`` for the positions it covers; those ``None`` are
  dropped, real blank cells are kept as ''. Multi-line cell text is joined without separator
  between CJK characters. Tables smaller than 2×2 (page frames) are ignored. Rows of a table
  split over pages are simply emitted page after page.
* A table page without ruled tables falls back to text layout: words grouped into lines by their
  baseline, cells split on horizontal gaps wider than ~0.9 em; ``strict_cells`` is then False.
* Garbled text layers — ``(cid:N)`` runs, Private-Use-Area characters, CJK/Kangxi radicals used
  as look-alikes, or (almost) no text on pages that carry images — send the whole document to
  OCR; a note says why.
* Pages are closed after use (``page.close()``) to bound memory; at most ``MAX_PAGES`` pages.
"""
from __future__ import annotations

import io
import logging
import re
import statistics

from . import schema
from .docx import join_lines
from .model import Cell, Extract, ParseError
from .normalize import unify_glyphs

# pdfminer logs a warning per glyph for fonts without a bounding box: noise for a 7am reader
logging.getLogger("pdfminer").setLevel(logging.ERROR)

MAX_PAGES = 120
_CID = re.compile(r"\(cid:\d+\)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PUA = re.compile(r"[\ue000-\uf8ff]")
_RAD = re.compile(r"[\u2e80-\u2fdf\u31c0-\u31ef]")
_NUMCELL = re.compile(r"[-—/]|[0-9０-９][0-9０-９,，.]*%?")
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}


def _open(data: bytes):
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect, PDFEncryptionError
    except ImportError as e:  # pragma: no cover
        raise ParseError(f"pdfplumber unavailable: {e}") from e
    if not data:
        raise ParseError("empty file")
    if b"%PDF" not in data[:1024]:
        raise ParseError("not a PDF: no %PDF header")
    try:
        pdf = pdfplumber.open(io.BytesIO(data), password="")
        n = len(pdf.pages)  # forces the page tree
    except PDFPasswordIncorrect:
        raise ParseError("encrypted PDF: a password is required") from None
    except PDFEncryptionError as e:
        raise ParseError(f"encrypted PDF with unsupported encryption: {e}") from e
    except Exception as e:
        name = type(e).__name__
        if "Password" in name or "Encrypt" in name:
            raise ParseError("encrypted PDF: a password is required") from e
        raise ParseError(f"broken PDF: {name}: {str(e)[:120]}") from e
    if n == 0:
        pdf.close()
        raise ParseError("broken PDF: no pages")
    return pdf


def _garble_stats(text: str) -> tuple[int, int, int, int]:
    return (len(_CID.findall(text)), len(_PUA.findall(text)), len(_RAD.findall(text)),
            len(_CJK.findall(text)))


def _judge(texts: list[str], image_pages: int, npages: int) -> str | None:
    allt = "".join(texts)
    cid, pua, rad, cjk = _garble_stats(allt)
    visible = len(re.sub(r"\s|\(cid:\d+\)", "", allt))
    if cid >= 10 and cid > 0.2 * (cjk + 1):
        return f"text layer has {cid} (cid:N) glyphs without Unicode mapping"
    if pua >= 20 and pua > 0.1 * (visible + 1):
        return f"text layer has {pua} Private-Use-Area characters"
    if rad >= 10 and rad > 0.03 * (cjk + rad):
        return f"text layer uses {rad} CJK radicals as look-alike characters"
    if visible < 40 * npages and image_pages:
        return f"almost no text ({visible} chars on {npages} pages) and {image_pages} image pages"
    if cjk < 10 and image_pages and visible < 200 * npages:
        return "no Chinese text in the text layer of an image PDF"
    return None


def _clean_cell(s) -> str:
    if s is None:
        return ""
    return unify_glyphs(join_lines(str(s).split("\n")))


def _bbox_inside(obj, boxes, pad=1.0) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    for (x0, t, x1, b) in boxes:
        if x0 - pad <= x <= x1 + pad and t - pad <= y <= b + pad:
            return True
    return False


def _layout_lines(words) -> list[list[dict]]:
    """Group words into lines by vertical overlap; sort each line by x."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[dict]] = []
    for w in words:
        h = w["bottom"] - w["top"]
        mid = (w["top"] + w["bottom"]) / 2
        if lines:
            last = lines[-1]
            lt = min(x["top"] for x in last)
            lb = max(x["bottom"] for x in last)
            if lt - 0.2 * h <= mid <= lb + 0.2 * h:
                last.append(w)
                continue
        lines.append([w])
    for ln in lines:
        ln.sort(key=lambda w: w["x0"])
    return lines


def split_cells(line: list[dict], gap_em: float = 0.9) -> list[tuple[str, float, float]]:
    """Split one text line (words sorted by x) into cells on wide horizontal gaps:
    ``(text, x0, x1)`` per cell."""
    sizes = [w["bottom"] - w["top"] for w in line]
    em = statistics.median(sizes) if sizes else 10.0
    cells: list[list[dict]] = []
    for w in line:
        if cells and w["x0"] - cells[-1][-1]["x1"] <= gap_em * em:
            cells[-1].append(w)
        else:
            cells.append([w])
    out = []
    for c in cells:
        txt = ""
        for w in c:
            t = w["text"]
            if txt and re.search(r"[A-Za-z0-9]$", txt) and re.match(r"[A-Za-z0-9]", t):
                txt += " " + t
            else:
                txt += t
        out.append((txt, c[0]["x0"], c[-1]["x1"]))
    return out


def _is_table_page(text: str) -> bool:
    # labels wrap inside cells (本年新\n收) and OCR text layers space characters (行政 复议)
    flat = re.sub(r"\s+", "", text)
    return any(k in flat for k in schema.table_page_words())


def _full_page_image(page) -> bool:
    """Is the page (almost) entirely covered by one image, as a scanned page is?"""
    area = float(page.width * page.height) or 1.0
    return any((im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) >= 0.8 * area for im in page.images)


def _starts_with_number_rows(text: str) -> bool:
    """Do the first lines of a page (under a running header) hold rows of three or more numbers?"""
    lines = [ln for ln in text.split("\n") if ln.strip()][:4]
    return any(len(re.findall(r"(?<![\d.])\d+(?![\d.])", ln)) >= 3 and not re.search(r"[\u4e00-\u9fff]{6}", ln)
               for ln in lines)


def _superscripts(page) -> set:
    """Footnote marks (386¹): digits smaller than the character they follow on the same line and
    raised above its baseline. They are not part of the number."""
    chars = page.chars  # content-stream order: a mark is drawn right after its number
    out = set()
    for prev, c in zip(chars, chars[1:]):
        if not c["text"].isdigit() or not prev["text"].strip():
            continue
        size, psize = c.get("size") or 0, prev.get("size") or 0
        if size and psize and size < 0.8 * psize and -0.5 <= c["x0"] - prev["x1"] < psize * 0.5 \
                and c["bottom"] < prev["bottom"] - 0.15 * psize and c["bottom"] > prev["top"]:
            out.add((c["x0"], c["top"], c["text"]))
    # a mark of two digits (¹²): the second follows the first
    for prev, c in zip(chars, chars[1:]):
        if (prev["x0"], prev["top"], prev["text"]) in out and c["text"].isdigit() \
                and abs((c.get("size") or 0) - (prev.get("size") or 0)) < 0.1 and abs(c["top"] - prev["top"]) < 0.5:
            out.add((c["x0"], c["top"], c["text"]))
    return out


def _clean_page(page):
    """The page without doubled glyphs (fake bold paints each character twice: 46 → 4466) and
    without footnote marks raised after numbers."""
    chars = page.chars
    seen = {(c["text"], round(c["x0"]), round(c["top"])) for c in chars}
    if len(seen) < len(chars):  # some glyph is drawn twice at the same place
        try:
            page = page.dedupe_chars(tolerance=1)
        except Exception:
            pass
    marks = _superscripts(page)
    if marks:
        page = page.filter(lambda o: o.get("object_type") != "char"
                           or (o["x0"], o["top"], o["text"]) not in marks)
    return page


def garbled_reason(data: bytes) -> str | None:
    pdf = _open(data)
    try:
        texts, img = [], 0
        for _i, page in enumerate(pdf.pages[:MAX_PAGES]):
            texts.append(page.extract_text() or "")
            img += bool(page.images)
            page.close()
        return _judge(texts, img, len(texts))
    finally:
        pdf.close()


def read(data: bytes) -> Extract:
    pdf = _open(data)
    notes: list[str] = []
    rows: list[list[Cell]] = []
    lines: list[str] = []
    strict = True
    any_table_page = False
    title = None
    try:
        meta = pdf.metadata or {}
        t = meta.get("Title")
        if isinstance(t, bytes):
            t = t.decode("utf-16" if t[:2] in (b"\xfe\xff", b"\xff\xfe") else "latin-1", "replace")
        if isinstance(t, str) and _CJK.search(t) and len(t.strip()) >= 6:
            title = t.strip()
        npages = len(pdf.pages)
        if npages > MAX_PAGES:
            notes.append(f"pdf: only the first {MAX_PAGES} of {npages} pages read")
        raw_texts: list[str] = []
        image_pages = 0
        table_no = 0
        prev_table = False
        scanned_table_pages = 0   # table pages that are a full-page picture under a text layer
        for pno, raw_page in enumerate(pdf.pages[:MAX_PAGES], start=1):
            try:
                page = _clean_page(raw_page)
                ptext = unify_glyphs(page.extract_text() or "")
            except Exception as e:
                raise ParseError(f"broken PDF page {pno}: {type(e).__name__}") from e
            raw_texts.append(ptext)
            image_pages += bool(page.images)
            # early garble check on the first pages (saves table work on hopeless files)
            if pno in (1, 3) and _judge(raw_texts, image_pages, pno) and (
                    _CID.search(ptext) or _PUA.search(ptext) or _RAD.search(ptext)):
                reason = _judge(raw_texts, image_pages, pno)
                raw_page.close()
                return _to_ocr(data, reason, title)
            items: list[tuple[float, str, list[Cell] | None]] = []  # (top, line, row)
            boxes = []
            # a table runs on over the next page, whose rows may hold only numbers (table 四's
            # second half): a page after a table page that starts with rows of numbers is one too
            if _is_table_page(ptext) or (prev_table and _starts_with_number_rows(ptext)):
                prev_table = True
                any_table_page = True
                try:
                    tables = page.find_tables(TABLE_SETTINGS)
                except Exception:
                    tables = []
                tables = [tb for tb in tables
                          if (len(tb.rows) >= 2 and max(len(r.cells) for r in tb.rows) >= 2)
                          or max(len(r.cells) for r in tb.rows) >= 3]   # a one-row continuation
                for tb in tables:
                    table_no += 1
                    boxes.append(tb.bbox)
                    data_rows = tb.extract()
                    for ri, (r, trow) in enumerate(zip(data_rows, tb.rows)):
                        cells = [Cell(_clean_cell(v), {"page": pno, "table": table_no,
                                                       "row": ri, "col": ci})
                                 for ci, v in enumerate(r) if v is not None]
                        if not cells:
                            continue
                        items.append((trow.bbox[1], "\t".join(c.text for c in cells), cells))
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False,
                                           x_tolerance=2, y_tolerance=2)
                for w in words:
                    w["text"] = unify_glyphs(w["text"])
                if not boxes and _full_page_image(raw_page):
                    scanned_table_pages += 1
                if boxes:
                    words = [w for w in words if not _bbox_inside(w, boxes)]
                    for ln in _layout_lines(words):
                        items.append((ln[0]["top"], "".join(_txt(ln)), None))
                else:
                    table_no += 1
                    layout = []
                    for ri, ln in enumerate(_layout_lines(words)):
                        cs = split_cells(ln)
                        cells = [Cell(t, {"page": pno, "table": table_no, "row": ri, "col": ci,
                                          "x": round(x, 1), "x1": round(x1, 1)})
                                 for ci, (t, x, x1) in enumerate(cs)]
                        layout.append((ln[0]["top"], cells))
                    # a keyword page is a table page only if some line has >= 3 cells of which
                    # >= 2 are numbers; otherwise it is prose that mentions 行政复议 etc.
                    tabular = sum(1 for _, cs in layout if len(cs) >= 3 and
                                  sum(bool(_NUMCELL.fullmatch(c.text)) for c in cs) >= 2)
                    if tabular:
                        strict = False
                    for top, cells in layout:
                        line = "\t".join(c.text for c in cells)
                        # one-cell lines are prose; a line with several cells is a table row
                        # label-only lines stay rows: a wrapped label is joined to its values later
                        items.append((top, line, cells if tabular else None))
                items.sort(key=lambda it: it[0])
                for _, line, cells in items:
                    if line.strip():
                        lines.append(line)
                    if cells:
                        rows.append(cells)
            else:
                prev_table = False
                lines.extend(ln for ln in ptext.split("\n") if ln.strip())
            raw_page.close()
        reason = _judge(raw_texts, image_pages, len(raw_texts))
        if not reason and not rows and image_pages:
            # text pages, but the tables were pasted as pictures (screenshots of the form)
            reason = f"no table in the text layer and {image_pages} pages hold images"
        if not reason and scanned_table_pages and table_no == scanned_table_pages:
            # a scan made searchable: the text layer is the scanner's OCR (spaced characters,
            # no cell boundaries); reading the page images gives the table back
            reason = f"{scanned_table_pages} table pages are scanned images under a text layer"
        if reason:
            return _to_ocr(data, reason, title)
    except ParseError:
        raise
    except Exception as e:
        raise ParseError(f"broken PDF: {type(e).__name__}: {str(e)[:120]}") from e
    finally:
        pdf.close()
    if not any_table_page:
        notes.append("pdf: no page with table keywords found")
    elif not strict:
        notes.append("pdf: no ruled table on some table pages; text-layout cells used")
    return Extract(medium="pdf", text="\n".join(lines), rows=rows,
                   strict_cells=strict and bool(rows), title=title, notes=notes)


def _txt(ln):
    out = []
    prev = None
    for w in ln:
        if prev is not None and re.search(r"[A-Za-z0-9]$", prev["text"]) and \
                re.match(r"[A-Za-z0-9]", w["text"]):
            out.append(" ")
        elif prev is not None and w["x0"] - prev["x1"] > 2 * (w["bottom"] - w["top"]):
            out.append(" ")
        out.append(w["text"])
        prev = w
    return out


def _to_ocr(data: bytes, reason: str, title):
    from . import ocr

    ex = ocr.read_pdf(data)
    ex.notes.insert(0, f"pdf: text layer unusable ({reason}); read by OCR")
    if title and not ex.title:
        ex.title = title
    return ex
