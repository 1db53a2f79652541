"""The one cell model every medium produces, and the error a reader raises.

A reader (``html.py``, ``pdf.py``, ``docx.py``, ``office.py``, ``ocr.py``, ``text.py``) turns bytes
into an :class:`Extract`: the document's plain text in reading order, plus every table row as a list
of :class:`Cell`. The mapping core (``mapping.py``) never looks at the medium again.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class ParseError(Exception):
    """The file could not be read at all (broken, encrypted, truncated, too big, unknown type)."""


@dataclass
class Cell:
    text: str                                  # the cell's text as printed ('' for a blank cell)
    where: dict = field(default_factory=dict)  # provenance: page, table, row, col (what is known)


@dataclass
class Extract:
    medium: str                 # html, pdf, docx, doc, wps, rtf, text, ocr
    text: str                   # whole document text in reading order (title, prose, tables)
    rows: list = field(default_factory=list)   # list[list[Cell]], every table row in order
    # True when cells are real cells of a table (HTML, DOCX, ruled PDF tables): a blank cell is a
    # printed blank. False for text-layout extraction, where an empty cell may be an artefact
    # of column gaps and only the order of the printed values can be trusted.
    strict_cells: bool = True
    # True when row boundaries are not known (text layouts): the cells are one stream in reading
    # order, and the form (label cells, then as many value cells as the row has) says where a
    # row ends. False when every row of ``rows`` is a printed table row.
    stream: bool = False
    title: str | None = None    # a title hint from the medium (HTML <title>/<h1>, PDF metadata)
    # True when some cells were read by OCR from pictures inside the document (a table pasted as
    # an image): their values carry an OCR confidence and the report gets the OCR reading check
    read_by_ocr: bool = False
    notes: list = field(default_factory=list)
