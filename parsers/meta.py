"""What a document is: its title, year, publishing agency, and whether it is an annual report."""
from __future__ import annotations

import re

from . import schema, titles
from .normalize import nfkc, squash

_REPORT_WORDS = titles.DOCUMENT_REPORT_WORDS
_DISCLOSURE = titles.DOCUMENT_DISCLOSURE
# titles of documents that are about reports but are not one
_NOT_REPORT = titles.DOCUMENT_NOT_REPORT
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d\d)\s*年")
_PERIOD = re.compile(r"统计(?:期限|时限|区间|时间|周期)[^。]{0,20}?((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日")
_AGENCY_END = re.compile(r"(人民政府|政府|办公室|办公厅|局|委员会|委|厅|部|署|镇|乡|街道|街道办事处|办事处|区|县|市|州|盟|旗"
                         r"|中心|院|所|会|处|办|队|站|公司|集团)$")
_DATE_LINE = re.compile(r"^(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def find_title(text: str, hint: str | None = None) -> str | None:
    """The report's title without the brackets some print around it (《…》)."""
    title = _find_title(text, hint)
    if title:
        title = re.sub(r"^[《〈“\"「『【]+|[》〉”\"」』】]+$", "", title) or title
    return title


def _find_title(text: str, hint: str | None = None) -> str | None:
    """The report's title: the medium's hint when it names a report, else the first lines of the
    text that do (a title broken over lines is joined)."""
    if hint:
        h = re.split(r"[_|｜]|\s-\s", squash(hint))[0]
        if _REPORT_WORDS.search(h):
            return h
    lines = [squash(ln) for ln in nfkc(text).split("\n")]
    lines = [ln for ln in lines if ln][:200]
    # a title line names a report; one with a year beats a menu entry such as 政府信息公开年报
    with_year = [i for i, ln in enumerate(lines) if _REPORT_WORDS.search(ln) and len(ln) <= 80
                 and _YEAR_IN_TITLE.search(ln) and not re.search(r"[。；]", ln) and not _cites(ln)]
    plain = [i for i, ln in enumerate(lines[:25]) if _REPORT_WORDS.search(ln) and len(ln) <= 80
             and not re.search(r"[。；]", ln) and not _cites(ln)]
    for i in (with_year or plain)[:1]:
        ln = lines[i]
        title = ln
        j = i - 1
        # join a preceding line that is the agency name or the first half of the title
        # only a title that opens with its year or with 年度报告 lacks its agency on this line
        joinable = (re.match(r"^((?:19|20)\d\d|年度报告|年报|政府信息公开|政务公开|信息公开|工作)", title)
                    or not _YEAR_IN_TITLE.search(title))
        while joinable and j >= 0 and len(title) < 60 and len(lines[j]) <= 40 and (
                _AGENCY_END.search(lines[j]) or re.search(r"(工作|信息公开|政务公开|年)$", lines[j])):
            if re.search(r"[。；;：:，,]", lines[j]):
                break
            title = lines[j] + title
            j -= 1
            # one agency line is the whole agency: a line above it is the portal's own name
            if _AGENCY_END.search(lines[j + 1]) or (_YEAR_IN_TITLE.search(title) and not re.match(r"^(19|20)\d\d", title)):
                break
        if re.search(r"(工作|信息公开|政务公开|年)$", title) and i + 1 < len(lines) and len(lines[i + 1]) <= 10:
            title += lines[i + 1]
        return title
    if hint:
        return re.split(r"[_|｜]|\s-\s", squash(hint))[0] or None
    return None


_CITATION = re.compile(r"(按照|根据|依据|要求|通知|印发|报告格式|〈)")


def _cites(line: str) -> bool:
    """A line citing a document about reports (按照《…关于印发〈…年度报告格式〉的通知》要求, a
    PDF line of it wrapped short): no title, though it names a 年度报告."""
    return bool(_CITATION.search(line)) or "《" in line[1:]


def find_year(title: str | None, text: str) -> int | None:
    """The year reported on: from the title, else the statistics period, else 'YYYY年度'."""
    if title:
        m = _YEAR_IN_TITLE.search(title)
        if m:
            return int(m.group(1))
    t = squash(text[:20000])
    m = _PERIOD.search(t)
    if m:
        return int(m.group(1))
    m = re.search(r"((?:19|20)\d\d)年度", t)
    if m:
        return int(m.group(1))
    return None


def find_agency(title: str | None, text: str) -> str | None:
    """The publishing body: the title before its year, else the signature above the closing date."""
    if title:
        m = re.match(r"^(.*?)(?:关于)?(?:(?:19|20)\d\d)\s*年", title)
        if m:
            name = re.sub(r"[《“\"（(]+$", "", m.group(1)).strip()
            if len(name) >= 2:
                return name
    lines = [squash(ln) for ln in text.split("\n") if ln.strip()]
    for i in range(len(lines) - 1, max(len(lines) - 8, 0) - 1, -1):
        if _DATE_LINE.match(lines[i]) and i > 0 and _AGENCY_END.search(lines[i - 1]) and len(lines[i - 1]) <= 40:
            return lines[i - 1]
    return None


def detect_format(text: str, year: int | None) -> str | None:
    """'2021' or '2019' from the tables' column headers, falling back to the year."""
    t = squash(text).replace("/", "")
    scores = {fmt: len(set(p.findall(t))) for fmt, p in schema.format_markers().items()}
    if (year is not None and year >= 2021 and (scores["2021"] or re.search(r"第二十条第[(（]?五", t))
            and not _FORM_2019_ROWS.search(t)):
        # a report on 2021 or later keeping of the old form only its first table's column words
        # (本年新制作数量 …): its other rows show the new form's words or cells
        return "2021"
    best = max(scores, key=scores.get)
    if scores[best] and list(scores.values()).count(scores[best]) == 1:
        return best
    if year is None:
        return None
    return "2021" if year >= 2021 else "2019" if year >= 2019 else "legacy"


# columns only the 2019 form has (its table 二 rows of three cells, 政府集中采购)
_FORM_2019_ROWS = re.compile(r"上一年项目数量|本年增减|采购项目数量|采购总金额")
_SECTION_HEADINGS = ("主动公开政府信息", "收到和处理政府信息公开申请", "行政复议", "存在的主要问题",
                     "依申请公开", "其他需要报告的事项")


def has_report_sections(text: str, need: int = 2) -> bool:
    """At least ``need`` of the report's statutory section headings appear in the text."""
    t = squash(text)
    return sum(1 for h in _SECTION_HEADINGS if h in t) >= need


_FORM_HEADINGS = re.compile(r"第二十条第[(（]?[一五六八][)）]?项")


def has_form_headings(text: str) -> bool:
    """The form's own table headings (第二十条第（一）项 …): the statutory table 二 printed."""
    return len(set(_FORM_HEADINGS.findall(squash(text)))) >= 2


def names_other_document(title: str | None) -> bool:
    """A title that says the document is about a report, not the report (a notice, an
    explainer, a guide): such a document is no report even when it reproduces the tables."""
    return bool(title) and bool(_NOT_REPORT.search(title))


def looks_like_report(title: str | None, text: str) -> bool:
    """A title (or opening lines) naming an information-disclosure annual report, and not a
    notice, guide or plan about one."""
    head = title or "".join(squash(ln) for ln in text.split("\n")[:8])
    if not (_REPORT_WORDS.search(head) and _DISCLOSURE.search(head + squash(text[:3000]))):
        return False
    return not _NOT_REPORT.search(head)
