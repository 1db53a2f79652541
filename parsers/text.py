"""Plain text (the form of the seed fixtures, and what OCR or a text dump gives).

Two layouts occur. *Cell per line* (text saved from Word): each cell on its own line opened by a
tab, a blank line ends a table row, and a line without the tab continues the cell above
(自/然/人). *Row per line* (text saved from PDF): a table row is one line, cells split by tabs;
empty cells there may be artefacts of column gaps, so such text is not ``strict``.
"""
from __future__ import annotations

import re

from .model import Cell, Extract

_CELL_LINE = re.compile(r"^ *\t")
_NUMERIC = re.compile(r"^\s*[-+]?[\d０-９,，.]+\s*$")


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
        rows, strict = _cell_per_line(lines), True
    else:
        rows, strict = _row_per_line(lines), False
    return Extract(medium=medium, text=text, rows=rows, strict_cells=strict)


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


def _row_per_line(lines: list) -> list:
    rows = []
    for n, ln in enumerate(lines, 1):
        if not ln.strip():
            continue
        cells = ln.split("\t") if "\t" in ln else [ln]
        rows.append([Cell(c.strip(), {"line": n, "col": i}) for i, c in enumerate(cells)])
    return rows
