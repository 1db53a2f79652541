"""DOCX reader: body paragraphs and tables in document order.

Public API: ``read(data: bytes, medium: str = "docx") -> Extract``.

The body is walked directly on the WordprocessingML tree (python-docx opens the package), so the
merge semantics are exact and cheap:

* a ``gridSpan`` cell (horizontal merge) is emitted once, in its first column;
* a vertically-merged continuation cell (``<w:vMerge/>`` without ``val="restart"``) is omitted: the
  label belongs to the first row of the merge, later rows simply have fewer cells;
* legacy ``<w:hMerge w:val="continue"/>`` cells are omitted too;
* a cell's paragraphs/lines are joined without separator between CJK characters (自\\n然\\n人 →
  自然人) and with one space between two Latin/digit runs;
* nested tables: a row whose cells hold tables is treated as layout — its nested tables' rows are
  emitted (recursively) in place, followed by the row's own remaining text cells if any.

``strict_cells`` is True: every emitted cell is a real cell of the table.
"""
from __future__ import annotations

import io
import re
import zipfile

from .model import Cell, Extract, ParseError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{%s}" % W


def _q(tag: str) -> str:
    return _W + tag


_ASCII_END = re.compile(r"[A-Za-z0-9%.,;:)\]]$")
_ASCII_START = re.compile(r"^[A-Za-z0-9(\[]")


def join_lines(parts) -> str:
    """Join text fragments (lines / paragraphs of one cell): no separator around CJK, one space
    between two Latin/digit runs."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and _ASCII_END.search(out) and _ASCII_START.match(p):
            out += " " + p
        else:
            out += p
    return out


def _para_text(p) -> str:
    """Text of a <w:p>, skipping mc:Fallback duplicates and deleted text."""
    buf = []
    for el in p.iter(_q("t"), _q("tab"), _q("br"), _q("cr"), _q("noBreakHyphen"), _q("sym")):
        # skip text inside markup-compatibility fallbacks (duplicated text boxes)
        anc = el.getparent()
        skip = False
        while anc is not None and anc is not p:
            if anc.tag == "{%s}Fallback" % MC:
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        tag = el.tag
        if tag == _q("t"):
            buf.append(el.text or "")
        elif tag == _q("tab"):
            # w:tab also appears inside w:tabs (paragraph properties): only count run-level tabs
            if el.getparent().tag == _q("r"):
                buf.append("\t")
        elif tag in (_q("br"), _q("cr")):
            buf.append("\n")
        elif tag == _q("noBreakHyphen"):
            buf.append("-")
    return "".join(buf)


def _children(el, tags):
    """Direct children with tag in tags, looking through w:sdt/w:sdtContent, w:customXml, etc."""
    for ch in el:
        t = ch.tag
        if t in tags:
            yield ch
        elif t in (_q("sdt"),):
            c = ch.find(_q("sdtContent"))
            if c is not None:
                yield from _children(c, tags)
        elif t in (_q("customXml"), _q("smartTag"), _q("ins")):
            yield from _children(ch, tags)


def _text_boxes(p):
    """The text boxes (w:txbxContent) anchored in a paragraph, once each: not the copy in an
    mc:Fallback branch, not a box nested in another (that one is walked with its parent)."""
    for box in p.iter(_q("txbxContent")):
        anc = box.getparent()
        while anc is not None and anc is not p:
            if anc.tag in ("{%s}Fallback" % MC, _q("txbxContent")):
                break
            anc = anc.getparent()
        else:
            yield box


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"


def _picture_ids(p):
    """Relationship ids of the pictures in a paragraph (DrawingML ``a:blip``, VML ``v:imagedata``)."""
    for el in p.iter(_BLIP, _VML_IMAGE):
        rid = el.get("{%s}embed" % R) or el.get("{%s}id" % R)
        if rid:
            yield rid


class _Walker:
    def __init__(self, picture=None):
        self.lines: list[str] = []
        self.rows: list[list[Cell]] = []
        self.table_no = 0
        self.picture = picture          # rid -> Extract | None (a picture read by OCR)
        self.pictures: list = []

    def body(self, el):
        for ch in _children(el, (_q("p"), _q("tbl"))):
            if ch.tag == _q("p"):
                boxes = list(_text_boxes(ch))
                if boxes:
                    # WPS and Word put whole tables in text frames: walk them in place
                    for box in boxes:
                        self.body(box)
                    continue
                t = _para_text(ch).replace("\n", " ").strip()
                if t:
                    self.lines.append(t)
                if self.picture is not None:
                    for rid in _picture_ids(ch):
                        self._picture(rid)
            else:
                self.table(ch)

    def _picture(self, rid):
        from .pictures import MAX_PICTURES
        if len(self.pictures) >= MAX_PICTURES:
            return
        ex = self.picture(rid)
        if ex is not None:
            self.pictures.append(ex)
            self.rows.extend(ex.rows)
            self.lines.append(ex.text)

    def table(self, tbl):
        self.table_no += 1
        tno = self.table_no
        for ri, tr in enumerate(_children(tbl, (_q("tr"),))):
            cells: list[Cell] = []
            nested = []
            col = 0
            for tc in _children(tr, (_q("tc"),)):
                pr = tc.find(_q("tcPr"))
                span = 1
                vcont = False
                hcont = False
                if pr is not None:
                    gs = pr.find(_q("gridSpan"))
                    if gs is not None:
                        try:
                            span = max(1, int(gs.get(_q("val"), "1")))
                        except ValueError:
                            span = 1
                    vm = pr.find(_q("vMerge"))
                    if vm is not None and vm.get(_q("val"), "continue") != "restart":
                        vcont = True
                    hm = pr.find(_q("hMerge"))
                    if hm is not None and hm.get(_q("val"), "continue") != "restart":
                        hcont = True
                inner_tables = list(_children(tc, (_q("tbl"),)))
                if inner_tables:
                    nested.append(tc)
                elif not (vcont or hcont):
                    parts = []
                    for p in _children(tc, (_q("p"),)):
                        parts.extend(_para_text(p).split("\n"))
                    cells.append(Cell(join_lines(parts), {"table": tno, "row": ri, "col": col}))
                col += span
            if nested:
                for tc in nested:
                    self.body(tc)
                if any(c.text for c in cells):
                    self._emit(cells)
            elif cells:
                self._emit(cells)

    def _emit(self, cells):
        self.rows.append(cells)
        self.lines.append("\t".join(c.text for c in cells))


def read(data: bytes, medium: str = "docx") -> Extract:
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ParseError("OLE compound file, not a DOCX (encrypted DOCX or legacy .doc)")
    if data[:2] != b"PK":
        raise ParseError("not a DOCX: no ZIP signature")
    try:
        import docx  # python-docx
    except ImportError as e:  # pragma: no cover
        raise ParseError(f"python-docx unavailable: {e}") from e
    try:
        doc = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as e:
        raise ParseError(f"broken DOCX: {type(e).__name__}: {e}".splitlines()[0][:200]) from e
    except Exception as e:  # lxml / opc errors
        raise ParseError(f"unreadable DOCX: {type(e).__name__}: {e}".splitlines()[0][:200]) from e
    def picture(rid):
        from . import pictures
        try:
            part = doc.part.related_parts[rid]
            return pictures.read(part.blob, part.partname.lstrip("/"))
        except (KeyError, AttributeError):
            return None

    w = _Walker(picture)
    notes = []
    try:
        # headers are rarely relevant; the body is what matters
        w.body(doc.element.body)
    except Exception as e:  # malformed XML structures
        raise ParseError(f"malformed DOCX body: {type(e).__name__}: {e}".splitlines()[0][:200]) from e
    title = None
    try:
        t = (doc.core_properties.title or "").strip()
        if t and re.search(r"[\u4e00-\u9fff]", t):
            title = t
    except Exception:
        pass
    if not w.lines:
        notes.append("docx: empty body")
    strict = True
    if w.pictures:
        from .pictures import merge_note
        notes.append(merge_note([next((c.where["picture"] for r in ex.rows for c in r), "picture")
                                 for ex in w.pictures]))
        strict = all(ex.strict_cells for ex in w.pictures)
    return Extract(medium=medium, text="\n".join(w.lines), rows=w.rows, strict_cells=strict,
                   title=title, notes=notes, read_by_ocr=bool(w.pictures))
