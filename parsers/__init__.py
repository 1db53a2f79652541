"""parsers: bytes in, a report out. No network, no database.

``parse(data)`` sniffs the real type from the bytes, reads it into the cell model
(``model.Extract``), maps the cells onto the canonical fields of ``schema.yaml`` and checks the
form's sum rules. See ``report.py`` for the output contract.
"""
from __future__ import annotations

from .model import ParseError


def parse(data: bytes, filename: str | None = None) -> dict:
    """Parse one document; returns the report dict (see README "Parse output")."""
    from .core import parse_bytes
    return parse_bytes(data, filename=filename)


def parse_many(items, batch: int = 40):
    """Parse ``[(bytes, filename), …]`` in order; yields a report dict or an exception for each."""
    from .core import parse_many as _many
    return _many(items, batch=batch)


__all__ = ["parse", "parse_many", "ParseError"]
