"""Crawl benchmark against the portal simulator (``make bench``):

- throughput: a full crawl of every demo portal with throttling off — requests served per second
  (pages, documents, attachments) and documents archived per second;
- cost of an unchanged nightly re-crawl (an incremental walk, as ``nianbao nightly`` runs six
  nights a week): requests per portal against the first crawl's, and documents downloaded again.

    python -m nianbao.benchcrawl [--json]

Each crawl runs as a subprocess (``python -m crawler.run``): the Twisted reactor cannot restart.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _crawl(sources, db, archive, log, mode="full"):
    t = time.time()
    p = subprocess.run([sys.executable, "-m", "crawler.run", "--sources", str(sources), "--db", str(db),
                        "--archive", str(archive), "--no-throttle", "--log-file", str(log), "--mode", mode],
                       cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.time() - t, p


def bench() -> dict:
    from nianbao.demo.portals import PORTAL_KEYS, start
    h = start(0, keys=PORTAL_KEYS + ("county",))      # the demo portals and one of a real size
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            sources = tmp / "sources.yaml"
            sources.write_text(yaml.safe_dump(h.sources(platform=None), allow_unicode=True), encoding="utf-8")
            db, archive = tmp / "bench.db", tmp / "archive"
            h.reset()
            wall1, p1 = _crawl(sources, db, archive, tmp / "1.log")
            served1 = {k: sum(h.requests(k).values()) for k in h.portals}
            con = sqlite3.connect(db)
            run1 = dict(zip([c[0] for c in con.execute("select * from crawl_runs").description],
                            con.execute("select * from crawl_runs order by id desc").fetchone()))
            from urllib.parse import urlsplit
            doc_paths = {urlsplit(u).path + ("?" + urlsplit(u).query if urlsplit(u).query else "")
                         for (u,) in con.execute("select url from documents")}
            h.reset()
            wall2, p2 = _crawl(sources, db, archive, tmp / "2.log", mode="incremental")
            served2 = {k: sum(h.requests(k).values()) for k in h.portals}
            full2 = {k: sum(n for s, n in h.statuses(k).items() if s.endswith(" 200")) for k in h.portals}
            not304 = {k: sum(n for s, n in h.statuses(k).items() if s.endswith(" 304")) for k in h.portals}
            again = {k: sum(n for s, n in h.statuses(k).items()
                            if s.endswith(" 200") and s.split(" ")[1] in doc_paths) for k in h.portals}
            con.close()
    finally:
        h.stop()
    total1 = sum(served1.values())
    return {
        "full_crawl": {"wall_s": round(wall1, 2), "requests": total1,
                       "requests_per_s": round(total1 / wall1, 1), "documents": run1["documents"],
                       "reports": run1["reports"], "documents_per_s": round(run1["documents"] / wall1, 2)},
        "recrawl_unchanged": {"wall_s": round(wall2, 2), "requests_per_portal": served2,
                              "first_requests_per_portal": served1,
                              "full_bodies_per_portal": full2, "not_modified_per_portal": not304,
                              "documents_again_per_portal": again,
                              "requests_total": sum(served2.values())},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    r = bench()
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
        return 0
    f, g = r["full_crawl"], r["recrawl_unchanged"]
    print(f"crawl throughput (throttle off, {len(g['requests_per_portal'])} simulated portals, incl. process start-up):")
    print(f"  {f['requests']} requests in {f['wall_s']} s = {f['requests_per_s']} requests/s; "
          f"{f['documents']} documents archived, {f['reports']} reports parsed ({f['documents_per_s']} documents/s)")
    print(f"unchanged night (incremental walk): {g['requests_total']} requests in {g['wall_s']} s "
          f"(first crawl {f['requests']}: {100 * g['requests_total'] / max(f['requests'], 1):.1f}%)")
    for k, n in g["requests_per_portal"].items():
        first = g["first_requests_per_portal"][k]
        print(f"  {k:8s} {n:3d} requests of {first:3d} on the first crawl ({100 * n / max(first, 1):4.1f}%), "
              f"{g['documents_again_per_portal'][k]} documents downloaded again, "
              f"{g['full_bodies_per_portal'][k]} full bodies (robots.txt, home and column pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
