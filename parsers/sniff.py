"""What a file is, from its bytes (never from its name or Content-Type, which portals get wrong):
the one home of file-type sniffing, for the crawler (``documents.medium``) and the parser (which
reader reads it).

``medium(data)``: pdf, docx, xlsx, ofd, zip, doc, wps, xls, rtf, jpeg, png, gif, tiff, bmp, html,
text or bin. ``reader(medium)``: the parser's reader for it (``image`` for every picture, ``doc``
for WPS, ``binary`` for what no reader reads).
"""
from __future__ import annotations

import io
import zipfile

PICTURES = frozenset({"jpeg", "png", "gif", "tiff", "bmp"})
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_TAGS = (b"<html", b"<body", b"<table", b"<div", b"<meta", b"<p>", b"<p ")


def medium(data: bytes) -> str:
    """The real type of a document from its bytes."""
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return "zip"
        if "word/document.xml" in names or any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("Doc_") or n == "OFD.xml" for n in names):
            return "ofd"
        return "zip"
    if head.startswith(_OLE):
        blob = data[:1 << 20]
        if "WordDocument".encode("utf-16-le") in blob or b"WordDocument" in blob:
            if b"WPS" in blob[:200000] or "WPS".encode("utf-16-le") in blob[:200000] or b"Kingsoft" in blob[:200000]:
                return "wps"
            return "doc"
        if "Workbook".encode("utf-16-le") in blob or "Book".encode("utf-16-le") in blob:
            return "xls"
        return "doc"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"GIF8"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    low = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or any(tag in low for tag in _HTML_TAGS):
        return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "bin"
    return "text"


def reader(kind: str) -> str:
    """The parser's reader for a medium."""
    if kind in PICTURES:
        return "image"
    if kind == "wps":
        return "doc"
    if kind == "bin":
        return "binary"
    return kind
