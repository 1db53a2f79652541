"""Importing this module fills the parser's caches (the form's label patterns, compiled once per
process), by reading a small text made of the form's own labels.

A process that forks parser children (``parsers.worker``'s fork server) imports it first, so that
every child reads its document at full speed instead of paying the first-document cost again:
about 100 ms, against 2–5 ms for a text report once warm. The OCR engine is loaded and prepared
for every line width too (``ocr.warm_ocr``, a few seconds once): otherwise each scanned document
would load it again (0.8 s) and prepare each new width of line it reads (about 2 s a scan).
"""
from __future__ import annotations

from . import parse, schema
from .model import ParseError


def sample_text() -> bytes:
    """A report-shaped text: a title, then each section's heading and each field's label with 0."""
    lines, section = ["示例县人民政府2023年政府信息公开工作年度报告", "一、总体情况"], None
    for label in schema.field_labels().values():
        parts = label.split(" / ")
        if parts[0] != section:
            section = parts[0]
            lines.append(section)
        lines.append(f"{parts[-1]}  0")
    return "\n".join(lines).encode("utf-8")


try:
    parse(sample_text(), filename="warm.txt")
except ParseError:
    pass
try:
    from . import ocr
    ocr.warm_ocr()
except Exception:       # no OCR engine here: scans are read by tesseract, or fail with a reason
    pass
