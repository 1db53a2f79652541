"""parsers: bytes in, a report out. No network, no database.

``parse(data)`` sniffs the real type from the bytes, reads it into the cell model
(``model.Extract``), maps the cells onto the canonical fields of ``schema.yaml`` and checks the
form's sum rules. See ``report.py`` for the output contract.
"""
from __future__ import annotations

from .model import ParseError


def parse(data: bytes, filename: str | None = None, pictures: dict | None = None,
          base_url: str | None = None) -> dict:
    """Parse one document; returns the report dict (see README "Parse output"). For an HTML page,
    ``pictures`` maps the absolute URL of each image it shows to the image's bytes (``base_url``:
    the page's URL): a table pasted as a picture is then read by OCR."""
    from .core import parse_bytes
    return parse_bytes(data, filename=filename, pictures=pictures, base_url=base_url)


def parse_many(items, batch: int = 40):
    """Parse ``[(bytes, filename), …]`` in order; yields a report dict or an exception for each."""
    from .core import parse_many as _many
    return _many(items, batch=batch)


__all__ = ["parse", "parse_many", "ParseError"]
