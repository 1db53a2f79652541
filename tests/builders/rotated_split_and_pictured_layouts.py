"""Builders of rotated, split and pictured layouts (``test_parse_rotated_split_and_pictured_layouts.py``).

Numbers come from ``nianbao.demo.documents.random_report`` (they obey every sum rule); the table
grids come from the demo generator's ``grid_section*`` (the official form's merged layout), and
everything about *how* a document is laid out is built here:

* PDFs drawn with reportlab in layouts real portals publish: table 三 on a landscape page, turned
  sideways on a portrait page (text running bottom-to-top), the same with ``/Rotate 90`` so that a
  viewer shows it upright, table 三 printed Excel-style with its columns over two pages, the tables
  as images with only the prose in the text layer;
* Chromium ``--print-to-pdf`` of a CMS page whose table borders are drawn as cell backgrounds;
* HTML and DOCX variants (summary tables before the statutory tables, tracked changes, content
  controls, a footnote reference on a number converted by LibreOffice);
* a plain-text dump made with ``pdftotext -layout`` (columns aligned with spaces, no tabs).
"""
from __future__ import annotations

import html as _html
import io
import os
import re
import shutil
import subprocess
import uuid

from nianbao.demo import documents as D

from tests.builders import portal_layouts as rd

FONT = "STSong-Light"


def report(fmt="2021", year=2023, agency="XX市市场监督管理局", seed=5, blanks=0):
    return D.random_report(fmt, year, agency, seed=seed, blanks=blanks)


# ------------------------------------------------------------------------------------ scoring
def score(expected: dict, got: dict):
    """(fraction of fields right, {key: (expected, got)} of wrong non-None values, all checks ok)."""
    g = got["fields"]
    right = 0
    wrong = {}
    for k, v in expected.items():
        x = g.get(k)
        if v is None and x is None:
            right += 1
        elif v is not None and x is not None and abs(float(v) - float(x)) < 1e-9:
            right += 1
        elif x is not None:
            wrong[k] = (v, x)
    return right / len(expected), wrong, all(c["ok"] for c in got["checks"])


# ------------------------------------------------------------------------------------ reportlab
def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _rl_table(g, width, font_size=None):
    fs = font_size or (6.5 if g.ncols > 10 else 8)
    return D.rl_table(g, width, fs, leading=fs * 1.25)


def _sub_grid(g, cols):
    """The columns ``cols`` (sorted grid column indexes) of grid ``g`` as a new grid (spans cut)."""
    keep = {c: i for i, c in enumerate(cols)}
    out = D.Grid(len(cols), [g.widths[c] for c in cols])
    for x in g.cells:
        inside = [c for c in range(x.c, x.c + x.cs) if c in keep]
        if not inside:
            continue
        out.add(x.r, keep[inside[0]], x.text, x.rs, len(inside), x.kind, x.key)
    out.nrows = g.nrows
    return out


def reportlab_pdf(rep, s3="normal", tables_as_images=False, dpi=150) -> bytes:
    """The report drawn with reportlab: prose, then each table on its own page.

    ``s3``: "normal" (portrait, like the other tables), "landscape" (table 三 on an A4 landscape
    page), "sideways" (portrait page, table 三 turned 90° counter-clockwise: the reader turns the
    paper), "rotate_page" (the sideways page with ``/Rotate 90``: viewers show it upright),
    "split_cols" (Excel print: the label columns and 自然人…科研机构 on one page, the other
    columns on the next page, labels not repeated), "split_cols_titles" (labels repeated).
    ``tables_as_images``: every table page is a raster image (the prose pages keep their text).
    """
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageBreak, PageTemplate,
                                    Paragraph, Spacer)

    _font()
    doc = D.build_doc(rep, frozenset())
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, firstLineIndent=0, fontSize=11.5, spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=24, alignment=TA_CENTER, firstLineIndent=0,
                           spaceAfter=10)
    sign = ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    pw, ph = A4
    frame_w = pw - 36 * mm

    class Rotated(Flowable):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def wrap(self, aw, ah):
            w, h = self.inner.wrap(ah, aw)
            self.iw, self.ih = w, h
            return h, w

        def draw(self):
            self.canv.saveState()
            self.canv.rotate(90)
            self.inner.drawOn(self.canv, 0, -self.ih)
            self.canv.restoreState()

    story = []
    tables = [val for kind, val in doc.blocks if kind == "table"]
    g3 = tables[-2]
    for kind, val in doc.blocks:
        if kind == "title":
            story.append(Paragraph(_html.escape(val), title))
        elif kind == "p":
            story.append(Paragraph(_html.escape(val), body))
        elif kind in ("h", "h3"):
            story.append(Paragraph(_html.escape(val), head))
        elif kind == "sign":
            story.append(Paragraph(_html.escape(val), sign))
        elif kind == "table":
            if val is g3 and s3 != "normal":
                if s3 == "landscape":
                    story += [NextPageTemplate("land"), PageBreak(), _rl_table(val, landscape(A4)[0] - 40 * mm, 9),
                              NextPageTemplate("port"), PageBreak()]
                elif s3 in ("sideways", "rotate_page"):
                    story += [NextPageTemplate("rot" if s3 == "rotate_page" else "port"), PageBreak(),
                              Rotated(_rl_table(val, ph - 50 * mm, 9)), NextPageTemplate("port"), PageBreak()]
                elif s3.startswith("split_cols"):
                    left = list(range(0, 3 + 3))           # labels + 自然人, 商业企业, 科研机构
                    right = ([0, 1, 2] if s3 == "split_cols_titles" else []) + list(range(6, val.ncols))
                    story += [PageBreak(), _rl_table(_sub_grid(val, left), frame_w * 0.95, 8), PageBreak(),
                              _rl_table(_sub_grid(val, right), frame_w * (0.95 if s3 == "split_cols_titles" else 0.45), 8),
                              PageBreak()]
                continue
            story += [PageBreak(), _rl_table(val, frame_w), Spacer(1, 6)] if tables_as_images else \
                     [_rl_table(val, frame_w), Spacer(1, 6)]
            if tables_as_images:
                story.append(PageBreak())

    buf = io.BytesIO()
    d = BaseDocTemplate(buf, pagesize=A4, title=rep["title"], invariant=1)
    port = Frame(18 * mm, 18 * mm, pw - 36 * mm, ph - 38 * mm, id="p")
    lw, lh = landscape(A4)
    land = Frame(20 * mm, 15 * mm, lw - 40 * mm, lh - 30 * mm, id="l")

    def page_no(canvas, dd):
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(canvas._pagesize[0] / 2, 10 * mm, f"— {dd.page} —")

    rot = PageTemplate("rot", [port], onPage=page_no, pagesize=A4)
    rot.rotation = 90          # /Rotate 90: a viewer turns the sideways table upright
    d.addPageTemplates([PageTemplate("port", [port], onPage=page_no, pagesize=A4),
                        PageTemplate("land", [land], onPage=page_no, pagesize=landscape(A4)), rot])
    d.build(story)
    pdf = buf.getvalue()
    if tables_as_images:
        pdf = rasterize_pages(pdf, lambda text: any(w in text for w in ("信息内容", "申请人情况", "结果维持")), dpi)
    return pdf


def rasterize_pages(pdf: bytes, which, dpi=150) -> bytes:
    """Replace the pages whose text satisfies ``which(text)`` by images (pdfium), keep the others as
    they were (text layer): the report typed in Word with its tables pasted as screenshots."""
    import pdfplumber
    import pypdfium2
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    with pdfplumber.open(io.BytesIO(pdf)) as p:
        texts = [re.sub(r"\s+", "", pg.extract_text() or "") for pg in p.pages]
    src = pypdfium2.PdfDocument(pdf)
    out = pypdfium2.PdfDocument.new()
    try:
        for i, t in enumerate(texts):
            if which(t):
                im = src[i].render(scale=dpi / 72).to_pil().convert("RGB")
                w, h = src[i].get_size()
                buf = io.BytesIO()
                c = canvas.Canvas(buf, pagesize=(w, h))
                c.drawImage(ImageReader(im), 0, 0, w, h)
                c.showPage()
                c.save()
                one = pypdfium2.PdfDocument(buf.getvalue())
                out.import_pages(one)
                one.close()
            else:
                out.import_pages(src, [i])
        res = io.BytesIO()
        out.save(res)
        return res.getvalue()
    finally:
        src.close()
        out.close()


def fake_bold_pdf(rep, bold_rows=("new", "carried_in", "outcome_total", "carried_out")) -> bytes:
    """Table 三 with its main rows in 'bold' drawn the way many PDF producers fake bold for a CJK
    font without a bold face: every glyph painted twice, 0.35 pt apart (the text layer then holds
    each character twice: 一一、、本本年年…, 4466)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

    _font()

    class FakeBold(Flowable):
        def __init__(self, text, size=6.5):
            super().__init__()
            self.text, self.size = text, size

        def wrap(self, aw, ah):
            self.aw = aw
            return aw, self.size * 1.3

        def draw(self):
            c = self.canv
            c.setFont(FONT, self.size)
            x = max((self.aw - stringWidth(self.text, FONT, self.size)) / 2, 0)
            for dx in (0, 0.35):
                c.drawString(x + dx, 1, self.text)

    doc = D.build_doc(rep, frozenset())
    ps = ParagraphStyle("b", fontName=FONT, fontSize=10.5, leading=16)
    story = []
    for kind, val in doc.blocks:
        if kind == "table":
            rows = {x.r for x in val.cells if x.key and any(x.key.startswith(f"req_{b}_") for b in bold_rows)}
            t = _rl_table(val, A4[0] - 36 * mm)
            for x in val.cells:
                if x.r in rows and x.text:
                    t._cellvalues[x.r][x.c] = FakeBold(x.text.replace("\n", ""))
            story += [t, Spacer(1, 6)]
        elif kind in ("title", "p", "h", "h3", "sign"):
            story.append(Paragraph(_html.escape(val), ps))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=rep["title"]).build(story)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ HTML
def html(rep, opt=None) -> str:
    return rd.html_report(rep, opt).decode()


def before_heading(h: str, heading: str, insert: str) -> str:
    marker = f"<p><strong>{heading}"
    assert marker in h, heading
    return h.replace(marker, insert + marker, 1)


def category_table() -> str:
    """表1 in 一、总体情况 of many reports: what was published, by category (not the statutory table 二)."""
    return ('<p>表1 2023年主动公开政府信息分类统计</p><table border="1" cellspacing="0" cellpadding="0">'
            '<tr><td>序号</td><td>公开类别</td><td>公开数量（条）</td></tr>'
            '<tr><td>1</td><td>机构职能</td><td>12</td></tr><tr><td>2</td><td>规范性文件</td><td>8</td></tr>'
            '<tr><td>3</td><td>行政许可</td><td>1523</td></tr><tr><td>4</td><td>行政处罚</td><td>86</td></tr>'
            '<tr><td>5</td><td>财政预决算</td><td>20</td></tr><tr><td>合计</td><td></td><td>1649</td></tr></table>')


def comparison_table(rep, with_carried_out=True) -> str:
    """表2 in 一、总体情况: the year's request totals beside last year's (two value columns)."""
    f = rep["fields"]
    rows = [("本年新收政府信息公开申请数量", "new"), ("上年结转政府信息公开申请数量", "carried_in"),
            ("予以公开", "granted"), ("部分公开", "partly_granted"), ("本机关不掌握相关政府信息", "unavailable_not_held")]
    if with_carried_out:
        rows.append(("结转下年度继续办理", "carried_out"))
    body = "".join(f"<tr><td>{a}</td><td>{f[f'req_{k}_total'] + 3}</td><td>{f[f'req_{k}_total']}</td></tr>"
                   for a, k in rows)
    return ('<p>表2 依申请公开办理情况与上年对比</p><table border="1" cellspacing="0" cellpadding="0">'
            f'<tr><td>项目</td><td>{rep["year"] - 1}年</td><td>{rep["year"]}年</td></tr>{body}</table>')


def div_grid(h: str) -> str:
    """Every table as a CSS grid of <div> (display:table / table-row / table-cell)."""
    h = re.sub(r"<table[^>]*>", '<div class="tb" style="display:table;border-collapse:collapse">', h)
    h = h.replace("</table>", "</div>").replace("<tr>", '<div style="display:table-row">').replace("</tr>", "</div>")
    h = re.sub(r"<td([^>]*)>", r'<div style="display:table-cell;border:1px solid #000"\1>', h)
    return h.replace("</td>", "</div>")


def srcdoc_iframe(h: str) -> str:
    """Sections 二 to 四 inside an <iframe srcdoc=…> (an embedded rich-text component)."""
    i, j = h.index("<p><strong>二、"), h.index("<p><strong>五、")
    inner = h[i:j].replace("&", "&amp;").replace('"', "&quot;")
    return h[:i] + f'<iframe width="100%" height="1600" frameborder="0" srcdoc="{inner}"></iframe>' + h[j:]


def transposed_table3(rep) -> str:
    """Table 三 turned: one row per applicant column, one column per row of the form."""
    fmt, f = rep["format"], rep["fields"]
    keys = rd.s3_keys(fmt)
    names = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    head = "<tr><td>申请人情况</td>" + "".join(f"<td>{rd.S3_LABELS[k]}</td>" for k in keys) + "</tr>"
    body = "".join("<tr><td>" + n + "</td>" + "".join(f"<td>{rd.fmtnum(f[f'req_{k}_{c}'])}</td>" for k in keys)
                   + "</tr>" for n, c in zip(names, rd.S3_COLS))
    return f'<table border="1" cellspacing="0" cellpadding="0">{head}{body}</table>'


def replace_section3(h: str, new: str) -> str:
    a = h.index("</p>", h.index("<p><strong>三、")) + 4
    b = h.index("<p><strong>四、")
    return h[:a] + new + h[b:]


def without_table4(h: str) -> str:
    a = h.index("</p>", h.index("<p><strong>四、")) + 4
    b = h.index("<p><strong>五、")
    return h[:a] + "<p>本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。</p>" + h[b:]


# ------------------------------------------------------------------------------------ DOCX
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _q(tag):
    return f"{{{W}}}{tag}"


def _open_docx(data):
    import docx
    return docx.Document(io.BytesIO(data))


def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _tc_text(tc) -> str:
    return "".join(x.text or "" for x in tc.iter(_q("t")))


def docx_tracked_changes(data: bytes, every=3) -> bytes:
    """Every ``every``-th number corrected with revision marks left in: <w:del> of the old value
    (w:delText), <w:ins> of the printed one, as a reviewer's edits published unaccepted."""
    from lxml import etree
    d = _open_docx(data)
    n = 0
    for t in d.tables:
        for tc in t._tbl.iter(_q("tc")):
            for r in list(tc.iter(_q("r"))):
                tt = r.find(_q("t"))
                if tt is None or not (tt.text or "").isdigit():
                    continue
                if n % every == 0:
                    dl = etree.Element(_q("del"), {_q("id"): str(1000 + n), _q("author"): "审核人",
                                                   _q("date"): "2024-01-15T10:00:00Z"})
                    dr = etree.SubElement(dl, _q("r"))
                    etree.SubElement(dr, _q("delText")).text = str(int(tt.text) + 7)
                    ins = etree.Element(_q("ins"), {_q("id"): str(2000 + n), _q("author"): "审核人",
                                                    _q("date"): "2024-01-15T10:00:00Z"})
                    r.addprevious(dl)
                    r.addprevious(ins)
                    ins.append(r)
                n += 1
    return _save(d)


def docx_content_controls(data: bytes) -> bytes:
    """Number cells wrapped in cell-level content controls (w:sdt around w:tc), label runs in
    run-level ones: a fill-in template."""
    from lxml import etree
    d = _open_docx(data)
    for t in d.tables:
        for tc in list(t._tbl.iter(_q("tc"))):
            txt = _tc_text(tc)
            sdt = etree.Element(_q("sdt"))
            pr = etree.SubElement(sdt, _q("sdtPr"))
            etree.SubElement(pr, _q("alias"), {_q("val"): "数值" if txt.isdigit() else "标签"})
            etree.SubElement(pr, _q("text"))
            content = etree.SubElement(sdt, _q("sdtContent"))
            if txt.isdigit():
                tc.addprevious(sdt)
                content.append(tc)
            else:
                for r in list(tc.iter(_q("r")))[:1]:
                    r.addprevious(sdt)
                    content.append(r)
    return _save(d)


_FOOTNOTES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              f'<w:footnotes xmlns:w="{W}">'
              '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
              '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
              '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
              '<w:r><w:t xml:space="preserve"> 含行政许可变更、延续事项。</w:t></w:r></w:p></w:footnote>'
              '<w:footnote w:id="2"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
              '<w:r><w:t xml:space="preserve"> 含适用简易程序作出的行政处罚决定。</w:t></w:r></w:p></w:footnote>'
              '</w:footnotes>')


def docx_footnotes(data: bytes, labels=("行政许可", "行政处罚")) -> bytes:
    """A Word footnote reference (superscript 1, 2) after the number of the table 二 rows ``labels``."""
    from lxml import etree
    d = _open_docx(data)
    fid = 0
    for t in d.tables:
        for tr in t._tbl.iter(_q("tr")):
            tcs = tr.findall(_q("tc"))
            if len(tcs) >= 2 and _tc_text(tcs[0]) in labels:
                fid += 1
                p = tcs[1].find(_q("p"))
                r = etree.SubElement(p, _q("r"))
                rpr = etree.SubElement(r, _q("rPr"))
                etree.SubElement(rpr, _q("vertAlign"), {_q("val"): "superscript"})
                etree.SubElement(r, _q("footnoteReference"), {_q("id"): str(fid)})
    assert fid == len(labels)
    return _add_parts(_save(d), {"word/footnotes.xml": _FOOTNOTES.encode()},
                      types=b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                            b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>',
                      rels=b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/'
                           b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>')


def docx_altchunk(rep) -> bytes:
    """A DOCX as OA systems export a web article: a title paragraph and the article's HTML
    imported by ``<w:altChunk>`` (Word renders the HTML part inline when it opens the file)."""
    import docx
    d = docx.Document()
    d.add_paragraph(rep["title"])
    h = html(rep)
    body = h[h.index("<body>") + 6:h.index("</body>")]
    page = ('<html><head><meta charset="utf-8"></head><body>' + body + "</body></html>").encode("utf-8")
    return _add_parts(_save(d), {"word/afchunk1.htm": page},
                      types=b'<Default Extension="htm" ContentType="text/html"/>',
                      rels=b'<Relationship Id="rIdAlt1" Type="http://schemas.openxmlformats.org/'
                           b'officeDocument/2006/relationships/aFChunk" Target="afchunk1.htm"/>',
                      body=b'<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                           b'2006/relationships" r:id="rIdAlt1"/>')


def _add_parts(data: bytes, parts: dict, types: bytes, rels: bytes, body: bytes = b"") -> bytes:
    """The DOCX ``data`` with new ``parts``, their content-type and relationship entries, and
    ``body`` XML put before the section properties of document.xml."""
    import zipfile
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            b = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                b = b.replace(b"</Types>", types + b"</Types>")
            elif item.filename == "word/_rels/document.xml.rels":
                b = b.replace(b"</Relationships>", rels + b"</Relationships>")
            elif item.filename == "word/document.xml" and body:
                b = b.replace(b"<w:sectPr", body + b"<w:sectPr", 1)
            z.writestr(item, b)
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def docx_insert_before(data: bytes, heading: str, rows) -> bytes:
    """Insert a small ruled table (``rows``: lists of cell texts) before the paragraph ``heading``."""
    d = _open_docx(data)
    target = next(p for p in d.paragraphs if p.text.startswith(heading))
    t = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    t.style = "Table Grid"
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    target._p.addprevious(t._tbl)
    return _save(d)


# ------------------------------------------------------------------------------------ converters
def soffice_pdfs(docs: dict, workdir: str) -> dict:
    return rd.soffice_convert(docs, "pdf", workdir)


def chromium_pdf(h: str, workdir: str, css: str = "") -> bytes | None:
    return rd.chromium_pdf(h.encode("utf-8"), workdir, css=css)


def pdftotext_layout(pdf: bytes, workdir: str) -> bytes:
    """``pdftotext -layout``: every table row one line, columns aligned with spaces (no tabs)."""
    p = os.path.join(workdir, uuid.uuid4().hex + ".pdf")
    with open(p, "wb") as fh:
        fh.write(pdf)
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", p, "-"], capture_output=True, timeout=60).stdout


def ocr_sandwich(pdf: bytes, workdir: str, dpi=200) -> bytes | None:
    """A scanned report as scanners and OCR suites publish it: every page an image with tesseract's
    invisible text layer on top (``tesseract page.png out -l chi_sim pdf``)."""
    import pypdfium2
    if shutil.which("tesseract") is None:
        return None
    src = pypdfium2.PdfDocument(pdf)
    procs, outs = [], []
    try:
        for i in range(len(src)):
            png = os.path.join(workdir, f"sw{i}-{uuid.uuid4().hex}.png")
            src[i].render(scale=dpi / 72, grayscale=True).to_pil().save(png, dpi=(dpi, dpi))
            base = png[:-4]
            procs.append(subprocess.Popen(["tesseract", png, base, "-l", "chi_sim", "pdf"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            outs.append(base + ".pdf")
    finally:
        src.close()
    for p in procs:
        p.wait(timeout=120)
    merged = pypdfium2.PdfDocument.new()
    try:
        for o in outs:
            if not os.path.exists(o):
                return None
            one = pypdfium2.PdfDocument(o)
            merged.import_pages(one)
            one.close()
        buf = io.BytesIO()
        merged.save(buf)
        return buf.getvalue()
    finally:
        merged.close()


def docx_table_in_inline_frame(data: bytes, which: int, height_pt=640) -> bytes:
    """Table ``which`` moved into an inline VML text box (w:pict/v:shape/v:textbox/w:txbxContent)
    that sits in the text flow (no absolute position): WPS 文本框 holding a pasted table."""
    from lxml import etree
    d = _open_docx(data)
    tbl = d.tables[which]._tbl
    V = "urn:schemas-microsoft-com:vml"
    p = etree.Element(_q("p"))
    r = etree.SubElement(p, _q("r"))
    pict = etree.SubElement(r, _q("pict"))
    shape = etree.SubElement(pict, f"{{{V}}}shape", nsmap={"v": V})
    shape.set("style", f"width:480pt;height:{height_pt}pt")
    shape.set("stroked", "f")
    tb = etree.SubElement(shape, f"{{{V}}}textbox")
    cont = etree.SubElement(tb, _q("txbxContent"))
    tbl.addprevious(p)
    tbl.getparent().remove(tbl)
    cont.append(tbl)
    etree.SubElement(cont, _q("p"))
    return _save(d)
