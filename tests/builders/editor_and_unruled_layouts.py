"""Builders of unruled PDFs, WPS DOCX and CMS-editor HTML reports (``tests/builders/portal_layouts.py``
builds the portals' common layouts). Numbers come from ``random_report``; every layout here is built in this file:

* PDFs without ruling lines (reportlab ``Table`` with no grid; HTML with ``border:none`` printed
  by Chromium), PDFs with horizontal rules only (三线表), tables split over pages with the header
  repeated (``<thead>``), right-aligned numbers, wrapped two-line labels, 1,234 separators;
* DOCX as WPS writes them (a table inside a text box, a ``w:tblGrid`` that does not match the rows,
  cells with "12" and "件" as two paragraphs, tables 二/三/四 as one big table, headers/footers
  with page numbers);
* HTML from TRS/CMS editors (``div.TRS_Editor`` with ``<style>``), odd cell contents
  ("+3", "-2", "12件", "——", "无", "0.00"), sub-table headers merged into one row;
* legacy (2014–2018) reports with their own tables, title variants, two reports on one page.
"""
from __future__ import annotations

import copy
import io
import re

from parsers import schema

from tests.builders import portal_layouts as rd
from tests.builders.portal_layouts import GROUPS, S2_LABEL, S2_SUBHEAD, S3_COLS, S3_LABELS, S4_COLS, S4_GROUPS

S4_COL_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def thousands(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != int(v):
        return f"{v:,.2f}"
    return f"{int(v):,}"


def bump(rep, factor=37):
    """Multiply every count by ``factor`` (keeps all sum rules) so that values have 3–5 digits."""
    for k, v in rep["fields"].items():
        if v is not None and not k.endswith("_change") and not isinstance(v, float):
            rep["fields"][k] = v * factor
    return rep


# ------------------------------------------------------------------------------ flat grids
def grid_rows(rep, num=rd.fmtnum, two_line_labels=False):
    """The three tables as plain rows of strings (no spans), the way a borderless layout prints
    them: [(section, [cells])]. Section 三 has three label columns (办理结果 / group / leaf)."""
    fmt, f = rep["format"], rep["fields"]
    out = []
    rows = {r.row: r for r in schema.section2_rows(fmt)}
    for sub, rids in S2_SUBHEAD[fmt]:
        cols = rows[rids[0]].columns
        out.append(("2", [sub] + [""] * len(cols)))
        out.append(("2", ["信息内容"] + list(cols)))
        for rid in rids:
            vals = [num(f[k]) for k in rows[rid].keys]
            out.append(("2", [S2_LABEL[rid]] + vals + [""] * (len(cols) - len(vals))))
    out.append(("3h", ["", "", "", "申请人情况", "", "", "", "", "", ""]))
    out.append(("3h", ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]))
    out.append(("3h", ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]))
    group_of = {m: g for g, ms in GROUPS.items() for m in ms}
    keys = rd.s3_keys(fmt)
    leaves = [k for k in keys if k not in ("new", "carried_in", "carried_out")]
    for k in keys:
        vals = [num(f[f"req_{k}_{c}"]) for c in S3_COLS]
        lab = S3_LABELS[k]
        if k in ("new", "carried_in", "carried_out"):
            out.append(("3", [lab, "", ""] + vals))
            continue
        c0 = "三、本年度办理结果" if k == leaves[0] else ""
        if k in group_of and not (fmt == "2019" and group_of[k] == "（六）其他处理"):
            g = group_of[k]
            out.append(("3", [c0, g if GROUPS[g][0] == k else "", lab] + vals))
        else:
            out.append(("3", [c0, lab, ""] + vals))
    out.append(("4h", ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9))
    out.append(("4h", [""] * 5 + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""]))
    out.append(("4h", S4_COL_LABELS * 3))
    out.append(("4", [num(f[f"{g}_{c}"]) for g in S4_GROUPS for c in S4_COLS]))
    return out


# ------------------------------------------------------------------------------ reportlab
def reportlab_pdf(rep, rules="none", num=rd.fmtnum, right_align=True, font_size=7.5, wide=False,
                  repeat_header=False, s3_row_height=None, wrap_labels=False) -> bytes:
    """A PDF drawn with reportlab ``Table``s. ``rules``: "none" (no lines at all), "three" (三线表:
    top, below-header and bottom rules only), "horizontal" (a rule under every row)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    ps = ParagraphStyle("p", fontName=font, fontSize=10.5, leading=16)
    ph = ParagraphStyle("h", fontName=font, fontSize=16, leading=22, alignment=1)
    if not wrap_labels:
        font_size = min(font_size, 6.5)
    cell = ParagraphStyle("c", fontName=font, fontSize=font_size, leading=font_size * 1.3)
    year, agency = rep["year"], rep["agency"]
    story = [Paragraph(rep["title"], ph), Spacer(1, 6),
             Paragraph(rd.PROSE1.format(agency=agency, year=year), ps),
             Paragraph("一、总体情况", ps), Paragraph(rd.PROSE_OVERVIEW.format(year=year), ps)]
    rows = grid_rows(rep, num=num)

    def table(data, col_widths, header_rows, label_cols, para_labels=False):
        data = [[Paragraph(c, cell) if (para_labels and j < label_cols and c) else c for j, c in enumerate(r)]
                for r in data]
        t = Table(data, colWidths=col_widths, repeatRows=header_rows if repeat_header else 0,
                  rowHeights=s3_row_height)
        st = [("FONT", (0, 0), (-1, -1), font, font_size), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
              ("ALIGN", (label_cols, header_rows), (-1, -1), "RIGHT" if right_align else "CENTER"),
              ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER")]
        if rules == "three":
            st += [("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                   ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.black),
                   ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black)]
        elif rules == "horizontal":
            st += [("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black),
                   ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.black)]
        t.setStyle(TableStyle(st))
        return t

    story.append(Paragraph("二、主动公开政府信息情况", ps))
    s2 = [r for s, r in rows if s == "2"]
    start = 0
    for i in range(1, len(s2) + 1):         # one table per 第二十条 sub-table
        if i == len(s2) or s2[i][0].startswith("第二十条"):
            part = s2[start:i]
            n = len(part[0])
            w = 170 * mm / n
            story += [table(part, [w * 1.3] + [(170 * mm - w * 1.3) / (n - 1)] * (n - 1), 2, 1), Spacer(1, 6)]
            start = i
    story.append(Paragraph("三、收到和处理政府信息公开申请情况", ps))
    s3 = [r for s, r in rows if s in ("3h", "3")]
    if wrap_labels:    # narrow label columns: labels wrap, the values sit on the label's middle line
        lw = [14 * mm, 22 * mm, 50 * mm] if not wide else [10 * mm, 16 * mm, 44 * mm]
    else:              # labels on one line (long ones run into the next label column, as in Word)
        lw = [18 * mm, 20 * mm, 86 * mm]
    nw = (185 * mm - sum(lw)) / 7
    story += [table(s3, lw + [nw] * 7, 3, 3, para_labels=wrap_labels), Spacer(1, 6)]
    story.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况", ps))
    s4 = [r for s, r in rows if s in ("4h", "4")]
    story += [table(s4, [12 * mm] * 15, 3, 0)]
    story += [Paragraph("五、存在的主要问题及改进情况", ps), Paragraph("宣传不够深入，下一步将加强。", ps),
              Paragraph("六、其他需要报告的事项", ps), Paragraph("本年度未收取信息处理费。", ps),
              Spacer(1, 12), Paragraph(agency, ps), Paragraph(f"{year + 1}年1月20日", ps)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm, title="").build(story)
    return buf.getvalue()


# ------------------------------------------------------------------------------ Chromium CSS
CSS_BORDERLESS = ("table,td,th{border:none!important;border-collapse:collapse} td,th{padding:3px 10px;"
                  "text-align:right;font-size:10pt}")
CSS_HRULES = ("table{border-collapse:collapse;border:none!important} td,th{border:none!important;"
              "border-bottom:1px solid #000!important;padding:3px 8px;font-size:10pt}")
CSS_THREE_LINE = ("table{border-collapse:collapse;border:none!important;border-top:2px solid #000!important;"
                  "border-bottom:2px solid #000!important} td,th{border:none!important;padding:3px 8px;font-size:10pt}"
                  " thead tr:last-child td{border-bottom:1px solid #000!important}")
CSS_NARROW_LABELS = "td{font-size:10pt} table{width:560px}"


def html_thead(html: str) -> str:
    """Put the three header rows of table 三 in a <thead> (Chromium repeats it on every page)."""
    i = html.index("申请人情况")
    t0 = html.rindex("<table", 0, i)
    tr0 = html.index("<tr", t0)
    # header = first three <tr> of the table
    end = tr0
    for _ in range(3):
        end = html.index("</tr>", end) + 5
    return html[:tr0] + "<thead>" + html[tr0:end] + "</thead><tbody>" + html[end:].replace("</table>", "</tbody></table>", 1)


def html_numbers(html: str, fn) -> str:
    """Rewrite every numeric <td> (after the header) with ``fn(text)``."""
    return re.sub(r"<td>(-?\d+(?:\.\d+)?)</td>", lambda m: f"<td>{fn(m.group(1))}</td>", html)


def with_thousands(html: str) -> str:
    return html_numbers(html, lambda s: thousands(float(s) if "." in s else int(s)))


# ------------------------------------------------------------------------------ DOCX (WPS)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_doc(data: bytes):
    import docx
    return docx.Document(io.BytesIO(data))


def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def docx_unit_paragraphs(data: bytes, unit="件") -> bytes:
    """Every number cell becomes two paragraphs: the number, then the unit (as WPS users type)."""
    d = _docx_doc(data)
    for t in d.tables:
        seen = set()
        for row in t.rows:
            for c in row.cells:
                if id(c._tc) in seen:
                    continue
                seen.add(id(c._tc))
                if re.fullmatch(r"-?\d+(\.\d+)?", c.text.strip()):
                    c.add_paragraph(unit)
    return _save(d)


def docx_bad_grid(data: bytes) -> bytes:
    """``w:tblGrid`` that does not match the rows: WPS writes fewer gridCols (or one) than cells."""
    d = _docx_doc(data)
    for t in d.tables:
        grid = t._tbl.find(f"{{{W}}}tblGrid")
        cols = grid.findall(f"{{{W}}}gridCol")
        for gc in cols[2:]:
            grid.remove(gc)
    return _save(d)


def docx_one_table(data: bytes) -> bytes:
    """Tables 二, 三 and 四 as one big table: the rows of every later table moved into the first,
    the headings between them become full-width rows (WPS 'merge tables')."""
    from docx.oxml.ns import qn
    d = _docx_doc(data)
    tbls = [t._tbl for t in d.tables]
    first = tbls[0]
    body = first.getparent()
    for t in tbls[1:]:
        # headings (paragraphs) between the previous table and this one become one-cell rows
        prev = t.getprevious()
        heads = []
        while prev is not None and prev.tag == qn("w:p"):
            txt = "".join(x.text or "" for x in prev.iter(qn("w:t")))
            if txt.strip():
                heads.insert(0, (prev, txt))
            if prev is first or prev.getprevious() is None:
                break
            prev = prev.getprevious()
            if prev.tag == qn("w:tbl"):
                break
        for p, txt in heads:
            tr = copy.deepcopy(first.findall(qn("w:tr"))[0])
            tcs = tr.findall(qn("w:tc"))
            for tc in tcs[1:]:
                tr.remove(tc)
            for tt in tcs[0].iter(qn("w:t")):
                tt.text = ""
            ts = list(tcs[0].iter(qn("w:t")))
            if ts:
                ts[0].text = txt
            first.append(tr)
            body.remove(p)
        for tr in t.findall(qn("w:tr")):
            first.append(tr)
        body.remove(t)
    return _save(d)


def docx_header_footer(data: bytes, agency: str) -> bytes:
    """Header with the agency and a footer '— 1 —' / '第 1 页 共 4 页' with PAGE fields."""
    d = _docx_doc(data)
    sec = d.sections[0]
    sec.header.paragraphs[0].text = f"{agency}政府信息公开"
    fp = sec.footer.paragraphs[0]
    fp.text = "第 "
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field(p, instr, shown):
        r = p.add_run()
        b = OxmlElement("w:fldChar"); b.set(qn("w:fldCharType"), "begin"); r._r.append(b)
        r2 = p.add_run(); it = OxmlElement("w:instrText"); it.text = instr; r2._r.append(it)
        r3 = p.add_run(); s = OxmlElement("w:fldChar"); s.set(qn("w:fldCharType"), "separate"); r3._r.append(s)
        p.add_run(shown)
        r5 = p.add_run(); e = OxmlElement("w:fldChar"); e.set(qn("w:fldCharType"), "end"); r5._r.append(e)
    field(fp, " PAGE ", "1")
    fp.add_run(" 页 共 ")
    field(fp, " NUMPAGES ", "4")
    fp.add_run(" 页")
    sec.footer.add_paragraph("— 2 —")
    return _save(d)


def docx_table_in_textbox(data: bytes, which: int) -> bytes:
    """Table ``which`` (0-based over d.tables) moved into a VML text box (w:pict/v:textbox/
    w:txbxContent), as WPS does for tables pasted inside a frame."""
    from lxml import etree
    from docx.oxml.ns import qn
    d = _docx_doc(data)
    tbl = d.tables[which]._tbl
    body = tbl.getparent()
    V = "urn:schemas-microsoft-com:vml"
    p = etree.SubElement(body, qn("w:p"))
    body.remove(p)
    r = etree.SubElement(p, qn("w:r"))
    pict = etree.SubElement(r, qn("w:pict"))
    shape = etree.SubElement(pict, f"{{{V}}}shape", nsmap={"v": V})
    shape.set("style", "position:absolute;width:450pt;height:600pt")
    tb = etree.SubElement(shape, f"{{{V}}}textbox")
    cont = etree.SubElement(tb, qn("w:txbxContent"))
    tbl.addprevious(p)
    body.remove(tbl)
    cont.append(tbl)
    etree.SubElement(cont, qn("w:p"))
    return _save(d)


# ------------------------------------------------------------------------------ legacy
def legacy_html(year=2016, agency="XX县人民政府", table_kind="review") -> bytes:
    """A 2014–2018 report with its own ad-hoc tables (申请 counts, 行政复议), no national form."""
    t1 = ('<table border="1"><tr><td>项目</td><td>数量</td></tr>'
          '<tr><td>主动公开政府信息数</td><td>1523</td></tr>'
          '<tr><td>其中：全文电子化率</td><td>100%</td></tr>'
          '<tr><td>收到政府信息公开申请</td><td>46</td></tr>'
          '<tr><td>其中：当面申请</td><td>12</td></tr><tr><td>网络申请</td><td>30</td></tr>'
          '<tr><td>信函申请</td><td>4</td></tr>'
          '<tr><td>对申请的答复：同意公开</td><td>31</td></tr><tr><td>不予公开</td><td>3</td></tr>'
          '<tr><td>信息不存在</td><td>12</td></tr></table>')
    t2 = ('<table border="1"><tr><td>行政复议数</td><td>行政诉讼数</td><td>有关的申诉数</td></tr>'
          '<tr><td>2</td><td>1</td><td>0</td></tr></table>')
    t3 = ('<table border="1"><tr><td colspan="2">申请人情况</td></tr><tr><td>自然人</td><td>法人或其他组织</td></tr>'
          '<tr><td>40</td><td>6</td></tr></table>')
    tables = {"review": t1 + t2, "applicants": t1 + t3, "all": t1 + t3 + t2}[table_kind]
    title = f"{agency}{year}年政府信息公开工作年度报告"
    body = (f"<h1>{title}</h1><p>本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制。"
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>"
            "<p>一、概述</p><p>二、主动公开政府信息情况</p>" + tables +
            "<p>三、依申请公开政府信息情况</p><p>全年共收到申请46件。</p>"
            "<p>四、因政府信息公开申请行政复议、提起行政诉讼的情况</p><p>见上表。</p>"
            "<p>五、存在的主要问题及改进措施</p><p>无。</p>"
            f'<p style="text-align:right">{agency}</p><p style="text-align:right">{year + 1}年3月20日</p>')
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>').encode()


# ------------------------------------------------------------------------------ HTML tweaks
TRS_STYLE = ("<style type=\"text/css\">.TRS_Editor P{margin-top:0;margin-bottom:12px;line-height:1.8;"
             "font-family:宋体;font-size:12pt;}.TRS_Editor DIV,.TRS_Editor TD,.TRS_Editor TH{"
             "font-family:宋体;font-size:12pt;}.TRS_Editor table{border-collapse:collapse}</style>")


def trs_editor(html: bytes) -> bytes:
    """The article body wrapped as TRS WCM publishes it: div.TRS_Editor with a <style> block
    inside, and a 'Custom_UnionStyle' inner div."""
    h = html.decode("utf-8")
    i = h.index("<p>根据")
    j = h.index('<p style="text-align:right">')
    h = (h[:i] + '<div class="TRS_Editor">' + TRS_STYLE + '<div class="Custom_UnionStyle">'
         + h[i:j] + "</div></div>" + h[j:])
    return h.encode("utf-8")
