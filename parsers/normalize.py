"""Label normalisation and number reading: the small text rules every medium shares."""
from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Ordinals that open a printed label: 一、 （三） (3) 1. 1、 ①
ORDINAL = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十]+[)）]?[、.．]?|[（(]\d{1,2}[)）]|\d{1,2}[.．、](?!\d)|[①-⑳])")
_NOTE = re.compile(r"[(（][^()（）]{2,}[)）]")
_PUNCT = re.compile(r"[\s\u3000·•,，、。.．:：;；“”\"'‘’「」『』《》<>（）()\[\]【】/\\_\-—–~～]+")

# Printed marks that mean "no number here" (schema.yaml: blank, "/", "—", "-", "无").
BLANK_MARKS = {"", "/", "／", "\\", "—", "——", "-", "--", "–", "－", "无", "空", "×", "*", "—/—"}

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


_INVISIBLE = dict.fromkeys([*range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF, 0xAD])


def squash(text: str) -> str:
    """NFKC and no whitespace or invisible characters at all (CJK labels wrap anywhere:
    自\\n然\\n人 → 自然人; CMS editors leave zero-width spaces after numbers)."""
    if text and len(text) <= 200:
        return _squash_short(text)   # cell texts and labels: the same ones in every report
    return "".join(nfkc(text).translate(_INVISIBLE).split())


@functools.lru_cache(maxsize=1 << 15)
def _squash_short(text: str) -> str:
    return "".join(nfkc(text).translate(_INVISIBLE).split())


@functools.lru_cache(maxsize=1 << 15)
def label_key(text: str) -> str:
    """A label reduced to what identifies it: NFKC, no whitespace, quotes, punctuation or
    leading ordinals. ``（三）不予公开`` → ``不予公开``; ``1.属于国家秘密`` → ``属于国家秘密``."""
    s = squash(text)
    prev = None
    while s != prev:          # "三、（一）予以公开" carries two ordinals
        prev = s
        s = ORDINAL.sub("", s, count=1)
    # a note in brackets explains a label (其他对外管理服务事项（指行政许可以外的…行政处罚…）,
    # 部分公开（区分处理的，…）): it names other rows, never this one
    s = _NOTE.sub("", s) or s
    return _PUNCT.sub("", s)


@functools.lru_cache(maxsize=1 << 15)
def read_number(text: str) -> tuple[str, float | int | None]:
    """Read a printed cell. Returns ``(kind, value)`` with kind one of ``number``, ``blank``
    (a blank or a blank mark such as "/" or "—") or ``text`` (not a number at all).
    Handles full-width digits, thousands separators (16,520), units (件, 万元) and spaces."""
    if text.isascii() and text.isdigit():
        return "number", int(text)
    s = squash(text)
    if s in BLANK_MARKS:
        return "blank", None
    s = re.sub(r"(?<=\d)[,，](?=\d{3}(?:\D|$))", "", s)   # 16,520 → 16520
    s = re.sub(r"(件|条|个|项|次|万元|元|人次|人)$", "", s)
    s = s.replace("−", "-")
    if s[:1] in ("增", "减") and s[1:].isdigit():     # 本年增/减 printed as 增5, 减44
        s = ("-" if s[0] == "减" else "") + s[1:]
    if _NUMBER.match(s):
        return "number", (float(s) if "." in s else int(s))
    return "text", None


def to_decimal(value) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


# Some PDF producers (Chromium's print-to-PDF among them, with CJK fonts whose cmap points at the
# radical blocks) spell ordinary characters with look-alike radicals: ⼀ ⼈ ⾏ ⺠. The Kangxi
# radicals have NFKC equivalents; the CJK Radicals Supplement needs this table.
_RADICAL_SUPPLEMENT = dict(zip(
    range(0x2E81, 0x2EF4),
    "厂⺂⺃乙亻冂几刀刂卜㔾小小兀尢尢尢巳幺彐彐忄心扌攵⺚无日月歹母民氵氵灬爫爫丬牛犭王疋目示礻竹糸纟网罒罒罒罒"
    "羊羊羊老肀聿月臼艹艹艹虎衤西西见角角讠贝足车辶辶辶阝钅長长长门阜阝雨青韦页风飞食食食饣首马骨鬼鱼鸟卤麦黄黾"
    "斉齐歯齿竜龙龜亀龟"))
_GLYPHS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
_GLYPHS.update({cp: ch for cp, ch in _RADICAL_SUPPLEMENT.items() if not ("\u2e80" <= ch <= "\u2eff")})


def unify_glyphs(text: str) -> str:
    """Replace look-alike radical glyphs with the characters they stand for (⾏ → 行, ⺠ → 民)."""
    return text.translate(_GLYPHS) if text else text
