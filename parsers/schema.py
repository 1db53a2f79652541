"""The form, read once from ``schema.yaml``: field keys, labels, row patterns and sum rules.

Everything else in nianbao asks this module about the form; no other module spells a field
key or a label. ``schema.yaml`` beside this file is the project's copy of the shared contract.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SCHEMA_PATH = Path(__file__).with_name("schema.yaml")
TABLE_FORMATS = ("2021", "2019")


@functools.lru_cache(maxsize=1)
def raw() -> dict:
    """The parsed ``schema.yaml``."""
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class Section2Row:
    """One printed row of table 二: an id from ``row_patterns.section2`` and its field keys."""

    row: str            # e.g. "normative_docs"
    label: str          # printed label, e.g. 行政规范性文件
    keys: tuple         # field keys in column order
    columns: tuple      # printed column labels, same order
    signed: frozenset   # keys that may be negative
    decimal: frozenset  # keys that may hold decimals


def _s2_row_id(label: str) -> str:
    for row_id, pattern in raw()["row_patterns"]["section2"].items():
        if re.search(pattern, label):
            return row_id
    raise ValueError(f"schema.yaml: no section2 row pattern matches {label!r}")


@functools.lru_cache(maxsize=None)
def section2_rows(fmt: str) -> tuple:
    """Rows of table 二 for ``fmt``, in printed order."""
    rows: dict = {}
    for entry in raw()["section2"][fmt]:
        rid = _s2_row_id(entry["row"])
        rows.setdefault(rid, {"label": entry["row"], "keys": [], "cols": [], "signed": set(), "decimal": set()})
        r = rows[rid]
        r["keys"].append(entry["key"])
        r["cols"].append(entry["col"])
        if entry.get("signed"):
            r["signed"].add(entry["key"])
        if entry.get("decimal"):
            r["decimal"].add(entry["key"])
    return tuple(
        Section2Row(rid, r["label"], tuple(r["keys"]), tuple(r["cols"]), frozenset(r["signed"]), frozenset(r["decimal"]))
        for rid, r in rows.items()
    )


@functools.lru_cache(maxsize=None)
def section3_rows(fmt: str) -> tuple:
    """Row keys of table 三 that exist in ``fmt``, in printed order."""
    return tuple(r["key"] for r in raw()["section3"]["rows"] if fmt in r.get("formats", TABLE_FORMATS))


@functools.lru_cache(maxsize=None)
def section3_columns() -> tuple:
    """Column keys of table 三 in printed order (natural_person … total)."""
    return tuple(c["key"] for c in raw()["section3"]["columns"])


@functools.lru_cache(maxsize=None)
def section3_outcome_leaves(fmt: str) -> tuple:
    """Rows whose sum is （七）总计: every row between 予以公开 and the total."""
    rows = section3_rows(fmt)
    return rows[rows.index("granted"): rows.index("outcome_total")]


def req_key(row: str, col: str) -> str:
    """Field key of a table 三 cell, e.g. ``req_new_total``."""
    return f"req_{row}_{col}"


@functools.lru_cache(maxsize=None)
def section4_groups() -> tuple:
    return tuple(g["key"] for g in raw()["section4"]["groups"])


@functools.lru_cache(maxsize=None)
def section4_columns() -> tuple:
    return tuple(c["key"] for c in raw()["section4"]["columns"])


@functools.lru_cache(maxsize=None)
def section4_keys() -> tuple:
    """The 15 keys of table 四 in printed order (review_*, suit_direct_*, suit_after_review_*)."""
    return tuple(f"{g}_{c}" for g in section4_groups() for c in section4_columns())


@functools.lru_cache(maxsize=None)
def field_keys(fmt: str) -> tuple:
    """Every canonical field key of ``fmt`` in printed order; empty for legacy or unknown."""
    if fmt not in TABLE_FORMATS:
        return ()
    keys = [k for r in section2_rows(fmt) for k in r.keys]
    keys += [req_key(r, c) for r in section3_rows(fmt) for c in section3_columns()]
    keys += list(section4_keys())
    return tuple(keys)


@functools.lru_cache(maxsize=None)
def all_field_keys() -> tuple:
    """Union of both formats' keys (the database's field columns), 2021 first."""
    seen = dict.fromkeys(field_keys("2021"))
    seen.update(dict.fromkeys(field_keys("2019")))
    return tuple(seen)


@functools.lru_cache(maxsize=None)
def signed_keys(fmt: str) -> frozenset:
    return frozenset(k for r in section2_rows(fmt) for k in r.signed)


@functools.lru_cache(maxsize=None)
def decimal_keys(fmt: str) -> frozenset:
    return frozenset(k for r in section2_rows(fmt) for k in r.decimal)


@functools.lru_cache(maxsize=None)
def field_labels() -> dict:
    """Chinese description of every field key, as the form prints it, e.g.
    ``req_new_total`` → ``三、收到和处理政府信息公开申请情况 / 一、本年新收政府信息公开申请数量 / 总计``."""
    s = raw()
    labels = {}
    for fmt in TABLE_FORMATS:
        for entry in s["section2"][fmt]:
            labels.setdefault(entry["key"], f"二、主动公开 / {entry['row']} / {entry['col']}")
    cols = {c["key"]: (c.get("group", "") + " " + c["label"]).strip() for c in s["section3"]["columns"]}
    for r in s["section3"]["rows"]:
        row_label = (r.get("parent", "") + " " + r["label"]).strip()
        for ck, cl in cols.items():
            labels[req_key(r["key"], ck)] = f"三、依申请公开 / {row_label} / {cl}"
    groups = {g["key"]: (g.get("parent", "") + " " + g["label"]).strip() for g in s["section4"]["groups"]}
    for gk, gl in groups.items():
        for c in s["section4"]["columns"]:
            labels[f"{gk}_{c['key']}"] = f"四、行政复议和行政诉讼 / {gl} / {c['label']}"
    return labels


@functools.lru_cache(maxsize=None)
def row_patterns(section: str) -> tuple:
    """(row id, compiled pattern) pairs for ``section2``/``section3`` in matching order."""
    return tuple((k, re.compile(v)) for k, v in raw()["row_patterns"][section].items())


@functools.lru_cache(maxsize=None)
def section3_parent_pattern():
    return re.compile(raw()["row_patterns"]["section3_parents"])


@functools.lru_cache(maxsize=None)
def format_markers() -> dict:
    return {fmt: re.compile(p) for fmt, p in raw()["format_markers"].items()}


@functools.lru_cache(maxsize=None)
def table_page_words() -> tuple:
    """Words whose presence marks a page as carrying a statutory table (headlines of tables 二–四
    and the row labels a continuation page starts with)."""
    return tuple(raw()["table_page_words"])


@functools.lru_cache(maxsize=None)
def rules() -> tuple:
    """The sum rules, as (id, text) pairs, in schema order."""
    return tuple((r["id"], r["text"].strip()) for r in raw()["rules"])
