"""``make bench``: the figures the issues set targets for, measured, never asserted.

    python -m nianbao.bench                 # everything (parse, crawl, distributed crawl, database
                                            # at 1,000,000 reports, harsh scans)
    python -m nianbao.bench --only parse    # one part; --db-reports N for a smaller database

Parsing runs pinned to one core over a generated corpus (cached under ``data/bench/``) of 200 HTML,
100 PDF, 50 DOCX, 20 DOC/WPS and 10 scanned reports; each document's fields are compared with the
report it was rendered from, so speed is never reported without accuracy.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

CORPUS = {"html": 200, "pdf": 100, "docx": 50, "doc": 20, "scan": 10}
TARGETS = {"html": "≥ 150 reports/s", "docx": "≥ 30/s", "pdf": "≥ 5/s (text PDF)", "doc": "≥ 2/s",
           "scan": "≤ 20 s per report"}


def _corpus(root: Path) -> Path:
    from nianbao.demo.documents import build_corpus
    d = root / ("corpus-" + "-".join(f"{k}{v}" for k, v in CORPUS.items()))
    if not (d / ".complete").exists():
        print(f"building the bench corpus in {d} (once)…", flush=True)
        build_corpus(str(d), **CORPUS)
        (d / ".complete").write_text("ok")
    return d


def _pin_one_core() -> None:
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _score(expected: dict, got: dict) -> tuple[int, int]:
    exp = expected["fields"]
    return sum(1 for k, v in exp.items() if got.get("fields", {}).get(k) == v), len(exp)


def bench_parse(root: Path) -> dict:
    from parsers import parse_many

    corpus = _corpus(root)
    _pin_one_core()
    groups: dict = {}
    for exp_path in sorted(corpus.glob("*.expected.json")):
        exp = json.loads(exp_path.read_text("utf-8"))
        groups.setdefault(exp_path.name.split("-")[0], []).append((corpus / exp["rendered"]["file"], exp))
    results = {}
    print(f"\nparsing, one core ({os.cpu_count()} on this machine)")
    print("docs/s: wall clock; per CPU-s: CPU time of the parser and its children (LibreOffice,\n"
          "tesseract), the fair figure when other work shares the machine")
    print(f"{'medium':8} {'docs':>5} {'docs/s':>8} {'per CPU-s':>10} {'per doc min/median/max (s)':>30} {'fields right':>14}  target")
    for group, items in groups.items():
        datas = [(p.read_bytes(), str(p)) for p, _ in items]
        times: list = []
        right = total = failed = 0
        c0 = _cpu()
        t0 = time.perf_counter()
        last = t0
        for (_path, exp), res in zip(items, parse_many(datas)):
            now = time.perf_counter()
            times.append(now - last)
            last = now
            if isinstance(res, Exception):
                failed += 1
                total += len(exp["fields"])
                continue
            r, t = _score(exp, res)
            right += r
            total += t
        wall = time.perf_counter() - t0
        cpu = _cpu() - c0
        rate = len(items) / wall if wall else float("inf")
        cpu_rate = len(items) / cpu if cpu else float("inf")
        results[group] = {"docs": len(items), "docs_per_s": rate, "docs_per_cpu_s": cpu_rate, "min": min(times), "median": statistics.median(times),
                          "max": max(times), "fields_right": right / total if total else None, "failed": failed}
        print(f"{group:8} {len(items):5d} {rate:8.1f} {cpu_rate:10.1f} {min(times):9.3f} / {statistics.median(times):.3f} / {max(times):.3f}"
              f" {100 * right / max(total, 1):12.2f}%  {TARGETS.get(group, '')}"
              + (f"  ({failed} unreadable)" if failed else ""), flush=True)
    results["text"] = bench_text(root)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak memory: parser process {self_kb / 1024:.0f} MB, largest child (LibreOffice/tesseract) {child_kb / 1024:.0f} MB")
    results["peak_rss_mb"] = {"self": self_kb / 1024, "children": child_kb / 1024}
    return results


def bench_text(root: Path, rounds: int = 60) -> dict:
    """Plain texts (the seeds: real reports as extracted text) parsed ``rounds`` times each,
    one core: the stream reader's speed on real layouts."""
    from parsers import parse
    seeds = sorted((Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds").glob("*.txt"))
    if not seeds:
        return {}
    _pin_one_core()
    datas = [p.read_bytes() for p in seeds]
    from parsers import normalize
    t0 = time.perf_counter()
    c0 = _cpu()
    for _ in range(rounds):
        for d in datas:
            parse(d)
            normalize._squash_short.cache_clear()    # every document read as if new
            normalize.label_key.cache_clear()
            normalize.read_number.cache_clear()
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    n = rounds * len(datas)
    print(f"{'text':8} {n:5d} {n / wall:8.1f} {n / cpu:10.1f}   (the {len(datas)} seed texts, {rounds} rounds, caches cleared)  target ≥ 150/s")
    return {"docs": n, "docs_per_s": n / wall, "docs_per_cpu_s": n / cpu}


def _harsh_corpus(root: Path, count: int, long: bool = False) -> tuple[Path, list]:
    from nianbao.demo.scans import build
    d = root / (f"harsh-long-{count}" if long else f"harsh-{count}")
    if not (d / ".complete").exists():
        print(f"building {count} harsh {'4-page ' if long else ''}scans in {d} (once)…", flush=True)
        build(d, count, long=long)
        (d / ".complete").write_text("ok")
    return d, sorted(d.glob("*.expected.json"))


def _read_harsh(d: Path, docs: list, label: str, read) -> dict:
    """Each scan read by ``read(data, filename)``: fields right, wrong numbers (and those in
    reports whose checks all pass), seconds a document and a page; one line printed."""
    right = total = wrong = verified_wrong = 0
    times, page_times, pages = [], [], []
    for exp_path in docs:
        exp = json.loads(exp_path.read_text("utf-8"))
        data = (d / exp["rendered"]["file"]).read_bytes()
        t0 = time.perf_counter()
        try:
            got = read(data, exp["rendered"]["file"])
        except Exception:
            got = {"fields": {}, "checks": []}
        times.append(time.perf_counter() - t0)
        if exp["rendered"].get("pages"):
            pages.append(exp["rendered"]["pages"])
            page_times.append(times[-1] / exp["rendered"]["pages"])
        f = got.get("fields", {})
        r, t = _score(exp, got)
        right, total = right + r, total + t
        bad = sum(1 for k, v in exp["fields"].items() if f.get(k) is not None and f.get(k) != v)
        wrong += bad
        if bad and got.get("checks") and all(c["ok"] for c in got["checks"]):
            verified_wrong += bad
    per_page = statistics.median(page_times) if page_times else None
    shown = (f" ({per_page:.1f} s a page, {statistics.median(pages):g} pages a document"
             + (f": {4 * per_page:.1f} s a 4-page report)" if statistics.median(pages) != 4 else ")")
             if page_times else "")
    print(f"{'harsh':8} {len(docs):5d} {label:>16}: {100 * right / max(total, 1):.2f}% of fields right, "
          f"{wrong} wrong numbers ({verified_wrong} in reports whose checks all pass), "
          f"{statistics.median(times):.1f} s median / {max(times):.1f} s max per document{shown}", flush=True)
    return {"fields_right": right / max(total, 1), "wrong": wrong, "verified_wrong": verified_wrong,
            "median_s": statistics.median(times), "max_s": max(times), "median_s_per_page": per_page}


def bench_harsh(root: Path, count: int = 30, long_count: int = 20) -> dict:
    """Harsh scans (``nianbao.demo.scans``: 150–200 dpi, lean, speckle, blur, JPEG, dark edge,
    seals, faint rules, uneven light, tall stitched images), one core: fields right, wrong
    numbers (and wrong numbers in reports whose checks all pass), seconds per document, by
    OCR engine; then ``long_count`` 4-page reports (a page and a half of prose before the
    tables), read in this process and as the crawl reads them, each in a child forked from the
    parser's warm fork server (``parsers.worker``: the figure holds the fork and the result's
    trip)."""
    from parsers import ocr, parse
    from parsers.worker import parse_document
    d, docs = _harsh_corpus(root, count)
    _pin_one_core()
    out = {}
    for engine in ([ocr.engine()] + (["tesseract"] if ocr.engine() != "tesseract" else [])):
        os.environ["NIANBAO_OCR_ENGINE"] = engine
        ocr.warm_ocr()      # as the parser's fork server is (parsers.warm): engine loaded, widths prepared
        out[engine] = _read_harsh(d, docs, engine, lambda data, name: parse(data, filename=name))
    os.environ.pop("NIANBAO_OCR_ENGINE", None)
    if long_count and ocr.engine() == "ppocr":
        d, docs = _harsh_corpus(root, long_count, long=True)
        out["long"] = _read_harsh(d, docs, "ppocr, 4 pages", lambda data, name: parse(data, filename=name))

        def in_worker(data, name):
            return parse_document(data, filename=name)
        first = json.loads(docs[0].read_text("utf-8"))["rendered"]["file"]
        parse_document((d / first).read_bytes(), filename=first)      # starts the fork server (its warm-up)
        out["long_worker"] = _read_harsh(d, docs, "4 pages, worker", in_worker)
    return out


def bench_crawl(root: Path) -> dict | None:
    try:
        from nianbao.benchcrawl import main as crawl_bench
    except ImportError as exc:
        print(f"\ncrawl bench not available: {exc}")
        return None
    print("\ncrawling the simulator")
    return crawl_bench([])


def bench_distributed(root: Path) -> dict | None:
    from nianbao.benchdist import bench, report
    print("\ndistributed crawl: one worker, then two, over a Redis frontier")
    try:
        r = bench(portals=1000, latency=0.2)
    except RuntimeError as exc:
        print(f"distributed bench not available: {exc}")
        return None
    print(report(r), flush=True)
    return r


def bench_db(root: Path, reports: int) -> dict | None:
    try:
        from nianbao.benchdb import main as db_bench
    except ImportError as exc:
        print(f"\ndatabase bench not available: {exc}")
        return None
    print(f"\ndatabase at {reports:,} reports")
    return db_bench(["--reports", str(reports), "--dir", str(root)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="parse,crawl,dist,db,harsh",
                    help="comma-separated parts: parse, crawl, dist (one worker against two), db, "
                         "harsh (harsh scans by OCR engine)")
    ap.add_argument("--harsh", type=int, default=30, help="harsh scans to read (the corpus is cached)")
    ap.add_argument("--harsh-long", type=int, default=20, help="harsh 4-page scans to read (0: none)")
    ap.add_argument("--db-reports", type=int, default=1_000_000)
    ap.add_argument("--dir", default="data/bench")
    args = ap.parse_args(argv)
    root = Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    parts = set(args.only.split(","))
    t0 = time.time()
    out = {}
    # the database and crawl benches run in their own processes: parse pins this one to one core
    if "db" in parts:
        out["db"] = _sub("db", root, args.db_reports)
    if "crawl" in parts:
        out["crawl"] = _sub("crawl", root, 0)
    if "dist" in parts:
        out["dist"] = _sub("distributed", root, 0)
    if "parse" in parts:
        out["parse"] = bench_parse(root)
    if "harsh" in parts:
        print("\nharsh scans, one core")
        out["harsh"] = bench_harsh(root, args.harsh, args.harsh_long)
    print(f"\nbench finished in {time.time() - t0:.0f} s")
    return 0


def _sub(part: str, root: Path, reports: int):
    import subprocess
    code = (f"from pathlib import Path; from nianbao.bench import bench_{part} as f; "
            + (f"f(Path({str(root)!r}), {reports})" if part == "db" else f"f(Path({str(root)!r}))"))
    subprocess.run([sys.executable, "-c", code])
    return None


if __name__ == "__main__":
    sys.exit(main())
