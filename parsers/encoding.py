"""How a page's bytes become text: the one place for it (the parser's HTML reader and the
crawler's encoding middleware both ask here).

A BOM, then the declared charset (HTTP header or ``<meta charset>``), then strict UTF-8, then
GB18030, then detection. gb2312 / gbk and their aliases are read as gb18030, their superset
(portals declare gb2312 and use characters outside it).
"""
from __future__ import annotations

import re

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "cp936", "hz-gb-2312", "euc-cn"})


def normalise(name: str) -> str:
    """A charset name as Python reads it (the GB family as gb18030)."""
    name = name.lower().strip()
    return "gb18030" if name in GB_FAMILY or name.replace("_", "") in {g.replace("_", "") for g in GB_FAMILY} else name


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a page. Returns ``(text, encoding used)``."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace"), "utf-16"
    candidates = []
    if declared:
        candidates.append(normalise(declared))
    m = META_CHARSET.search(data[:4096])
    if m:
        candidates.append(normalise(m.group(1).decode("ascii", "ignore")))
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            continue
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    if best is not None:
        enc = normalise(best.encoding)
        return data.decode(enc, "replace"), enc
    return data.decode("utf-8", "replace"), "utf-8"


def encoding_of(data: bytes, declared: str | None = None) -> str:
    """The encoding ``decode`` would use for ``data``."""
    return decode(data, declared)[1]
