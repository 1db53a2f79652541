"""The form's sum rules (勾稽关系) as linear equations, checked per report.

Every rule of ``schema.yaml`` becomes a set of equations ``sum(lhs) == sum(rhs)`` over field keys
(``non_negative`` is a bound, not an equation). The same equations serve three purposes:
checking a report, placing values of an ambiguous row (``repair``), and stating what blank cells
must be (``infer``) — always beside the printed fields, never inside them.
"""
from __future__ import annotations

import functools
from decimal import Decimal

from . import schema
from .mapping import n_placements, placements, MAX_PLACEMENTS


@functools.lru_cache(maxsize=None)
def equations(fmt: str) -> tuple:
    """(rule id, where, lhs keys, rhs keys) for every equation of ``fmt``."""
    eqs = []
    cols = schema.section3_columns()
    parts = cols[:-1]
    R = schema.req_key
    for row in schema.section3_rows(fmt):
        eqs.append(("row_total", f"table 三 row {row}", (R(row, "total"),), tuple(R(row, c) for c in parts)))
    for c in cols:
        eqs.append(("outcome_total", f"table 三 column {c}", (R("outcome_total", c),),
                    tuple(R(r, c) for r in schema.section3_outcome_leaves(fmt))))
    for c in cols:
        eqs.append(("balance", f"table 三 column {c}", (R("new", c), R("carried_in", c)),
                    (R("outcome_total", c), R("carried_out", c))))
    for g in schema.section4_groups():
        sub = [f"{g}_{c}" for c in schema.section4_columns()]
        eqs.append(("section4_totals", f"table 四 {g}", (sub[-1],), tuple(sub[:-1])))
    return tuple(eqs)


def _num(v):
    return Decimal(str(v))


def _violations(values: dict, eqs) -> list:
    """Equations fully known in ``values`` that do not hold."""
    bad = []
    for rule, where, lhs, rhs in eqs:
        terms = [values.get(k) for k in lhs + rhs]
        if any(t is None for t in terms):
            continue
        left = sum(_num(values[k]) for k in lhs)
        right = sum(_num(values[k]) for k in rhs)
        if left != right:
            bad.append((rule, where, left, right))
    return bad


def _with_group_totals(eqs, values: dict, group_totals: dict) -> tuple:
    """A 2021-format report printing （六）其他处理 as one row: where its three sub-rows are all
    blank or missing in a column, the printed row stands for them in that column's total."""
    subs = ("other_no_correction", "other_unpaid_fee", "other_other")
    out = []
    for rule, where, lhs, rhs in eqs:
        if rule == "outcome_total":
            col = lhs[0][len("req_outcome_total_"):]
            group = schema.req_key("other_handling", col)
            parts = [schema.req_key(r, col) for r in subs]
            if group in group_totals and all(values.get(k) is None for k in parts):
                rhs = tuple(k for k in rhs if k not in parts) + (group,)
        out.append((rule, where, lhs, rhs))
    return tuple(out)


def check(fields: dict, fmt: str, group_totals: dict | None = None) -> list:
    """Evaluate every rule of ``schema.yaml`` on the printed ``fields``.
    Returns ``[{"rule", "ok", "detail"}]``, one entry per rule. An equation with a blank or missing
    term cannot be evaluated: it is counted in the detail, not failed."""
    if fmt not in schema.TABLE_FORMATS:
        return []
    out = []
    eqs = equations(fmt)
    if group_totals:
        eqs = _with_group_totals(eqs, fields, group_totals)
        fields = {**fields, **group_totals}
    for rule_id, _ in schema.rules():
        if rule_id == "non_negative":
            signed = schema.signed_keys(fmt)
            neg = [k for k, v in fields.items() if v is not None and v < 0 and k not in signed]
            out.append({"rule": rule_id, "ok": not neg,
                        "detail": "negative: " + ", ".join(neg) if neg else "no negative counts"})
            continue
        mine = [e for e in eqs if e[0] == rule_id]
        bad = _violations(fields, mine)
        skipped = sum(1 for e in mine if any(fields.get(k) is None for k in e[2] + e[3]))
        if bad:
            detail = "; ".join(f"{w}: {_fmt(left)} ≠ {_fmt(right)}" for _, w, left, right in bad)
        else:
            detail = f"{len(mine) - skipped} of {len(mine)} equations hold"
        if skipped:
            detail += f" ({skipped} not checkable: blank or missing cells)"
        out.append({"rule": rule_id, "ok": not bad, "detail": detail})
    return out


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral() else str(d)


def _solve_open(slot_keys, slot_vals, known, eqs):
    """Fill open cells (None) of a placement that one equation determines. Returns the filled
    dict or None when an open cell stays undetermined or comes out negative."""
    vals = dict(zip(slot_keys, slot_vals))
    open_keys = [k for k, v in vals.items() if v is None]
    for key in open_keys:
        for _, _, lhs, rhs in eqs:
            if key not in lhs + rhs:
                continue
            terms = lhs + rhs
            env = {**known, **{k: v for k, v in vals.items() if v is not None}}
            if any(env.get(k) is None for k in terms if k != key):
                continue
            left = sum(_num(env[k]) for k in lhs if k != key)
            right = sum(_num(env[k]) for k in rhs if k != key)
            value = (right - left) if key in lhs else (left - right)
            if value < 0:
                return None
            vals[key] = int(value) if value == value.to_integral() else float(value)
            break
        if vals[key] is None:
            return None
    return vals


def repair(fields: dict, fmt: str, unresolved: list, provenance: dict, notes: list, inferred: dict,
           printed_lost: bool) -> dict:
    """Place the values of ambiguous rows where the sum rules leave exactly one answer.

    ``unresolved`` holds ``(keys, printed number tokens, context)``. A row is fixed when every
    placement consistent with the equations gives the same values. Cells that the placement
    leaves open but an equation determines are filled in ``fields`` when ``printed_lost`` (text
    extraction lost a printed cell) and in ``inferred`` otherwise. Unfixable rows stay null.

    Returns ``{"placed": [context, …], "ambiguous": [context, …]}``: the rows placed by the rules
    and the rows left empty (each also explained in ``notes``)."""
    eqs = equations(fmt)
    pending = list(unresolved)
    progress = True
    while pending and progress:
        progress = False
        for item in list(pending):
            keys, nums, context = item
            if n_placements(len(nums), len(keys)) > MAX_PLACEMENTS:
                continue
            known = {k: v for k, v in fields.items() if v is not None and k not in keys}
            relevant = [e for e in eqs if set(keys) & set(e[2] + e[3])]
            answers = {}
            for slot in placements(nums, len(keys)):
                vals = _solve_open(keys, [t.value if t is not None else None for t in slot], known, relevant)
                if vals is None:
                    continue
                if _violations({**known, **vals}, relevant):
                    continue
                sig = tuple(vals[k] for k in keys)
                answers.setdefault(sig, (slot, vals))
            if len(answers) == 1:
                slot, vals = next(iter(answers.values()))
                for key, tok in zip(keys, slot):
                    if tok is not None:
                        fields[key] = tok.value
                        provenance[key] = {"raw": tok.cell.text, "where": tok.cell.where, "placed_by_rules": True}
                    elif printed_lost:
                        fields[key] = vals[key]
                        provenance[key] = {"raw": None, "where": {}, "placed_by_rules": True}
                    else:
                        inferred[key] = vals[key]
                notes.append(f"{context}: placed by the sum rules (the only placement they allow)")
                pending.remove(item)
                progress = True
    for _keys, nums, context in pending:
        printed = " ".join(t.cell.text.strip() for t in nums)
        notes.append(f"{context}: placement ambiguous, fields left empty (printed: {printed})")
    left = {id(item) for item in pending}
    return {"placed": [c for item in unresolved if id(item) not in left for c in [item[2]]],
            "ambiguous": [item[2] for item in pending]}


def infer(fields: dict, fmt: str, blank_or_missing: set, notes: list) -> dict:
    """Values the printed numbers prove for blank or missing cells: a total of 0 proves its
    non-negative parts 0; an equation with one unknown term determines it. Returned separately."""
    inferred: dict = {}
    eqs = equations(fmt)
    env = dict(fields)
    changed = True
    while changed:
        changed = False
        for _rule, _where, lhs, rhs in eqs:
            terms = lhs + rhs
            unknown = [k for k in terms if env.get(k) is None]
            if not unknown:
                continue
            if len(lhs) == 1 and env.get(lhs[0]) == 0 and all(k in rhs for k in unknown):
                for k in unknown:
                    env[k] = inferred[k] = 0
                changed = True
                continue
            if len(unknown) == 1:
                k = unknown[0]
                left = sum(_num(env[t]) for t in lhs if t != k)
                right = sum(_num(env[t]) for t in rhs if t != k)
                value = (right - left) if k in lhs else (left - right)
                if value < 0:
                    continue
                env[k] = inferred[k] = int(value) if value == value.to_integral() else float(value)
                changed = True
    inferred = {k: v for k, v in inferred.items() if k in blank_or_missing}
    if inferred:
        notes.append(f"{len(inferred)} blank or missing cells follow from the sum rules; "
                     "their values are in 'inferred', not in 'fields'")
    return inferred
