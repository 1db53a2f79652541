"""Report texts in the layout families seen in real page texts (the text of a web page or of a
PDF as stored copies show it). Every builder takes a report dict (``random_report``) and returns
the text; the sentences and numbers are this project's own.

A report is first laid out as printed items (``printed``): headings and table rows of cells, the
group label (（三）不予公开 …) in the cell before its first row, blank cells as ''. Each family then
renders those items its own way."""
from __future__ import annotations

from tests.builders import portal_layouts as rd

S4_HEADER = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def intro(rep) -> list:
    y, a = rep["year"], rep["agency"]
    return [f"{a}{y}年政府信息公开工作年度报告",
            f"本报告依据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限为{y}年1月1日至{y}年12月31日。",
            "一、总体情况",
            f"{y}年，本机关坚持以公开为常态、不公开为例外，全年主动公开各类信息一百余条，依法办理政府信息公开申请。",
            "二、主动公开政府信息情况"]


def printed(rep, other_handling_row: bool = False) -> list:
    """[("heading", text) | ("row", [cells])] of sections 二, 三 and 四 as a report prints them."""
    fmt, f = rep["format"], rep["fields"]
    cols2 = {"2021": {1: ["本年制发件数", "本年废止件数", "现行有效件数"], 5: ["本年处理决定数量"],
                      6: ["本年处理决定数量"], 8: ["本年收费金额（单位：万元）"]},
             "2019": {1: ["本年新制作数量", "本年新公开数量", "对外公开总数量"], 5: ["上一年项目数量", "本年增/减", "处理决定数量"],
                      6: ["上一年项目数量", "本年增/减", "处理决定数量"], 8: ["上一年项目数量", "本年增/减"],
                      9: ["采购项目数量", "采购总金额"]}}[fmt]
    rows2 = {r.row: r.keys for r in rd.schema.section2_rows(fmt)}
    items: list = []
    for head, members in rd.S2_SUBHEAD[fmt]:
        n = int(head[head.index("（") + 1:head.index("）")].translate(str.maketrans("一五六八九", "15689")))
        items.append(("row", [head] + [""] * len(cols2[n])))
        items.append(("row", ["信息内容"] + cols2[n]))
        for row in members:
            items.append(("row", [rd.S2_LABEL[row]] + [rd.fmtnum(f[k]) for k in rows2[row]]))
    items.append(("heading", "三、收到和处理政府信息公开申请情况"))
    items.append(("row", ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]))
    items.append(("row", ["自然人", "法人或其他组织", "总计"]))
    items.append(("row", ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]))
    firsts = {members[0]: parent for parent, members in rd.GROUPS.items()}
    order = list(rd.schema.section3_rows(fmt))
    if other_handling_row:      # a 2021 report printing （六） as the 2019 form's one row
        i = order.index("other_no_correction")
        order[i:i + 3] = ["other_handling"]
    for key in order:
        label = rd.S3_LABELS[key]
        lead = [firsts[key]] if key in firsts and not (key == "other_no_correction" and other_handling_row) else []
        if key == "granted":
            lead = ["三、本年度办理结果"]
        values = [rd.fmtnum(f.get(f"req_{key}_{c}")) for c in rd.S3_COLS]
        items.append(("row", lead + [label] + values))
    items.append(("heading", "四、政府信息公开行政复议、行政诉讼情况"))
    items.append(("row", ["行政复议", "行政诉讼"]))
    items.append(("row", ["未经复议直接起诉", "复议后起诉"]))
    items.append(("row", S4_HEADER * 3))
    items.append(("row", [rd.fmtnum(f[f"{g}_{c}"]) for g in rd.S4_GROUPS for c in rd.S4_COLS]))
    items.append(("heading", "五、政府信息公开工作存在的主要问题及改进情况"))
    items.append(("heading", "公开内容还不够全面。下一步将加强培训，提高公开质量。"))
    return items


def _lines(rep, items, row) -> str:
    return "\n".join(intro(rep) + [row(c) if kind == "row" else c for kind, c in items]) + "\n"


def pipe_rows(rep, **kw) -> str:
    """``规章 | 0 | 0 | 0 |``: a row per line, every cell closed by a pipe, a blank cell empty."""
    return _lines(rep, printed(rep, **kw), lambda cells: " | ".join(cells) + " |")


def pipe_rows_framed(rep, **kw) -> str:
    """``| 规章  | 0  | 0  | 0  |``: rows opened and closed by a pipe, two spaces before each."""
    return _lines(rep, printed(rep, **kw), lambda cells: "| " + "".join(f"{c}  | " for c in cells).rstrip())


def pipe_lines_between_cells(rep, **kw) -> str:
    """One cell per line with a lone ``|`` line between every two cells (and opening each row)."""
    out = intro(rep)
    for kind, c in printed(rep, **kw):
        if kind == "heading":
            out.append(c)
            continue
        out.append("|")
        for cell in c:
            out += [cell, "|"]
    return "\n".join(out) + "\n"


def pipe_cell_per_line(rep, **kw) -> str:
    """One cell per line closed by `` |`` (a long label's pipe on the next line), header rows
    padded with ``|||`` lines, a blank cell a lone ``|`` line."""
    out = intro(rep)
    for kind, c in printed(rep, **kw):
        if kind == "heading":
            out.append(c)
            continue
        for cell in c:
            out.append(f"{cell}\n|" if len(cell) > 20 else f"{cell} |" if cell else "|")
        if not any(ch.isdigit() for ch in "".join(c[1:])):
            out.append("|||")
    return "\n".join(out) + "\n"


def cell_per_line_blank_lines(rep, **kw) -> str:
    """One cell per line, a blank line between cells, no separators; indented values."""
    out = intro(rep)
    for kind, c in printed(rep, **kw):
        if kind == "heading":
            out += [c, ""]
            continue
        for cell in c:
            out += [("    " + cell) if cell[:1].isdigit() else cell, ""]
    return "\n".join(out) + "\n"


def space_rows(rep, **kw) -> str:
    """``行政许可 66 +126 192``: a row per line, words split by spaces, a sign on increases."""
    def row(cells):
        return "  ".join(("+" + x) if x.isdigit() and cells[0] == "行政许可" and i == 2 and rep["format"] == "2019" else x
                         for i, x in enumerate(cells))
    return _lines(rep, printed(rep, **kw), row)


def wrapped_labels(rep, values_on_first_line: bool = True) -> str:
    """Labels wrapped over two or three lines (``1.本机关不掌握相关政府信`` / ``息``), values on the
    label's first line or on its last, cells split by spaces."""
    out = intro(rep)
    for kind, c in printed(rep):
        if kind == "heading":
            out.append(c)
            continue
        labels = [x for x in c if not x.replace(".", "").isdigit() and x != ""]
        values = c[len(labels):] if all(not x.replace(".", "").isdigit() and x for x in c[:len(labels)]) else []
        if not labels or not values or len(labels[-1]) < 8:
            out.append(" ".join(c))
            continue
        label = labels[-1]
        cut = [label[:len(label) * 2 // 3], label[len(label) * 2 // 3:]]
        if len(label) > 24:
            cut = [label[:12], label[12:24], label[24:]]
        vals = " ".join(values)
        lead = " ".join(labels[:-1])
        if values_on_first_line:
            out += [f"{lead} {cut[0]} {vals}".strip()] + cut[1:]
        else:
            out += [f"{lead} {cut[0]}".strip()] + cut[1:-1] + [f"{cut[-1]} {vals}"]
    return "\n".join(out) + "\n"


def group_label_among_values(rep) -> str:
    """The group label's cell printed among its middle row's values (a PDF's text, where the
    rowspan cell is centred on its group): ``3.危及“三安全一稳定” 0 0 0 （三）不予公开 0 0 0 0``."""
    out = intro(rep)
    middles = {members[len(members) // 2]: parent for parent, members in rd.GROUPS.items()
               if parent in ("（三）不予公开", "（五）不予处理")}
    for kind, c in printed(rep):
        if kind == "heading":
            out.append(c)
            continue
        cells = [x for x in c if x not in middles.values()]
        key = next((k for k, lab in rd.S3_LABELS.items() if cells and cells[0] == lab), None)
        if key in middles:
            cells = cells[:4] + [middles[key]] + cells[4:]
        out.append(" ".join(cells))
    return "\n".join(out) + "\n"


def cut_off(rep, after: str) -> str:
    """A page text that stops inside table 三 (an excerpt, a page of a flip-book): the text
    ends in the middle of the row after the one labelled ``after``."""
    text = pipe_rows(rep)
    row_start = text.index(after)
    nxt = text.index("\n", row_start) + 1
    return text[:nxt + (text.index("\n", nxt) - nxt) // 2 + 1]
