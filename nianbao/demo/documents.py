"""Synthetic 政府信息公开工作年度报告 documents for demos, fixtures and parser stress tests.

A *report* is a plain dict::

    {"format": "2021" | "2019", "year": 2023, "title": "...", "agency": "...",
     "fields": {<every key of parsers.schema.field_keys(format)>: number or None}}

and optionally the text a portal gives it: ``"published"`` (ISO date of the page and the
signature; otherwise a day in January of the next year), ``"overview"`` and ``"problems"``
(paragraphs printed under 一、总体情况 and 五、存在的主要问题及改进情况 instead of the generic ones;
``"problems": []`` leaves section 五 out).

``random_report`` invents one whose numbers obey every sum rule of ``schema.yaml``;
``render`` prints it as a whole document (title, prose, the three statutory tables laid out like
the official form, closing sections, signature) in one of the media that portals publish:

=============  ==========================================================================
medium         what ``render`` returns
=============  ==========================================================================
html           UTF-8 portal article page, Word-pasted ``<table><tr><td><p><span>`` tables
html-gbk       the same page encoded as GBK with no charset declaration at all
docx           python-docx document with real merged cells (gridSpan / vMerge)
pdf            the DOCX converted by LibreOffice headless (text layer)
pdf-reportlab  drawn directly with reportlab (STSong-Light CID font, ruled tables); fast
doc, wps       the DOCX converted by LibreOffice to Word 97 (OLE, starts D0 CF 11 E0)
rtf            the DOCX converted by LibreOffice to RTF
scan-pdf       the PDF rasterised at 200 dpi into an image-only PDF (no text layer)
png            one PNG of the pages that hold the tables (stacked vertically)
text           plain text like the seed fixtures (one tab-prefixed cell per line)
=============  ==========================================================================

Quirks (a frozenset of names) imitate what real reports do to their tables; see ``QUIRKS``.
Nothing here touches the network. LibreOffice conversions use a private profile directory per
process, so concurrent processes do not clash.

CLI::

    python -m nianbao.demo.documents corpus OUTDIR --html 200 --pdf 100 --docx 50 --doc 20 --scan 10
"""
from __future__ import annotations

import argparse
import html as _html
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from parsers import schema

REPORTS_DIR = Path(__file__).with_name("reports")

MEDIA = ("html", "html-gbk", "docx", "pdf", "pdf-reportlab", "doc", "wps", "rtf", "scan-pdf", "png", "text")
EXTENSIONS = {
    "html": "html", "html-gbk": "html", "docx": "docx", "pdf": "pdf", "pdf-reportlab": "pdf",
    "doc": "doc", "wps": "wps", "rtf": "rtf", "scan-pdf": "pdf", "png": "png", "text": "txt",
}
QUIRKS = {
    "wrapped": "labels broken mid-word (自<br>然<br>人, 商业企<br>业; a newline in DOCX/text)",
    "slash": "a None field prints as '/' or '—' instead of an empty cell",
    "fullwidth": "digits printed full-width (０１２)",
    "thousands": "thousands separators (16,520)",
    "variants": "label variants: 规范性文件, 另外制作, 1.信访、举报、投诉类申请, 自 然 人",
    "split": "table 三 continues across a page break (HTML/text: two tables with a page number between)",
    "mso": "HTML: Word 'Save as HTML' noise (mso styles, <o:p>, numbers split over spans)",
}


# ----------------------------------------------------------------------------------------------
# Synthetic reports
# ----------------------------------------------------------------------------------------------

# Relative frequency of each outcome row (row key -> weight); unknown rows get 1.
_OUTCOME_WEIGHTS = {
    "granted": 40, "partly_granted": 10, "denied_state_secret": 0.3, "denied_prohibited_by_law": 0.6,
    "denied_security_stability": 0.2, "denied_third_party": 1.5, "denied_internal_affairs": 1.0,
    "denied_process_info": 1.5, "denied_enforcement_file": 0.4, "denied_admin_query": 1.0,
    "unavailable_not_held": 25, "unavailable_needs_creation": 3, "unavailable_unclear": 2,
    "rejected_petition": 4, "rejected_repeat": 3, "rejected_publication": 0.8, "rejected_mass_repeat": 0.4,
    "rejected_confirm": 1, "other_handling": 6, "other_no_correction": 3, "other_unpaid_fee": 0.3, "other_other": 3,
}
# Share of each applicant column relative to natural persons.
_APPLICANT_SHARE = {"natural_person": 1.0, "business": 0.15, "research": 0.01, "nonprofit": 0.02,
                    "legal_services": 0.04, "other_org": 0.03}


def _magnitude(rng: random.Random, buckets) -> int:
    """Pick a bucket (weight, lo, hi) and a uniform integer in it."""
    weights = [b[0] for b in buckets]
    _, lo, hi = rng.choices(buckets, weights=weights)[0]
    return rng.randint(lo, hi)


def _multinomial(rng: random.Random, n: int, keys, weights) -> dict:
    counts = dict.fromkeys(keys, 0)
    if n > 0:
        for k in rng.choices(list(keys), weights=weights, k=n):
            counts[k] += 1
    return counts


def _section2_value(rng: random.Random, key: str, row: str, decimal: bool, signed: bool, county: bool, prev):
    """One plausible table 二 number for ``key`` (``prev``: the row's 上一年项目数量 for change columns)."""
    if signed:
        base = prev or 0
        delta = rng.choice([0, 0, 0, rng.randint(1, 12), -rng.randint(1, 12)])
        return max(delta, -base)
    if decimal:
        if rng.random() < 0.2:
            return 0
        if "procurement" in key:
            return round(rng.uniform(50, 60000), 2)
        return round(rng.uniform(1, 5000), 2)
    if row == "regulations":
        if county or rng.random() < 0.6:
            return 0
        return rng.randint(0, 25) if not key.endswith(("_in_force", "_total")) else rng.randint(20, 300)
    if key.endswith(("_in_force", "_published_total")):
        return rng.randint(5, 400)
    if key.endswith("_repealed"):
        return rng.randint(0, 12)
    if key.endswith(("_issued", "_made", "_published")):
        return rng.randint(0, 40)
    if key.endswith("_prev_year"):
        return rng.randint(0, 40) if row == "fees" else rng.randint(10, 900)
    if key.endswith("_decisions"):
        scale = {"licensing": 20000, "other_services": 40000, "penalty": 15000, "enforcement": 300}.get(row, 1000)
        if rng.random() < 0.15:
            return 0
        return min(scale, int(rng.lognormvariate(0, 1.6) * scale / 12))
    if key == "procurement_projects":
        return rng.randint(0, 200)
    return rng.randint(0, 50)


def random_report(fmt: str = "2021", year: int = 2023, agency: str = "示例县人民政府", seed: int = 0,
                  blanks: int = 0) -> dict:
    """A synthetic report whose numbers satisfy every sum rule of ``schema.yaml``.

    ``fmt`` is "2021" or "2019"; the result is deterministic for (fmt, year, agency, seed).
    ``blanks=n`` sets n randomly chosen fields to None afterwards (rendered as blank cells); those
    fields then no longer take part in the sum rules.
    """
    if fmt not in schema.TABLE_FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; expected one of {schema.TABLE_FORMATS}")
    rng = random.Random(f"nianbao-demo/{fmt}/{year}/{agency}/{seed}")
    fields: dict = dict.fromkeys(schema.field_keys(fmt))
    county = any(s in agency for s in ("县", "区", "镇", "乡", "街道")) and "市人民政府" not in agency

    # 二: active disclosure
    for row in schema.section2_rows(fmt):
        prev = None
        for key in row.keys:
            v = _section2_value(rng, key, row.row, key in row.decimal, key in row.signed, county, prev)
            if key.endswith("_prev_year"):
                prev = v
            fields[key] = v

    # 三: requests. Per applicant column: new, carried_in -> outcomes + carried_out (balance by construction).
    cols = [c for c in schema.section3_columns() if c != "total"]
    rows = schema.section3_rows(fmt)
    leaves = schema.section3_outcome_leaves(fmt)
    natural_new = _magnitude(rng, [(30, 0, 20), (40, 20, 150), (22, 150, 800), (8, 800, 3000)])
    for col in cols:
        share = _APPLICANT_SHARE.get(col, 0.03)
        if col == "natural_person":
            new = natural_new
        elif rng.random() < (0.35 if share >= 0.1 else 0.75):
            new = 0
        else:
            new = int(natural_new * share * rng.uniform(0.3, 2.0)) + rng.randint(0, 2)
        carried_in = 0 if rng.random() < 0.5 else int(new * rng.uniform(0, 0.12))
        carried_out = 0 if rng.random() < 0.5 else int((new + carried_in) * rng.uniform(0, 0.1))
        handled = new + carried_in - carried_out
        counts = _multinomial(rng, handled, leaves, [_OUTCOME_WEIGHTS.get(k, 1) for k in leaves])
        fields[schema.req_key("new", col)] = new
        fields[schema.req_key("carried_in", col)] = carried_in
        fields[schema.req_key("carried_out", col)] = carried_out
        for k, n in counts.items():
            fields[schema.req_key(k, col)] = n
        fields[schema.req_key("outcome_total", col)] = sum(counts.values())
    for r in rows:
        fields[schema.req_key(r, "total")] = sum(fields[schema.req_key(r, c)] for c in cols)

    # 四: review and litigation
    s4cols = [c for c in schema.section4_columns() if c != "total"]
    for group, p_zero, hi in zip(schema.section4_groups(), (0.45, 0.6, 0.75), (12, 8, 4)):
        n = 0 if rng.random() < p_zero else rng.randint(1, hi)
        counts = _multinomial(rng, n, s4cols, [6, 2, 1.5, 1.5][: len(s4cols)] + [1] * max(0, len(s4cols) - 4))
        for c, v in counts.items():
            fields[f"{group}_{c}"] = v
        fields[f"{group}_total"] = n

    if blanks:
        for key in rng.sample(list(fields), min(blanks, len(fields))):
            fields[key] = None
    return {
        "format": fmt,
        "year": year,
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency,
        "fields": fields,
    }


def check_rules(report: dict) -> list:
    """Violated sum rules of ``report`` as readable strings, by the parser's own rules
    (``parsers.checks``; blank fields are not evaluated)."""
    from parsers import checks
    return [f"{c['rule']} {c.get('detail') or ''}".strip()
            for c in checks.check(report["fields"], report["format"]) if not c["ok"]]


# ----------------------------------------------------------------------------------------------
# Table layout: a grid of (possibly merged) cells, shared by every medium
# ----------------------------------------------------------------------------------------------

@dataclass
class Cell:
    r: int
    c: int
    text: str
    rs: int = 1
    cs: int = 1
    kind: str = "label"     # label | head | num | note
    key: str | None = None  # field key of a number cell


@dataclass
class Grid:
    ncols: int
    widths: list            # relative column widths (mm on A4)
    cells: list = field(default_factory=list)
    nrows: int = 0

    def add(self, r, c, text, rs=1, cs=1, kind="label", key=None):
        self.cells.append(Cell(r, c, text, rs, cs, kind, key))
        self.nrows = max(self.nrows, r + rs)

    def origin(self) -> dict:
        return {(x.r, x.c): x for x in self.cells}


def split_grid(g: Grid, at: int):
    """Cut ``g`` before row ``at``; spans crossing the cut continue as blank cells in the second part."""
    a, b = Grid(g.ncols, g.widths), Grid(g.ncols, g.widths)
    for x in g.cells:
        if x.r >= at:
            b.add(x.r - at, x.c, x.text, x.rs, x.cs, x.kind, x.key)
        elif x.r + x.rs > at:
            a.add(x.r, x.c, x.text, at - x.r, x.cs, x.kind, x.key)
            b.add(0, x.c, "", x.r + x.rs - at, x.cs, x.kind, None)
        else:
            a.add(x.r, x.c, x.text, x.rs, x.cs, x.kind, x.key)
    a.nrows, b.nrows = at, g.nrows - at
    return a, b


_FW = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


class _Style:
    """How labels and numbers print under a set of quirks."""

    def __init__(self, report: dict, quirks: frozenset):
        self.q = frozenset(quirks)
        unknown = self.q - set(QUIRKS)
        if unknown:
            raise ValueError(f"unknown quirks {sorted(unknown)}; known: {sorted(QUIRKS)}")
        self.slash = "/" if zlib.crc32(report["title"].encode()) % 2 else "—"
        self.decimal = schema.decimal_keys(report["format"])
        self.variants = {k: v[0] for k, v in schema.raw().get("label_variants", {}).items()}

    def num(self, key, value) -> str:
        if value is None:
            return self.slash if "slash" in self.q else ""
        if isinstance(value, float) and value != int(value):
            s = f"{value:,.2f}" if "thousands" in self.q else f"{value:.2f}"
        else:
            value = int(value)
            s = f"{value:,}" if "thousands" in self.q else str(value)
        if "fullwidth" in self.q:
            s = s.translate(_FW)
        return s

    def label(self, text: str, head: bool = False) -> str:
        if "variants" in self.q and text in self.variants:
            text = self.variants[text]
        if "wrapped" in self.q and "\n" not in text:
            plain = text.replace(" ", "")
            if plain == "自然人":
                text = "\n".join(plain)
            elif head and 3 <= len(text) <= 6:
                cut = (len(text) * 3 + 3) // 4
                text = text[:cut] + "\n" + text[cut:]
            elif len(text) > 14:
                text = "\n".join(text[i:i + 11] for i in range(0, len(text), 11))
        return text


def _group_header(grid: Grid, r: int, c0: int, items) -> None:
    """Two header rows for columns ``items`` = [(label, group or None)]: ungrouped columns span both rows."""
    c = c0
    i = 0
    while i < len(items):
        label, group = items[i]
        if not group:
            grid.add(r, c, label, rs=2, kind="head")
            c += 1
            i += 1
            continue
        j = i
        while j < len(items) and items[j][1] == group:
            j += 1
        grid.add(r, c, group, cs=j - i, kind="head")
        for k in range(i, j):
            grid.add(r + 1, c + k - i, items[k][0], kind="head")
        c += j - i
        i = j


# Which 第二十条 item each table 二 row belongs to (layout of the official form).
_ARTICLE_ITEMS = {"regulations": "（一）", "normative_docs": "（一）", "licensing": "（五）",
                  "other_services": "（五）", "penalty": "（六）", "enforcement": "（六）",
                  "fees": "（八）", "procurement": "（九）"}


def grid_section2(report: dict, st: _Style) -> Grid:
    fmt, f = report["format"], report["fields"]
    g = Grid(4, [52, 42, 42, 42])
    r = 0
    groups: list = []
    for row in schema.section2_rows(fmt):
        item = _ARTICLE_ITEMS.get(row.row, "")
        if groups and groups[-1][0] == item and groups[-1][1][0].columns == row.columns:
            groups[-1][1].append(row)
        else:
            groups.append((item, [row]))
    for item, rows in groups:
        g.add(r, 0, f"第二十条第{item}项" if item else "其他", cs=4, kind="head")
        r += 1
        cols = rows[0].columns
        g.add(r, 0, "信息内容", kind="head")
        for i, col in enumerate(cols):
            g.add(r, 1 + i, st.label(col, head=True), cs=(3 - len(cols) + 1) if i == len(cols) - 1 else 1, kind="head")
        r += 1
        for row in rows:
            g.add(r, 0, st.label(row.label))
            for i, key in enumerate(row.keys):
                g.add(r, 1 + i, st.num(key, f.get(key)), cs=(3 - len(row.keys) + 1) if i == len(row.keys) - 1 else 1,
                      kind="num", key=key)
            r += 1
    return g


def _s3_meta():
    s = schema.raw()["section3"]
    return {r["key"]: r for r in s["rows"]}, s["columns"]


def grid_section3(report: dict, st: _Style) -> Grid:
    fmt, f = report["format"], report["fields"]
    meta, columns = _s3_meta()
    g = Grid(3 + len(columns), [14, 20, 50] + [13] * len(columns))
    g.add(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3, kind="note")
    g.add(0, 3, "申请人情况", cs=len(columns), kind="head")
    _group_header(g, 1, 3, [(st.label(c["label"], head=True), c.get("group")) for c in columns])
    rows = schema.section3_rows(fmt)
    leaves = schema.section3_outcome_leaves(fmt)
    outcome_rows = list(leaves) + ["outcome_total"]
    top = meta[leaves[0]].get("parent", "三、本年度办理结果")
    r0 = 3
    r = r0
    i = 0
    while i < len(rows):
        key = rows[i]
        if key in outcome_rows:
            if key == outcome_rows[0]:
                g.add(r, 0, st.label(top), rs=len(outcome_rows))
            parent = meta[key].get("parent")
            if parent and parent != top:
                n = 0
                while i + n < len(rows) and meta[rows[i + n]].get("parent") == parent:
                    n += 1
                g.add(r, 1, st.label(parent), rs=n)
                for k in rows[i:i + n]:
                    g.add(r, 2, st.label(meta[k]["label"]))
                    _s3_numbers(g, r, k, f, st, columns)
                    r += 1
                i += n
                continue
            g.add(r, 1, st.label(meta[key]["label"]), cs=2)
        else:
            g.add(r, 0, st.label(meta[key]["label"]), cs=3)
        _s3_numbers(g, r, key, f, st, columns)
        r += 1
        i += 1
    return g


def _s3_numbers(g, r, row, f, st, columns):
    for j, c in enumerate(columns):
        k = schema.req_key(row, c["key"])
        g.add(r, 3 + j, st.num(k, f.get(k)), kind="num", key=k)


def grid_section4(report: dict, st: _Style) -> Grid:
    f = report["fields"]
    s = schema.raw()["section4"]
    groups, cols = s["groups"], s["columns"]
    n = len(groups) * len(cols)
    g = Grid(n, [12] * n)
    # Row 0: top-level groups (a group with a parent is shown under its parent).
    c = 0
    i = 0
    while i < len(groups):
        parent = groups[i].get("parent")
        if not parent:
            g.add(0, c, st.label(groups[i]["label"]), cs=len(cols), kind="head")
            for j, col in enumerate(cols):
                g.add(1, c + j, st.label(col["label"], head=True), rs=2, kind="head")
            c += len(cols)
            i += 1
            continue
        j = i
        while j < len(groups) and groups[j].get("parent") == parent:
            j += 1
        g.add(0, c, st.label(parent), cs=len(cols) * (j - i), kind="head")
        for k in range(i, j):
            g.add(1, c, st.label(groups[k]["label"]), cs=len(cols), kind="head")
            for jj, col in enumerate(cols):
                g.add(2, c + jj, st.label(col["label"], head=True), kind="head")
            c += len(cols)
        i = j
    for j, key in enumerate(schema.section4_keys()):
        g.add(3, j, st.num(key, f.get(key)), kind="num", key=key)
    return g


def _split_row(g3: Grid) -> int:
    """Row of table 三 before which the 'split' quirk breaks the page: inside （三）不予公开."""
    nums = sorted({x.r for x in g3.cells if x.key and "_denied_third_party_" in x.key})
    return nums[0] if nums else g3.nrows // 2


# ----------------------------------------------------------------------------------------------
# Prose
# ----------------------------------------------------------------------------------------------

@dataclass
class _Doc:
    """The report as a sequence of blocks: ("title", text) ("p", text) ("h", text) ("table", Grid) ("sign", text)."""
    blocks: list
    title: str
    date: str


def _v(f, key, default=0):
    v = f.get(key)
    return default if v is None else v


def build_doc(report: dict, quirks: frozenset = frozenset(), split_tables: bool = True) -> _Doc:
    """Lay the report out as blocks (title, prose, section headings, table grids, signature).

    With quirk "split" and ``split_tables``, table 三 comes as two grids with a "pagebreak" block between.
    """
    st = _Style(report, quirks)
    f, year, agency = report["fields"], int(report["year"]), report.get("agency") or _agency_from_title(report["title"])
    rng = random.Random(f"prose/{report['title']}")
    short = re.sub(r"(人民政府办公室|人民政府|办公室)$", "", agency) or agency
    day = rng.randint(10, 31)
    date = f"{year + 1}年1月{day}日"
    if report.get("published"):
        y, m, d = (int(x) for x in report["published"].split("-"))
        date = f"{y}年{m}月{d}日"
    total_new = _v(f, schema.req_key("new", "total"))
    granted = _v(f, schema.req_key("granted", "total"))
    web = rng.randint(800, 15000)
    decision_key = "licensing_decisions"
    blocks = [("title", report["title"])]
    blocks.append(("p", f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级关于政务公开工作的部署要求，"
                        f"{agency}编制本报告。本报告中所列数据统计期限为{year}年1月1日至{year}年12月31日。"
                        f"本报告电子版可在{short}门户网站查阅或下载。如对本报告有疑问，请与{short}政务公开办公室联系。"))
    blocks.append(("h", "一、总体情况"))
    if report.get("overview"):
        blocks += [("p", text) for text in report["overview"]]
    else:
        _generic_overview(blocks, rng, f, year, short, total_new, granted, web, decision_key)
    blocks.append(("h", "二、主动公开政府信息情况"))
    blocks.append(("table", grid_section2(report, st)))
    blocks.append(("h3", "三、收到和处理政府信息公开申请情况"))
    g3 = grid_section3(report, st)
    if "split" in st.q and split_tables:
        a, b = split_grid(g3, _split_row(g3))
        blocks += [("table", a), ("pagebreak", "— 3 —"), ("table", b)]
    else:
        blocks.append(("table", g3))
    blocks.append(("h", "四、政府信息公开行政复议、行政诉讼情况"))
    blocks.append(("table", grid_section4(report, st)))
    if report.get("problems") == []:
        pass                            # a report that leaves the section out
    elif report.get("problems"):
        blocks.append(("h", "五、存在的主要问题及改进情况"))
        blocks += [("p", text) for text in report["problems"]]
    else:
        blocks.append(("h", "五、存在的主要问题及改进情况"))
        blocks.append(("p", f"{year}年，{short}政府信息公开工作取得了一定成效，但仍存在一些不足：一是政策解读形式还不够丰富；"
                            "二是部分栏目信息更新不够及时；三是工作人员业务能力有待进一步提升。"))
        blocks.append(("p", f"{year + 1}年，我们将进一步健全信息发布审核机制，丰富政策解读形式，加强业务培训，"
                            "不断提升政府信息公开工作质量。"))
    blocks.append(("h", "六、其他需要报告的事项"))
    blocks.append(("p", f"{year}年度未收取信息处理费，无其他需要报告的事项。"))
    blocks.append(("sign", agency))
    blocks.append(("sign", date))
    return _Doc(blocks, report["title"], date)


def _generic_overview(blocks, rng, f, year, short, total_new, granted, web, decision_key) -> None:
    """The five paragraphs of 一、总体情况 every generated report prints unless given its own."""
    blocks.append(("p", f"（一）主动公开方面。{year}年，{short}坚持以公开为常态、不公开为例外，围绕重点领域持续深化信息公开，"
                        f"全年通过政府门户网站发布各类政府信息{web}条，其中政策文件{rng.randint(5, 80)}件，"
                        f"政策解读{rng.randint(3, 60)}篇；行政许可处理决定{_v(f, decision_key)}件。"))
    blocks.append(("p", f"（二）依申请公开方面。全年共收到政府信息公开申请{total_new}件，"
                        f"其中予以公开{granted}件，均在法定期限内答复，未发生因答复不规范引发的问题。"))
    blocks.append(("p", "（三）政府信息管理方面。严格落实信息发布“三审”制度，对现行有效的行政规范性文件进行全面梳理并集中统一公开，"
                        "及时清理过期失效信息。"))
    blocks.append(("p", "（四）平台建设方面。持续优化政府门户网站政府信息公开专栏，完善检索功能，统筹政务新媒体发布，"
                        "提升信息查询利用的便捷度。"))
    blocks.append(("p", "（五）监督保障方面。将政务公开工作纳入年度目标绩效考核，组织开展业务培训"
                        f"{rng.randint(1, 6)}次，推动各项工作任务落实落地。"))


def _agency_from_title(title: str) -> str:
    m = re.match(r"^(.*?)\s*(?:\d{4}|二〇..)\s*年", title)
    return (m.group(1) if m else title).strip() or title


# ----------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------

_MSO_HEAD = """<!--[if gte mso 9]><xml>
 <w:WordDocument><w:View>Normal</w:View><w:Zoom>0</w:Zoom><w:PunctuationKerning/>
 <w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing></w:WordDocument>
</xml><![endif]-->
<style>
<!-- p.MsoNormal, li.MsoNormal, div.MsoNormal {mso-style-parent:""; margin:0cm; text-align:justify;
 text-justify:inter-ideograph; mso-pagination:none; font-size:10.5pt; font-family:"Times New Roman";
 mso-fareast-font-family:宋体; mso-font-kerning:1.0pt;}
 table.MsoNormalTable {mso-style-name:普通表格; mso-tstyle-rowband-size:0; mso-padding-alt:0cm 5.4pt 0cm 5.4pt;} -->
</style>"""


def _esc_lines(text: str, sep: str = "<br>") -> str:
    return sep.join(_html.escape(t, quote=False) for t in text.split("\n"))


def _html_cell_text(x: Cell, mso: bool, rng: random.Random) -> str:
    if not mso:
        return f"<p style=\"text-align:center\"><span style=\"font-size:12px\">{_esc_lines(x.text)}</span></p>"
    font = "font-size:9.0pt;font-family:宋体;mso-ascii-font-family:\"Times New Roman\";mso-hansi-font-family:\"Times New Roman\""
    text = x.text
    if x.kind == "num" and len(text) >= 2 and rng.random() < 0.4:
        cut = rng.randint(1, len(text) - 1)
        inner = (f"<span lang=EN-US style='{font}'>{_html.escape(text[:cut])}</span>"
                 f"<span lang=EN-US style='{font};mso-bidi-font-weight:bold'>{_html.escape(text[cut:])}</span>")
    elif x.kind == "num":
        inner = f"<span lang=EN-US style='{font}'>{_html.escape(text)}<o:p></o:p></span>"
    elif not text:
        inner = f"<span lang=EN-US style='{font}'><o:p>&nbsp;</o:p></span>"
    else:
        inner = f"<span style='{font}'>{_esc_lines(text, '<br>')}<span lang=EN-US><o:p></o:p></span></span>"
    return (f"<p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan;"
            f"layout-grid-mode:char'>{inner}</p>")


def _html_table(g: Grid, mso: bool, rng: random.Random) -> str:
    total = sum(g.widths)
    by_row: dict = {}
    for x in g.cells:
        by_row.setdefault(x.r, []).append(x)
    if mso:
        out = ["<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0 width=600 "
               "style='width:450.0pt;border-collapse:collapse;mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"]
    else:
        out = ["<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\" style=\"border-collapse:collapse\">"]
    for r in range(g.nrows):
        out.append(f"<tr style='mso-yfti-irow:{r}'>" if mso else "<tr>")
        for x in sorted(by_row.get(r, []), key=lambda x: x.c):
            attrs = ""
            if x.rs > 1:
                attrs += f" rowspan=\"{x.rs}\""
            if x.cs > 1:
                attrs += f" colspan=\"{x.cs}\""
            w = sum(g.widths[x.c:x.c + x.cs]) * 100 / total
            if mso:
                attrs += (f" width={int(w * 6)} style='width:{w * 4.5:.1f}pt;border:solid windowtext 1.0pt;"
                          "mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'")
            else:
                attrs += f" width=\"{w:.0f}%\""
            out.append(f"<td{attrs}>{_html_cell_text(x, mso, rng)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def _page(title: str, body: str, charset: bool, mso: bool = False, site: str = "示例县人民政府",
          column: str = "政府信息公开年报", date: str = "") -> str:
    meta = '<meta charset="utf-8">\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n' if charset else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}<title>{_html.escape(title)}_{_html.escape(site)}</title>
<meta name="ArticleTitle" content="{_html.escape(title)}">
<meta name="PubDate" content="{_html.escape(date)}">
<meta name="ColumnName" content="{_html.escape(column)}">
<link rel="stylesheet" href="/images/common.css">
{_MSO_HEAD if mso else ""}
</head>
<body>
<div class="header"><div class="logo"><a href="/">{_html.escape(site)}</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">{_html.escape(column)}</a></div>
<div class="article">
<h1 class="title">{_html.escape(title)}</h1>
<div class="info"><span>发布时间：{_html.escape(date)}</span><span>来源：{_html.escape(site)}</span><span>浏览次数：<script>document.write(Math.floor(Math.random()*900))</script></span><span>【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a>】</span></div>
<div class="TRS_Editor" id="zoom">
{body}
</div>
<div class="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a></div>
</div>
<div class="footer"><p>主办：{_html.escape(site)}办公室　技术支持：示例信息技术有限公司</p><p>网站标识码：0000000000　备案号：示ICP备00000000号</p></div>
</body>
</html>
"""


def _pub_date(date_cn: str) -> str:
    m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", date_cn)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else date_cn


def render_html(report: dict, quirks: frozenset = frozenset(), charset: bool = True) -> str:
    """The report as a portal article page (str)."""
    doc = build_doc(report, quirks)
    mso = "mso" in quirks
    rng = random.Random(f"html/{report['title']}")
    pc = "class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt' " if mso else "style=\"text-indent:2em\" "
    parts = []
    for kind, val in doc.blocks:
        if kind == "title":
            continue  # the page heading carries the title; repeat it centred like pasted Word text
        if kind == "p":
            parts.append(f"<p {pc}>{_html.escape(val)}</p>")
        elif kind in ("h", "h3"):
            parts.append(f"<p {pc}><strong>{_html.escape(val)}</strong></p>")
        elif kind == "table":
            parts.append(_html_table(val, mso, rng))
        elif kind == "pagebreak":
            parts.append(f"<p style=\"text-align:center;page-break-before:always\">{_html.escape(val)}</p>")
        elif kind == "sign":
            parts.append(f"<p style=\"text-align:right\">{_html.escape(val)}</p>")
    parts.insert(0, f"<p style=\"text-align:center\"><strong>{_html.escape(doc.title)}</strong></p>")
    agency = report.get("agency") or _agency_from_title(report["title"])
    return _page(doc.title, "\n".join(parts), charset, mso, site=agency, date=_pub_date(doc.date))


# ----------------------------------------------------------------------------------------------
# Text
# ----------------------------------------------------------------------------------------------

def _text_table(g: Grid) -> str:
    """Seed-fixture style: each row's cells one per line, tab-prefixed; vertical-merge continuations blank."""
    lines = []
    occupied: dict = {}
    for x in g.cells:
        for rr in range(x.r + 1, x.r + x.rs):
            occupied[(rr, x.c)] = x
    origin = g.origin()
    for r in range(g.nrows):
        row = []
        c = 0
        while c < g.ncols:
            if (r, c) in origin:
                x = origin[(r, c)]
                row.append("\t" + x.text)
                c += x.cs
            elif (r, c) in occupied:
                row.append("\t")
                c += occupied[(r, c)].cs
            else:
                c += 1
        lines.append("\n".join(row))
    return "\n\n".join(lines) + "\n"


def render_text(report: dict, quirks: frozenset = frozenset()) -> str:
    doc = build_doc(report, quirks)
    out = ["", ""]
    for kind, val in doc.blocks:
        if kind == "table":
            out.append(_text_table(val))
        elif kind == "pagebreak":
            out.append(f"\n{val}\n\f")
        else:
            out.append(val)
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------
# DOCX
# ----------------------------------------------------------------------------------------------

def render_docx(report: dict, quirks: frozenset = frozenset()) -> bytes:
    """python-docx document with merged cells as on the official form.

    Without "split" section 三 starts on a new page (its table fits one page); with "split" section
    二 starts a page instead, so that table 三 runs over the page end when the document is paginated.
    """
    import docx
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = build_doc(report, quirks, split_tables=False)
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(18)
    sec.top_margin = sec.bottom_margin = Mm(20)
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), "宋体")
    usable = 210 - 36
    split = "split" in quirks
    for kind, val in doc.blocks:
        if kind == "title":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(val)
            run.bold = True
            run.font.size = Pt(18)
        elif kind == "p":
            p = d.add_paragraph(val)
            p.paragraph_format.first_line_indent = Pt(21)
        elif kind in ("h", "h3"):
            p = d.add_paragraph()
            p.add_run(val).bold = True
            if (kind == "h3" and not split) or (split and val.startswith("二、")):
                p.paragraph_format.page_break_before = True
        elif kind == "sign":
            d.add_paragraph(val).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "table":
            t = _docx_table(d, val, usable, Mm, Pt, WD_ALIGN_PARAGRAPH, WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT)
            if split and any(x.key and x.key.startswith("req_") for x in val.cells):
                # taller than a page, and starting mid-page: it must continue on the next page
                for row in t.rows:
                    row.height = Mm(262 / val.nrows)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _docx_table(d, grid: Grid, usable_mm, Mm, Pt, WD_ALIGN_PARAGRAPH, VALIGN, TALIGN):
    from docx.oxml.ns import qn

    t = d.add_table(rows=grid.nrows, cols=grid.ncols)
    t.style = "Table Grid"
    t.alignment = TALIGN.CENTER
    t.autofit = False
    scale = usable_mm / sum(grid.widths)
    widths = [Mm(w * scale) for w in grid.widths]
    for gc, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(int(w.twips)))
    # table.cell() recomputes the whole cell list on every call; take it once (merges do not overlap,
    # so each merge leaves the other regions' <w:tc> elements in place).
    flat = t._cells
    cells = [flat[i * grid.ncols:(i + 1) * grid.ncols] for i in range(grid.nrows)]
    for row in cells:
        for j, cell in enumerate(row):
            cell.width = widths[j]
    for x in grid.cells:
        if x.rs > 1 or x.cs > 1:
            cells[x.r][x.c] = cells[x.r][x.c].merge(cells[x.r + x.rs - 1][x.c + x.cs - 1])
    size = Pt(7.5) if grid.ncols > 10 else Pt(9)
    for x in grid.cells:
        cell = cells[x.r][x.c]
        cell.text = x.text
        cell.vertical_alignment = VALIGN.CENTER
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if x.kind != "label" or x.c > 0 or grid.ncols != 4 else WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.space_before = Pt(0)
            for run in p.runs:
                run.font.size = size
    return t


# ----------------------------------------------------------------------------------------------
# reportlab PDF
# ----------------------------------------------------------------------------------------------

_RL_FONT = "STSong-Light"


def rl_table(g: "Grid", width: float, font_size: float | None = None, leading: float | None = None):
    """A reportlab Table of a Grid: ruled, centred CJK cells, spans, columns scaled to ``width``."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    small = g.ncols > 10
    fs = font_size or (6.5 if small else 8)
    cs = ParagraphStyle("cell", fontName=_RL_FONT, fontSize=fs, leading=leading or (8 if small else 10),
                        alignment=TA_CENTER, wordWrap="CJK")
    data = [[""] * g.ncols for _ in range(g.nrows)]
    style = [("GRID", (0, 0), (-1, -1), 0.6, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("LEFTPADDING", (0, 0), (-1, -1), 1.5), ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    for x in g.cells:
        data[x.r][x.c] = Paragraph(_html.escape(x.text).replace("\n", "<br/>"), cs) if x.text else ""
        if x.rs > 1 or x.cs > 1:
            style.append(("SPAN", (x.c, x.r), (x.c + x.cs - 1, x.r + x.rs - 1)))
    scale = width / sum(g.widths)
    return Table(data, colWidths=[w * scale for w in g.widths], style=TableStyle(style))


def render_pdf_reportlab(report: dict, quirks: frozenset = frozenset()) -> bytes:
    """A ruled-table PDF drawn with reportlab (CID font, text layer); "split" breaks the page inside table 三."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    if _RL_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_RL_FONT))
    doc = build_doc(report, quirks)
    body = ParagraphStyle("body", fontName=_RL_FONT, fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, firstLineIndent=0, fontSize=11.5, spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=24, alignment=TA_CENTER, firstLineIndent=0,
                           spaceAfter=10)
    sign = ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    frame_w = A4[0] - 36 * mm
    story = []

    def table(g: Grid):
        return rl_table(g, frame_w)

    for kind, val in doc.blocks:
        if kind == "title":
            story.append(Paragraph(_html.escape(val), title))
        elif kind == "p":
            story.append(Paragraph(_html.escape(val), body))
        elif kind == "h":
            story.append(Paragraph(_html.escape(val), head))
        elif kind == "h3":
            if "split" not in quirks:
                story.append(CondPageBreak(150 * mm))
            story.append(Paragraph(_html.escape(val), head))
        elif kind == "pagebreak":
            story.append(PageBreak())
        elif kind == "table":
            t = table(val)
            story.append(CondPageBreak(min(t.wrap(frame_w, A4[1])[1] + 4, 240 * mm)))
            story.append(t)
            story.append(Spacer(1, 4))
        elif kind == "sign":
            story.append(Paragraph(_html.escape(val), sign))

    def page_no(canvas, d):
        canvas.setFont(_RL_FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"— {d.page} —")

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                      bottomMargin=18 * mm, title=doc.title, author=report.get("agency", ""),
                      invariant=1).build(story, onFirstPage=page_no, onLaterPages=page_no)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------
# LibreOffice and rasterising
# ----------------------------------------------------------------------------------------------

_LO_TARGETS = {"pdf": ("pdf:writer_pdf_Export", "pdf"), "doc": ("doc:MS Word 97", "doc"), "rtf": ("rtf", "rtf")}
_CACHE: dict = {}
_CACHE_MAX = 32


def have_soffice() -> bool:
    return shutil.which("soffice") is not None


def convert_many(docx_files: list, target: str, timeout: float = 600) -> list:
    """Convert DOCX documents (bytes) to ``target`` ("pdf", "doc" or "rtf") in ONE soffice run,
    through the parser's LibreOffice driver (``parsers.office.convert_files``). Returns the
    converted bytes in order."""
    from parsers.office import convert_files
    if target not in _LO_TARGETS:
        raise ValueError(f"unknown LibreOffice target {target!r}")
    if not have_soffice():
        raise RuntimeError("LibreOffice (soffice) is not installed")
    filt, ext = _LO_TARGETS[target]
    if not docx_files:
        return []
    with tempfile.TemporaryDirectory(prefix="nianbao-conv-") as tmp:
        names = []
        for i, data in enumerate(docx_files):
            p = os.path.join(tmp, f"d{i:05d}.docx")
            with open(p, "wb") as fh:
                fh.write(data)
            names.append(p)
        out = os.path.join(tmp, "out")
        finished = convert_files(names, out, filt, timeout)
        results = []
        for p in names:
            q = os.path.join(out, Path(p).stem + "." + ext)
            if not os.path.exists(q):
                raise RuntimeError(f"soffice did not produce {Path(q).name}"
                                   + ("" if finished else f" (killed after {timeout:.0f} s)"))
            with open(q, "rb") as fh:
                results.append(fh.read())
        return results


def _converted(report: dict, quirks: frozenset, target: str) -> bytes:
    key = (json.dumps(report, sort_keys=True, ensure_ascii=False), tuple(sorted(quirks)), target)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = convert_many([render_docx(report, quirks)], target)[0]
    return _CACHE[key]


def _page_images(pdf_path: str, dpi: int, engine: str) -> list:
    from PIL import Image

    if engine == "auto":
        # poppler without poppler-data cannot draw non-embedded CID fonts (reportlab's STSong-Light);
        # pdfium substitutes a system CJK font. LibreOffice PDFs embed their fonts: pdftoppm is fine.
        with open(pdf_path, "rb") as fh:
            head = fh.read()
        embedded = b"/FontFile" in head
        engine = "pdftoppm" if embedded or not _have_pdfium() else "pdfium"
    if engine == "pdfium":
        import pypdfium2

        doc = pypdfium2.PdfDocument(pdf_path)
        try:
            return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
        finally:
            doc.close()
    tmp = tempfile.mkdtemp(prefix="nianbao-ras-")
    try:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", pdf_path, os.path.join(tmp, "p")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        files = sorted(f for f in os.listdir(tmp) if f.endswith(".png"))
        out = []
        for f in files:
            with Image.open(os.path.join(tmp, f)) as im:
                out.append(im.convert("L"))
        return out
    finally:
        shutil.rmtree(tmp, True)


def _have_pdfium() -> bool:
    try:
        import pypdfium2  # noqa: F401
        return True
    except ImportError:
        return False


def rasterize(pdf: bytes, out: str = "pdf", dpi: int = 200, pages_with=None, engine: str = "auto") -> bytes:
    """PDF bytes -> image-only PDF ("pdf", no text layer) or one PNG of the pages stacked vertically ("png").

    ``pages_with``: keep only the pages whose text contains one of these strings (PNG of the table pages).
    ``engine``: "pdftoppm", "pdfium" (pypdfium2) or "auto" (pdftoppm when the fonts are embedded).
    """
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="nianbao-ras-") as tmp:
        src = os.path.join(tmp, "in.pdf")
        with open(src, "wb") as fh:
            fh.write(pdf)
        images = _page_images(src, dpi, engine)
        if pages_with:
            import pdfplumber

            with pdfplumber.open(src) as doc:
                texts = [re.sub(r"\s+", "", p.extract_text() or "") for p in doc.pages]
            keep = [im for im, t in zip(images, texts) if any(s in t for s in pages_with)]
            images = keep or images
        buf = io.BytesIO()
        if out == "png":
            w = max(i.width for i in images)
            sheet = Image.new("L", (w, sum(i.height for i in images)), 255)
            y = 0
            for im in images:
                sheet.paste(im, (0, y))
                y += im.height
            sheet.save(buf, "PNG")
        else:
            images[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
        return buf.getvalue()


_TABLE_PAGE_MARKERS = ("信息内容", "申请人情况", "结果维持")


def render(report: dict, medium: str, quirks: frozenset = frozenset()) -> bytes:
    """Render ``report`` as a whole document in ``medium`` (see module docstring) with ``quirks``."""
    quirks = frozenset(quirks)
    _Style(report, quirks)  # validates quirk names
    if medium == "html":
        return render_html(report, quirks, charset=True).encode("utf-8")
    if medium == "html-gbk":
        return render_html(report, quirks, charset=False).encode("gbk", errors="xmlcharrefreplace")
    if medium == "text":
        return render_text(report, quirks).encode("utf-8")
    if medium == "docx":
        return render_docx(report, quirks)
    if medium == "pdf-reportlab":
        return render_pdf_reportlab(report, quirks)
    if medium in ("pdf", "doc", "rtf", "wps"):
        return _converted(report, quirks, "doc" if medium == "wps" else medium)
    if medium in ("scan-pdf", "png"):
        pdf = _converted(report, quirks, "pdf") if have_soffice() else render_pdf_reportlab(report, quirks)
        if medium == "png":
            return rasterize(pdf, "png", pages_with=_TABLE_PAGE_MARKERS)
        return rasterize(pdf, "pdf")
    raise ValueError(f"unknown medium {medium!r}; expected one of {MEDIA}")


# ----------------------------------------------------------------------------------------------
# Legacy reports and non-reports
# ----------------------------------------------------------------------------------------------

def render_legacy(year: int = 2017, agency: str = "示例县人民政府", seed: int = 0, charset: bool = True) -> bytes:
    """HTML of a pre-2019 report (format "legacy"): numbers in prose and an ad-hoc two-column table."""
    rng = random.Random(f"legacy/{year}/{agency}/{seed}")
    title = f"{agency}{year}年政府信息公开工作年度报告"
    active = rng.randint(300, 9000)
    apps = rng.randint(0, 200)
    granted = rng.randint(0, apps)
    partly = rng.randint(0, apps - granted)
    rest = apps - granted - partly
    review, suits = rng.randint(0, 5), rng.randint(0, 3)
    rows = [("一、主动公开政府信息数", "条", active), ("　其中：主动公开规范性文件数", "条", rng.randint(0, 40)),
            ("　　　　制发规范性文件总数", "件", rng.randint(0, 60)),
            ("二、回应解读情况", "—", ""), ("　（一）回应公众关注热点或重大舆情数", "次", rng.randint(0, 30)),
            ("三、依申请公开情况", "—", ""), ("　（一）收到申请数", "件", apps),
            ("　　1.当面申请数", "件", rng.randint(0, apps)), ("　（二）申请办结数", "件", apps),
            ("　　1.按时办结数", "件", apps), ("　（三）申请答复数", "件", apps),
            ("　　1.属于已主动公开范围数", "件", granted), ("　　2.同意公开答复数", "件", partly),
            ("　　3.不属于本行政机关公开数", "件", rest),
            ("四、行政复议数量", "件", review), ("五、行政诉讼数量", "件", suits),
            ("六、举报投诉数量", "件", rng.randint(0, 4)), ("七、依申请公开信息收取的费用", "万元", 0)]
    trs = "\n".join(f"<tr><td><p><span>{_html.escape(a)}</span></p></td><td><p><span>{u}</span></p></td>"
                    f"<td><p><span>{v}</span></p></td></tr>" for a, u, v in rows)
    body = f"""<p style="text-align:center"><strong>{_html.escape(title)}</strong></p>
<p>本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{agency}编制。全文包括概述，主动公开政府信息情况，依申请公开政府信息情况，政府信息公开的收费及减免情况，因政府信息公开申请提起行政复议、提起行政诉讼的情况，政府信息公开工作存在的主要问题及改进情况。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>
<p><strong>一、概述</strong></p>
<p>{year}年，我{agency[-4:-2] if len(agency) > 4 else '单位'}认真贯彻落实《条例》，全年主动公开政府信息{active}条，其中通过政府网站公开{int(active * 0.8)}条。</p>
<p><strong>二、依申请公开政府信息情况</strong></p>
<p>全年共受理政府信息公开申请{apps}件，其中已主动公开{granted}件，同意公开{partly}件，其他{rest}件，均已按时答复。</p>
<p><strong>三、政府信息公开的收费及减免情况</strong></p>
<p>{year}年未收取任何费用。</p>
<p><strong>四、因政府信息公开申请提起行政复议、提起行政诉讼的情况</strong></p>
<p>全年因政府信息公开申请提起行政复议{review}件，提起行政诉讼{suits}件。</p>
<p><strong>五、政府信息公开工作存在的主要问题及改进情况</strong></p>
<p>主要问题是公开内容不够全面，更新不够及时。下一步将进一步加强制度建设，提高公开质量。</p>
<p>附表：政府信息公开情况统计表</p>
<table border="1" cellspacing="0" cellpadding="0"><tr><td><p><span>统计指标</span></p></td><td><p><span>单位</span></p></td><td><p><span>统计数</span></p></td></tr>
{trs}
</table>
<p style="text-align:right">{_html.escape(agency)}</p>
<p style="text-align:right">{year + 1}年3月{rng.randint(1, 31)}日</p>"""
    page = _page(title, body, charset, site=agency, date=f"{year + 1}-03-{rng.randint(10, 31)}")
    return page.encode("utf-8") if charset else page.encode("gbk", errors="xmlcharrefreplace")


def render_non_report(kind: str = "guide", agency: str = "示例县人民政府", year: int = 2023, seed: int = 0) -> bytes:
    """HTML of a page that is NOT an annual report but mentions 年度报告: "guide", "plan" or "news"."""
    rng = random.Random(f"non/{kind}/{agency}/{year}/{seed}")
    if kind == "guide":
        title = f"{agency}政府信息公开指南"
        body = f"""<p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。</p>
<p><strong>一、主动公开</strong></p><p>（一）公开范围。本机关主动公开机构职能、政策文件、规划计划、财政预决算、政府信息公开工作年度报告等信息。</p>
<p>（二）公开方式。通过政府门户网站、政务新媒体、政府公报等方式公开。</p>
<p><strong>二、依申请公开</strong></p><p>（一）受理机构：{agency}办公室。办公地址：示例县人民路{rng.randint(1, 200)}号，邮政编码：000000，联系电话：0000-{rng.randint(1000000, 9999999)}。</p>
<p>（二）申请方式：申请人可以通过网络、信函、当面等方式提出申请。本机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。</p>
<p><strong>三、监督方式</strong></p><p>公民、法人或者其他组织认为本机关未依法履行政府信息公开义务的，可以向上一级行政机关举报。每年1月31日前，本机关向社会公布上一年度政府信息公开工作年度报告。</p>"""
        column = "政府信息公开指南"
    elif kind == "plan":
        title = f"{agency}办公室关于印发{year}年政务公开工作要点的通知"
        body = f"""<p>各乡镇人民政府、县政府各部门：</p><p>现将《{agency}{year}年政务公开工作要点》印发给你们，请结合实际认真贯彻落实。</p>
<p style="text-align:center"><strong>{agency}{year}年政务公开工作要点</strong></p>
<p>一、加强政策发布解读。围绕中心工作做好政策文件的发布和解读，全年解读率达到100%。</p>
<p>二、深化重点领域信息公开。持续做好财政预决算、重大建设项目、公共资源配置等领域信息公开。</p>
<p>三、规范依申请公开办理。严格依法答复，规范答复文书，降低行政复议纠错率。</p>
<p>四、抓好基础工作。各单位要于{year + 1}年1月31日前在政府门户网站发布本单位{year}年政府信息公开工作年度报告，年度报告须使用统一格式，确保数据准确、勾稽关系正确。</p>"""
        column = "政务公开工作要点"
    elif kind == "news":
        title = f"{agency}召开{year}年政务公开工作推进会"
        body = f"""<p>{year}年{rng.randint(3, 11)}月{rng.randint(1, 28)}日，{agency}召开政务公开工作推进会，总结上一阶段工作，部署下一步任务。</p>
<p>会议通报了各单位政府信息公开工作年度报告编制发布情况，指出部分单位年度报告存在数据勾稽关系错误、表格格式不规范等问题，要求限期整改。</p>
<p>会议强调，要进一步提高思想认识，压实工作责任，以公开促落实、促规范、促服务。各乡镇、各部门分管负责同志参加会议。</p>"""
        column = "工作动态"
    else:
        raise ValueError(f"unknown non-report kind {kind!r}; expected guide, plan or news")
    body = f"<p style=\"text-align:center\"><strong>{_html.escape(title)}</strong></p>\n{body}"
    return _page(title, body, True, site=agency, column=column,
                 date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}").encode("utf-8")


# ----------------------------------------------------------------------------------------------
# Demo portal data
# ----------------------------------------------------------------------------------------------

def demo_reports() -> list:
    """Report dicts for the demo portals: the five real seed reports (copied into ``reports/``)
    plus synthetic ones, among them a 2019-format report on 2020."""
    out = []
    for p in sorted(REPORTS_DIR.glob("*.json")):
        with open(p, encoding="utf-8") as fh:
            rep = json.load(fh)
        rep.setdefault("agency", _agency_from_title(rep["title"]))
        rep.setdefault("source", p.name)
        out.append(rep)
    out.append(random_report("2021", 2022, "示例市人民政府办公室", seed=1))
    out.append(random_report("2019", 2020, "示例县人民政府", seed=2))
    out.append(random_report("2021", 2023, "示例县教育局", seed=3, blanks=2))
    return out


# ----------------------------------------------------------------------------------------------
# Corpus CLI
# ----------------------------------------------------------------------------------------------

_AGENCIES = ("示例县人民政府", "示例市人民政府办公室", "示例区人民政府", "示例县财政局", "示例市生态环境局",
             "示例镇人民政府", "示例县卫生健康委员会", "示例区教育局", "示例市公安局", "示例县自然资源局")


def _corpus_report(rng: random.Random, i: int) -> dict:
    year = rng.choice([2019, 2020, 2021, 2022, 2023, 2023, 2024])
    fmt = "2019" if year <= 2020 else "2021"
    blanks = rng.choice([0, 0, 0, 0, 1, 3])
    return random_report(fmt, year, rng.choice(_AGENCIES), seed=i, blanks=blanks)


def _corpus_quirks(rng: random.Random, medium: str) -> frozenset:
    pool = ["wrapped", "slash", "fullwidth", "thousands", "variants", "split"]
    if medium.startswith("html"):
        pool.append("mso")
    q = {x for x in pool if rng.random() < 0.2}
    return frozenset(q)


def build_corpus(outdir: str, html: int = 0, pdf: int = 0, docx: int = 0, doc: int = 0, scan: int = 0,
                 text: int = 0, lo_share: float = 0.2, seed: int = 0, log=print) -> dict:
    """Write a corpus of rendered reports plus ``<name>.expected.json`` beside each; returns counts.

    PDFs: a share ``lo_share`` goes through LibreOffice (one soffice run for all of them), the rest
    is drawn with reportlab. DOC files: one soffice run. Scans rasterise reportlab PDFs.
    """
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(f"corpus/{seed}")
    jobs = []  # (name, medium, report, quirks)
    n_lo_pdf = round(pdf * lo_share) if have_soffice() else 0
    plan = ([("html", "html" if rng.random() < 0.7 else "html-gbk") for _ in range(html)]
            + [("pdf", "pdf" if k < n_lo_pdf else "pdf-reportlab") for k in range(pdf)]
            + [("docx", "docx")] * docx + [("doc", "doc")] * doc + [("scan", "scan-pdf")] * scan
            + [("text", "text")] * text)
    counters: dict = {}
    for i, (group, medium) in enumerate(plan):
        counters[group] = counters.get(group, 0) + 1
        rep = _corpus_report(rng, i)
        jobs.append((f"{group}-{counters[group]:04d}", medium, rep, _corpus_quirks(rng, medium)))
    counts: dict = {}

    def write(name, medium, rep, quirks, data):
        ext = EXTENSIONS[medium]
        with open(os.path.join(outdir, f"{name}.{ext}"), "wb") as fh:
            fh.write(data)
        meta = dict(rep, rendered={"medium": medium, "quirks": sorted(quirks), "file": f"{name}.{ext}"})
        with open(os.path.join(outdir, f"{name}.expected.json"), "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False, indent=1)
        counts[medium] = counts.get(medium, 0) + 1

    t0 = time.time()
    lo = {"pdf": [], "doc": []}
    for name, medium, rep, quirks in jobs:
        if medium in ("pdf", "doc"):
            if not have_soffice():
                medium = "pdf-reportlab" if medium == "pdf" else "docx"
            else:
                lo[medium].append((name, medium, rep, quirks, render_docx(rep, quirks)))
                continue
        if medium == "scan-pdf":
            write(name, medium, rep, quirks, rasterize(render_pdf_reportlab(rep, quirks), "pdf"))
        else:
            write(name, medium, rep, quirks, render(rep, medium, quirks))
    for target, items in lo.items():
        if items:
            for (name, medium, rep, quirks, _), data in zip(items, convert_many([x[4] for x in items], target)):
                write(name, medium, rep, quirks, data)
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    log(f"corpus: {sum(counts.values())} documents in {outdir} ({summary}) in {time.time() - t0:.1f}s")
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.demo.documents", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus", help="write a corpus of rendered reports with expected.json beside each")
    c.add_argument("outdir")
    for m in ("html", "pdf", "docx", "doc", "scan", "text"):
        c.add_argument(f"--{m}", type=int, default=0, help=f"number of {m} documents")
    c.add_argument("--lo-share", type=float, default=0.2, help="share of PDFs made by LibreOffice (rest: reportlab)")
    c.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("render", help="render one random report to stdout")
    r.add_argument("medium", choices=MEDIA)
    r.add_argument("--format", default="2021", choices=schema.TABLE_FORMATS)
    r.add_argument("--year", type=int, default=2023)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--quirks", default="", help="comma-separated: " + ",".join(QUIRKS))
    a = ap.parse_args(argv)
    if a.cmd == "corpus":
        build_corpus(a.outdir, a.html, a.pdf, a.docx, a.doc, a.scan, a.text, a.lo_share, a.seed)
    else:
        q = frozenset(x for x in a.quirks.split(",") if x)
        sys.stdout.buffer.write(render(random_report(a.format, a.year, seed=a.seed), a.medium, q))
    return 0


if __name__ == "__main__":
    sys.exit(main())
