"""Plain text: text saved from Word or a PDF, a web page's text, OCR output.

One layout is read row by row: *cell per line opened by a tab* (text saved from Word): each cell
on its own line opened by a tab, a blank line ends a table row, a line without the tab continues
the cell above (自/然/人). Its cells are real cells (``strict``).

Every other layout is read as a **stream of cells** (``Extract.stream``): the mapping core takes
label cells then value cells and lets the form say where a row ends, so separators and line breaks
are hints, not requirements. Layouts seen in real page texts:

* cells closed by ``|``, a row per line (``规章 | 0 | 0 | 0 |``), or one cell per line with the
  ``|`` on the cell's line or the next (``行政规范性文件`` / ``|``), empty cells as ``||``. An empty
  cell between pipes is a printed blank, so such text is ``strict``;
* rows as words split by spaces or tabs (``规章 0 0 0``, ``行政许可 66 +126 192``), or one cell per
  line with blank lines between; blank cells leave no word, so such text is not ``strict``;
* labels wrapped over lines (``1.本机关不掌握相关政府信`` / ``息``), leading spaces, indents.

A sentence (prose) line is one text cell: its numbers are not table values.
"""
from __future__ import annotations

import functools
import re

from .model import Cell, Extract
from .normalize import read_number

_CELL_LINE = re.compile(r"^ *\t")
_NUMERIC = re.compile(r"^\s*[-+]?[\d０-９,，.]+\s*$")
_PIPE = re.compile(r"[|｜]")
_WORD_SPLIT = re.compile(r"[ \t\u3000\xa0]+")
_ORDINAL_DIGIT = re.compile(r"^[1-9]$")
_GLUED_ZEROS = re.compile(r"^(.*[\u4e00-\u9fff])(0{2,})$")
_PARENTHESES = re.compile(r"[(（][^()（）]*[)）]")


def decode(data: bytes) -> str:
    from .html import decode_bytes
    return decode_bytes(data, declared=None)[0]


def read(data: bytes | str, medium: str = "text") -> Extract:
    text = data if isinstance(data, str) else decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    cell_lines = sum(1 for ln in lines if _CELL_LINE.match(ln) and "\t" not in ln.lstrip(" ")[1:])
    tab_rows = sum(1 for ln in lines if ln.strip(" ").count("\t") >= 2 and not _CELL_LINE.match(ln))
    if cell_lines > tab_rows:
        return Extract(medium=medium, text=text, rows=_cell_per_line(lines), strict_cells=True)
    notes = []
    if sum(1 for ln in lines if _PIPE.search(ln)) >= 3:
        rows, strict = _pipe_cells(text), True
    else:
        rows, strict = [r for n, ln in enumerate(lines, 1) if (r := _line_cells(ln, n))], False
    if text and not text.endswith("\n") and rows and rows[-1] and read_number(rows[-1][-1].text)[0] == "number":
        rows[-1].pop()          # the text stops inside this number: it may be cut short
        notes.append("the text ends inside a table (cut off): its last value is not read")
    return Extract(medium=medium, text=text, rows=rows, strict_cells=strict, stream=True, notes=notes)


def _cell_per_line(lines: list) -> list:
    rows, row = [], None
    for n, ln in enumerate(lines, 1):
        if _CELL_LINE.match(ln):
            if row is None:
                row = []
                rows.append(row)
            row.append(Cell(ln.split("\t", 1)[1].strip(), {"line": n, "col": len(row)}))
        elif ln.strip() == "":
            row = None
        elif row and not _NUMERIC.match(ln) and not _NUMERIC.match(row[-1].text):
            row[-1].text += ln.strip()          # a wrapped label: 自 / 然 / 人
        else:
            rows.append([Cell(ln.strip(), {"line": n, "col": 0})])
    return rows


@functools.lru_cache(maxsize=1 << 14)
def is_prose(line: str) -> bool:
    """A sentence, not a table row: its numbers (共收到申请 5 件，…) are no cell values."""
    s = line.strip()
    if "。" in s or "；" in s:
        return True
    words = "".join(w for w in _WORD_SPLIT.split(s) if read_number(w)[0] == "text")
    words = _PARENTHESES.sub("", words)     # （区分处理的，只计这一情形，不计其他情形） is a label's
    return len(words) > 60 or (len(words) > 30 and ("，" in words or "," in words))


def words(piece: str) -> list:
    """A piece of a line as cell texts: consecutive words of text joined into one label (CJK
    labels wrap and space anywhere: 商业 企业), each value word a cell of its own. A lone digit
    opening a label is its ordinal (``1 属于国家秘密``), not a value."""
    out: list = []
    last_text = False
    parts = []
    for w in _WORD_SPLIT.split(piece.strip()):
        glued = _GLUED_ZEROS.match(w)
        # 规章000: cells run together. Only zeros can be told apart (no number starts with 0)
        parts += [glued.group(1), *glued.group(2)] if glued else [w] if w else []
    for i, w in enumerate(parts):
        kind = read_number(w)[0]
        if kind == "number" and i == 0 and _ORDINAL_DIGIT.match(w) and len(parts) > 1 \
                and read_number(parts[1])[0] == "text" and not parts[1][0].isascii():
            kind = "text"
        if kind == "text" and last_text:
            out[-1] += w
        else:
            out.append(w)
        last_text = kind == "text"
    return out


def _line_cells(line: str, n: int) -> list:
    """One line of a layout without pipes: tabs and runs of spaces split its cells."""
    if not line.strip():
        return []
    if is_prose(line):
        return [Cell(line.strip(), {"line": n, "col": 0})]
    cells: list = []
    pieces = line.split("\t")
    for piece in pieces:
        # an empty piece between tabs is kept as a blank: a row that prints exactly as many
        # cells as the form has is then read cell by cell (not strict: gaps may be spacing)
        for w in words(piece) if piece.strip() or len(pieces) == 1 else [""]:
            cells.append(Cell(w, {"line": n, "col": len(cells)}))
    return cells


def _pipe_cells(text: str) -> list:
    """Cells closed by ``|``: the text between two pipes is one cell (empty: a printed blank);
    lines before a cell's last line that no pipe closes are headings or prose of their own."""
    rows: list = []
    line = 1
    current = None           # the row (list of cells) of the line being read

    def add(cell_text: str, at: int, blank: bool = False):
        nonlocal current
        if current is None or current[0] != at:
            current = (at, [])
            rows.append(current[1])
        cells = [cell_text] if blank else words(cell_text) if not is_prose(cell_text) else [cell_text.strip()]
        for w in cells:
            current[1].append(Cell(w, {"line": at, "col": len(current[1])}))

    pieces = _PIPE.split(text)
    for i, piece in enumerate(pieces):
        closed = i < len(pieces) - 1
        parts = piece.split("\n")
        filled = [(line + k, p) for k, p in enumerate(parts) if p.strip()]
        if closed and not filled:
            add("", line + len(parts) - 1, blank=True)
        for k, (at, p) in enumerate(filled):
            if closed and k == len(filled) - 1:
                add(p, at)
            else:
                current = None
                add(p, at)
                current = None
        line += len(parts) - 1
    return [r for r in rows if r]
