"""Seed ``registry.yaml`` (real portals, unverified) from a TSV of known report URLs.

    python -m crawler.sources.seed_registry REPORT_URLS.tsv > crawler/sources/registry.yaml

One source per host: the annual-report column the reports sit in (the URL's directory before a
``YYYYMM``/year/``content`` segment), else the host's home page. Platform from the URL family.
"""
from __future__ import annotations

import csv
import re
import sys
from collections import OrderedDict
from urllib.parse import urlsplit

import yaml

FAMILY = {"trs": "trs", "hanweb": "hanweb", "hanweb-annual-module": "hanweb",
          "guangdong-post": "gdzwfw"}


def column_of(url: str) -> str:
    u = urlsplit(url)
    parts = [p for p in u.path.split("/") if p]
    keep = []
    for p in parts[:-1]:
        if re.fullmatch(r"(19|20)\d{2}(\d{2})?n?\d*|content|art|\d{1,2}|t\d+|(19|20)\d\d-\d\d", p):
            break
        keep.append(p)
    path = "/" + "/".join(keep) + ("/" if keep else "")
    return f"{u.scheme}://{u.netloc}{path}"


def main(argv=None) -> int:
    argv = argv or sys.argv[1:]
    rows = list(csv.DictReader(open(argv[0], encoding="utf-8"), delimiter="\t"))
    by_host: "OrderedDict[str, dict]" = OrderedDict()
    for r in rows:
        host = r["host"]
        if host in by_host:
            continue
        name = (r.get("agency") or host).strip()
        entry = {"name": name, "url": column_of(r["url"]),
                 "platform": FAMILY.get(r.get("family", ""), "auto"), "verified": False}
        if r.get("province"):
            entry["region"] = r["province"]
        entry["example"] = r["url"]
        by_host[host] = entry
    sys.stdout.write("# Real portals seeded from known report URLs (one per host), not yet verified by a crawl.\n"
                     "# Format of crawler/sources/demo.yaml; `example` is one report URL seen there.\n")
    yaml.safe_dump(list(by_host.values()), sys.stdout, allow_unicode=True, sort_keys=False, width=200)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
