"""The findings: what assessors check in every report, computed over the whole archive by
``publish`` (this module computes; ``Store.replace_findings`` writes).

Kinds (``findings.kind``), each with its evidence (JSON) and the reports it rests on:

- ``late``: published after the 条例's deadline (an agency's report by 31 January, a county-level
  or higher people's government's by 31 March of the next year). The publication date is the one
  the page states (发布日期 / 发布时间 in the text), else the date in the document's URL
  (``t20240126_…``, ``/art/2024/1/26/``); ``timeliness.date_source`` says which. Reports with no
  date anywhere are not judged.
- ``missing``: an agency that published a report for the year before and none for this one,
  once this year's deadline has passed.
- ``edited``: a document that changed at the same URL after publication, each version's report
  compared field by field with the one before it (every changed cell in ``report_edits``).
- ``carry_over``: 结转下年度继续办理 of year Y differs from 上年结转政府信息公开申请数量 of year
  Y+1 (per applicant column) for the same agency.
- ``stock``: 现行有效件数 of year Y+1 differs from that of year Y plus 本年制发件数 minus 本年废止件数
  (regulations, normative documents).
- ``prose``: a number the report states in its text (requests received, granted) differs from its
  own table. A sentence about the whole area (全县各单位共收到 …) is not about its own table.
- ``copied``: the report's prose repeats most of the same agency's previous year (the share of
  its sentences, by length, printed word for word but for numbers in the earlier report: the
  text ending in 。 outside the tables, so that a page's menus, footers and table labels, the
  same every year, do not count).
- ``incomplete``: a report on the national form (2019 or 2021 format) whose text lacks one of the
  form's six section headings (一、总体情况 … 六、其他需要报告的事项) or prints them out of order.
  Read from text layers only (a scan's reading may drop a heading).
- ``copied_other``: a report whose sentences, its own agency's name taken out, are those of another
  agency's report (the earliest such report is named; a template shared by many agencies shows
  as many findings pointing at one report). Only whole copies are found: sentences changed
  beyond names and numbers make another text.
- ``units``: a people's government whose report speaks for its whole area (全县 / 全区 / 全市 …
  收到 …) and whose totals (requests received, reviews, lawsuits) fall below the sum of its
  units' reports for that year (its departments and townships, ``agencies.parent_id``); the
  units with no report that year are listed.

The printed numbers are never changed: a finding only points at them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import struct

from parsers import schema

APPLICANTS = [c for c in schema.section3_columns()]
KIND_LABELS = {"late": "逾期发布", "missing": "缺报", "edited": "发布后修改", "carry_over": "结转数不衔接",
               "stock": "现行有效件数不衔接", "prose": "正文与表格不符", "copied": "照抄上年", "copied_other": "照抄其他机关",
               "incomplete": "缺少法定部分", "units": "全域数字小于所属单位之和"}
STOCKS = (("regulations", "规章"), ("normative_docs", "行政规范性文件"))
COPY_THRESHOLD = 0.75           # share of the prose (its sentences, by length) printed in the earlier report
GOVERNMENT_LEVELS = ("省级", "市级", "县级")
UNIT_TOTALS = (("req_new_total", "收到申请"), ("review_total", "行政复议"), ("suit_direct_total", "行政诉讼"))
_WHOLE_AREA = re.compile(r"全(?:县|区|市|省|旗|州|盟)[^。；\n]{0,24}(?:收到|受理)")

_DATE = r"[:：\s]*((?:19|20)\d\d)[-年/.](\d{1,2})[-月/.](\d{1,2})"
_PAGE_DATE = re.compile(r"(?:发布日期|发布时间|公开日期)" + _DATE)
_SIGNED_DATE = re.compile(r"(?:成文日期|日期)" + _DATE)   # the signature's date: after the URL's
_NOT_WORDS = re.compile(r"[\d\s，、；：（）()《》“”,.:;%]+")      # what a copy changes: numbers, spaces, punctuation
_NUMBER_SPACED = re.compile(r"[ \u3000]*\d[\d.,]*[ \u3000]*")     # 收到申请 12 件: spaces a PDF sets around numbers
# the form's six section headings, each at the start of a line, by its ordinal and its words (a
# table's row labels 一、本年新收 … 四、结转下年度 share the ordinals, not the words)
SECTIONS = (("一", "总体情况"), ("二", "主动公开政府信息情况"), ("三", "收到和处理政府信息公开申请情况"),
            ("四", "政府信息公开行政复议、行政诉讼情况"), ("五", "存在的主要问题及改进情况"), ("六", "其他需要报告的事项"))
_SECTION_HEADING = re.compile(r"\n[ \u3000]*([一二三四五六])[ \u3000]*[、.．，,][ \u3000]*"
                              r"(?:(总体情况|概述)|(主动公开)|(收到和处理|依申请)|(?:政府信息公开)?(行政复议|行政诉讼|因政府信息公开)"
                              r"|[^\n\t]{0,12}?(问题|改进)|(其他需要报告|其他事项))")
COPY_MIN_PROSE = 200         # characters of sentences: shorter texts say too little to be a copy
TEXT_MEDIA = ("html", "pdf", "docx", "doc", "wps", "rtf", "text")
_WHOLE_AREA_WORD = re.compile(r"全(?:县|区|市|省|旗|州|盟)")
_URL_DATES = (re.compile(r"/t((?:19|20)\d\d)(\d\d)(\d\d)_"), re.compile(r"/art/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/"),
              re.compile(r"/((?:19|20)\d\d)-?(\d\d)-?(\d\d)/"), re.compile(r"[/_]((?:19|20)\d\d)(\d\d)(\d\d)[/_.]"))
_PROSE = (
    ("req_new_total", "收到的申请", re.compile(r"(?:收到|受理)(?:各类)?(?:政府信息公开|依申请公开)?申请(?:共计|共)?\s*(\d+)\s*件")),
    ("req_granted_total", "予以公开", re.compile(r"其中[，,]?\s*予以公开\s*(\d+)\s*件")),
)


def deadline(agency: str | None, level: str | None, year: int) -> dt.date:
    """The 条例's deadline for the report on ``year``."""
    government = bool(agency and "人民政府" in agency and not re.search(r"办公室|办公厅|部门|局$", agency))
    if government and level in GOVERNMENT_LEVELS:
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


def publication_date(text: str | None, *urls: str | None) -> tuple[dt.date | None, str | None]:
    """The date a report was published and where it was read: ``page`` (the publication date the
    page states), ``url`` (the date in its address) or ``signed`` (成文日期 or a bare 日期, which
    may be the day it was signed rather than published)."""
    page, signed = _page_dates(text or "")
    return _dated(page, signed, urls)


def _page_dates(text: str) -> tuple[dt.date | None, dt.date | None]:
    """The publication date a page states and the date it was signed, if any."""
    head = text[:3000]
    page = next((_date(m) for m in _PAGE_DATE.finditer(head) if _date(m)), None)
    signed = next((_date(m) for m in _SIGNED_DATE.finditer(head)
                   if head[max(0, m.start() - 2):m.start()] not in ("发布", "公开") and _date(m)), None)
    return page, signed


def _dated(page, signed, urls) -> tuple[dt.date | None, str | None]:
    if page:
        return page, "page"
    for url in urls:
        for pat in _URL_DATES:
            m = pat.search(url or "")
            if m and _date(m):
                return _date(m), "url"
    return (signed, "signed") if signed else (None, None)


def _date(m) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _prose_of(text: str) -> tuple:
    """The report's sentences: its lines of text outside the tables (no tab) and outside a page's
    menus and footers (``_menu_line``), joined (a PDF wraps a sentence over lines), cut at each
    。, without digits and punctuation (the numbers change every year). Short lines (headings,
    table labels) and what ends in no 。 drop out; a heading runs into the sentence after it."""
    body = "".join([ln for ln in (text or "").splitlines() if (len(ln) > 20 or "。" in ln) and "\t" not in ln
                    and (ln.count(" ") + ln.count("\u3000") < 3 or not _menu_line(ln))])
    return tuple(s for s in _NOT_WORDS.sub("", body).split("。")[:-1] if len(s) >= 8)


def _menu_line(line: str) -> bool:
    """A menu's or footer's line: three or more words set apart by spaces (numbers and the spaces
    around them apart)."""
    return len(line.split(None, 3)) > 3 and len(_NUMBER_SPACED.sub("0", line).split(None, 3)) > 3


def similarity(a: bytes | None, b: bytes | None) -> float:
    """Share of the prose ``a`` (its sentences, weighed by their length) that ``b`` prints too,
    word for word but for numbers (both as ``read_text`` keeps them: sentences hashed, with
    their lengths). Sentences, not pieces of characters: a copy keeps its sentences, and a set
    of thirty sentences costs a hundredth of a set of a thousand pieces (a million texts)."""
    sa = _sentences(a)
    total = sum(n for _, n in sa)
    if total < 50:
        return 0.0
    seen = {h for h, _ in _sentences(b)}
    return sum(n for h, n in sa if h in seen) / total


def compute(db, today: dt.date | None = None, workers: int | None = None) -> dict:
    """Every finding of the archive: ``{"findings": [...], "edits": [...], "timeliness": [...]}``
    (plain rows for the store to write). The current reports are read once, in agency order, with
    their text; only one agency's reports are held at a time. The agencies are shared out among
    ``workers`` processes (default: one per core this process may use)."""
    today = today or dt.date.today()
    labels = schema.field_labels()
    path = next((row[2] for row in db.execute("pragma database_list") if row[1] == "main"), "")
    workers = workers or _cores()
    if workers > 1 and path:
        import multiprocessing as mp
        # spawned, not forked: a fork of a process with threads (a crawl's reactor, thread pools)
        # can inherit a lock held by another thread and wait on it for ever
        with mp.get_context("spawn").Pool(workers) as pool:
            parts = pool.starmap(_compute_part, [(path, k, workers, today) for k in range(workers)])
    else:
        parts = [_scan(db, 0, 1, today, labels)]
    findings = [f for part in parts for f in part["findings"]]
    timeliness = [t for part in parts for t in part["timeliness"]]
    totals = {k: v for part in parts for k, v in part["totals"].items()}
    whole_area = {k: v for part in parts for k, v in part["whole_area"].items()}
    _unit_findings(db, totals, whole_area, _collector(findings))
    prints: dict = {}
    for part in parts:
        for k, v in part["prints"].items():
            prints.setdefault(k, []).extend(v)
    _copies_of_other_agencies(db, prints, _collector(findings))
    edits = _edits(db, labels)
    findings.extend(_group_edits(edits))
    return {"findings": findings, "edits": edits, "timeliness": timeliness}


def _cores() -> int:
    try:
        import os
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return 1


def _compute_part(path, part, parts, today):
    import sqlite_utils
    return _scan(sqlite_utils.Database(path), part, parts, today, schema.field_labels())


def _collector(findings: list):
    def finding(kind, severity, r, summary, evidence, other=None):
        findings.append({"kind": kind, "severity": severity, "agency_id": r.get("agency_id"), "agency": r.get("agency"),
                         "province": r.get("province"), "level": r.get("level"), "year": r.get("year"),
                         "report_id": r.get("id"), "other_report_id": other,
                         "summary": summary, "evidence": json.dumps(evidence, ensure_ascii=False)})
    return finding


def read_text(text: str, agency: str | None, fmt: str | None, medium: str | None) -> tuple:
    """What the checks need from a report's text, in the columns of ``text_facts`` after
    ``report_id, written_at, agency``: the page's publication and signature dates, its sections
    (judged on the national form from a text layer), the numbers its sentences state, whether it
    speaks for the whole area, its sentences hashed with their lengths, and the fingerprint of
    its sentences without its own name. Worked out once per version of a text."""
    page, signed = _page_dates(text)
    sections = None
    if fmt in ("2019", "2021") and medium in TEXT_MEDIA and len(text) >= 500:
        sections = json.dumps(_sections(text), ensure_ascii=False)
    stated = {}
    for key, _, pat in _PROSE:
        m = next((m for m in pat.finditer(text) if not _about_whole_area(text, m)), None)
        if m:
            stated[key] = [int(m.group(1)), m.group(0)]
    sentences = _prose_of(text)
    hashed = [v for x in sentences for v in (_hash(x), len(x))]
    fingerprint = _fingerprint(sentences, agency) if sum(len(x) for x in sentences) >= COPY_MIN_PROSE else None
    return (page and page.isoformat(), signed and signed.isoformat(), sections,
            json.dumps(stated, ensure_ascii=False) if stated else None, int(bool(_WHOLE_AREA.search(text))),
            struct.pack("<" + "QI" * len(sentences), *hashed), fingerprint)


def _hash(s: str, signed: bool = False) -> int:
    # the same in every process (Python's hash() is not), 8 bytes
    return int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big", signed=signed)


def _sentences(blob: bytes | None) -> tuple:
    return tuple(struct.iter_unpack("<QI", blob)) if blob else ()


FACTS = ("page_date", "signed_date", "sections", "prose", "whole_area", "sentences", "fingerprint")


def _scan(db, part: int, parts: int, today, labels) -> dict:
    """The findings of one share of the agencies (``agency_id % parts == part``; reports with no
    agency go to the first share). A report's text is read only when ``text_facts`` has nothing
    for its current version; what is read there is written back (in batches, by the store)."""
    cols = set(db["reports"].columns_dict)
    wanted = ["id", "agency_id", "agency", "year", "level", "province", "document_url", "source_url", "format", "medium"]
    fields = sorted(c for c in cols if c.startswith(("req_carried_", "req_new_total", "req_granted_total",
                                                     "regulations_", "normative_docs_", "review_total",
                                                     "suit_direct_total")))
    findings, timeliness = [], []
    prints: dict = {}           # fingerprint of a report's sentences -> [(report id, agency id, year), …]
    finding = _collector(findings)
    fresh = "f.report_id is not null and f.written_at is t.written_at and f.agency is r.agency"
    cursor = db.execute(
        f"select {', '.join('r.' + c for c in wanted + fields)}, t.written_at as text_written_at, "
        f"{', '.join('f.' + c for c in FACTS)}, {fresh} as known, "
        f"case when {fresh} then null else t.text end as text from reports r "
        "left join report_texts t on t.report_id = r.id left join text_facts f on f.report_id = r.id "
        "where r.is_current = 1 and r.year is not null and coalesce(r.agency_id, 0) % ? = ? "
        "order by r.agency_id, r.year, r.id", [parts, part])
    names = [d[0] for d in cursor.description]
    path = next((row[2] for row in db.execute("pragma database_list") if row[1] == "main"), "")
    store, read = None, []
    totals: dict = {}           # (agency_id, year) -> the report's totals, for parents and units
    whole_area: dict = {}       # (agency_id, year) -> a report that speaks for the whole area
    group: dict = {}
    group_agency = object()
    for values in cursor:
        r = dict(zip(names, values))
        if r["agency_id"] != group_agency:
            _agency_findings(group, finding, today)
            group, group_agency = {}, r["agency_id"]
        text = r.pop("text")
        if not r.pop("known"):
            facts = read_text(text or "", r.get("agency"), r.get("format"), r.get("medium"))
            r.update(zip(FACTS, facts))
            read.append((r["id"], r["text_written_at"], r.get("agency"), *facts))
            if len(read) >= 2000 and path:
                from store.writes import Store
                store = store or Store(path)
                store.write_text_facts(read)
                read = []
        _report_findings(r, finding, timeliness, labels)
        if r["agency_id"] is not None:
            totals[(r["agency_id"], int(r["year"]))] = {k: r.get(k) for k, _ in UNIT_TOTALS}
            if r["whole_area"]:
                whole_area[(r["agency_id"], int(r["year"]))] = r
            group[int(r["year"])] = (r, r["sentences"])
            if r["fingerprint"] is not None:
                prints.setdefault(r["fingerprint"], []).append((r["id"], r["agency_id"], int(r["year"])))
    _agency_findings(group, finding, today)
    if read and path:
        from store.writes import Store
        (store or Store(path)).write_text_facts(read)
    return {"findings": findings, "timeliness": timeliness, "totals": totals, "whole_area": whole_area,
            "prints": prints}


def _report_findings(r, finding, timeliness, labels):
    """Timeliness, the form's sections, and the numbers the text states against its own tables."""
    date, source = _dated(r["page_date"] and dt.date.fromisoformat(r["page_date"]),
                          r["signed_date"] and dt.date.fromisoformat(r["signed_date"]),
                          (r.get("source_url"), r.get("document_url")))
    due = deadline(r.get("agency"), r.get("level"), int(r["year"]))
    late = (date - due).days if date else None
    timeliness.append({"report_id": r["id"], "published_on": date.isoformat() if date else None,
                       "date_source": source, "deadline": due.isoformat(), "days_late": late})
    if r["sections"]:
        _section_finding(r, json.loads(r["sections"]), finding)
    if late is not None and late > 0:
        finding("late", "medium" if late <= 30 else "high", r,
                f"{r.get('agency') or '该机关'}{r['year']}年度报告于{date.isoformat()}发布，晚于法定期限{due.isoformat()}（{late}天）",
                {"published_on": date.isoformat(), "date_source": source, "deadline": due.isoformat(), "days_late": late})
    stated = json.loads(r["prose"]) if r["prose"] else {}
    for key, what, _ in _PROSE:
        table = r.get(key)
        if key in stated and table is not None and stated[key][0] != int(table):
            value, quoted = stated[key]
            finding("prose", "medium", r, f"正文称{what}{value}件，表格为{int(table)}件",
                    {"field": key, "label": labels.get(key, key), "text": quoted, "text_value": value,
                     "table_value": table})


def _sections(text: str) -> dict:
    """The form's six section headings as the text prints them: which are missing, the order."""
    found: dict = {}
    for m in _SECTION_HEADING.finditer("\n" + text):
        k = "一二三四五六".index(m.group(1))
        if m.group(k + 2) and k not in found:
            found[k] = (m.start(), m.group(0).strip())
    order = [k for k, _ in sorted(found.items(), key=lambda kv: kv[1][0])]
    return {"missing": [f"{o}、{name}" for k, (o, name) in enumerate(SECTIONS) if k not in found],
            "printed_in_order": [found[k][1] for k in order], "out_of_order": order != sorted(order)}


def _section_finding(r, sections: dict, finding) -> None:
    missing, disorder = sections["missing"], sections["out_of_order"]
    if not missing and not disorder:
        return
    summary = (f"缺少{len(missing)}个法定部分（{'、'.join(missing)}）" if missing else "") + \
              ("；" if missing and disorder else "") + ("各部分顺序与格式不符" if disorder else "")
    finding("incomplete", "medium" if missing else "low", r, summary,
            {"missing": missing, "printed_in_order": sections["printed_in_order"]})


def _fingerprint(sentences: tuple, agency: str | None) -> int:
    """The sentences of a report with its own agency's name taken out (the words a copy changes
    first)."""
    prose = "。".join(sentences)
    for name in {agency or "", re.sub(r"(人民政府|办公室)$", "", agency or "")}:
        if len(name) >= 2:
            prose = prose.replace(name, "")
    return _hash(prose, signed=True)        # an SQLite integer


def _copies_of_other_agencies(db, prints: dict, finding) -> None:
    """Reports whose sentences are another agency's: each against the earliest such report."""
    groups = [sorted(reports, key=lambda r: (r[2], r[0])) for reports in prints.values()
              if len({agency for _, agency, _ in reports}) >= 2]
    ids = sorted({r[0] for g in groups for r in g})
    info: dict = {}
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        for row in db.query(f"select id, agency_id, agency, year, level, province from reports "
                            f"where id in ({', '.join('?' * len(chunk))})", chunk):
            info[row["id"]] = row
    for g in groups:
        first = info[g[0][0]]
        agencies = len({agency for _, agency, _ in g})
        for rid, agency, _ in g[1:]:
            if agency != first["agency_id"]:
                finding("copied_other", "medium", info[rid], f"正文与{first['agency']}{first['year']}年度报告的正文相同（机关名称除外）",
                        {"similarity": 1.0, "other_agency": first["agency"], "other_year": first["year"],
                         "shared_by_agencies": agencies}, other=first["id"])


def _about_whole_area(text: str, m) -> bool:
    """Whether the sentence of match ``m`` speaks for the whole area (全县各单位共收到 …)."""
    start = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    return bool(_WHOLE_AREA_WORD.search(text[start:m.end()]))


def _agency_findings(years: dict, finding, today):
    """One agency's reports year by year: carry-over, stock, copied text, a missing year."""
    if not years:
        return
    for y, (r, prose) in years.items():
        nxt = years.get(y + 1, (None, None))[0]
        prev = years.get(y - 1)
        if nxt is not None:
            diffs = [{"column": c, "carried_out": r.get(f"req_carried_out_{c}"), "carried_in_next": nxt.get(f"req_carried_in_{c}")}
                     for c in APPLICANTS
                     if r.get(f"req_carried_out_{c}") is not None and nxt.get(f"req_carried_in_{c}") is not None
                     and r[f"req_carried_out_{c}"] != nxt[f"req_carried_in_{c}"]]
            if diffs:
                finding("carry_over", "medium", nxt,
                        f"{y}年度结转下年度的申请与{y + 1}年度上年结转的申请不一致（{len(diffs)}列）", {"columns": diffs}, other=r["id"])
            for stem, name in STOCKS:
                a, issued, repealed, b = (r.get(f"{stem}_in_force"), nxt.get(f"{stem}_issued"),
                                          nxt.get(f"{stem}_repealed"), nxt.get(f"{stem}_in_force"))
                if None not in (a, issued, repealed, b) and a + issued - repealed != b:
                    finding("stock", "low", nxt,
                            f"{name}现行有效件数：{y}年{int(a)}件 + {y + 1}年制发{int(issued)}件 − 废止{int(repealed)}件 ≠ {int(b)}件",
                            {"kind": stem, "in_force_before": a, "issued": issued, "repealed": repealed, "in_force": b},
                            other=r["id"])
        if prev is not None:
            sim = similarity(prose, prev[1])
            if sim >= COPY_THRESHOLD:
                finding("copied", "low", r, f"正文与{y - 1}年度报告的正文{round(sim * 100)}%相同",
                        {"similarity": round(sim, 3)}, other=prev[0]["id"])
    last = max(years)
    r = years[last][0]
    due = deadline(r.get("agency"), r.get("level"), last + 1)
    if today > due:
        finding("missing", "high", {**r, "year": last + 1, "id": None},
                f"{r.get('agency') or '该机关'}已发布{last}年度报告，未见{last + 1}年度报告（期限{due.isoformat()}）",
                {"last_year": last, "deadline": due.isoformat()}, other=r["id"])


def _unit_findings(db, totals, whole_area, finding):
    """A government's whole-area totals against the sum of its units' reports."""
    if not whole_area or not db["agencies"].exists():
        return
    units: dict = {}
    names: dict = {}
    for a in db.query("select id, name, parent_id from agencies"):
        names[a["id"]] = a["name"]
        if a["parent_id"] is not None:
            units.setdefault(a["parent_id"], []).append(a["id"])
    for (parent, year), r in whole_area.items():
        children = units.get(parent) or []
        reported = [c for c in children if (c, year) in totals]
        if not reported:
            continue
        differ = []
        for key, name in UNIT_TOTALS:
            own = r.get(key)
            summed = sum(totals[(c, year)].get(key) or 0 for c in reported)
            if own is not None and summed > own:
                differ.append({"field": key, "label": name, "government": own, "units_sum": summed})
        if differ:
            missing = sorted(names[c] for c in children if (c, year) not in totals)
            finding("units", "medium", r,
                    f"全域数字小于所属{len(reported)}个单位报告之和（{'、'.join(d['label'] for d in differ)}）"
                    + (f"；{len(missing)}个单位当年无报告" if missing else ""),
                    {"totals": differ, "units_reported": sorted(names[c] for c in reported),
                     "units_without_report": missing[:100]})


def _edits(db, labels) -> list[dict]:
    """Every cell that changed between a version of a document at the same URL and the version
    before it (a page edited twice gives both edits)."""
    field_cols = [c for c in db["reports"].columns_dict if c in labels]
    pairs = db.query("""select new.id as new_id, old.id as old_id from reports new
        join reports old on old.document_url = new.document_url and old.id < new.id
        where old.id = (select max(o.id) from reports o
                        where o.document_url = new.document_url and o.id < new.id)""")
    out = []
    for p in list(pairs):
        new = dict(next(db.query("select * from reports where id = ?", [p["new_id"]])))
        old = dict(next(db.query("select * from reports where id = ?", [p["old_id"]])))
        seen = {d["id"]: d["first_seen"] for d in db.query(
            "select id, first_seen from documents where id in (?, ?)", [new.get("document_id"), old.get("document_id")])}
        for c in field_cols:
            if old.get(c) != new.get(c):
                out.append({"report_id": new["id"], "previous_report_id": old["id"], "agency": new.get("agency"),
                            "agency_id": new.get("agency_id"), "province": new.get("province"), "level": new.get("level"),
                            "year": new.get("year"), "field": c, "label": labels.get(c, c), "old": old.get(c),
                            "new": new.get(c), "old_seen": seen.get(old.get("document_id")),
                            "new_seen": seen.get(new.get("document_id")), "old_sha256": old.get("document_sha256"),
                            "new_sha256": new.get("document_sha256"), "document_url": new.get("document_url")})
    return out


def _group_edits(edits) -> list[dict]:
    groups: dict = {}
    for e in edits:
        groups.setdefault(e["report_id"], []).append(e)
    out = []
    for rid, es in groups.items():
        e = es[0]
        out.append({"kind": "edited", "severity": "high", "agency_id": e["agency_id"], "agency": e["agency"],
                    "province": e["province"], "level": e["level"], "year": e["year"], "report_id": rid,
                    "other_report_id": e["previous_report_id"],
                    "summary": f"发布后原地修改：{len(es)}个数字改变（{e['old_seen']} → {e['new_seen']}）",
                    "evidence": json.dumps({"changes": [{"label": x["label"], "old": x["old"], "new": x["new"]} for x in es[:50]],
                                            "old_sha256": e["old_sha256"], "new_sha256": e["new_sha256"],
                                            "document_url": e["document_url"]}, ensure_ascii=False)})
    return out
