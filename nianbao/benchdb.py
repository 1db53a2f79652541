"""Databases for tests and benchmarks.

- ``build_sample(path, archive_dir)``: a small known database written through the real
  ``Store`` (the canned-query, search, export and browser tests assert on it).
- ``generate(path, reports=1_000_000)``: a national-scale synthetic database written with
  ``executemany`` in big transactions (realistic shape: agencies of every level from the
  GB/T 2260 table, 2019–2024, both table formats, most cells zero, a few failed checks, short
  texts), then ``publish`` (agencies, regions, search index) as after a real crawl.
- ``measure(path)``: p95 latency of the reports page with facets, of a search, of the canned
  queries (in-process ``datasette.client``, a bounded number of requests) and the rate of the
  streamed CSV export of the reports table (rows/s).

    python -m nianbao.benchdb --reports 1000000 --db data/bench.db   # make bench
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import statistics
import time
from pathlib import Path

from parsers import schema

# ----------------------------------------------------------------------------- sample (tests)


def _fields(fmt: str, **values) -> dict:
    fields = {k: 0 for k in schema.field_keys(fmt)}
    fields.update(values)
    return fields


SAMPLE = [
    # (agency, year, format, fields, failed checks, text)
    ("广东省公安厅", 2022, "2021",
     dict(req_new_total=10, req_outcome_total_total=10, req_granted_total=6, req_denied_state_secret_total=1,
          req_denied_third_party_total=1, req_unavailable_not_held_total=2,
          review_corrected=1, review_total=3, review_upheld=2),
     [], "广东省公安厅2022年政府信息公开工作年度报告。本年度收到行政复议申请3件，其中纠正1件。"),
    ("广东省公安厅", 2023, "2021",
     dict(req_new_total=15, req_outcome_total_total=15, req_granted_total=12, req_denied_process_info_total=3,
          suit_direct_corrected=2, suit_direct_total=2),
     [], "本机关被提起行政诉讼2件，均被纠正。"),
    ("深圳市福田区人民政府", 2023, "2021",
     dict(req_new_total=20, req_outcome_total_total=18, req_granted_total=18, req_carried_out_total=0),
     [("balance", "new + carried_in (20) != outcome_total + carried_out (18)")],
     "福田区人民政府信息公开年度报告。本年度未发生行政诉讼案件。"),
    ("杭州市西湖区教育局", 2022, "2021",
     dict(req_new_total=4, req_outcome_total_total=4, req_granted_total=2, req_denied_third_party_total=2),
     [("row_total", "granted: total 2 != 1"), ("outcome_total", "total column")],
     "恢复办学秩序，审议通过年度计划。公开申请4件。"),
    ("教育部", 2023, "2019",
     dict(req_new_total=100, req_outcome_total_total=100, req_granted_total=90,
          req_denied_security_stability_total=10, review_total=0),
     [], None),
]


def build_sample(path, archive_dir=None) -> dict:
    """The small known database (5 reports, 4 agencies) with archived originals; returns ids."""
    from store.archive import Archive
    from store.writes import Store

    path = Path(path)
    archive = Archive(archive_dir or path.parent / "archive")
    store = Store(path)
    ids = []
    for i, (agency, year, fmt, values, failed, text) in enumerate(SAMPLE):
        html = (f"<html><head><meta charset='utf-8'><title>{agency}{year}年政府信息公开工作年度报告</title></head>"
                f"<body><h1>{agency}{year}年政府信息公开工作年度报告</h1><p>{text or ''}</p></body></html>")
        sha, rel = archive.put(html.encode("utf-8"))
        url = f"http://127.0.0.1:8601/xxgk/{i}/report{year}.html"
        source = f"http://127.0.0.1:8601/xxgk/{i}/"
        doc = store.record_document(url=url, sha256=sha, size=len(html.encode()), archive_path=rel,
                                    content_type="text/html; charset=utf-8", medium="html",
                                    source_url=source, portal="demo", title=f"{agency}{year}年报")
        checks = [{"rule": r, "ok": False, "detail": d} for r, d in failed]
        checks += [{"rule": "non_negative", "ok": True, "detail": ""}]
        report = {"format": fmt, "year": year, "title": f"{agency}{year}年政府信息公开工作年度报告",
                  "agency": agency, "fields": _fields(fmt, **values), "checks": checks, "notes": [],
                  "inferred": {}, "text": text}
        rid = store.record_report(report, document_url=url, document_sha256=sha, source_url=source,
                                  portal="demo", document_id=doc["id"])
        if text is not None:
            store.record_report_text(rid, text)
        ids.append(rid)
    store.db.conn.close()
    return {"reports": ids}


# ----------------------------------------------------------------------------- generator

DEPARTMENTS = ["公安局", "教育局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
               "卫生健康委员会", "市场监督管理局", "人力资源和社会保障局", "民政局", "司法局", "农业农村局",
               "应急管理局", "税务局", "发展和改革委员会"]
CENTRAL = ["教育部", "公安部", "民政部", "司法部", "财政部", "自然资源部", "生态环境部", "交通运输部", "水利部",
           "农业农村部", "商务部", "审计署", "海关总署", "国家税务总局", "国家市场监督管理总局", "国务院办公厅"]
COMMON_WORDS = ["复议", "诉讼", "公安", "行政", "政策", "平台", "建设", "问题", "改进", "提案", "收费", "网站"]
PHRASES = ["本年度收到政府信息公开申请", "行政复议", "行政诉讼", "公安机关", "主动公开政府信息", "依申请公开",
           "规范性文件", "行政许可", "行政处罚", "信息公开平台建设", "政策解读", "存在的主要问题及改进情况",
           "人大代表建议和政协提案办理", "收费及减免情况", "政府网站", "政务新媒体"]


def _agency_names(n_target: int, rng: random.Random) -> list[str]:
    from nianbao.regions import divisions

    divs = list(divisions().values())
    provinces = [d for d in divs if d["kind"] == "province"]
    cities = [d for d in divs if d["kind"] == "city"]
    counties = [d for d in divs if d["kind"] == "county"]
    byc = {d["code"]: d for d in divs}
    names = list(CENTRAL)
    for p in provinces:
        names.append(p["name"] + "人民政府")
        names += [p["name"] + d.replace("局", "厅") for d in DEPARTMENTS]
    for c in cities:
        names.append(c["name"] + "人民政府")
        names += [c["name"] + d for d in DEPARTMENTS]
    for k in counties:
        parent = byc.get(k["parent"])
        prefix = (parent["name"] if parent and parent["kind"] == "city" else "") + k["name"]
        names.append(prefix + "人民政府")
        names += [prefix + d for d in DEPARTMENTS]
        for t in range(3):
            names.append(prefix + ["城关镇", "新华街道办事处", "东风乡"][t] + "人民政府" * (t != 1))
    rng.shuffle(names)
    return names[:n_target]


def generate(path, reports: int = 1_000_000, seed: int = 2024, batch: int = 20000, publish_after: bool = True) -> dict:
    """Write a synthetic database of ``reports`` reports to ``path`` (replaced if it exists)."""
    from nianbao.publish import publish
    from store.writes import Store

    t0 = time.time()
    path = Path(path)
    for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        if p.exists():
            p.unlink()
    store = Store(path)
    conn = store.db.conn
    conn.execute("PRAGMA journal_mode=OFF")  # a generated file: no rollback journal, no WAL growth
    conn.execute("PRAGMA synchronous=OFF")
    rng = random.Random(seed)
    years = [2019, 2020, 2021, 2022, 2023, 2024]
    agencies = _agency_names(max(100, min(reports // len(years) + 1, 200_000)), rng)
    keys21, keys19 = schema.field_keys("2021"), schema.field_keys("2019")
    req_cols = schema.section3_columns()
    base = ["id", "document_id", "title", "agency", "year", "format", "medium", "portal", "source_url",
            "document_url", "document_sha256", "fetched_at", "parsed_at", "checks_failed", "checks_run",
            "notes", "inferred", "is_current"]
    all_keys = list(dict.fromkeys(keys21 + keys19))
    cols = base + all_keys
    insert_reports = f"insert into reports ({', '.join(cols)}) values ({', '.join('?' * len(cols))})"
    insert_docs = ("insert into documents (id, url, sha256, content_type, medium, size, archive_path, first_seen,"
                   " last_seen, source_url, portal, title, is_current) values (?,?,?,?,?,?,?,?,?,?,?,?,1)")
    pos = {k: i for i, k in enumerate(cols)}
    media = ["html"] * 6 + ["pdf"] * 3 + ["docx"]
    rid = 0
    while rid < reports:
        rows, docs, checks, texts = [], [], [], []
        for _ in range(min(batch, reports - rid)):
            rid += 1
            agency = agencies[(rid - 1) % len(agencies)]
            year = years[((rid - 1) // len(agencies)) % len(years)]
            fmt = "2019" if year <= 2020 else "2021"
            sha = hashlib.sha256(f"{seed}-{rid}".encode()).hexdigest()
            url = f"http://gov.example/{rid % 997}/{rid}.html"
            ts = f"{year + 1}-0{1 + rid % 3}-{10 + rid % 18:02d}T08:00:00+00:00"
            medium = media[rid % len(media)]
            row = [None] * len(cols)
            row[:18] = [rid, rid, f"{agency}{year}年政府信息公开工作年度报告", agency, year, fmt, medium, "bench",
                        url.rsplit("/", 1)[0] + "/", url, sha, ts, ts, 0, 5, "[]", "{}", 1]
            for k in (keys21 if fmt == "2021" else keys19):
                row[pos[k]] = 0
            scale = rng.choice((1, 1, 1, 3, 10, 50, 300))
            new = int(rng.expovariate(1) * scale)
            granted = int(new * rng.uniform(0.3, 0.9))
            denied = int((new - granted) * rng.uniform(0, 0.5))
            unavailable = new - granted - denied
            for col, share in zip(req_cols, (0.7, 0.15, 0.02, 0.03, 0.05, 0.05)):
                row[pos[f"req_new_{col}"]] = int(new * share)
            row[pos["req_new_total"]] = new
            row[pos["req_granted_total"]] = granted
            row[pos["req_denied_process_info_total"]] = denied
            row[pos["req_unavailable_not_held_total"]] = unavailable
            row[pos["req_outcome_total_total"]] = new
            if rng.random() < 0.15:
                rt = rng.randint(1, 5)
                rc = rng.randint(0, rt) if rng.random() < 0.3 else 0
                row[pos["review_total"]], row[pos["review_corrected"]], row[pos["review_upheld"]] = rt, rc, rt - rc
            if rng.random() < 0.08:
                st = rng.randint(1, 3)
                sc = 1 if rng.random() < 0.2 else 0
                row[pos["suit_direct_total"]], row[pos["suit_direct_corrected"]], row[pos["suit_direct_upheld"]] = st, sc, st - sc
            if fmt == "2021":
                row[pos["normative_docs_issued"]] = rng.randint(0, 30)
                row[pos["licensing_decisions"]] = int(rng.expovariate(1) * 500)
                row[pos["penalty_decisions"]] = int(rng.expovariate(1) * 200)
            if rng.random() < 0.07:
                row[pos["checks_failed"]] = 1
                checks.append((rid, rng.choice(["balance", "row_total", "outcome_total", "section4_totals"]), 0,
                               "generated"))
            rows.append(row)
            docs.append((rid, url, sha, "text/html" if medium == "html" else f"application/{medium}", medium,
                         rng.randint(20_000, 900_000), f"{sha[:2]}/{sha}", ts, ts, row[pos["source_url"]], "bench",
                         row[2]))
            text = "。".join(rng.sample(PHRASES, 4)) + f"。全年共收到申请{new}件。"
            texts.append((rid, text, ts))
        with conn:
            conn.executemany(insert_reports, rows)
            conn.executemany(insert_docs, docs)
            conn.executemany("insert into checks (report_id, rule, ok, detail) values (?,?,?,?)", checks)
            conn.executemany("insert into report_texts (report_id, text, written_at) values (?,?,?)", texts)
    t_rows = time.time() - t0
    conn.execute("PRAGMA journal_mode=WAL")
    store.db.conn.close()
    stats = {"reports": reports, "agencies": len(agencies), "insert_seconds": round(t_rows, 1)}
    if publish_after:
        t1 = time.time()
        stats["publish"] = publish(path)
        stats["publish_seconds"] = round(time.time() - t1, 1)
    stats["total_seconds"] = round(time.time() - t0, 1)
    stats["size_mb"] = round(path.stat().st_size / 1e6, 1)
    return stats


# ----------------------------------------------------------------------------- measurement


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


async def _measure(path, requests: int = 20, csv_rows: int | None = None) -> dict:
    from nianbao.serve import make_datasette

    ds = make_datasette(path)
    await ds.invoke_startup()
    name = Path(path).stem
    facets = "&".join(f"_facet={f}" for f in ("province", "level", "year", "format", "checks_failed"))
    pages = {
        "reports_page_with_facets": f"/{name}/reports",
        "reports_page_facets_filtered": f"/{name}/reports?province=广东省&year=2023",
        "search_复议": f"/{name}/reports?_search=复议",
        "search_公安_filtered": f"/{name}/reports?_search=公安&province=广东省",
        "search_selective_冷水滩": f"/{name}/reports?_search=冷水滩",
        # a different common word (each in a quarter to three quarters of all reports) at every request
        "search_common_words": [f"/{name}/reports?_search={w}" for w in COMMON_WORDS],
        "search_json": f"/{name}/reports.json?_search=诉讼&_shape=objects&_size=20&{facets}",
        # beyond the target: a word in every report (all 1,000,000 match)
        "search_in_every_report_申请": f"/{name}/reports?_search=申请",
        "agency_page": f"/{name}/agencies?level=县级",
        "canned_losing": f"/{name}/agencies_losing_reviews_or_lawsuits?_size=50",
        "canned_failing": f"/{name}/reports_failing_sum_rules?_size=50",
        "canned_yoy": f"/{name}/agency_year_on_year?agency=1",
    }
    out = {}
    for label, urls in pages.items():
        times = []
        for i in range(requests):
            url = urls[i % len(urls)] if isinstance(urls, list) else urls
            t = time.perf_counter()
            r = await ds.client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {r.status_code}")
        out[label] = {"p95_ms": round(_p95(times[1:] or times), 1), "median_ms": round(statistics.median(times), 1),
                      "first_ms": round(times[0], 1), "url": urls if isinstance(urls, str) else urls[0] + " …"}
        print(f"{label:32s} {json.dumps(out[label], ensure_ascii=False)}", flush=True)
    # heavier canned queries: timed once each (aggregations over the whole table)
    for label, url in {"canned_denial_by_province_year": f"/{name}/denial_rate_by_province_year.json",
                       "canned_without_report": f"/{name}/agencies_without_report.json?year=2024&_size=50"}.items():
        t = time.perf_counter()
        r = await ds.client.get(url)
        out[label] = {"once_ms": round((time.perf_counter() - t) * 1000, 1), "status": r.status_code}
        print(f"{label:32s} {json.dumps(out[label], ensure_ascii=False)}", flush=True)
    return out


def measure(path, requests: int = 20, csv_rows: int | None = None) -> dict:
    """Latency in-process, then the streamed CSV over HTTP from a real ``datasette serve``."""
    out = asyncio.run(_measure(path, requests, csv_rows))
    out.update(measure_csv_http(path, csv_rows))
    return out


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc), to tell the server's own cost from
    a busy machine's."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def measure_csv_http(path, csv_rows: int | None = None) -> dict:
    """Streamed CSV over HTTP from a real ``datasette serve`` on loopback (the way users get it)."""
    import socket
    import urllib.request

    from nianbao.serve import start

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = start(path, port=port, stdout=open(os.devnull, "wb"), stderr=open(os.devnull, "wb"))
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
                break
            except Exception:
                time.sleep(0.1)
        name = Path(path).stem
        out = {}
        # nianbao's whole-table CSV route (all rows), and Datasette's own ?_stream=on
        # (bounded: the first csv_rows or 100,000 ids)
        # nianbao's whole-table route (the file publish wrote), the same route built live from
        # SQLite, and Datasette's own ?_stream=on (bounded: the first csv_rows or 100,000 ids)
        for label, url in (("csv_stream", f"{base}/-/csv/{name}/reports.csv"),
                           ("csv_stream_live", f"{base}/-/csv/{name}/reports.csv?_live=1"),
                           ("json_lines_stream", f"{base}/-/json/{name}/reports.json?_nl=1"),
                           ("csv_stream_datasette", f"{base}/{name}/reports.csv?_stream=on&_size=max"
                                                    f"&id__lte={csv_rows or 100_000}")):
            t = time.perf_counter()
            cpu0 = _proc_cpu(proc.pid)
            lines = nbytes = 0
            with urllib.request.urlopen(url, timeout=3600) as resp:
                while True:
                    chunk = resp.read(1 << 20)
                    if not chunk:
                        break
                    lines += chunk.count(b"\n")
                    nbytes += len(chunk)
            secs = time.perf_counter() - t
            cpu = _proc_cpu(proc.pid) - cpu0
            rows = lines if label.startswith("json") else lines - 1  # CSV: a header line
            out[label] = {"rows": rows, "seconds": round(secs, 2), "rows_per_s": int(rows / secs),
                          "server_cpu_s": round(cpu, 2),
                          "rows_per_server_cpu_s": int(rows / cpu) if cpu > 0 else None,
                          "mb": round(nbytes / 1e6, 1), "url": url.replace(base, ""),
                          "load_avg": os.getloadavg()[0]}
            print(f"{label:32s} {json.dumps(out[label], ensure_ascii=False)}", flush=True)
        return out
    finally:
        proc.terminate()
        proc.wait(10)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="nianbao bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--db", default=None, help="database file (default: DIR/bench.db)")
    ap.add_argument("--dir", default="data/bench", help="directory for the generated database")
    ap.add_argument("--requests", type=int, default=20, help="requests per page (bounded)")
    ap.add_argument("--csv-rows", type=int, default=None,
                    help="rows for Datasette's own ?_stream=on measurement (default 100,000; "
                         "/-/csv/ always streams the whole table)")
    ap.add_argument("--reuse", action="store_true", help="measure an existing database, do not regenerate")
    a = ap.parse_args(argv)
    if not a.db:
        Path(a.dir).mkdir(parents=True, exist_ok=True)
        a.db = str(Path(a.dir) / "bench.db")
    result = {}
    if not a.reuse or not Path(a.db).exists():
        print(f"generating {a.reports:,} reports into {a.db} …", flush=True)
        result["generate"] = generate(a.db, a.reports)
        print(json.dumps(result["generate"], ensure_ascii=False), flush=True)
    result["latency"] = measure(a.db, a.requests, a.csv_rows)
    lat = result["latency"]
    p95 = max(v["p95_ms"] for k, v in lat.items()
              if k.startswith(("reports_page", "search")) and "every_report" not in k)
    csv_rate = lat["csv_stream"]["rows_per_s"]
    print(f"\nreports page + facets + search: worst p95 {p95} ms (target < 500 ms) — "
          f"{'OK' if p95 < 500 else 'MISSED'}")
    print(f"streamed CSV (/-/csv/, whole table): {csv_rate:,} rows/s (target ≥ 20,000) — "
          f"{'OK' if csv_rate >= 20000 else 'MISSED'}; built live: {lat['csv_stream_live']['rows_per_s']:,} rows/s; "
          f"Datasette ?_stream=on: {lat['csv_stream_datasette']['rows_per_s']:,} rows/s; "
          f"JSON Lines (/-/json/): {lat['json_lines_stream']['rows_per_s']:,} rows/s")
    every = lat.get("search_in_every_report_申请")
    if every:
        print(f"(beyond the target) a word in every report: p95 {every['p95_ms']} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
