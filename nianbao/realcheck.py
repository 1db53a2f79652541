"""Score the parser on real report pages: texts nobody in this project wrote.

The corpus (``tests/realpages/pages.jsonl``) holds, for each stored public page, how to find its
text again (URL, the search query that returns it, the SHA-256 of the text) and the truth read by
hand from that text: every table row fully visible in it, as printed (a blank cell is null). The
page texts themselves are third-party material and stay outside the repository; fetch them again
into a folder as ``<id>.txt`` and run::

    make realcheck DIR=/path/to/texts
    python -m nianbao.realcheck /path/to/texts [--corpus tests/realpages/pages.jsonl] [--show ID]

A value is *right* when the parser gives the printed number (or null for a printed blank),
*missed* when it gives null for a printed number, and *wrong* when it gives a number the page
did not print there. Wrong numbers are the failure that matters: a null with a note is safe.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from parsers import schema
from parsers.core import parse_bytes

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "realpages" / "pages.jsonl"


def load_corpus(path: Path = DEFAULT_CORPUS) -> list:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def expected_fields(page: dict) -> dict:
    """The hand-read rows of a page as ``{field key: value}``."""
    fmt = page["format"]
    s2 = {r.row: r.keys for r in schema.section2_rows(fmt)}
    out = {}
    for row, values in page.get("rows", {}).items():
        if row == "section4":
            keys = schema.section4_keys()
        elif row.startswith("req_"):
            keys = [schema.req_key(row[4:], c) for c in schema.section3_columns()]
        else:
            keys = s2[row]
        if len(keys) != len(values):
            raise ValueError(f"{page['id']}: row {row} has {len(values)} values for {len(keys)} cells")
        out.update(zip(keys, values))
    return out


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def score_page(page: dict, report: dict) -> dict:
    """Counts for one page: right / missed / wrong, split by what the page printed."""
    counts: Counter = Counter()
    problems = []
    if not page.get("is_report", True):
        ok = report.get("format") in (None, "legacy")
        counts["nonreport_right" if ok else "nonreport_wrong"] += 1
        return {"counts": counts, "problems": [] if ok else ["read as a report"]}
    if report.get("format") != page["format"]:
        problems.append(f"format {report.get('format')} (page: {page['format']})")
    got = dict(report.get("fields") or {})
    # a 2021-format page printing （六）其他处理 as one row: the parser keeps it in provenance
    for key, prov in (report.get("provenance") or {}).items():
        if key not in got and key.startswith("req_other_handling_"):
            got[key] = prov.get("value")
    for key, want in expected_fields(page).items():
        have = got.get(key)
        kind = "null" if want is None else "zero" if want == 0 else "nonzero"
        if _same(have, want):
            counts[f"right_{kind}"] += 1
        elif have is None:
            counts[f"missed_{kind}"] += 1
            problems.append(f"{key}: null (printed {want})")
        else:
            counts[f"wrong_{kind}"] += 1
            problems.append(f"{key}: {have} (printed {want if want is not None else 'blank'})  WRONG")
    return {"counts": counts, "problems": problems}


def run(texts: Path, corpus: list, show: str | None = None, out=sys.stdout) -> Counter:
    total: Counter = Counter()
    absent, changed = [], []
    for page in corpus:
        path = texts / f"{page['id']}.txt"
        if not path.exists():
            absent.append(page["id"])
            continue
        data = path.read_bytes()
        if page.get("sha256") and hashlib.sha256(data).hexdigest() != page["sha256"]:
            changed.append(page["id"])
        try:
            report = parse_bytes(data, filename=path.name)
        except Exception as exc:  # a page that cannot be read scores every value as missed
            report = {"format": None, "fields": {}, "notes": [f"{type(exc).__name__}: {exc}"]}
        result = score_page(page, report)
        total.update(result["counts"])
        total["pages"] += 1
        if show and (show == page["id"] or show == "all" or (show == "problems" and result["problems"])):
            print(f"--- {page['id']} {page.get('url', '')}", file=out)
            for p in result["problems"]:
                print(f"    {p}", file=out)
    if absent:
        print(f"{len(absent)} pages of the corpus have no text in {texts} (fetch them again): "
              + ", ".join(absent[:10]) + (" …" if len(absent) > 10 else ""), file=out)
    if changed:
        print(f"{len(changed)} texts differ from the hash recorded (the stored page changed?): "
              + ", ".join(changed[:10]), file=out)
    print(summary(total), file=out)
    return total


def summary(total: Counter) -> str:
    kinds = ("null", "zero", "nonzero")
    right = sum(total[f"right_{k}"] for k in kinds)
    missed = sum(total[f"missed_{k}"] for k in kinds)
    wrong = sum(total[f"wrong_{k}"] for k in kinds)
    values = right + missed + wrong
    lines = [f"{total['pages']} pages, {values} visible values: {right} right "
             f"({100 * right / values:.2f}%), {missed} missed (null), {wrong} wrong" if values else
             f"{total['pages']} pages, no visible values"]
    for k, name in zip(kinds, ("printed blank", "printed 0", "printed non-zero")):
        n = total[f"right_{k}"] + total[f"missed_{k}"] + total[f"wrong_{k}"]
        if n:
            lines.append(f"  {name:17s} {n:6d}: {total[f'right_{k}']} right, {total[f'missed_{k}']} missed, "
                         f"{total[f'wrong_{k}']} wrong")
    if total["nonreport_right"] + total["nonreport_wrong"]:
        lines.append(f"  non-reports: {total['nonreport_right']} recognised, {total['nonreport_wrong']} read as reports")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.realcheck", description=__doc__.split("\n\n")[0])
    ap.add_argument("texts", type=Path, help="folder holding <id>.txt for each page of the corpus")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--show", help="print the problems of one page id, of 'all' pages, or of pages with 'problems'")
    args = ap.parse_args(argv)
    total = run(args.texts, load_corpus(args.corpus), show=args.show)
    return 1 if sum(total[f"wrong_{k}"] for k in ("null", "zero", "nonzero")) else 0


if __name__ == "__main__":
    sys.exit(main())
