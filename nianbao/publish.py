"""Publishing: the post-crawl step that makes the database answer journalists' questions.

``publish(db_path)`` is idempotent and incremental (run it after every crawl). It computes; the
store writes (``store/writes.py``), over the schema of ``store/database.py``:

- ``agencies``: one row per agency name (from ``reports.agency``, or the title when the parser
  found no agency), with its level (国务院部门, 省级, 市级, 县级, 乡镇/街道, 部门), tier, GB/T 2260
  province / city / county names and codes (:mod:`nianbao.regions`, offline) and parent;
- ``reports`` gains ``agency_id, level, tier, province, province_code, city, city_code, county,
  county_code`` (facets) and indexes for the facets and canned queries;
- ``reports_fts``: full-text search over title, agency and report text;
- ``findings``, ``report_edits``, ``timeliness``: what :mod:`nianbao.findings` finds;
- the Datasette metadata (labels, facets, canned queries) and the whole-table CSV downloads.

Chinese search
--------------
``reports_fts`` indexes every report's title, agency and text as overlapping character pairs
(:mod:`nianbao.search`), so two-character words are single tokens; in plain sqlite3::

    select r.id, r.title from reports r
    where r.id in (select rowid from reports_fts where reports_fts match '复议');

Report text comes from the ``report_texts`` table (``Store.record_report_text``).
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path


from nianbao import downloads, regions, search
from nianbao.findings import KIND_LABELS
from store.database import denied_columns
from nianbao.search import index_text
from parsers import schema

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

_TITLE_TAIL = re.compile(r"(关于)?(\d{4}|[〇零一二三四五六七八九十]{4})年(度)?.*$")

FACETS = ("province", "level", "year", "format", "checks_failed")



def agency_name(agency: str | None, title: str | None) -> str | None:
    """The agency a report is about: the parser's agency, else the title before its year."""
    name = (agency or "").strip()
    if not name and title:
        name = _TITLE_TAIL.sub("", re.sub(r"\s+", "", title)).strip()
    return name or None


def _sync_agencies(store) -> int:
    """Create agencies for reports that have none; (re)classify every agency (level, region,
    parent: ``nianbao.regions``); the store writes them and copies the regions onto the reports."""
    names = {r["id"]: agency_name(r["agency"], r["title"]) for r in store.reports_without_agency()}
    new = store.link_reports_to_agencies(names)
    rows = []
    for a in store.agency_names():
        info = regions.classify(a["name"])
        rows.append({"id": a["id"], "parent": regions.parent_name(a["name"], info), "level": info["level"],
                     "tier": info["tier"], **{k: info[k] for k in ("province", "province_code", "city", "city_code",
                                                                  "county", "county_code")}})
    store.classify_agencies(rows)
    return new


# ----------------------------------------------------------------------------- publish
def publish(db_path, *, metadata_path: str | Path | None = None, archive_dir: str | Path | None = None,
            progress: bool = False) -> dict:
    """Post-crawl step (idempotent): schema, agencies, region columns, search index, metadata,
    and the whole-table CSV downloads (:mod:`nianbao.downloads`).

    Writes Datasette metadata to ``metadata_path`` (default: ``metadata.json`` beside the
    database). Returns counts."""
    from store.writes import Store  # opening it brings the schema up to date (store.database)

    downloads.discard(db_path)  # nothing may serve a file older than the rows it is about to change
    store = Store(db_path)
    db = store.db
    agencies_new = _sync_agencies(store)
    indexed = store.sync_search_index(index_text, search.SCHEME)
    from nianbao import findings
    t_findings = time.perf_counter()
    found = store.replace_findings(findings.compute(db))
    found["findings_s"] = round(time.perf_counter() - t_findings, 1)
    db.execute("analyze")
    meta_path = Path(metadata_path) if metadata_path else Path(db_path).resolve().parent / "metadata.json"
    meta = build_metadata(db_name=Path(db_path).stem, archive_dir=archive_dir)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    stats = {
        "reports": db["reports"].count, "agencies": db["agencies"].count, "agencies_new": agencies_new,
        "indexed": indexed, "metadata": str(meta_path), **found,
    }
    store.record_publish(stats["reports"], stats["agencies"], indexed)
    db.conn.close()
    stats["downloads"] = {t: m["rows"] for t, m in downloads.build(db_path, progress=progress).items()}
    return stats


# ----------------------------------------------------------------------------- metadata
BASE_LABELS = {
    "id": "报告编号", "document_id": "原件版本编号（documents.id）", "title": "报告标题", "agency": "发布机关（解析所得）",
    "year": "报告年度", "format": "表格格式：2021（国办公开办函〔2021〕30号）、2019（〔2019〕60号）或 legacy（2018年及以前）",
    "medium": "原件类型（html、pdf、docx …）", "portal": "来源门户", "source_url": "来源页面（文章页）",
    "document_url": "原件地址（被解析的文件）", "document_sha256": "原件 SHA-256（点击打开存档原件）",
    "fetched_at": "抓取时间（UTC）", "parsed_at": "解析时间（UTC）", "checks_failed": "未通过的勾稽关系校验数",
    "checks_run": "已执行的校验数", "notes": "解析说明（JSON）", "inferred": "推断值（JSON，非原文印刷数字）",
    "is_current": "是否为该地址的现行版本（1 是，0 为被替换的旧版本）",
    "search_id": "检索用编号（等于 id；全文检索按此列关联 reports_fts.rowid）",
    "agency_id": "机关编号（agencies.id）", "level": "机关层级：国务院部门、省级、市级、县级、乡镇/街道、部门（地方政府的部门）",
    "tier": "所属行政层级（省级、市级、县级、乡镇/街道、国务院部门）", "province": "省级行政区", "province_code": "省级区划代码（GB/T 2260）",
    "city": "地级行政区", "city_code": "地级区划代码（GB/T 2260）", "county": "县级行政区", "county_code": "县级区划代码（GB/T 2260）",
}


def _queries() -> dict:
    """The canned queries: each page opens with its question and the table; the SQL is one click
    away ("show")."""
    queries = _query_definitions()
    for q in queries.values():
        q.setdefault("hide_sql", True)
    return queries


def _kind_label(column: str) -> str:
    """SQL giving a finding kind's Chinese name (``nianbao.findings.KIND_LABELS``)."""
    return "case " + column + " " + " ".join(f"when '{k}' then '{v}'" for k, v in KIND_LABELS.items()) + f" else {column} end"


def _query_definitions() -> dict:
    denied = " + ".join(f"coalesce({c}, 0)" for c in denied_columns())
    return {
        "findings_by_kind": {
            "title": "发现：按类型、省份统计",
            "description": "每类发现（逾期、缺报、发布后修改、结转不一致、存量不一致、正文与表格不符、照抄上年、"
                           "照抄其他机关、缺少法定部分、全域数字小于所属单位之和）的数量，按省份。"
                           "点开 findings 表可按类型、省份、层级、年度筛选，每条都附证据和报告链接。",
            "sql": f"""select kind as 类型, {_kind_label('kind')} as 类型名称, province as 省份, count(*) as 条数
from findings group by kind, province order by kind, 条数 desc""",
        },
        "late_reports_by_province_and_level": {
            "title": "逾期发布的年度报告（按省份、层级）",
            "description": "发布日期（页面所载，或原件地址中的日期；见 date_source）晚于《条例》期限"
                           "（部门 1 月 31 日，县级以上人民政府 3 月 31 日）的报告数与平均逾期天数。",
            "sql": """select r.province as 省份, r.level as 层级, r.year as 年度, count(*) as 逾期报告数,
  round(avg(t.days_late), 1) as 平均逾期天数, max(t.days_late) as 最长逾期天数
from timeliness t join reports r on r.id = t.report_id
where t.days_late > 0 group by r.province, r.level, r.year order by 逾期报告数 desc""",
        },
        "agencies_missing_this_year": {
            "title": "今年缺报的机关",
            "description": "上一年发布过年度报告、本年度期限已过却未见报告的机关。",
            "sql": """select agency as 机关, province as 省份, level as 层级, year as 缺报年度, summary as 说明,
  other_report_id as 上一年报告
from findings where kind = 'missing' order by province, agency""",
        },
        "silent_edits": {
            "title": "发布后原地修改的报告",
            "description": "同一地址的原件字节改变后，新旧两版报告逐项比较：改动的字段（中文名）、旧值、新值、两版首次抓取时间与两份原件。"
                           "订阅：本页地址加 .atom。",
            "sql": """select e.agency as 机关, e.year as 年度, e.label as 字段, e.old as 旧值, e.new as 新值,
  e.old_seen as 旧版首次抓取, e.new_seen as 新版首次抓取, e.old_sha256 as 旧版原件, e.new_sha256 as 新版原件,
  e.report_id as 报告编号,
  'nianbao-edit-' || e.id as atom_id, coalesce(e.agency, '') || ' ' || e.year || ' 年度报告改动：' || e.label as atom_title,
  coalesce(e.new_seen, '') as atom_updated,
  '旧值 ' || coalesce(e.old, '空') || ' → 新值 ' || coalesce(e.new, '空') as atom_content
from report_edits e order by e.new_seen desc, e.id desc""",
        },
        "carry_over_mismatches": {
            "title": "结转数字对不上的报告",
            "description": "某年“结转下年度继续办理”与下一年“上年结转政府信息公开申请数量”不一致，"
                           "或现行有效件数不等于上年加制发减废止。两份报告都有链接；印刷数字不作更改。",
            "sql": """select kind as 类型, agency as 机关, year as 年度, summary as 说明, report_id as 本年报告,
  other_report_id as 上年报告, evidence as 证据
from findings where kind in ('carry_over', 'stock') order by agency, year""",
        },
        "denial_rate_by_province_year": {
            "title": "各省历年不予公开率",
            "description": "不予公开（（三）不予公开 8 项之和）占办理结果总计的比例，按省份和年度汇总（仅现行版本、有表格的报告）。"
                           "图表：点击“Show charting options”，或打开本页带 "
                           "#g.mark=line&g.x_column=year&g.y_column=denial_rate&g.color_column=province 的地址。",
            "sql": f"""select province, year, count(*) as reports,
  sum({denied}) as denied,
  sum(coalesce(req_outcome_total_total, 0)) as handled,
  round(1.0 * sum({denied}) / nullif(sum(coalesce(req_outcome_total_total, 0)), 0), 4) as denial_rate
from reports
where is_current = 1 and format in ('2021', '2019')
group by province, year
order by province, year""",
        },
        "denial_rate_by_year": {
            "title": "全国历年不予公开率（图表）",
            "description": "全国汇总的不予公开率，按年度。",
            "sql": f"""select year, count(*) as reports, sum({denied}) as denied,
  sum(coalesce(req_outcome_total_total, 0)) as handled,
  round(1.0 * sum({denied}) / nullif(sum(coalesce(req_outcome_total_total, 0)), 0), 4) as denial_rate
from reports where is_current = 1 and format in ('2021', '2019') and year is not null
group by year order by year""",
        },
        "agencies_losing_reviews_or_lawsuits": {
            "title": "行政复议或行政诉讼被纠正的机关",
            "description": "复议结果纠正（review_corrected）或诉讼结果纠正（suit_direct_corrected、suit_after_review_corrected）大于 0 的报告。",
            "sql": """select agency_id, coalesce(agency, title) as agency, province, level, year,
  review_corrected, review_total, suit_direct_corrected, suit_after_review_corrected,
  coalesce(suit_direct_total, 0) + coalesce(suit_after_review_total, 0) as suits_total,
  coalesce(review_corrected, 0) + coalesce(suit_direct_corrected, 0) + coalesce(suit_after_review_corrected, 0) as corrected_total,
  id as report_id, document_sha256 as original, source_url
from reports
where (review_corrected > 0 or suit_direct_corrected > 0 or suit_after_review_corrected > 0) and is_current = 1
order by corrected_total desc, year desc, id""",
        },
        "reports_failing_sum_rules": {
            "title": "自身数字不平衡的报告",
            "description": "未通过勾稽关系校验（合计、总计、收支平衡、复议诉讼总计、非负）的报告及其失败规则。",
            "sql": """select r.id as report_id, coalesce(r.agency, r.title) as agency, r.province, r.year, r.format,
  r.checks_failed, group_concat(c.rule, ', ') as failed_rules, group_concat(c.detail, ' | ') as details,
  r.document_sha256 as original, r.source_url
from reports r join checks c on c.report_id = r.id and c.ok = 0
  and c.rule in (""" + ", ".join(f"'{rule}'" for rule, _ in schema.rules()) + """)
where r.checks_failed > 0 and r.is_current = 1
group by r.id
order by r.checks_failed desc, r.id""",
        },
        "agencies_without_report": {
            "title": "某年度没有报告的机关",
            "description": "在其他年度发布过报告、但在所选年度（默认最近年度）没有报告的机关。",
            "sql": """select a.id as agency_id, a.name as agency, a.level, a.province, a.city, a.county,
  a.first_year, a.last_year, a.reports
from agencies a
where a.id in (select agency_id from reports where year is not null)
  and a.id not in (select agency_id from reports where agency_id is not null
                   and year = coalesce(cast(nullif(:year, '') as integer), (select max(year) from reports)))
order by a.province, a.name""",
        },
        "agency_history": {
            "title": "单个机关的全部年度报告（含被替换的旧版本）",
            "description": "输入机关名称（或 agencies.id）：每个年度、每个版本的收到申请数、不予公开率、复议与诉讼结果，"
                           "以及首次抓取时间和存档原件。图表：Show charting options，x 选 年度，y 选 收到申请。",
            "sql": f"""select r.year as 年度, r.is_current as 现行版本, d.first_seen as 首次抓取, r.req_new_total as 收到申请,
  round(1.0 * ({denied}) / nullif(r.req_outcome_total_total, 0), 4) as 不予公开率,
  r.review_total as 复议总数, r.review_corrected as 复议纠正, r.suit_direct_total as 直接起诉总数,
  r.suit_direct_corrected as 诉讼纠正, r.checks_failed as 未通过校验, r.id as 报告编号, r.document_sha256
from reports r left join documents d on d.id = r.document_id
where r.agency_id = coalesce((select id from agencies where name = :agency), cast(:agency as integer))
order by r.year, r.id""",
        },
        "report_trace": {
            "title": "一份报告每个数字的出处",
            "description": "输入报告编号：每个字段的中文名、数值、原文印刷文本、所在页 / 表 / 行 / 列，以及打开存档原件该页的链接（PDF 跳到该页）。",
            "sql": """select v.label as 字段, v.value as 数值, v.raw as 原文, v.page as 页, v.table_no as 表, v.row_no as 行,
  v.col_no as 列, v.inferred as 推断值,
  '/-/original/' || r.document_sha256 || case when v.page is not null then '#page=' || v.page else '' end as 原件位置
from report_values v join reports r on r.id = v.report_id
where v.report_id = :report_id order by v.rowid""",
        },
        "compare_two_years": {
            "title": "同一机关两个年度逐格对比",
            "description": "输入机关名称与两个年度：两年现行报告中数值不同的每个格子。",
            "sql": """with a as (select v.field, v.label, v.value from report_values v join reports r on r.id = v.report_id
              where r.is_current = 1 and r.year = cast(:year_a as integer)
                and r.agency_id = coalesce((select id from agencies where name = :agency), cast(:agency as integer))),
     b as (select v.field, v.value from report_values v join reports r on r.id = v.report_id
              where r.is_current = 1 and r.year = cast(:year_b as integer)
                and r.agency_id = coalesce((select id from agencies where name = :agency), cast(:agency as integer)))
select a.label as 字段, a.value as 前一年度, b.value as 后一年度, b.value - a.value as 变化
from a join b on b.field = a.field where a.value is not b.value order by a.field""",
        },
        "compare_two_agencies": {
            "title": "两个机关同一年度对比",
            "description": "输入两个机关名称与年度：主要数字并列。",
            "sql": f"""select coalesce(agency, title) as 机关, year as 年度, req_new_total as 收到申请,
  req_granted_total as 予以公开, ({denied}) as 不予公开, req_outcome_total_total as 办理总数,
  review_total as 复议, review_corrected as 复议纠正, suit_direct_total as 诉讼, suit_direct_corrected as 诉讼纠正,
  id as 报告编号
from reports where is_current = 1 and year = cast(:year as integer)
  and agency_id in ((select id from agencies where name = :agency_a), (select id from agencies where name = :agency_b))""",
        },
        "agency_year_on_year": {
            "title": "单个机关的逐年变化",
            "description": "输入机关名称（或 agencies.id），查看各年度的申请数、不予公开数、复议诉讼数及与上年相比的变化。",
            "sql": f"""with y as (
  select year, id as report_id, coalesce(agency, title) as agency,
    req_new_total as new_requests, ({denied}) as denied, req_outcome_total_total as handled,
    review_total, coalesce(suit_direct_total, 0) + coalesce(suit_after_review_total, 0) as suits_total,
    checks_failed
  from reports
  where is_current = 1
    and agency_id = coalesce((select id from agencies where name = :agency), cast(:agency as integer))
)
select year, agency, new_requests, new_requests - lag(new_requests) over w as new_requests_change,
  round(100.0 * (new_requests - lag(new_requests) over w) / nullif(lag(new_requests) over w, 0), 1) as new_requests_change_pct,
  denied, denied - lag(denied) over w as denied_change, handled,
  review_total, review_total - lag(review_total) over w as review_change,
  suits_total, suits_total - lag(suits_total) over w as suits_change, checks_failed, report_id
from y window w as (order by year)
order by year""",
        },
        "search_reports": {
            "title": "全文检索（两字词可用）",
            "description": "按标题、机关和报告正文检索，如 复议、诉讼、公安；多个词用空格分开（同时包含），可用 OR。",
            "sql": """select r.id as report_id, r.title, r.agency, r.province, r.year, r.format,
  r.document_sha256 as original, r.source_url
from reports r
where r.id in (select rowid from reports_fts where reports_fts match cjk_query(:q))
order by r.year desc, r.id
limit 1000""",
        },
        "new_reports_feed": {
            "title": "新归档的报告（Atom 订阅）",
            "description": "最近归档的 200 份报告；订阅地址为本页加 .atom 后缀。",
            "sql": """select 'tag:nianbao,2024:report/' || r.id || '/' || r.document_sha256 as atom_id,
  coalesce(r.title, r.agency, r.document_url) as atom_title,
  coalesce(d.first_seen, r.fetched_at) as atom_updated,
  coalesce(r.source_url, r.document_url) as atom_link,
  '机关：' || coalesce(r.agency, '') || '；年度：' || coalesce(r.year, '') || '；格式：' || coalesce(r.format, '')
    || '；未通过校验：' || coalesce(r.checks_failed, 0) || '；原件：' || coalesce(r.document_url, '') as atom_content,
  r.id as report_id, r.province, r.year
from reports r left join documents d on d.id = r.document_id
order by coalesce(d.first_seen, r.fetched_at) desc, r.id desc
limit 200""",
        },
    }


def build_metadata(db_name: str = "nianbao", archive_dir: str | Path | None = None) -> dict:
    """Datasette metadata: Chinese title, description, source, licence, column descriptions
    generated from ``schema.field_labels()``, facets and canned queries."""
    labels = schema.field_labels()
    report_cols = {**BASE_LABELS, **labels}
    plugin_cfg = {"archive_dir": str(Path(archive_dir).resolve()) if archive_dir else None,
                  # the search box of these tables (the nianbao plugin, not Datasette's fts_table)
                  "search": {"reports": {"fts_table": "reports_fts", "fts_pk": "search_id"}}}
    return {
        "title": "年报 · 政府信息公开工作年度报告数据库",
        "description_html": (
            "<p>各级行政机关依《政府信息公开条例》发布的<strong>政府信息公开工作年度报告</strong>：原件存档、"
            "表格数字逐项入库（每个字段按国办统一表格的行列命名）、勾稽关系校验。"
            "检索框支持两字词（复议、诉讼、公安）。每份报告链接到存档原件（/-/original/&lt;sha256&gt;）和来源页面。</p>"
            "<p>批量下载：整表 CSV（快速流式）<code>/-/csv/&lt;数据库&gt;/&lt;表&gt;.csv</code>，如 "
            "<a href=\"/-/csv/" + db_name + "/reports.csv\">reports.csv</a>；任一表或筛选结果加 <code>.csv?_stream=on</code> "
            "得到完整 CSV，加 <code>.json</code> 得到 JSON；或下载整个 SQLite 文件 "
            "<a href=\"/" + db_name + ".db\">" + db_name + ".db</a>（全文检索在 sqlite3 中的写法：两字词 "
            "<code>reports_fts match '复议'</code>，三字以上按相邻两字写成短语 <code>'\"公安 安局\"'</code>）。"
            "研究用的 CSV + Parquet 打包：<code>nianbao export</code>。</p>"),
        "source": "各级人民政府及其部门门户网站的政府信息公开专栏",
        "source_url": "https://www.gov.cn/zhengce/xxgk/",
        "license": "原件为政府公开信息；整理数据按 CC BY 4.0 提供",
        "license_url": "https://creativecommons.org/licenses/by/4.0/deed.zh-hans",
        "plugins": {"nianbao": plugin_cfg},  # search config: see below
        "databases": {
            db_name: {
                "title": "年报 · 政府信息公开工作年度报告数据库",
                "description": "政府信息公开工作年度报告（2019 年起按国办统一表格结构化）",
                "queries": _queries(),
                "tables": {
                    "reports": {
                        "title": "年度报告",
                        "description": "每份被解析的年度报告一行；字段列为表格中的数字（列说明即表格中的中文行列名）。"
                                       "链接：document_sha256 → 存档原件，source_url → 来源页面。",
                        # "published": Datasette's column facet, counted in memory on a published database
                        "facets": [{"published": c} for c in FACETS],
                        "size": 50,
                        "label_column": "title",
                        "columns": report_cols,
                    },
                    "agencies": {
                        "title": "机关",
                        "description": "由报告的机关名称离线推断的层级与行政区划（GB/T 2260）。",
                        "label_column": "name",
                        "facets": ["level", "province"],
                        "columns": {
                            "name": "机关名称", "level": BASE_LABELS["level"], "tier": BASE_LABELS["tier"],
                            "province": "省级行政区", "province_code": "省级区划代码", "city": "地级行政区",
                            "city_code": "地级区划代码", "county": "县级行政区", "county_code": "县级区划代码",
                            "parent": "上级人民政府（推断）", "parent_id": "上级机关编号", "reports": "报告份数",
                            "first_year": "最早报告年度", "last_year": "最近报告年度",
                        },
                    },
                    "findings": {
                        "title": "发现",
                        "description": "对每份报告自动检查的结果，类型（kind）："
                                       + "、".join(f"{k} {v}" for k, v in KIND_LABELS.items()) + "。"
                                       "每条附证据（JSON）和所依据的报告（report_id / other_report_id）。",
                        "facets": ["kind", "province", "level", "year", "severity"],
                        "label_column": "summary",
                        "columns": {"kind": "类型", "severity": "严重程度", "agency_id": "机关编号", "agency": "机关",
                                    "province": "省级行政区", "level": "层级", "year": "年度", "report_id": "报告编号",
                                    "other_report_id": "相关报告编号", "summary": "说明", "evidence": "证据（JSON）",
                                    "detected_at": "发现时间（UTC）"},
                    },
                    "report_edits": {
                        "title": "发布后修改（逐字段）",
                        "columns": {"report_id": "新版报告编号", "previous_report_id": "旧版报告编号", "agency": "机关",
                                    "year": "年度", "field": "字段键", "label": "字段中文名", "old": "旧值", "new": "新值",
                                    "old_seen": "旧版首次抓取", "new_seen": "新版首次抓取", "old_sha256": "旧版原件",
                                    "new_sha256": "新版原件", "document_url": "原件地址"},
                    },
                    "timeliness": {
                        "title": "发布日期与期限",
                        "columns": {"report_id": "报告编号", "published_on": "发布日期",
                                    "date_source": "日期来源（page 页面所载发布日期；url 地址中的日期；signed 成文日期）",
                                    "deadline": "法定期限", "days_late": "逾期天数（负数为提前）"},
                    },
                    "report_values": {
                        "title": "报告数值（长表）",
                        "description": "每份报告每个字段一行，含原文印刷文本与位置。",
                        "columns": {"report_id": "报告编号", "section": "表格部分", "field": "字段键", "label": "字段中文名",
                                    "value": "数值", "raw": "原文文本", "inferred": "推断值", "page": "页码",
                                    "table_no": "表格序号", "row_no": "行号", "col_no": "列号"},
                    },
                    "checks": {
                        "title": "勾稽关系校验",
                        "facets": ["rule", "ok"],
                        "columns": {"report_id": "报告编号", "rule": "规则", "ok": "是否通过（1/0）", "detail": "说明"},
                    },
                    "documents": {
                        "title": "原件",
                        "description": "抓取到的每个原件版本；sha256 链接到存档原件。",
                        "facets": ["medium", "portal"],
                        "columns": {"url": "原件地址", "sha256": "SHA-256（点击打开存档原件）", "content_type": "内容类型",
                                    "medium": "类型", "size": "字节数", "archive_path": "存档路径", "first_seen": "首次抓取",
                                    "last_seen": "最近抓取", "source_url": "来源页面", "portal": "门户",
                                    "previous_id": "上一版本", "is_current": "现行版本"},
                    },
                    "failures": {"title": "抓取与解析失败", "facets": ["kind", "portal"]},
                    "crawl_runs": {"title": "抓取运行"},
                    "portal_runs": {"title": "各门户抓取状态"},
                    "report_texts": {"title": "报告全文", "columns": {"report_id": "报告编号", "text": "全文"}},
                    "reports_fts": {"hidden": True},
                    "reports_fts_state": {"hidden": True},
                    "table_changes": {"hidden": True},
                    "text_facts": {"hidden": True},        # the findings' cache of what texts say
                },
            }
        },
    }


def main(argv=None) -> int:  # python -m nianbao.publish DB
    argv = argv if argv is not None else sys.argv[1:]
    db = argv[0] if argv else str(DATA_DIR / "nianbao.db")
    print(json.dumps(publish(db), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
