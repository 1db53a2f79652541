"""HTML article pages (the most common medium): Word-pasted tables with rowspan/colspan.

Cells are emitted once, where they start (a rowspan does not repeat its label below), with
their text joined without separators (CJK labels break anywhere: 自<br>然<br>人). Only the
innermost tables are read: portals wrap whole pages in layout tables.
Encoding: ``parsers/encoding.py`` (a BOM, a declared charset with gb2312/gbk read as gb18030,
strict UTF-8, GB18030, detection; an undeclared GBK page is common).
"""
from __future__ import annotations

import re

from lxml import etree

from .encoding import decode
from .model import Cell, Extract, ParseError

_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
          "article", "title", "dd", "dt", "ul", "ol", "blockquote", "pre", "center"}
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_TITLE_SELECTORS = ("//meta[@name='ArticleTitle']/@content", "//h1", "//*[contains(@class,'title') or contains(@id,'title')]",
                    "//h2", "//h3", "//title", "//meta[@name='description']/@content")
_REPORTISH = re.compile(r"(年度报告|年报)")
_YEAR = re.compile(r"(?:19|20)\d\d\s*年")


def _title_hint(doc) -> str | None:
    """The article's title: among the candidates (ArticleTitle meta, h1, .title, h2, h3, <title>),
    in that order, the first that names a report with its year, else the first that names a
    report, else the first; never a sentence. Portals put their own name in <h1> and the site
    name after '_' in <title>."""
    found = []
    for sel in _TITLE_SELECTORS:
        for el in doc.xpath(sel):
            t = re.sub(r"\s+", "", el if isinstance(el, str) else _cell_text(el))
            if 4 <= len(t) <= 150 and not re.search(r"[。；]", t):
                if _REPORTISH.search(t) and _YEAR.search(t):
                    return t          # the best kind of candidate, in the preferred order
                found.append(t)
    for want in (lambda t: _REPORTISH.search(t) and _YEAR.search(t), lambda t: _REPORTISH.search(t), bool):
        for t in found:
            if want(t):
                return t
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a page (``parsers.encoding.decode``). Returns ``(text, encoding used)``."""
    return decode(data, declared)


def _cell_text(el) -> str:
    # footnote marks pasted from Word (386<sup>1</sup>) are not part of the number
    return "".join(_texts_without_sup(el)).replace("\xa0", " ").strip()


def _texts_without_sup(el):
    """The text of an element, leaving out <sup> elements (their tails are kept)."""
    if el.tag == "sup":
        return
    if el.text:
        yield el.text
    for child in el:
        if isinstance(child.tag, str):
            yield from _texts_without_sup(child)
        if child.tail:
            yield child.tail


def block_text(root) -> str:
    """Text of ``root`` with a line break after every block element and a tab before each cell."""
    for el in root.iter(*_BLOCK):
        el.tail = "\n" + el.tail if el.tail else "\n"
    for el in root.iter("td", "th"):
        el.text = "\t" + el.text if el.text else "\t"
    text = "".join(root.itertext()).replace("\xa0", " ")
    lines = [ln.strip(" \t\r") for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def read(data: bytes, medium: str = "html", pictures: dict | None = None, base_url: str | None = None) -> Extract:
    """``pictures``: the bytes of the page's images by absolute URL (``base_url`` resolves the
    page's ``src``); a picture that holds a table is read by OCR where it stands."""
    text, encoding = decode_bytes(data)
    if not text.strip():
        raise ParseError("empty HTML document")
    try:
        doc = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"unreadable HTML: {exc}") from exc
    if doc is None:
        raise ParseError("empty HTML document")
    title = _title_hint(doc)
    etree.strip_elements(doc, "script", "style", "noscript", "head", with_tail=False)
    read_pictures = _read_pictures(doc, pictures or {}, base_url)
    rows = []
    ti = 0
    for el in doc.iter("table", "div"):
        if el.tag == "div":
            ex = read_pictures.get(el.get("data-nianbao-picture"))
            if ex is not None:
                rows.extend(ex.rows)
            continue
        if el.xpath(".//table"):
            continue           # a layout table: its innermost tables are read
        for ri, tr in enumerate(el.xpath(".//tr")):
            cells = [Cell(_cell_text(td), {"table": ti, "row": ri, "col": ci})
                     for ci, td in enumerate(tr.xpath("./td|./th"))]
            if cells:
                rows.append(cells)
        ti += 1
    body = doc.find("body")
    body = body if body is not None else doc
    notes = [] if encoding in ("utf-8", "utf-16") else [f"page decoded as {encoding}"]
    strict = True
    if read_pictures:
        from .pictures import merge_note
        notes.append(merge_note([ex.title for ex in read_pictures.values()]))
        strict = all(ex.strict_cells for ex in read_pictures.values())
    return Extract(medium=medium, text=block_text(body), rows=rows, strict_cells=strict, title=title, notes=notes,
                   read_by_ocr=bool(read_pictures))


def _read_pictures(doc, pictures: dict, base_url: str | None) -> dict:
    """OCR each ``<img>`` whose bytes were given; each is replaced in the tree by a ``div`` holding
    the text read (``data-nianbao-picture`` names its entry in the returned dict)."""
    if not pictures:
        return {}
    from urllib.parse import urljoin

    from . import pictures as pics
    out = {}
    for img in list(doc.iter("img")):
        if len(out) >= pics.MAX_PICTURES:
            break
        src = (img.get("src") or img.get("data-src") or "").strip()
        url = urljoin(base_url or "", src) if src else ""
        data = pictures.get(url) or pictures.get(src)
        if not data:
            continue
        ex = pics.read(data, url)
        if ex is None:
            continue
        key = str(len(out))
        ex.title = url               # the picture's address, for the note
        out[key] = ex
        holder = etree.Element("div", {"data-nianbao-picture": key})
        holder.text = "\n" + ex.text + "\n"
        holder.tail = img.tail
        img.getparent().replace(img, holder)
    return out
