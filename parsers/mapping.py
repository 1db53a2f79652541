"""The mapping core: table rows of any medium → canonical fields of ``schema.yaml``.

Rows are matched by label (``row_patterns`` in schema.yaml) and, where a label is lost or is only
a group heading, by the form's fixed order. Values are read left to right. When a row prints more
or fewer values than the form has cells, the row is *ambiguous*: every placement of the printed
values is tried, and a placement is accepted only when the sum rules leave exactly one answer
(``notes`` say so). Otherwise the row's fields stay null and a note says why: a number is never
guessed.
"""
from __future__ import annotations

import functools
import itertools
import re
import statistics
from dataclasses import dataclass, field

from . import schema
from .model import Cell
from .normalize import ORDINAL, label_key, read_number, squash

MAX_PLACEMENTS = 5000   # beyond this many candidate placements a row is left unresolved


@dataclass
class Token:
    kind: str            # number | blank | text | unread (a scan's ink nothing could read)
    value: object
    cell: Cell


def _token(cell: Cell) -> Token:
    if not cell.text.strip() and (cell.where or {}).get("conf") == 0.0:
        return Token("unread", None, cell)     # ink with no reading: a value not known, not a blank
    return Token(*read_number(cell.text), cell)


@dataclass
class Row:
    label: str                      # joined text cells (normalised key); in a stream, the last two
    leaf: str                       # the last text cell that is no group heading (normalised key)
    values: list                    # Tokens after the label (numbers and blanks)
    index: int                      # position in the document's rows
    texts: list = field(default_factory=list)   # the label Tokens (their positions, for headers)
    words: str = ""                 # every label cell joined (a stream: the headings before the values)

    @property
    def numbers(self) -> list:
        return [t for t in self.values if t.kind == "number"]


@dataclass
class Mapped:
    fields: dict = field(default_factory=dict)      # key -> printed value or None
    provenance: dict = field(default_factory=dict)  # key -> {"raw": str, "where": {...}}
    notes: list = field(default_factory=list)
    missing: set = field(default_factory=set)       # keys whose cell was absent
    blank: set = field(default_factory=set)         # keys whose cell was printed blank
    sections_found: set = field(default_factory=set)
    by_order: list = field(default_factory=list)    # row keys whose label matched no pattern: placed by the form's order
    guessed: list = field(default_factory=list)     # rows whose values were laid left to right without knowing the blanks
    group_totals: dict = field(default_factory=dict)  # a printed group row the form splits (2021: （六）其他处理)


def tokenize(rows: list, stream: bool = False) -> list:
    """Split each table row into label and value cells. A row is label cells then value cells;
    a text cell after values starts a new logical row (two printed rows fused by extraction).
    With ``stream`` the cells of all rows are one sequence (text layouts, where a line break is
    no row boundary): see ``_stream_rows``."""
    if stream:
        return _stream_rows(rows)
    out = []
    for i, cells in enumerate(rows):
        toks = [_token(c) for c in cells]
        labels: list = []
        values: list = []
        texts: list = []
        for t in toks:
            if t.kind == "text":
                if values and any(v.kind == "number" for v in values):
                    out.append(_row(labels, values, i, texts))
                    labels, values, texts = [], [], []
                labels.append(label_key(t.cell.text))
                texts.append(t)
                values = []          # blanks between label cells are spacing, not values
            else:
                values.append(t)
        out.append(_row(labels, values, i, texts))
    return _join_split_labels(out)


def _stream_rows(rows: list) -> list:
    """Logical rows of a stream of cells: label cells, then value cells until the next label.
    Blanks after a label naming a row of the form are that row's printed blanks (行政强制 | |);
    after any other label they are spacing (a heading's empty cells). A sentence (prose) is no
    label and ends the one being read. The end of a label wrapped below its values (4.保护第
    6 1 0 … / 三方合法权益) goes back to its row; a group heading printed among a row's values
    (（三）不予公开 between two halves of a row) does not split it (``_merge_split_groups``)."""
    from .text import is_prose
    runs: list = []          # [labels, values, texts] of each logical row
    labels: list = []
    values: list = []
    texts: list = []
    for cells in rows:
        for c in cells:
            t = _token(c)
            if t.kind != "text":
                values.append(t)
                continue
            if values and (any(v.kind == "number" for v in values) or _names_row(labels)):
                runs.append([labels, values, texts])
                labels, values, texts = [], [], []
            values = []
            if is_prose(c.text):
                labels, texts = [], []
                continue
            labels.append(label_key(c.text))
            texts.append(t)
    if values:
        runs.append([labels, values, texts])
    for prev, run in zip(runs, runs[1:]):
        own = [lab for lab in prev[0] if lab]
        if len(run[0]) >= 2 and own and not _known("".join(own[-2:])) and _known(own[-1] + run[0][0]):
            prev[0] = prev[0] + run[0][:1]
            prev[2] = prev[2] + run[2][:1]
            run[0], run[2] = run[0][1:], run[2][1:]
    out = [_row(lab, val, i, tex, stream=True) for i, (lab, val, tex) in enumerate(runs)]
    return _merge_split_groups(out)


@functools.lru_cache(maxsize=1 << 14)
def _is_group(label: str) -> bool:
    return bool(label) and bool(schema.section3_parent_pattern().search(label)) and not _known_leaf(label)


def _merge_split_groups(rows: list) -> list:
    """A row of table 三 whose group heading was printed among its values (the heading's cell is
    centred on the group's middle row): ``1.属于国家秘密 0 0 0 （三）不予公开 0 0 0 0`` reads as a
    row of three values and a heading row of four; joined when together they fill the row."""
    width = len(schema.section3_columns())
    out: list = []
    for row in rows:
        prev = out[-1] if out else None
        if (prev is not None and row.values and row.label and all(_is_group(label_key(t.cell.text)) for t in row.texts)
                and prev.values and prev.label and len(prev.values) < width
                and len(prev.values) + len(row.values) == width):
            prev.values = prev.values + row.values
            continue
        out.append(row)
    return out


@functools.lru_cache(maxsize=1 << 14)
def _known_leaf(label: str) -> bool:
    """Does ``label`` name a row of table 二 or 三 (not a group heading)?"""
    return any(p.search(label) for sec in ("section2", "section3") for _, p in schema.row_patterns(sec))


def _names_row(labels: list) -> bool:
    leaf = next((lab for lab in reversed(labels) if lab), "")
    return bool(leaf) and _known_leaf(leaf) and not schema.section3_parent_pattern().search(leaf)


@functools.lru_cache(maxsize=1 << 14)
def _known(label: str) -> bool:
    """Does ``label`` name a row of either table (or a group heading)?"""
    if not label:
        return False
    if schema.section3_parent_pattern().search(label):
        return True
    return any(p.search(label) for sec in ("section2", "section3") for _, p in schema.row_patterns(sec))


def _join_split_labels(rows: list) -> list:
    """A label broken over two lines with its values on the second (一、本年新收政府信 /
    息公开申请数量 0 0 …): join the label-only row to the row below when only the joined label
    names a row of the form."""
    out: list = []
    for row in rows:
        prev = out[-1] if out else None
        if prev is not None and row.label and not row.values and prev.values and prev.label \
                and not _known(prev.leaf) and _known(prev.leaf + row.leaf):
            # the second half of the label above (values printed on its first line)
            out[-1] = Row(prev.label + row.label, prev.leaf + row.leaf, prev.values, prev.index, prev.texts + row.texts,
                          prev.words + row.words)
            continue
        if (prev is not None and prev.label and not prev.values and row.values
                and not _known(row.leaf) and _known(prev.leaf + row.leaf)):
            # the first half of the label below (values printed on its second line)
            out[-1] = Row(prev.label + row.label, prev.leaf + row.leaf, row.values, row.index, prev.texts + row.texts,
                          prev.words + row.words)
            continue
        out.append(row)
    return out


def _row(labels: list, values: list, index: int, texts: list = (), stream: bool = False) -> Row:
    labels = [lab for lab in labels if lab]
    words = "".join(labels)
    if not stream:
        return Row(words, labels[-1] if labels else "", values, index, list(texts), words)
    # a stream's label run holds every heading since the last row; the row's own label is its
    # last cell or two (a label wrapped over lines), leaving out a group heading among them
    own = [lab for lab in labels if not _is_group(lab)] or labels
    # a wrapped label runs from its last cell opening with an ordinal (（二）, 1., 一、) to its end
    opened = [i for i, t in enumerate(texts) if ORDINAL.match(squash(t.cell.text))
              and not _is_group(label_key(t.cell.text))]
    tail = [label_key(t.cell.text) for t in texts[opened[-1]:]] if opened and len(texts) - opened[-1] <= 4 else []
    tail = [lab for lab in tail if lab and not _is_group(lab)]
    label = "".join(tail) if len(tail) > 2 else "".join(own[-2:])
    return Row(label, own[-1] if own else "", values, index, list(texts), words)


def _match(patterns, *labels) -> str | None:
    for lab in labels:
        if not lab:
            continue
        for key, pat in patterns:
            if pat.search(lab):
                return key
    return None


def _fit(values: list, n: int, strict: bool):
    """Fit a row's value cells to ``n`` form cells. Returns (tokens or None, candidates, note).
    tokens: n Tokens placed for sure; otherwise candidates: the printed numbers, to be placed by
    the sum rules."""
    vals = list(values)
    if len(vals) == n:
        return vals, None, None
    nums = [t for t in vals if t.kind == "number"]
    if strict:
        while len(vals) > n and vals[-1].kind == "blank":
            vals.pop()
        while len(vals) > n and vals[0].kind == "blank":
            vals.pop(0)
        if len(vals) == n:
            return vals, None, None
    if len(nums) == n:
        return nums, None, None
    return None, nums, f"prints {len(nums)} values for {n} cells"


def _assign(m: Mapped, keys, tokens) -> None:
    for key, tok in zip(keys, tokens):
        m.fields[key] = tok.value if tok.kind == "number" else None
        m.provenance[key] = {"raw": tok.cell.text, "where": tok.cell.where}
        if tok.kind == "blank":
            m.blank.add(key)


def map_rows(rows: list, fmt: str, strict: bool, stream: bool = False) -> tuple[Mapped, list]:
    """Map tokenised rows onto the fields of ``fmt``. Returns the mapping and the unresolved rows
    ``[(keys, printed numbers, rule context)]`` for the repair step."""
    m = Mapped(fields={k: None for k in schema.field_keys(fmt)})
    m.missing = set(m.fields)
    unresolved = []
    s3_start, s3_end = _section3(rows, fmt, m, strict, unresolved)
    _section2(rows[:s3_start] if s3_start is not None else rows, fmt, m, strict, unresolved)
    _section4(rows[s3_end + 1:] if s3_end is not None else rows, m, strict, unresolved, stream)
    _no_impossible_counts(m, fmt)
    m.missing -= {k for k in m.fields if k in m.provenance}
    return m, unresolved


def _no_impossible_counts(m: Mapped, fmt: str) -> None:
    """A count read by OCR is a whole number, not below zero unless the form says it may be (the
    change columns of table 二), and printed without a leading zero: "40.3" for 403 (a speck
    taken for a point), "-1" for 1 (a speck taken for a minus) or "03" for 0 (a speck taken for
    a digit) is a misreading, not known. What was read stays in the provenance. A text layer's
    numbers are kept as printed: a rule they break is a finding."""
    money, signed = schema.decimal_keys(fmt), schema.signed_keys(fmt)
    bad = []
    for k, v in m.fields.items():
        prov = m.provenance.get(k, {})
        if v is None or "conf" not in (prov.get("where") or {}):
            continue
        raw = str(prov.get("raw", "")).replace(",", "").strip()
        if ((k not in money and v != int(v)) or (k not in signed and v < 0)
                or re.fullmatch(r"[-+]?0\d+", raw)):
            bad.append(k)
    for k in bad:
        m.fields[k] = None
    if bad:
        m.notes.append(f"{len(bad)} numbers read by OCR as a fraction, below zero or with a leading zero, "
                       f"not known: {', '.join(sorted(bad))}")


def _section2_start(rows: list, fmt: str) -> int:
    """Where table 二 begins: its first header row (信息内容 | 本年制发件数 …). Reports often print
    other tables before it (表1 主动公开分类统计: 行政许可 1523 …) whose labels look like its rows."""
    markers = schema.format_markers().get(fmt)
    for i, row in enumerate(rows):
        if markers is not None and not row.numbers and markers.search(label_key(row.label)):
            return i
    return 0


def _section2_by_position(row, n: int, rows: list):
    """A short row of a text-layout table 二 (a blank cell has no word): each value goes to the
    column under the nearest header (信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数) of its
    group; None when the header is not found or two values would share a column."""
    nums = row.numbers
    if not nums or any(_centre(t) is None for t in nums):
        return None
    pos = next((i for i, r in enumerate(rows) if r is row), None)
    header = next((r for r in reversed(rows[:pos]) if not r.numbers and len(r.texts) == n + 1
                   and all(_centre(t) is not None for t in r.texts)), None) if pos is not None else None
    if header is None:
        return None
    centres = [_centre(t) for t in header.texts[1:]]
    gaps = [b - a for a, b in zip(centres, centres[1:])]
    if gaps and min(gaps) <= 0:
        return None
    tolerance = (min(gaps) / 2) if gaps else float("inf")
    slots: list = [None] * n
    for t in nums:
        c = min(range(n), key=lambda i: abs(centres[i] - _centre(t)))
        if abs(centres[c] - _centre(t)) > tolerance or slots[c] is not None:
            return None
        slots[c] = t
    ref = nums[0].cell
    return [t if t is not None else Token("blank", None, Cell("", {**ref.where, "col": None}))
            for t in slots]


def _section2(rows: list, fmt: str, m: Mapped, strict: bool, unresolved: list) -> None:
    spec = {r.row: r for r in schema.section2_rows(fmt)}
    patterns = [(k, p) for k, p in schema.row_patterns("section2") if k in spec]
    start = _section2_start(rows, fmt)
    done = set()
    # rows under table 二's header first; a row found only above it (the header misread by OCR,
    # say) still counts, but never displaces the one inside the table
    for row in rows[start:] + rows[:start]:
        if not row.numbers and not (strict and row.values and row.label):
            continue
        rid = _match(patterns, row.leaf, row.label)
        if rid is None or rid in done:
            continue
        done.add(rid)
        m.sections_found.add("2")
        r = spec[rid]
        n = len(r.keys)
        tokens, nums, _ = _fit(row.values, n, strict)
        if tokens is None and len(nums) < n and not strict:
            tokens = _section2_by_position(row, n, rows)
            if tokens is not None:
                m.notes.append(f"{r.label} row: {n - len(nums)} blank cells placed by the header's positions")
        if tokens is not None:
            _assign(m, r.keys, tokens)
        elif nums:
            # table 二 has no sum rule to place them. Left to right is right when the blank is the
            # last cell (the usual 现行有效件数 left empty), wrong otherwise: the values are kept
            # and the report is marked unverified (cell_placement), never silently trusted
            _assign(m, r.keys[:len(nums)], nums[:n])
            m.guessed.append(f"table 二 row {rid} prints {len(nums)} values for {n} cells, laid left to right")
            m.notes.append(f"{r.label} row prints {len(nums)} values for {n} cells: laid left to right "
                           "(the blank cells are not known)")


def _section3(rows: list, fmt: str, m: Mapped, strict: bool, unresolved: list):
    """Table 三. The value rows are aligned to the form's rows in order (``_align``): a label that
    names a form row pins it, a garbled or split label counts by how much of the form's label
    it shares, a lost label takes its place by order, and a stray row is left out rather than
    shifting the rows after it."""
    order = _section3_order(fmt)
    cols = schema.section3_columns()
    patterns = [(k, p) for k, p in schema.row_patterns("section3") if k in order]
    starts = [i for i, r in enumerate(rows) if r.values and _match(patterns, r.leaf, r.label) == "new"]
    if not starts:
        # the top of the table cut off (a page of a flip-book, an excerpt): it starts at the
        # first row printing a full row of values under a label only table 三 has
        starts = [i for i, r in enumerate(rows) if len(r.values) == len(cols) and _named(r, patterns, schema.section3_parent_pattern())
                  not in (None, "other_other", "outcome_total", "other_handling")][:1]
    if not starts:
        return None, None
    # a report may quote some of its numbers earlier (表2 依申请公开办理情况与上年对比: two value
    # columns); table 三 is the one whose 本年新收 row fills most of the applicant columns
    start = next((i for i in starts if len(rows[i].numbers) > len(cols) // 2), starts[0])
    m.sections_found.add("3")
    cand: list = []
    for row in rows[start:]:
        if _is_section4_header(row) and (not row.numbers or _names_section4_columns(row)):
            break
        if not row.values or (not row.numbers and not strict):
            continue
        if not row.label and len(row.numbers) < len(cols) // 2:
            continue      # a stray number between rows (a page number), not a table row
        cand.append(row)
        if _match(patterns, row.leaf) == order[-1]:
            break
    placed = _align(cand, fmt, len(cols), m, strict)
    _place_by_position(placed, len(cols), m, strict)
    for row, key in placed:
        keys = [schema.req_key(key, c) for c in cols]
        tokens, nums, why = _fit(row.values, len(cols), strict)
        if tokens is not None and key not in schema.section3_rows(fmt):
            _keep_group_row(m, keys, tokens)
        elif tokens is not None:
            _assign(m, keys, tokens)
        else:
            unresolved.append((keys, nums, f"table 三 row {key} {why}"))
    end = max((row.index for row, _ in placed), default=rows[start].index)
    end_pos = max(i for i, r in enumerate(rows) if r.index == end)
    return start, end_pos


def _centre(tok: Token):
    """Where a value stands across the page: the centre of its words when the reader says where
    they are (a scanned cell that swallowed its neighbour when a rule was lost), else of its cell."""
    w = tok.cell.where or {}
    if "text_x0" in w:
        return (w["text_x0"] + w["text_x1"]) / 2
    return (w["x"] + w["x1"]) / 2 if "x" in w and "x1" in w else None


def _empty_slot(values: list, centre: float, half: float, ref: Cell) -> Token:
    """What stood in a column no value was placed under: a printed blank, unless a scanned
    cell's ink (unread, or beside the value placed) reaches into it, which is a value not known."""
    where = {**ref.where, "col": None, "x": centre, "x1": centre}
    for t in values:
        w = t.cell.where or {}
        if not ("x" in w and w["x"] <= centre <= w.get("x1", w["x"])):
            continue
        lo, hi = w.get("ink_x0", w.get("text_x0")), w.get("ink_x1", w.get("text_x1"))
        if t.kind == "unread" or (lo is not None and lo < centre + half and hi > centre - half):
            return Token("unread", None, Cell("", {**where, "conf": 0.0}))
    return Token("blank", None, Cell("", where))


def _place_by_position(placed: list, width: int, m: Mapped, strict: bool = False) -> None:
    """Text layout loses blank cells (no word, no cell), and a scanned grid loses a cell where a
    rule did not survive the scan. Where the page tells where each value stood, the columns of
    the full rows give the blanks of the short ones back: a value goes to the nearest column, an
    empty column becomes a printed blank. With cells (``strict``) only rows that lost cells are
    placed again."""
    full = [row for row, _ in placed if len(row.numbers) == width and all(_centre(t) is not None for t in row.numbers)]
    if len(full) < 2:
        return
    centres = [statistics.median(_centre(row.numbers[c]) for row in full) for c in range(width)]
    gaps = [b - a for a, b in zip(centres, centres[1:])]
    if not gaps or min(gaps) <= 0:
        return
    tolerance = min(gaps) / 2
    for row, key in placed:
        nums = row.numbers
        if not nums or len(nums) >= width or any(_centre(t) is None for t in nums):
            continue
        if strict and len(row.values) == width:
            continue
        slots: list = [None] * width
        for t in nums:
            c = min(range(width), key=lambda i: abs(centres[i] - _centre(t)))
            if abs(centres[c] - _centre(t)) > tolerance or slots[c] is not None:
                break
            slots[c] = t
        else:
            ref = nums[0].cell
            row.values = [t if t is not None else _empty_slot(row.values, centres[i], tolerance, ref)
                          for i, t in enumerate(slots)]
            m.notes.append(f"row {key}: {width - len(nums)} blank cells placed by the columns' positions")


def _by_header_position(rows: list, values: list, width: int, m: Mapped) -> list | None:
    """Table 四 in text layout: the header row naming its 15 columns (结果维持 … 总计, three
    times) says where each value stands; an empty column is a printed blank."""
    nums = [t for t in values if t.kind == "number"]
    if len(nums) >= width or any(_centre(t) is None for t in nums):
        return None
    header = next((r for r in rows if len(r.texts) == width and "结果维持" in r.label
                   and all(_centre(t) is not None for t in r.texts)), None)
    if header is None:
        return None
    centres = [_centre(t) for t in header.texts]
    gaps = [b - a for a, b in zip(centres, centres[1:])]
    if min(gaps) <= 0:
        return None
    slots: list = [None] * width
    for t in nums:
        c = min(range(width), key=lambda i: abs(centres[i] - _centre(t)))
        if abs(centres[c] - _centre(t)) > min(gaps) / 2 or slots[c] is not None:
            return None
        slots[c] = t
    ref = nums[0].cell
    m.notes.append(f"table 四: {width - len(nums)} blank cells placed by the header's column positions")
    return [t if t is not None else _empty_slot(values, centres[i], min(gaps) / 2, ref)
            for i, t in enumerate(slots)]


def _by_grid_columns(values: list, width: int, m: Mapped) -> list | None:
    """Table 四 scanned, its value row not of 15 cells and its header unreadable: the form's 15
    columns are of one width, so where the row's cells start and end says which columns each
    covers.

    - A cell twice as wide swallowed its neighbour when the scan lost a rule: its value goes
      under the column its words stand in; the other column is blank if no ink reaches it, else
      not known.
    - Cells narrower than a column are pieces of one, cut by a seal's strokes that read as
      rules: a column of pieces holds the one value among them when the others are printed
      blanks; with no value, blank when all are blank, else not known.
    - A column with no cell at all is not known.

    A cell that is neither a piece nor a whole number of columns: no placement."""
    if len(values) == width or not values:
        return None
    wheres = [t.cell.where or {} for t in values]
    if any("x" not in w or "x1" not in w for w in wheres) or len({(w.get("page"), w.get("row")) for w in wheres}) != 1:
        return None
    left, right = wheres[0]["x"], wheres[-1]["x1"]
    pitch = (right - left) / width
    if pitch <= 0:
        return None
    cols: list = [[] for _ in range(width)]
    for t, w in zip(values, wheres):
        start, span = (w["x"] - left) / pitch, (w["x1"] - w["x"]) / pitch
        if span < 0.75:
            k = int(start + span / 2)
            if not (0 <= k < width and start >= k - 0.25 and start + span <= k + 1.25):
                return None
            cols[k].append(t)
            continue
        n, first = round(span), round(start)
        if abs(start - first) > 0.25 or abs(span - n) > 0.25 or first + n > width:
            return None
        if n == 1:
            cols[first].append(t)
            continue
        centres = [left + (first + i + 0.5) * pitch for i in range(n)]
        if t.kind == "number" and "text_x0" in w:
            own = min(range(n), key=lambda i: abs(centres[i] - _centre(t)))
            inside = centres[own] - 0.65 * pitch <= w["text_x0"] and w["text_x1"] <= centres[own] + 0.65 * pitch
            for i in range(n):
                cols[first + i].append(t if i == own and inside else _empty_slot(
                    [t] if inside else [Token("unread", None, t.cell)], centres[i], pitch / 2, t.cell))
        else:
            # a blank cell is blank across; a value with no position or unread ink is not known
            lost = [t if t.kind == "blank" else Token("unread", None, t.cell)]
            for i, c in enumerate(centres):
                cols[first + i].append(_empty_slot(lost, c, pitch / 2, t.cell))
    slots = []
    for k, got in enumerate(cols):
        values_here = [t for t in got if t.kind != "blank"]
        if len(got) == 1:
            slots.append(got[0])
        elif len(values_here) == 1 and values_here[0].kind == "number":
            slots.append(values_here[0])
        elif got and not values_here:
            slots.append(got[0])
        else:       # no cell (the scan left none), or pieces that disagree
            centre = left + (k + 0.5) * pitch
            where = {**wheres[0], "col": None, "conf": 0.0, "x": centre, "x1": centre}
            slots.append(Token("unread", None, Cell("", where)))
    m.notes.append(f"table 四: {len(values)} cells read for {width} columns, placed by the columns' equal widths")
    return slots


@functools.lru_cache(maxsize=None)
def _canonical_labels(fmt: str) -> dict:
    """Form row → its printed label, normalised (本年新收政府信息公开申请数量 …)."""
    return {r["key"]: label_key(r["label"]) for r in schema.raw()["section3"]["rows"]}


def _shared(a: str, b: str) -> int:
    """Length of the longest run of characters ``a`` and ``b`` share."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _named(row: Row, patterns, parents) -> str | None:
    """The form row a printed row's label names, if any (its last label cell first)."""
    return _match(patterns, row.leaf) or (None if row.leaf and parents.search(row.leaf) else _match(patterns, row.label))


def _row_score(row: Row, named: str | None, key: str, fmt: str, strict: bool) -> float:
    """How well a printed row fits a form row: its label names it (strong), names another row
    (against), or shares a long run of the form's label (a garbled or split label)."""
    if named == key:
        return 4.0
    if key not in schema.section3_rows(fmt):
        return -5.0           # a row of the other form only where its label names it
    if named is not None:
        if strict or len(row.label) <= 12:
            return -3.0
        # in text layout, a long label may be fragments of two rows fused by the extraction
        share = _shared(row.label, _canonical_labels(fmt)[key])
        return -3.0 + (2.0 if share >= 5 else 0.0)
    share = _shared(row.label, _canonical_labels(fmt)[key]) if row.label else 0
    return 2.0 * share / max(len(_canonical_labels(fmt)[key]), 1) + (1.0 if share >= 4 else 0.0)


def _keep_group_row(m: Mapped, keys: list, tokens: list) -> None:
    """（六）其他处理 printed as one row in a 2021-format report (the 2019 form's row): the form's
    three sub-rows stay null; the printed row is kept in provenance (with its value) and the sum
    rules use it as the group's total."""
    for key, tok in zip(keys, tokens):
        m.provenance[key] = {"raw": tok.cell.text, "where": tok.cell.where,
                             "value": tok.value if tok.kind == "number" else None}
        m.group_totals[key] = tok.value if tok.kind == "number" else None
    m.notes.append("（六）其他处理 printed as one row (the 2019 form): its three sub-rows of the 2021 form "
                   "stay null; the printed row is kept in provenance (req_other_handling_*) and checked "
                   "as their total")


def _section3_order(fmt: str) -> tuple:
    """The form's rows of table 三, and for the 2021 form the 2019 form's single （六）其他处理
    row where reports still print it."""
    order = schema.section3_rows(fmt)
    if fmt == "2021":
        i = order.index("other_no_correction")
        order = order[:i] + ("other_handling",) + order[i:]
    return order


def _align(cand: list, fmt: str, width: int, m: Mapped, strict: bool) -> list:
    """Align printed rows to form rows in order (a small dynamic programme): each printed row is
    placed on one form row or left out, each form row gets at most one printed row. Returns
    ``[(row, key)]`` and notes every row placed without its label and every row left out."""
    order = _section3_order(fmt)
    patterns = [(k, p) for k, p in schema.row_patterns("section3") if k in order]
    parents = schema.section3_parent_pattern()
    R, S = len(cand), len(order)
    SKIP, MISS = -0.6, -0.4
    use = [1.0 if len(r.values) >= width - 1 else 0.2 for r in cand]   # full rows are table rows
    named = [_named(r, patterns, parents) for r in cand]
    idx = [order.index(k) if k is not None else -1 for k in named]
    if all(i >= 0 for i in idx) and all(a < b for a, b in zip(idx, idx[1:])):
        return list(zip(cand, named))      # every row names its form row, in order
    score = [[use[i] + _row_score(cand[i], named[i], order[j], fmt, strict) for j in range(S)] for i in range(R)]
    NEG = float("-inf")
    f = [[NEG] * (S + 1) for _ in range(R + 1)]
    back = [[None] * (S + 1) for _ in range(R + 1)]
    f[0][0] = 0.0
    for i in range(R + 1):
        for j in range(S + 1):
            if i == 0 and j == 0:
                continue
            best, how = NEG, None
            if i > 0 and f[i - 1][j] + SKIP > best:
                best, how = f[i - 1][j] + SKIP, "skip"
            if j > 0 and f[i][j - 1] + MISS > best:
                best, how = f[i][j - 1] + MISS, "miss"
            if i > 0 and j > 0 and f[i - 1][j - 1] + score[i - 1][j - 1] > best:
                best, how = f[i - 1][j - 1] + score[i - 1][j - 1], "take"
            f[i][j], back[i][j] = best, how
    out, i, j = [], R, S
    while i or j:
        how = back[i][j]
        if how == "take":
            out.append((cand[i - 1], order[j - 1]))
            i, j = i - 1, j - 1
        elif how == "skip":
            row = cand[i - 1]
            m.notes.append(f"row labelled {row.label!r} with {len(row.numbers)} values is not a row of table 三: ignored")
            i -= 1
        else:
            j -= 1
    out.reverse()
    for row, key in out:
        if named[cand.index(row)] != key and _match(patterns, row.label) != key:
            m.notes.append(f"row labelled {row.label!r} read as {key} by the form's order")
            m.by_order.append(key)
    return out


_SECTION4_COLUMNS = ("结果维持", "结果纠正", "尚未审结", "复议后起诉", "未经复议")


def _is_section4_header(row: Row) -> bool:
    return any(w in row.words for w in ("行政复议", "行政诉讼") + _SECTION4_COLUMNS)


def _names_section4_columns(row: Row) -> bool:
    """Table 四's own column words: no row of table 三 carries them."""
    return any(w in row.words for w in _SECTION4_COLUMNS)


def _section4(rows: list, m: Mapped, strict: bool, unresolved: list, stream: bool = False) -> None:
    keys = list(schema.section4_keys())
    if stream:
        # a stream's label runs hold whole paragraphs of headings: table 四 starts at its own
        # column words, and only rows without a label of another table continue it
        start = next((i for i, r in enumerate(rows) if _names_section4_columns(r)), None)
    else:
        start = next((i for i, r in enumerate(rows) if _is_section4_header(r)), None)
    if start is None:
        return
    body = rows[start:]
    if stream:
        body = [body[0]] + list(itertools.takewhile(
            lambda r: not r.leaf or _names_section4_columns(r) or r.leaf in ("总计", "行政复议", "行政诉讼"), body[1:]))
    value_rows = [r for r in body if r.numbers]
    if not value_rows and strict:
        # nothing printed at all: an all-blank row still says every cell is blank
        value_rows = [r for r in body if r.values and not r.label][:1]
    collected: list = []
    for row in value_rows:
        collected.extend(row.values)
        if len(collected) >= len(keys):
            break
    if not collected:
        return
    m.sections_found.add("4")
    if not strict or len(collected) < len(keys):
        collected = (_by_header_position(body, collected, len(keys), m)
                     or (strict and _by_grid_columns(collected, len(keys), m)) or collected)
    elif len(collected) > len(keys):
        collected = _by_grid_columns(collected, len(keys), m) or collected
    tokens, nums, why = _fit(collected, len(keys), strict)
    if tokens is not None:
        _assign(m, keys, tokens)
    else:
        unresolved.append((keys, nums, f"table 四 {why}"))


# ----------------------------------------------------------------------------- repair
def placements(nums: list, n: int):
    """Every way to lay ``nums`` (in printed order) onto ``n`` cells: surplus values dropped or
    missing cells left open (None). Yields lists of length n of Token-or-None."""
    k = len(nums)
    if k >= n:
        for keep in itertools.combinations(range(k), n):
            yield [nums[i] for i in keep]
    else:
        for pos in itertools.combinations(range(n), k):
            slot = [None] * n
            for p, t in zip(pos, nums):
                slot[p] = t
            yield slot


def n_placements(k: int, n: int) -> int:
    from math import comb
    return comb(k, n) if k >= n else comb(n, k)
