"""Documents that look like REAL 政府信息公开工作年度报告, built independently of
``nianbao.demo.documents`` layouts (only ``random_report`` is used, for numbers that satisfy the
sum rules). Each builder takes a report dict and options and returns bytes (or text)."""
from __future__ import annotations

import html as _html
import io
import os
import shutil
import subprocess
import tempfile
import uuid

from parsers import schema

S3_COLS = ["natural_person", "business", "research", "nonprofit", "legal_services", "other_org", "total"]
S4_GROUPS = ["review", "suit_direct", "suit_after_review"]
S4_COLS = ["upheld", "corrected", "other", "pending", "total"]

# (row key, [label cells]) for section 三 with rowspans given separately; labels as printed
S3_LABELS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "denied_security_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_admin_query": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_repeat": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_mass_repeat": "4.无正当理由大量反复申请",
    "rejected_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "outcome_total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}
GROUPS = {  # parent label -> member rows
    "（三）不予公开": ["denied_state_secret", "denied_prohibited_by_law", "denied_security_stability",
                  "denied_third_party", "denied_internal_affairs", "denied_process_info",
                  "denied_enforcement_file", "denied_admin_query"],
    "（四）无法提供": ["unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"],
    "（五）不予处理": ["rejected_petition", "rejected_repeat", "rejected_publication",
                  "rejected_mass_repeat", "rejected_confirm"],
    "（六）其他处理": ["other_no_correction", "other_unpaid_fee", "other_other"],
}

S2_SUBHEAD = {
    "2021": [("第二十条第（一）项", ["regulations", "normative_docs"]), ("第二十条第（五）项", ["licensing"]),
             ("第二十条第（六）项", ["penalty", "enforcement"]), ("第二十条第（八）项", ["fees"])],
    "2019": [("第二十条第（一）项", ["regulations", "normative_docs"]),
             ("第二十条第（五）项", ["licensing", "other_services"]),
             ("第二十条第（六）项", ["penalty", "enforcement"]), ("第二十条第（八）项", ["fees"]),
             ("第二十条第（九）项", ["procurement"])],
}
S2_LABEL = {"regulations": "规章", "normative_docs": "行政规范性文件", "licensing": "行政许可",
            "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "enforcement": "行政强制",
            "fees": "行政事业性收费", "procurement": "政府集中采购"}


def fmtnum(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return ("%.2f" % v).rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


def s3_keys(fmt):
    return list(schema.section3_rows(fmt))


# ----------------------------------------------------------------------------------- HTML
class H:
    """Options for the HTML builder (all False by default = a plain real-looking Word paste)."""

    def __init__(self, **kw):
        self.th = kw.get("th", False)                    # header cells as <th>
        self.serial = kw.get("serial", False)            # extra 序号 column in tables 三
        self.s2_one_table = kw.get("s2_one_table", False)
        self.s3_split = kw.get("s3_split", False)        # section 三 split at （三）不予公开
        self.s3_repeat_header = kw.get("s3_repeat_header", False)
        self.s4_two_tables = kw.get("s4_two_tables", False)
        self.s4_two_rows = kw.get("s4_two_rows", False)
        self.wrapped = kw.get("wrapped", False)          # numbers in <p><span><font>
        self.nbsp = kw.get("nbsp", False)                # blank cells as &nbsp;
        self.layout = kw.get("layout", False)            # border=0 layout table wrapping the article
        self.div_title = kw.get("div_title", False)      # title only in div.article-title
        self.site = kw.get("site", "XX市人民政府")
        self.no_agency_title = kw.get("no_agency_title", False)
        self.charset = kw.get("charset", "utf-8")
        self.s3_image = kw.get("s3_image", False)
        self.s4_header_rows = kw.get("s4_header_rows", 3)  # 3 = standard
        self.s3_flat_labels = kw.get("s3_flat_labels", False)  # no rowspan group column


def _td(text, opt: H, header=False, rs=1, cs=1, number=False):
    tag = "th" if (header and opt.th) else "td"
    attrs = ""
    if rs > 1:
        attrs += f' rowspan="{rs}"'
    if cs > 1:
        attrs += f' colspan="{cs}"'
    if text == "" and opt.nbsp:
        inner = "&nbsp;"
    else:
        inner = _html.escape(text)
    if number and opt.wrapped:
        inner = (f'<p class="MsoNormal" align="center" style="text-align:center"><span style="font-size:10.5pt;'
                 f'font-family:宋体"><font face="Times New Roman">{inner}</font></span></p>')
    return f"<{tag}{attrs}>{inner}</{tag}>"


def html_section2(rep, opt: H) -> str:
    fmt = rep["format"]
    f = rep["fields"]
    rows = {r.row: r for r in schema.section2_rows(fmt)}
    tables = []
    cur = []
    for sub, rids in S2_SUBHEAD[fmt]:
        cols = rows[rids[0]].columns
        if fmt == "2019" and rids[0] in ("penalty",):
            cols = rows["licensing"].columns
        n = 1 + len(cols)
        cur.append(f"<tr>{_td(sub, opt, True, cs=n)}</tr>")
        cur.append("<tr>" + _td("信息内容", opt, True) + "".join(_td(c.replace("（单位：万元）", "（单位：万元）"), opt, True) for c in cols) + "</tr>")
        for rid in rids:
            r = rows[rid]
            vals = [fmtnum(f[k]) for k in r.keys]
            cur.append("<tr>" + _td(S2_LABEL[rid], opt) + "".join(_td(v, opt, number=True) for v in vals)
                       + "".join(_td("", opt) for _ in range(len(cols) - len(vals))) + "</tr>")
        if not opt.s2_one_table:
            tables.append(cur)
            cur = []
    if cur:
        tables.append(cur)
    return "".join(f'<table border="1" cellspacing="0" cellpadding="0" width="600">{"".join(t)}</table>'
                   for t in tables)


def _s3_header(opt: H) -> list:
    ser = _td("序号", opt, True, rs=3) if opt.serial else ""
    return [
        "<tr>" + ser + _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", opt, True, rs=3, cs=3)
        + _td("申请人情况", opt, True, cs=7) + "</tr>",
        "<tr>" + _td("自然人", opt, True, rs=2) + _td("法人或其他组织", opt, True, cs=5) + _td("总计", opt, True, rs=2) + "</tr>",
        "<tr>" + "".join(_td(x, opt, True) for x in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]) + "</tr>",
    ]


def html_section3_rows(rep, opt: H) -> list:
    """Rows of table 三 as HTML <tr> strings (header excluded); list of (row key, html)."""
    fmt = rep["format"]
    f = rep["fields"]
    keys = s3_keys(fmt)
    out = []
    serial = 0
    group_of = {m: g for g, ms in GROUPS.items() for m in ms}
    leaves = [k for k in keys if k not in ("new", "carried_in", "carried_out")]
    n_outcome_rows = len(leaves)
    for k in keys:
        if fmt == "2019" and k == "other_handling":
            pass
        serial += 1
        vals = "".join(_td(fmtnum(f[f"req_{k}_{c}"]), opt, number=True) for c in S3_COLS)
        ser = _td(str(serial), opt) if opt.serial else ""
        lab = S3_LABELS[k]
        if opt.s3_flat_labels:
            prefix = ""
            if k in group_of and GROUPS[group_of[k]][0] == k:
                prefix = group_of[k]
            cells = _td(prefix + lab, opt, cs=3)
        elif k in ("new", "carried_in", "carried_out"):
            cells = _td(lab, opt, cs=3)
        else:
            cells = ""
            if k == leaves[0]:
                cells += _td("三、本年度办理结果", opt, rs=n_outcome_rows)
            if k in group_of and not (fmt == "2019" and group_of[k] == "（六）其他处理"):
                g = group_of[k]
                if GROUPS[g][0] == k:
                    cells += _td(g, opt, rs=len(GROUPS[g]))
                cells += _td(lab, opt)
            else:
                cells += _td(lab, opt, cs=2)
        out.append((k, "<tr>" + ser + cells + vals + "</tr>"))
    return out


def html_section3(rep, opt: H) -> str:
    if opt.s3_image:
        return '<p style="text-align:center"><img src="/u/cms/www/202401/s3table.png" width="600" alt=""></p>'
    rows = html_section3_rows(rep, opt)
    hdr = _s3_header(opt)
    tb = '<table border="1" cellspacing="0" cellpadding="0" width="600">'
    if opt.s3_split:
        i = next(i for i, (k, _) in enumerate(rows) if k == "denied_state_secret")
        # second table: continues with its own rowspans; rebuild the outcome cell with smaller span
        first = "".join(h for _, h in rows[:i])
        second = "".join(h for _, h in rows[i:])
        return tb + "".join(hdr) + first + "</table>" + "<p>&nbsp;</p>" + tb + second + "</table>"
    body = "".join(h for _, h in rows)
    if opt.s3_repeat_header:
        i = next(i for i, (k, _) in enumerate(rows) if k == "unavailable_not_held")
        body = "".join(h for _, h in rows[:i]) + "".join(hdr) + "".join(h for _, h in rows[i:])
    return tb + "".join(hdr) + body + "</table>"


def html_section4(rep, opt: H) -> str:
    f = rep["fields"]
    tb = '<table border="1" cellspacing="0" cellpadding="0" width="600">'
    colh = "".join(_td(x, opt, True) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
    vals = {g: [_td(fmtnum(f[f"{g}_{c}"]), opt, number=True) for c in S4_COLS] for g in S4_GROUPS}
    if opt.s4_two_tables:
        t1 = tb + "<tr>" + _td("行政复议", opt, True, cs=5) + "</tr><tr>" + colh + "</tr><tr>" + "".join(vals["review"]) + "</tr></table>"
        t2 = (tb + "<tr>" + _td("行政诉讼", opt, True, cs=10) + "</tr><tr>" + _td("未经复议直接起诉", opt, True, cs=5)
              + _td("复议后起诉", opt, True, cs=5) + "</tr><tr>" + colh + colh + "</tr><tr>"
              + "".join(vals["suit_direct"] + vals["suit_after_review"]) + "</tr></table>")
        return t1 + "<p>&nbsp;</p>" + t2
    h = ("<tr>" + _td("行政复议", opt, True, cs=5, rs=2) + _td("行政诉讼", opt, True, cs=10) + "</tr>"
         "<tr>" + _td("未经复议直接起诉", opt, True, cs=5) + _td("复议后起诉", opt, True, cs=5) + "</tr>"
         "<tr>" + colh * 3 + "</tr>")
    if opt.s4_two_rows:
        body = ("<tr>" + "".join(vals["review"] + vals["suit_direct"]) + "</tr><tr>"
                + "".join(vals["suit_after_review"]) + "</tr>")
    else:
        body = "<tr>" + "".join(vals["review"] + vals["suit_direct"] + vals["suit_after_review"]) + "</tr>"
    return tb + h + body + "</table>"


PROSE1 = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{agency}{year}年政府信息公开工作年度报告。"
          "本报告中所列数据统计期限为{year}年1月1日至{year}年12月31日。")
PROSE_OVERVIEW = ("（一）主动公开。{year}年共主动公开政府信息1523条，其中在政府网站公开1200条。"
                  "（二）依申请公开。全年共受理政府信息公开申请，全部按期答复。")


def html_report(rep, opt: H | None = None) -> bytes:
    opt = opt or H()
    year, agency = rep["year"], rep["agency"]
    title = rep["title"]
    shown_title = f"{year}年政府信息公开工作年度报告" if opt.no_agency_title else title
    parts = []
    if opt.div_title:
        parts.append(f'<div class="article-title">{shown_title}</div>')
    else:
        parts.append(f'<h1>{shown_title}</h1>')
    parts.append('<div class="article-info">发布日期：%d-01-20　来源：%s</div>' % (year + 1, opt.site))
    parts.append(f"<p>{PROSE1.format(agency='本机关' if opt.no_agency_title else agency, year=year)}</p>")
    parts.append("<p><strong>一、总体情况</strong></p>")
    parts.append(f"<p>{PROSE_OVERVIEW.format(year=year)}</p>")
    parts.append("<p><strong>二、主动公开政府信息情况</strong></p>")
    parts.append(html_section2(rep, opt))
    parts.append("<p><strong>三、收到和处理政府信息公开申请情况</strong></p>")
    parts.append(html_section3(rep, opt))
    parts.append("<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>")
    parts.append(html_section4(rep, opt))
    parts.append("<p><strong>五、存在的主要问题及改进情况</strong></p><p>公开内容还不够全面，下一步将加强培训。</p>")
    parts.append("<p><strong>六、其他需要报告的事项</strong></p><p>本年度未收取信息处理费。</p>")
    parts.append(f'<p style="text-align:right">{agency}</p><p style="text-align:right">{year + 1}年1月20日</p>')
    article = "\n".join(parts)
    if opt.layout:
        article = (f'<table border="0" width="1000" align="center"><tr><td class="nav">首页 &gt; 政务公开 &gt; 年度报告</td></tr>'
                   f'<tr><td>{article}</td></tr><tr><td>版权所有：{opt.site}</td></tr></table>')
    title_tag = f"{shown_title}_{opt.site}" if not opt.div_title else f"{title}_{opt.site}"
    cs = opt.charset
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={cs}">'
            f"<title>{title_tag}</title></head><body>"
            f'<div class="top"><h1 class="logo">{opt.site}</h1></div>{article}</body></html>')
    enc = "gb18030" if cs.lower() in ("gb2312", "gbk", "gb18030") else "utf-8"
    return page.encode(enc)


# ----------------------------------------------------------------------------------- text
def text_split_labels(rep) -> bytes:
    """Text of a PDF saved as text (row per line, tab separated), labels wrapping mid-word onto a
    continuation line that carries the values."""
    fmt = rep["format"]
    f = rep["fields"]
    L = [rep["title"], "", PROSE1.format(agency=rep["agency"], year=rep["year"]), "一、总体情况",
         PROSE_OVERVIEW.format(year=rep["year"]), "二、主动公开政府信息情况"]
    rows = {r.row: r for r in schema.section2_rows(fmt)}
    for sub, rids in S2_SUBHEAD[fmt]:
        L.append(sub)
        L.append("\t".join(["信息内容"] + list(rows[rids[0]].columns)))
        for rid in rids:
            L.append("\t".join([S2_LABEL[rid]] + [fmtnum(f[k]) for k in rows[rid].keys]))
    L.append("三、收到和处理政府信息公开申请情况")
    L += ["\t\t申请人情况", "（本列数据的勾稽关系为：第一项加第二项\t自然人\t法人或其他组织\t总计",
          "之和，等于第三项加第四项之和）\t\t商业\t科研\t社会公\t法律服\t其他",
          "\t\t企业\t机构\t益组织\t务机构"]
    for k in s3_keys(fmt):
        lab = S3_LABELS[k]
        vals = [fmtnum(f[f"req_{k}_{c}"]) for c in S3_COLS]
        if len(lab) > 9:
            cut = len(lab) // 2
            L.append(lab[:cut])
            L.append("\t".join([lab[cut:]] + vals))
        else:
            L.append("\t".join([lab] + vals))
    L.append("四、政府信息公开行政复议、行政诉讼情况")
    L += ["行政复议\t行政诉讼", "未经复议直接起诉\t复议后起诉",
          "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3),
          "\t".join(fmtnum(f[f"{g}_{c}"]) for g in S4_GROUPS for c in S4_COLS)]
    L += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。", rep["agency"], f"{rep['year'] + 1}年1月20日"]
    return "\n".join(L).encode("utf-8")


# ----------------------------------------------------------------------------------- non-reports
def explainer(year=2023, agency="XX市交通运输局") -> bytes:
    return (f"<html><head><title>图解：{agency}{year}年政府信息公开工作年度报告解读_{agency}</title></head><body>"
            f"<h1>{agency}{year}年政府信息公开工作年度报告解读</h1>"
            f"<p>一、主动公开政府信息情况。{year}年，我局主动公开政府信息1320条，制发行政规范性文件5件，"
            "行政许可处理决定2345件，行政处罚156件。</p>"
            f"<p>二、收到和处理政府信息公开申请情况。全年新收政府信息公开申请58件，上年结转2件，予以公开30件，"
            "部分公开8件，不予公开3件，无法提供12件，结转下年度继续办理5件。</p>"
            "<p>三、政府信息公开行政复议、行政诉讼情况。全年发生行政复议2件，结果维持2件。</p>"
            "<p>四、存在的主要问题及改进情况。</p></body></html>").encode("utf-8")


def notice(year=2023) -> bytes:
    return (f"<html><head><title>关于做好{year}年政府信息公开工作年度报告编制发布工作的通知</title></head><body>"
            f"<h1>关于做好{year}年政府信息公开工作年度报告编制发布工作的通知</h1>"
            "<p>各县（市、区）人民政府，市政府各部门：根据《中华人民共和国政府信息公开条例》，现将有关事项通知如下。</p>"
            "<p>一、严格按照国办公开办函〔2021〕30号的格式编制，包括主动公开政府信息情况、收到和处理政府信息公开申请情况、"
            "政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。</p>"
            "<table border=1><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
            "<tr><td>规章</td><td></td><td></td><td></td></tr><tr><td>行政规范性文件</td><td></td><td></td><td></td></tr></table>"
            "<table border=1><tr><td>一、本年新收政府信息公开申请数量</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>"
            "<tr><td>二、上年结转政府信息公开申请数量</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr></table>"
            f"<p>二、请于{year + 1}年1月31日前在本单位门户网站发布。</p><p>XX市人民政府办公室</p><p>{year}年12月20日</p>"
            "</body></html>").encode("utf-8")


def guide(agency="XX县人民政府") -> bytes:
    return (f"<html><head><title>{agency}政府信息公开指南</title></head><body><h1>{agency}政府信息公开指南</h1>"
            "<p>一、主动公开。主动公开政府信息情况见政府信息公开工作年度报告。</p>"
            "<p>二、依申请公开。收到和处理政府信息公开申请的受理机构如下表。</p>"
            "<table border=1><tr><th>序号</th><th>受理机构</th><th>办公时间</th><th>电话</th></tr>"
            "<tr><td>1</td><td>县政府办公室</td><td>8:30-17:30</td><td>12345678</td></tr>"
            "<tr><td>2</td><td>县政务服务中心</td><td>9:00-17:00</td><td>87654321</td></tr></table>"
            "<p>三、申请人对行政机关的政府信息公开行为不服的，可以依法申请行政复议或者提起行政诉讼。</p>"
            "<p>本指南所列统计数据截至2023年12月31日，本年新收申请数量、上年结转数量以年度报告为准。</p>"
            "</body></html>").encode("utf-8")


# ----------------------------------------------------------------------------------- DOCX
def docx_report(rep, para_cells=False, vmerge=True, number_font="Times New Roman", split_s4=False) -> bytes:
    """A DOCX as a Word user types it: tables 二/三/四 with vMerge label columns; optionally every
    cell's text as separate paragraphs (label characters one per line)."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    fmt, f = rep["format"], rep["fields"]
    d.add_paragraph(rep["title"])
    d.add_paragraph(PROSE1.format(agency=rep["agency"], year=rep["year"]))
    d.add_paragraph("一、总体情况")
    d.add_paragraph(PROSE_OVERVIEW.format(year=rep["year"]))
    d.add_paragraph("二、主动公开政府信息情况")

    def put(cell, text, number=False):
        cell.text = ""
        p = cell.paragraphs[0]
        if para_cells and not number and len(text) > 4:
            chunks = [text[i:i + 4] for i in range(0, len(text), 4)]
            p.add_run(chunks[0])
            for ch in chunks[1:]:
                cell.add_paragraph().add_run(ch)
        else:
            r = p.add_run(text)
            if number:
                r.font.name = number_font
                r.font.size = Pt(10.5)
                r._element.rPr.rFonts.set(qn("w:eastAsia"), number_font)

    rows = {r.row: r for r in schema.section2_rows(fmt)}
    for sub, rids in S2_SUBHEAD[fmt]:
        cols = rows[rids[0]].columns
        t = d.add_table(rows=2 + len(rids), cols=1 + len(cols))
        t.style = "Table Grid"
        m = t.cell(0, 0).merge(t.cell(0, len(cols)))
        put(m, sub)
        put(t.cell(1, 0), "信息内容")
        for j, c in enumerate(cols):
            put(t.cell(1, j + 1), c)
        for i, rid in enumerate(rids):
            put(t.cell(2 + i, 0), S2_LABEL[rid])
            for j, k in enumerate(rows[rid].keys):
                put(t.cell(2 + i, j + 1), fmtnum(f[k]), True)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    keys = s3_keys(fmt)
    t = d.add_table(rows=3 + len(keys), cols=10)
    t.style = "Table Grid"
    put(t.cell(0, 0).merge(t.cell(2, 2)), "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    put(t.cell(0, 3).merge(t.cell(0, 9)), "申请人情况")
    put(t.cell(1, 3).merge(t.cell(2, 3)), "自然人")
    put(t.cell(1, 4).merge(t.cell(1, 8)), "法人或其他组织")
    put(t.cell(1, 9).merge(t.cell(2, 9)), "总计")
    for j, x in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        put(t.cell(2, 4 + j), x)
    group_of = {m_: g for g, ms in GROUPS.items() for m_ in ms}
    leaves = [k for k in keys if k not in ("new", "carried_in", "carried_out")]
    first_leaf = 3 + keys.index(leaves[0])
    if vmerge:
        put(t.cell(first_leaf, 0).merge(t.cell(first_leaf + len(leaves) - 1, 0)), "三、本年度办理结果")
    for i, k in enumerate(keys):
        r = 3 + i
        if k in ("new", "carried_in", "carried_out"):
            put(t.cell(r, 0).merge(t.cell(r, 2)), S3_LABELS[k])
        else:
            if not vmerge:
                put(t.cell(r, 0), "三、本年度办理结果" if k == leaves[0] else "")
            if k in group_of and not (fmt == "2019" and group_of[k] == "（六）其他处理"):
                g = group_of[k]
                if GROUPS[g][0] == k:
                    if vmerge:
                        put(t.cell(r, 1).merge(t.cell(r + len(GROUPS[g]) - 1, 1)), g)
                    else:
                        put(t.cell(r, 1), g)
                put(t.cell(r, 2), S3_LABELS[k])
            else:
                put(t.cell(r, 1).merge(t.cell(r, 2)), S3_LABELS[k])
        for j, c in enumerate(S3_COLS):
            put(t.cell(r, 3 + j), fmtnum(f[f"req_{k}_{c}"]), True)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    if split_s4:
        t = d.add_table(rows=3, cols=5)
        t.style = "Table Grid"
        put(t.cell(0, 0).merge(t.cell(0, 4)), "行政复议")
        for j, x in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
            put(t.cell(1, j), x)
            put(t.cell(2, j), fmtnum(f[f"review_{S4_COLS[j]}"]), True)
        d.add_paragraph("")
        t = d.add_table(rows=4, cols=10)
        t.style = "Table Grid"
        put(t.cell(0, 0).merge(t.cell(0, 9)), "行政诉讼")
        put(t.cell(1, 0).merge(t.cell(1, 4)), "未经复议直接起诉")
        put(t.cell(1, 5).merge(t.cell(1, 9)), "复议后起诉")
        for g_i, g in enumerate(["suit_direct", "suit_after_review"]):
            for j, x in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
                put(t.cell(2, g_i * 5 + j), x)
                put(t.cell(3, g_i * 5 + j), fmtnum(f[f"{g}_{S4_COLS[j]}"]), True)
    else:
        t = d.add_table(rows=4, cols=15)
        t.style = "Table Grid"
        put(t.cell(0, 0).merge(t.cell(1, 4)), "行政复议")
        put(t.cell(0, 5).merge(t.cell(0, 14)), "行政诉讼")
        put(t.cell(1, 5).merge(t.cell(1, 9)), "未经复议直接起诉")
        put(t.cell(1, 10).merge(t.cell(1, 14)), "复议后起诉")
        for g_i, g in enumerate(S4_GROUPS):
            for j, x in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
                put(t.cell(2, g_i * 5 + j), x)
                put(t.cell(3, g_i * 5 + j), fmtnum(f[f"{g}_{S4_COLS[j]}"]), True)
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("无。")
    d.add_paragraph(rep["agency"])
    d.add_paragraph(f"{rep['year'] + 1}年1月20日")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------------------------------- converters
def chromium_pdf(html_bytes: bytes, workdir: str, css: str = "") -> bytes | None:
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(exe):
        return None
    name = uuid.uuid4().hex
    src = os.path.join(workdir, name + ".html")
    out = os.path.join(workdir, name + ".pdf")
    data = html_bytes
    if css:
        data = data.replace(b"</head>", f"<style>{css}</style></head>".encode(), 1)
    with open(src, "wb") as fh:
        fh.write(data)
    prof = tempfile.mkdtemp(prefix="chr-", dir=workdir)
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", f"--user-data-dir={prof}", "--no-pdf-header-footer",
           f"--print-to-pdf={out}", "file://" + src]
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    except subprocess.TimeoutExpired:
        return None
    return open(out, "rb").read() if os.path.exists(out) else None


def soffice_convert(files: dict, target: str, workdir: str) -> dict:
    """{name: bytes} of docx → {name: bytes} converted to ``target`` (doc) in one soffice run."""
    exe = shutil.which("soffice")
    if not exe:
        return {}
    src = os.path.join(workdir, "src-" + uuid.uuid4().hex)
    out = os.path.join(workdir, "out-" + uuid.uuid4().hex)
    os.makedirs(src)
    os.makedirs(out)
    paths = []
    for n, b in files.items():
        p = os.path.join(src, n + ".docx")
        open(p, "wb").write(b)
        paths.append(p)
    prof = f"file:///tmp/lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([exe, f"-env:UserInstallation={prof}", "--headless", "--convert-to", target, "--outdir", out]
                       + paths, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    except subprocess.TimeoutExpired:
        return {}
    finally:
        shutil.rmtree(prof.replace("file://", ""), ignore_errors=True)
    res = {}
    for n in files:
        p = os.path.join(out, f"{n}.{target}")
        if os.path.exists(p):
            res[n] = open(p, "rb").read()
    return res


def wrong_fields(expected: dict, got: dict) -> dict:
    """{key: (expected, got)} for every field that differs (numeric compare)."""
    bad = {}
    for k, v in expected.items():
        g = got.get(k)
        if v is None and g is None:
            continue
        if v is None or g is None or abs(float(v) - float(g)) > 1e-9:
            bad[k] = (v, g)
    return bad
