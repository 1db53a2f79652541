"""Documents whose table 三 is a picture: an HTML article with an ``<img>`` where the table was,
a DOCX with the table pasted as an image. The picture is the table drawn by reportlab and
rasterised like a screenshot of it (optionally stamped with a seal over its cells)."""
from __future__ import annotations

import io
import os
import random
import tempfile

from lxml import etree, html as lhtml
from PIL import Image

from nianbao.demo import documents as D
from nianbao.demo import scans

LABEL_OF_TABLE_3 = "本年新收政府信息公开申请数量"


def table3_grid(report):
    doc = D.build_doc(report, split_tables=False)
    return next(val for kind, val in doc.blocks
                if kind == "table" and any(x.key and x.key.startswith("req_") for x in val.cells))


def table_picture(report, dpi: int = 150, seal: bool = False, fmt: str = "PNG", margin: int = 12) -> bytes:
    """Table 三 of ``report`` alone, as a picture (white margins cropped)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate

    if D._RL_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(D._RL_FONT))
    width = A4[0] - 36 * mm
    table = D.rl_table(table3_grid(report), width)
    height = table.wrap(width, 1000 * mm)[1] + 60 * mm
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=(A4[0], height), leftMargin=18 * mm, rightMargin=18 * mm,
                      topMargin=8 * mm, bottomMargin=8 * mm, invariant=1).build([table])
    with tempfile.TemporaryDirectory(prefix="nianbao-pic-") as tmp:
        path = os.path.join(tmp, "t.pdf")
        with open(path, "wb") as fh:
            fh.write(buf.getvalue())
        im = D._page_images(path, dpi, "auto")[0].convert("RGB")
    box = Image.eval(im.convert("L"), lambda v: 255 - v).getbbox()
    if box:
        m = margin
        im = im.crop((max(0, box[0] - m), max(0, box[1] - m), min(im.width, box[2] + m), min(im.height, box[3] + m)))
    if seal:
        im = scans.degrade(im, {"seal_cells"}, random.Random(5), True).convert("RGB")
    out = io.BytesIO()
    im.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def html_with_table_picture(report, src: str) -> bytes:
    """The report as an article page whose table 三 is ``<img src=src>``."""
    page = D.render_html(report)
    doc = lhtml.document_fromstring(page)
    table = next(t for t in doc.iter("table") if LABEL_OF_TABLE_3 in "".join(t.itertext()).replace(" ", ""))
    img = etree.Element("img", {"src": src, "alt": "", "style": "width:100%"})
    holder = etree.Element("p", {"style": "text-align:center"})
    holder.append(img)
    holder.tail = table.tail
    table.getparent().replace(table, holder)
    return lhtml.tostring(doc, encoding="utf-8", doctype="<!DOCTYPE html>")


def docx_with_table_picture(report, picture: bytes) -> bytes:
    """The report as a DOCX whose table 三 is an inline picture."""
    import docx
    from docx.shared import Mm

    d = docx.Document(io.BytesIO(D.render_docx(report)))
    table = next(t for t in d.tables if LABEL_OF_TABLE_3 in "".join(c.text for r in t.rows for c in r.cells).replace(" ", ""))
    p = d.add_paragraph()
    p.add_run().add_picture(io.BytesIO(picture), width=Mm(170))
    table._tbl.addprevious(p._p)
    table._tbl.getparent().remove(table._tbl)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
