"""Medium readers: DOCX, PDF (ruled / text layout / garbled → OCR), DOC via LibreOffice, OCR.

The test documents are built here (python-docx, reportlab, soffice, pdftoppm) so the tests do not
depend on the demo renderer.
"""
from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import tempfile

import pytest

from parsers.model import ParseError

HAVE_SOFFICE = shutil.which("soffice") is not None
HAVE_TESS = shutil.which("tesseract") is not None and shutil.which("pdftoppm") is not None

VALUE_HEAD = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
NEW = [13, 0, 1, 0, 2, 0, 16]
CARRIED = [3, 1, 0, 0, 0, 0, 4]
GRANTED = [5, 0, 0, 0, 1, 0, 6]
PARTLY = [8, 0, 1, 0, 0, 0, 9]
SECRET = [1, 0, 0, 0, 0, 0, 1]
LAW = [2, 1, 0, 0, 0, 0, 3]


# ----------------------------------------------------------------------------------- builders
def make_docx(extra_rows: int = 0) -> bytes:
    """A section-三 style table with row/col spans and a vertical label 自/然/人."""
    import docx
    from docx.shared import Pt

    d = docx.Document()
    d.add_paragraph("某某县2023年政府信息公开工作年度报告")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    nrows = 7 + extra_rows
    t = d.add_table(rows=nrows, cols=10)
    t.style = "Table Grid"
    c = t.cell
    # header block: 3x3 blank corner, 申请人情况 over 7 columns
    corner = c(0, 0).merge(c(2, 2))
    corner.text = ""
    h = c(0, 3).merge(c(0, 9))
    h.text = "申请人情况"
    np_ = c(1, 3).merge(c(2, 3))
    np_.text = ""
    p = np_.paragraphs[0]
    p.add_run("自")
    np_.add_paragraph("然")
    np_.add_paragraph("人")
    c(1, 4).merge(c(1, 8)).text = "法人或其他组织"
    c(1, 9).merge(c(2, 9)).text = "总计"
    for i, name in enumerate(VALUE_HEAD[1:6]):
        c(2, 4 + i).text = name
    c(3, 0).merge(c(3, 2)).text = "一、本年新收政府信息公开申请数量"
    c(4, 0).merge(c(4, 2)).text = "二、上年结转政府信息公开申请数量"
    res = c(5, 0).merge(c(nrows - 1, 0))
    res.text = "三、本年度办理结果"
    c(5, 1).merge(c(5, 2)).text = "（一）予以公开"
    c(6, 1).merge(c(6, 2)).text = "（二）部分公开"
    for r, vals in ((3, NEW), (4, CARRIED), (5, GRANTED), (6, PARTLY)):
        for i, v in enumerate(vals):
            c(r, 3 + i).text = str(v)
    for k in range(extra_rows):
        r = 7 + k
        c(r, 1).merge(c(r, 2)).text = f"（附{k + 1}）其他情形"
        for i in range(7):
            c(r, 3 + i).text = str(k)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    for para in d.paragraphs:
        for run in para.runs:
            run.font.size = Pt(10)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf_canvas():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    try:
        pdfmetrics.getFont("STSong-Light")
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    cv = canvas.Canvas(buf, pagesize=(595, 842))
    return buf, cv


def _ruled_rows(cv, rows, y0, font=9, widths=None, row_h=20, ruled=True):
    """Draw rows (list of lists of str) as a table from y0 downwards; return the next y."""
    widths = widths or [155] + [57] * 7
    x0 = 25
    y = y0
    for row in rows:
        x = x0
        for w, txt in zip(widths, row):
            if ruled:
                cv.rect(x, y - row_h, w, row_h, stroke=1, fill=0)
            cv.setFont("STSong-Light", font)
            cv.drawString(x + 3, y - row_h + 6, txt)
            x += w
        y -= row_h
    return y


def make_pdf(ruled=True, split=False) -> bytes:
    buf, cv = _pdf_canvas()
    cv.setFont("STSong-Light", 16)
    cv.drawString(120, 800, "某某县2023年政府信息公开工作年度报告")
    cv.setFont("STSong-Light", 11)
    cv.drawString(30, 770, "三、收到和处理政府信息公开申请情况")
    head = [["申请人情况"] + VALUE_HEAD]
    body = [["一、本年新收政府信息公开申请数量"] + [str(v) for v in NEW],
            ["二、上年结转政府信息公开申请数量"] + [str(v) for v in CARRIED],
            ["（一）予以公开"] + [str(v) for v in GRANTED],
            ["（二）部分公开"] + [str(v) for v in PARTLY],
            ["1.属于国家秘密"] + [str(v) for v in SECRET],
            ["2.其他法律行政法规禁止公开"] + [str(v) for v in LAW]]
    if split:
        _ruled_rows(cv, head + body[:3], 120, ruled=ruled)  # near the page bottom
        cv.showPage()
        _ruled_rows(cv, body[3:], 800, ruled=ruled)
        cv.setFont("STSong-Light", 11)
        cv.drawString(30, 600, "四、政府信息公开行政复议、行政诉讼情况")
    else:
        y = _ruled_rows(cv, head + body, 750, ruled=ruled)
        cv.setFont("STSong-Light", 11)
        cv.drawString(30, y - 30, "四、政府信息公开行政复议、行政诉讼情况")
    cv.showPage()
    cv.save()
    return buf.getvalue()


def make_cid_garbled_pdf() -> bytes:
    """A PDF whose text layer is garbage: a Type0 font without ToUnicode (→ (cid:N)), plus the
    real content drawn as an image so OCR can read it."""
    img = make_table_png()
    from reportlab.lib.utils import ImageReader

    buf, cv = _pdf_canvas()
    cv.drawImage(ImageReader(io.BytesIO(img)), 0, 0, width=595, height=842)
    cv.showPage()
    cv.save()
    pdf = buf.getvalue()
    # add an invisible garbled text layer by hand: a Type0/Identity-H font without ToUnicode
    return _inject_cid_text(pdf)


def _inject_cid_text(pdf: bytes) -> bytes:
    """Rewrite a one-page reportlab PDF with qpdf-free surgery: build a fresh PDF with pypdfium2?
    Simpler: write a minimal PDF from scratch holding an image XObject and a CID text run."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    bm = page.render(scale=1).to_pil().convert("L")
    doc.close()
    w, h = bm.size
    raw = bm.tobytes()
    import zlib

    img = zlib.compress(raw)
    glyphs = "".join("%04X" % (1000 + i) for i in range(40))
    content = (f"q {595} 0 0 {842} 0 0 cm /Im1 Do Q\n"
               f"BT /F1 12 Tf 3 Tr 50 700 Td <{glyphs}> Tj ET\n").encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(img))
        + img + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Garbled /Encoding /Identity-H "
        b"/DescendantFonts [7 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Garbled "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 8 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /Garbled /Flags 4 /FontBBox [0 0 1000 1000] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offs:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, xref))
    return out.getvalue()


def make_table_png() -> bytes:
    """A clean raster of a small ruled table: big, clear digits."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    W, H = 1654, 2339  # A4 at 200 dpi
    im = Image.new("L", (W, H), 255)
    dr = ImageDraw.Draw(im)
    f_title = ImageFont.truetype(font_path, 48)
    f = ImageFont.truetype(font_path, 38)
    dr.text((250, 150), "某某县2023年政府信息公开工作年度报告", font=f_title, fill=0)
    dr.text((100, 300), "三、收到和处理政府信息公开申请情况", font=f, fill=0)
    rows = [["本年新收", *map(str, NEW)], ["上年结转", *map(str, CARRIED)],
            ["予以公开", *map(str, GRANTED)]]
    x0, y0, lw, cw, rh = 100, 400, 380, 150, 90
    for r, row in enumerate(rows):
        y = y0 + r * rh
        xs = [x0, x0 + lw] + [x0 + lw + cw * (i + 1) for i in range(7)]
        for i, txt in enumerate(row):
            dr.rectangle([xs[i], y, xs[i + 1], y + rh], outline=0, width=3)
            dr.text((xs[i] + 25, y + 18), txt, font=f, fill=0)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def make_scan_pdf() -> bytes:
    from PIL import Image

    im = Image.open(io.BytesIO(make_table_png()))
    buf = io.BytesIO()
    im.convert("L").save(buf, "PDF", resolution=200.0)
    return buf.getvalue()


def make_encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt

    buf, cv = _pdf_canvas()
    cv.setEncrypt(pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    cv.setFont("STSong-Light", 12)
    cv.drawString(100, 700, "本年新收政府信息公开申请数量")
    cv.showPage()
    cv.save()
    return buf.getvalue()


def soffice_convert(data: bytes, src_ext: str, target: str) -> bytes:
    with tempfile.TemporaryDirectory() as td:
        src = os.path.join(td, "in." + src_ext)
        with open(src, "wb") as fh:
            fh.write(data)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{td}/profile", "--headless",
                        "--norestore", "--convert-to", target, "--outdir", td, src],
                       check=True, timeout=120, capture_output=True)
        ext = target.split(":")[0]
        with open(os.path.join(td, "in." + ext), "rb") as fh:
            return fh.read()


# ------------------------------------------------------------------------------------ helpers
def texts(row):
    return [c.text for c in row]


def find_row(rows, label_start):
    for r in rows:
        if r and any(c.text.startswith(label_start) for c in r):
            return texts(r)
    raise AssertionError(f"no row starting with {label_start!r}: {[texts(r) for r in rows]}")


def nums(row):
    return [int(x) for x in row if x.strip().isdigit()]


# -------------------------------------------------------------------------------------- DOCX
def test_docx_merged_cells_once_and_labels_joined():
    from parsers import docx as rd

    ex = rd.read(make_docx())
    assert ex.medium == "docx" and ex.strict_cells
    rows = [texts(r) for r in ex.rows]
    assert rows[0] == ["", "申请人情况"]
    assert rows[1] == ["自然人", "法人或其他组织", "总计"]
    assert rows[2] == VALUE_HEAD[1:6]
    assert rows[3] == ["一、本年新收政府信息公开申请数量"] + [str(v) for v in NEW]
    assert rows[5] == ["三、本年度办理结果", "（一）予以公开"] + [str(v) for v in GRANTED]
    # vertical-merge continuation omitted: the row starts with its own label
    assert rows[6] == ["（二）部分公开"] + [str(v) for v in PARTLY]
    assert "某某县2023年政府信息公开工作年度报告" in ex.text
    assert "一、本年新收政府信息公开申请数量\t13\t0" in ex.text
    # order: paragraph, heading, table rows, trailing heading
    assert ex.text.index("三、收到") < ex.text.index("申请人情况") < ex.text.index("四、政府")
    assert ex.rows[3][1].where["col"] == 3


def test_docx_broken_gives_parse_error():
    from parsers import docx as rd

    good = make_docx()
    for bad in (good[: len(good) // 2], b"PK\x03\x04" + os.urandom(300), b"hello"):
        with pytest.raises(ParseError):
            rd.read(bad)


# --------------------------------------------------------------------------------------- PDF
def test_pdf_ruled_table_rows_label_then_7_numbers():
    from parsers import pdf as rp

    ex = rp.read(make_pdf())
    assert ex.medium == "pdf" and ex.strict_cells
    row = find_row(ex.rows, "一、本年新收")
    assert row == ["一、本年新收政府信息公开申请数量"] + [str(v) for v in NEW]
    assert find_row(ex.rows, "申请人情况") == ["申请人情况"] + VALUE_HEAD
    assert "某某县2023年政府信息公开工作年度报告" in ex.text
    assert "一、本年新收政府信息公开申请数量\t13" in ex.text


def test_pdf_table_split_over_two_pages_rows_in_order():
    from parsers import pdf as rp

    ex = rp.read(make_pdf(split=True))
    labels = [r[0].text for r in ex.rows]
    want = ["申请人情况", "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
            "（一）予以公开", "（二）部分公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开"]
    assert labels == want
    assert {r[0].where["page"] for r in ex.rows} == {1, 2}
    assert texts(ex.rows[-1])[1:] == [str(v) for v in LAW]


def test_pdf_unruled_table_falls_back_to_text_layout():
    from parsers import pdf as rp

    ex = rp.read(make_pdf(ruled=False))
    assert not ex.strict_cells
    row = find_row(ex.rows, "一、本年新收")
    assert row == ["一、本年新收政府信息公开申请数量"] + [str(v) for v in NEW]
    assert nums(find_row(ex.rows, "2.其他法律")) == LAW


@pytest.mark.parametrize("bad", ["truncated", "encrypted", "random", "empty"])
def test_pdf_bad_files_give_parse_error(bad):
    from parsers import pdf as rp

    good = make_pdf()
    data = {"truncated": good[: len(good) // 3],
            "encrypted": make_encrypted_pdf(),
            "random": random.Random(7).randbytes(5000),
            "empty": b""}[bad]
    with pytest.raises(ParseError):
        rp.read(data)


# --------------------------------------------------------------------------------------- OCR
@pytest.mark.skipif(not HAVE_TESS, reason="tesseract/pdftoppm missing")
def test_scanned_pdf_goes_through_ocr():
    from parsers import pdf as rp

    ex = rp.read(make_scan_pdf())
    assert ex.medium == "ocr" and ex.strict_cells      # ruled grid found: cells are real cells
    confs = [c.where["conf"] for r in ex.rows for c in r if "conf" in c.where]
    assert confs and all(0 <= v <= 100 for v in confs)
    assert any("ocr" in n.lower() for n in ex.notes)
    assert nums(find_row(ex.rows, "本年新收"))[-7:] == NEW
    assert nums(find_row(ex.rows, "上年结转"))[-7:] == CARRIED
    assert "2023" in ex.text


@pytest.mark.skipif(not HAVE_TESS, reason="tesseract/pdftoppm missing")
def test_cid_garbled_text_layer_routed_to_ocr():
    from parsers import pdf as rp

    data = make_cid_garbled_pdf()
    assert rp.garbled_reason(data) is not None
    ex = rp.read(data)
    assert ex.medium == "ocr"
    assert nums(find_row(ex.rows, "予以公开"))[-7:] == GRANTED


@pytest.mark.skipif(not HAVE_TESS, reason="tesseract missing")
def test_ocr_image_and_digit_fixes():
    from parsers import ocr

    assert ocr.fix_numeric("1O") == "10" and ocr.fix_numeric("l2") == "12"
    assert ocr.fix_numeric("予以公开") == "予以公开"
    ex = ocr.read_image(make_table_png())
    assert nums(find_row(ex.rows, "本年新收"))[-7:] == NEW
    with pytest.raises(ParseError):
        ocr.read_image(b"not an image at all")


# ---------------------------------------------------------------------------- DOC via soffice
@pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice missing")
def test_doc_from_libreoffice_reads_same_rows_as_docx():
    from parsers import docx as rd
    from parsers import office

    src = make_docx(extra_rows=2)
    doc = soffice_convert(src, "docx", "doc:MS Word 97")
    assert doc[:4] == b"\xd0\xcf\x11\xe0"
    a = [texts(r) for r in rd.read(src).rows]
    ex = office.read(doc, medium="doc")
    assert ex.medium == "doc"
    assert [texts(r) for r in ex.rows] == a
    # batch path gives the same and keeps broken inputs as ParseError entries
    many = office.read_many([doc, b"\x00garbage" * 10, doc], medium="doc")
    assert [texts(r) for r in many[0].rows] == a and [texts(r) for r in many[2].rows] == a
    assert isinstance(many[1], ParseError)


@pytest.mark.skipif(not HAVE_TESS, reason="tesseract missing")
def test_ocr_pdf_with_fonts_poppler_cannot_draw_uses_pdfium():
    from parsers import ocr

    ex = ocr.read_pdf(make_pdf())  # reportlab STSong-Light: not embedded
    assert ex.medium == "ocr"
    assert nums(find_row(ex.rows, "二、上年结转"))[-7:] == CARRIED
