"""sniff → read → map → repair → check: one document's bytes to one report dict."""
from __future__ import annotations

from . import checks, meta, schema
from . import sniff as _sniff
from .mapping import map_rows, tokenize
from .model import Extract, ParseError

MAX_BYTES = 200 * 1024 * 1024

def sniff(data: bytes) -> str:
    """The reader for a document, from its bytes (``parsers.sniff``): pdf, docx, xlsx, doc, xls,
    rtf, image, html, text, ofd, zip or binary."""
    return _sniff.reader(_sniff.medium(data))


def read(data: bytes, kind: str, filename: str | None = None, pictures: dict | None = None,
         base_url: str | None = None) -> Extract:
    """The cell model of a document of a sniffed ``kind``. ``pictures``: the bytes of the images
    an HTML page shows, by absolute URL (``base_url`` resolves its ``src``)."""
    if kind == "html":
        from . import html
        return html.read(data, pictures=pictures, base_url=base_url)
    if kind == "text":
        from . import text
        return text.read(data)
    if kind == "pdf":
        from . import pdf
        return pdf.read(data)
    if kind == "docx":
        from . import docx
        return docx.read(data)
    if kind in ("doc", "rtf"):
        from . import office
        medium = "wps" if kind == "doc" and filename and filename.lower().endswith(".wps") else kind
        return office.read(data, medium=medium)
    if kind == "image":
        from . import ocr
        return ocr.read_image(data)
    raise ParseError(f"not a document nianbao can read (sniffed: {kind})")


def parse_bytes(data: bytes, filename: str | None = None, pictures: dict | None = None,
                base_url: str | None = None) -> dict:
    """Parse one document. Raises ParseError when it cannot be read at all."""
    if not data:
        raise ParseError("empty file")
    if len(data) > MAX_BYTES:
        raise ParseError(f"file too large ({len(data)} bytes > {MAX_BYTES})")
    kind = sniff(data)
    return build_report(read(data, kind, filename, pictures=pictures, base_url=base_url))


def build_report(ex: Extract) -> dict:
    """Map an extract onto the form and check it: the report dict of the parse contract."""
    notes = list(ex.notes)
    title = meta.find_title(ex.text, ex.title)
    year = meta.find_year(title, ex.text)
    agency = meta.find_agency(title, ex.text)
    fmt = meta.detect_format(ex.text, year)
    if year is not None and year <= 2018:
        fmt = "legacy"
    rows = tokenize(ex.rows, stream=ex.stream)
    report = {"format": None, "year": year, "title": title, "agency": agency, "fields": {},
              "inferred": {}, "checks": [], "notes": notes, "medium": ex.medium, "provenance": {},
              "text": ex.text}
    if meta.names_other_document(title):
        return report          # 通知, 解读, 指南 …: about a report, even with its tables
    if fmt in schema.TABLE_FORMATS:
        m, unresolved = map_rows(rows, fmt, ex.strict_cells, ex.stream)
        if "3" not in m.sections_found:
            # without table 三 a report still shows itself by its title and headings, or by the
            # form's other tables filled in under its section headings (a title lost or cut off)
            named = meta.looks_like_report(title, ex.text)
            filled = any(v is not None for v in m.fields.values())
            if not ((named and meta.has_report_sections(ex.text))
                    or (filled and (named or meta.has_report_sections(ex.text, need=1) or meta.has_form_headings(ex.text)))):
                return report      # no table 三, no report title and headings: not an annual report
            notes.append("no table 三 found in the document (cut off, an image, or a layout not recognised)")
        if not title:
            notes.append("no title found in the text: recognised by the form's tables under its section headings")
        notes.extend(m.notes)
        inferred: dict = {}
        placement = checks.repair(m.fields, fmt, unresolved, m.provenance, notes, inferred,
                                  printed_lost=not ex.strict_cells)
        inferred.update(checks.infer(m.fields, fmt, m.blank | m.missing | set(k for k, v in m.fields.items() if v is None), notes))
        if m.blank:
            notes.append(f"{len(m.blank)} cells printed blank (or '/', '—'): null in fields")
        missing = sorted(k for k in m.missing if m.fields.get(k) is None)
        if missing and len(missing) < len(m.fields):
            notes.append(f"{len(missing)} cells not found in the document: " + ", ".join(missing[:12])
                         + (" …" if len(missing) > 12 else ""))
        report.update(format=fmt, fields=m.fields, inferred=inferred, provenance=m.provenance,
                      checks=checks.check(m.fields, fmt, m.group_totals))
        if ex.medium == "ocr" or ex.read_by_ocr:
            report["checks"].append(_ocr_check(m, placement))
        elif unresolved or m.guessed or m.by_order:
            report["checks"].append(_placement_check(placement, m.guessed, m.by_order))
        return report
    if meta.looks_like_report(title, ex.text):
        report["format"] = "legacy" if fmt == "legacy" else None
        if fmt == "legacy":
            notes.append("a report on 2018 or earlier: no national table format, text kept, no fields")
    return report


OCR_MIN_CONFIDENCE = 80


def _placement_check(placement: dict, guessed: list = (), by_order: list = ()) -> dict:
    """Rows whose cells or identity the document did not state: rows that printed more or fewer
    values than the form has cells (placed by the sum rules, laid left to right, or left empty)
    and rows whose label named no row of the form (placed by the form's order). The rules cannot
    tell a lost value from a printed blank, nor catch two swapped rows, so such a report is not
    verified: a reading check, not one of the form's rules (the form's numbers may well add up)."""
    rows = placement["placed"] + placement["ambiguous"] + list(guessed) \
        + [f"table 三 row {k} identified by the form's order, not by its label" for k in by_order]
    return {"rule": "cell_placement", "ok": False,
            "detail": f"{len(rows)} rows not printed one value per cell under a label of the form "
                      f"(placed by the sum rules or the form's order, or left empty): {'; '.join(rows)}"}


OCR_MIN_CONFIDENCE = 80


def _ocr_check(m, placement: dict) -> dict:
    """A scan's numbers are read, not printed text: the report is verified only when every value
    was read with confidence, every cell was found, and no row needed the form's order or the sum
    rules to be placed (sum rules do not catch two swapped rows or a misread digit pair)."""
    low = sorted(k for k, p in m.provenance.items()
                 if m.fields.get(k) is not None and (p.get("where") or {}).get("conf") is not None
                 and p["where"]["conf"] < OCR_MIN_CONFIDENCE)
    lost = sorted(k for k, v in m.fields.items() if v is None and k not in m.blank)
    placed = m.by_order + placement["placed"] + placement["ambiguous"] + m.guessed
    problems = []
    if low:
        problems.append(f"{len(low)} values read with low confidence ({', '.join(low[:6])}{' …' if len(low) > 6 else ''})")
    if lost:
        problems.append(f"{len(lost)} cells not read")
    if placed:
        problems.append(f"{len(placed)} rows placed by order or by the sum rules")
    return {"rule": "ocr_reading", "ok": not problems,
            "detail": "; ".join(problems) if problems else "every value read by OCR with confidence"}


def parse_many(items, batch: int = 40):
    """Parse ``[(bytes, filename), …]`` in order, yielding for each a report dict or the exception
    that stopped it. DOC/WPS/RTF files are converted by LibreOffice in batches (one start for many
    files, looked ahead up to ``batch`` items), which is what makes a folder of Word files fast."""
    items = list(items)
    kinds = [sniff(d) if d else "empty" for d, _ in items]
    ready: dict = {}
    for i, (data, name) in enumerate(items):
        if kinds[i] in ("doc", "rtf"):
            if i not in ready:
                chunk = [j for j in range(i, len(items)) if kinds[j] in ("doc", "rtf")][:batch]
                from . import office
                for j, ex in zip(chunk, office.read_many([items[j][0] for j in chunk], medium="doc")):
                    if not isinstance(ex, Exception):
                        nm = (items[j][1] or "").lower()
                        ex.medium = "wps" if nm.endswith(".wps") else kinds[j]
                    ready[j] = ex
            yield _finish(ready.pop(i))
            continue
        try:
            yield parse_bytes(data, filename=name)
        except ParseError as exc:
            yield exc
        except Exception as exc:  # a parser bug is this document's failure only
            yield ParseError(f"parser error {type(exc).__name__}: {exc}")


def _finish(ex):
    if isinstance(ex, Exception):
        return ex
    try:
        return build_report(ex)
    except Exception as exc:
        return ParseError(f"parser error {type(exc).__name__}: {exc}")
