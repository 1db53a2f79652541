"""Pictures inside a document: a table (often table 三) pasted into an HTML article or a DOCX as
an image. Each picture large enough to hold a table is read by OCR where it stands; the rest of
the document keeps what its text says.

Public API: ``read(data, name) -> Extract | None`` (None: not a picture worth reading, or
unreadable), ``MAX_PICTURES``.
"""
from __future__ import annotations

import io

from .model import Extract, ParseError

MAX_PICTURES = 8            # a page of photos is not a report: read at most this many
MIN_WIDTH, MIN_HEIGHT = 300, 120     # smaller pictures are icons, logos, seals, QR codes
BUDGET = 60.0               # seconds of OCR per picture


def size_of(data: bytes) -> tuple[int, int] | None:
    try:
        from PIL import Image
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:
        return None


def read(data: bytes, name: str, budget: float = BUDGET) -> Extract | None:
    """The cells and text OCR reads in one picture, each cell's provenance naming the picture."""
    size = size_of(data)
    if size is None or size[0] < MIN_WIDTH or size[1] < MIN_HEIGHT:
        return None
    from . import ocr
    try:
        ex = ocr.read_image(data, budget=budget)
    except ParseError:
        return None
    for row in ex.rows:
        for cell in row:
            cell.where = {**cell.where, "picture": name}
    return ex


def merge_note(names: list[str]) -> str:
    return f"ocr: {len(names)} picture(s) in the document read by OCR ({', '.join(n.rsplit('/', 1)[-1] for n in names[:4])})"
