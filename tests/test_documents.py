"""nianbao.demo.documents: synthetic reports obey the sum rules, and every medium prints them."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from nianbao.demo import documents as D
from parsers import schema

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
HAVE_SOFFICE = shutil.which("soffice") is not None
needs_soffice = pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) is not installed")
APPLICANTS = [c for c in schema.section3_columns() if c != "total"]


# ---------------------------------------------------------------- the numbers

def rule_violations(rep: dict) -> list:
    """Independent re-statement of the schema.yaml rules (not D.check_rules)."""
    fmt, f = rep["format"], rep["fields"]
    bad = []
    for r in schema.section3_rows(fmt):
        if f[schema.req_key(r, "total")] != sum(f[schema.req_key(r, c)] for c in APPLICANTS):
            bad.append(("row_total", r))
    leaves = schema.section3_outcome_leaves(fmt)
    assert leaves[0] == "granted" and leaves[-1] in ("other_other", "other_handling")
    for c in schema.section3_columns():
        def k(r, c=c):
            return f[schema.req_key(r, c)]
        if k("outcome_total") != sum(k(r) for r in leaves):
            bad.append(("outcome_total", c))
        if k("new") + k("carried_in") != k("outcome_total") + k("carried_out"):
            bad.append(("balance", c))
    for g in ("review", "suit_direct", "suit_after_review"):
        if f[f"{g}_total"] != sum(f[f"{g}_{c}"] for c in ("upheld", "corrected", "other", "pending")):
            bad.append(("section4", g))
    for key, v in f.items():
        if v < 0 and not (fmt == "2019" and key.endswith("_change")):
            bad.append(("non_negative", key))
    return bad


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("seed", range(8))
def test_random_report_satisfies_sum_rules(fmt, seed):
    rep = D.random_report(fmt, 2023 if fmt == "2021" else 2020, seed=seed)
    assert rep["format"] == fmt
    assert list(rep["fields"]) == list(schema.field_keys(fmt))
    assert all(isinstance(v, (int, float)) for v in rep["fields"].values())
    assert rule_violations(rep) == []
    assert D.check_rules(rep) == []
    assert rep["title"] == f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"


def test_random_report_magnitudes_and_signs():
    reps21 = [D.random_report("2021", seed=s) for s in range(40)]
    reps19 = [D.random_report("2019", 2020, seed=s) for s in range(40)]
    # natural persons dominate the requests
    nat = sum(r["fields"]["req_new_natural_person"] for r in reps21)
    assert nat > sum(r["fields"]["req_new_business"] for r in reps21) * 2
    assert any(r["fields"]["req_new_total"] == 0 or r["fields"]["review_total"] == 0 for r in reps21)
    assert any(r["fields"]["licensing_decisions"] >= 10000 for r in reps21)
    assert any(isinstance(r["fields"]["fees_amount_wan_yuan"], float)
               and r["fields"]["fees_amount_wan_yuan"] != int(r["fields"]["fees_amount_wan_yuan"]) for r in reps21)
    negatives = {k for r in reps19 for k, v in r["fields"].items() if v < 0}
    assert negatives and negatives <= schema.signed_keys("2019")
    assert not any(v < 0 for r in reps21 for v in r["fields"].values())


def test_random_report_is_deterministic_and_blanks():
    assert D.random_report(seed=3) == D.random_report(seed=3)
    assert D.random_report(seed=3) != D.random_report(seed=4)
    rep = D.random_report(seed=3, blanks=6)
    assert sum(v is None for v in rep["fields"].values()) == 6
    # check_rules must skip blanks rather than crash
    D.check_rules(rep)
    # a rule violation is noticed
    bad = D.random_report(seed=1)
    bad["fields"]["req_new_total"] += 1
    assert any(v.startswith("row_total") for v in D.check_rules(bad))


def test_demo_reports():
    reps = D.demo_reports()
    seeds = [r for r in reps if r.get("source")]
    assert len(seeds) == 5
    from tests.conftest import SEEDS as seed_texts, seed_answer
    titles = {seed_answer(p)["title"] for p in seed_texts}
    assert len(titles) == 5
    assert {r["title"] for r in seeds} == titles
    by_title = {r["title"]: r for r in reps}
    assert by_title["巴中市恩阳区2023年政府信息公开工作年度报告"]["agency"] == "巴中市恩阳区"
    assert by_title["攀枝花市盐边县人民政府办公室2023年政府信息公开工作年度报告"]["agency"] == "攀枝花市盐边县人民政府办公室"
    assert any(r["format"] == "2019" and r["year"] == 2020 for r in reps)
    for r in reps:
        assert set(r["fields"]) == set(schema.field_keys(r["format"]))


# ---------------------------------------------------------------- HTML / text

def _cells(html: bytes | str):
    import lxml.html

    tree = lxml.html.fromstring(html)
    return tree, [re.sub(r"\s+", "", td.text_content()) for td in tree.iter("td")]


def test_html_contains_every_number_and_the_form_structure():
    rep = D.random_report(seed=5)
    data = D.render(rep, "html")
    text = data.decode("utf-8")
    assert '<meta charset="utf-8">' in text
    assert "本报告中所列数据统计期限为2023年1月1日至2023年12月31日" in text
    tree, cells = _cells(data)
    printed = Counter(cells)
    wanted = Counter(D._Style(rep, frozenset()).num(k, v) for k, v in rep["fields"].items())
    for s, n in wanted.items():
        assert printed[s] >= n, s
    tds = {}
    for td in tree.iter("td"):
        tds.setdefault(re.sub(r"\s+", "", td.text_content()), td)  # first occurrence
    outcome_rows = len(schema.section3_outcome_leaves("2021")) + 1
    assert tds["三、本年度办理结果"].get("rowspan") == str(outcome_rows)
    assert tds["（三）不予公开"].get("rowspan") == "8"
    assert tds["法人或其他组织"].get("colspan") == "5"
    assert tds["申请人情况"].get("colspan") == "7"
    assert tds["自然人"].get("rowspan") == "2"
    assert tds["行政诉讼"].get("colspan") == "10"
    assert tds["未经复议直接起诉"].get("colspan") == "5"
    assert tds["结果维持"].get("rowspan") == "2"
    assert len(tree.findall(".//table")) == 3
    # Word-pasted cell structure
    assert tree.xpath("//td/p/span")


def test_html_gbk_has_no_charset_and_decodes_with_gb18030():
    rep = D.random_report(seed=2)
    data = D.render(rep, "html-gbk", frozenset({"fullwidth"}))
    assert b"charset" not in data.lower()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gb18030")
    assert rep["title"] in text and "一、本年新收政府信息公开申请数量" in text
    n = rep["fields"]["req_new_total"]
    assert str(n).translate(D._FW) in text


def test_html_2019_form():
    rep = D.random_report("2019", 2020, seed=7)
    tree, cells = _cells(D.render(rep, "html"))
    for label in ("规范性文件", "其他对外管理服务事项", "本年增/减", "上一年项目数量", "政府集中采购", "采购总金额",
                  "（六）其他处理", "本年新制作数量", "对外公开总数量"):
        assert label in cells, label
    assert "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" not in cells
    neg = [v for k, v in rep["fields"].items() if v < 0]
    for v in neg:
        assert str(v) in cells


def test_html_quirks():
    rep = D.random_report(seed=11, blanks=4)
    rep["fields"]["licensing_decisions"] = 16520
    plain = D.render(rep, "html").decode()
    assert "16520" in plain and "16,520" not in plain
    q = D.render(rep, "html", frozenset({"wrapped", "slash", "thousands", "variants", "mso", "split"})).decode()
    assert "自<br>然<br>人" in q and "商业企<br>业" in q
    assert "16,520" in q
    assert "另外制作" in q and "另行制作" not in q and "1.信访、举报、投诉类申请" in q
    assert "<o:p>" in q and "mso-" in q
    tree, cells = _cells(q.encode())
    slash = "/" if "/" in cells else "—"
    assert cells.count(slash) >= 4
    assert len(tree.findall(".//table")) == 4  # table 三 in two parts
    # blanks render as empty cells without the slash quirk
    _, plain_cells = _cells(plain.encode())
    assert "/" not in plain_cells and "—" not in plain_cells
    fw = D.render(rep, "html", frozenset({"fullwidth"})).decode()
    _, fw_cells = _cells(fw.encode())
    assert not any(re.fullmatch(r"[0-9.,]+", c) for c in fw_cells)
    assert any(re.fullmatch(r"[０-９．，]+", c) for c in fw_cells)
    with pytest.raises(ValueError):
        D.render(rep, "html", frozenset({"nonsense"}))


def test_text_looks_like_the_seeds():
    rep = D.random_report(seed=1)
    text = D.render(rep, "text").decode()
    seeds = re.sub(r"\s+", "", "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")))
    for line in text.splitlines():
        if line.startswith("\t") and not re.fullmatch(r"\t[\d.]*", line):
            assert line.strip() in seeds, line  # every label as a real report prints it
    assert "\t三、本年度办理结果\n\t（一）予以公开\n" in text


def test_legacy_and_non_reports():
    legacy = D.render_legacy(2017).decode()
    assert "2017年" in legacy and "年度报告" in legacy and "<table" in legacy
    assert "本年新收" not in legacy and "申请人情况" not in legacy
    for kind in ("guide", "plan", "news"):
        page = D.render_non_report(kind).decode()
        assert "年度报告" in page
        assert "统计期限" not in page
    with pytest.raises(ValueError):
        D.render_non_report("poem")


# ---------------------------------------------------------------- DOCX / PDF

def test_docx_has_merged_cells():
    import docx

    rep = D.random_report(seed=4)
    data = D.render(rep, "docx", frozenset({"wrapped"}))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml
    assert "<w:br/>" in xml  # wrapped labels
    d = docx.Document(io.BytesIO(data))
    assert len(d.tables) == 3
    t3 = d.tables[1]
    texts = [c.text for c in t3._cells]
    assert str(rep["fields"]["req_new_natural_person"]) in texts
    assert "自\n然\n人" in texts
    full = "\n".join(p.text for p in d.paragraphs)
    assert "本报告中所列数据统计期限为2023年1月1日至2023年12月31日" in full


def _pages_text(pdf: bytes) -> list:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [re.sub(r"\s+", "", p.extract_text() or "") for p in doc.pages]


def _page_of(pages, needle):
    return next(i for i, t in enumerate(pages) if needle in t)


def test_pdf_reportlab_text_layer_and_split():
    rep = D.random_report(seed=9)
    pages = _pages_text(D.render(rep, "pdf-reportlab"))
    assert "本年新收" in "".join(pages) and "统计期限为2023年1月1日至2023年12月31日" in "".join(pages)
    assert _page_of(pages, "本年新收") == _page_of(pages, "结转下年度继续办理")
    split = _pages_text(D.render(rep, "pdf-reportlab", frozenset({"split"})))
    assert _page_of(split, "本年新收") < _page_of(split, "结转下年度继续办理")


def test_scan_of_reportlab_pdf_has_no_text():
    rep = D.random_report(seed=9)
    scan = D.rasterize(D.render(rep, "pdf-reportlab"), "pdf", dpi=100)
    assert scan.startswith(b"%PDF")
    assert all(t == "" for t in _pages_text(scan))


@pytest.fixture(scope="module")
def lo():
    """One report converted by LibreOffice: pdf, doc (=wps), rtf, split pdf; scans reuse the cached pdf."""
    rep = D.random_report(seed=12)
    out = {"rep": rep, "pdf": D.render(rep, "pdf"), "doc": D.render(rep, "doc"),
           "split": D.render(rep, "pdf", frozenset({"split"}))}
    out["wps"] = D.render(rep, "wps")  # cached: no second soffice run
    out["scan"] = D.render(rep, "scan-pdf")
    out["png"] = D.render(rep, "png")
    return out


@needs_soffice
def test_libreoffice_pdf_has_text_layer(lo):
    pages = _pages_text(lo["pdf"])
    assert "本年新收" in "".join(pages)
    assert str(lo["rep"]["fields"]["req_new_total"]) in "".join(pages)
    # without the quirk table 三 sits on one page, with it the table runs over a page end
    assert _page_of(pages, "本年新收") == _page_of(pages, "结转下年度继续办理")
    split = _pages_text(lo["split"])
    assert _page_of(split, "本年新收") < _page_of(split, "结转下年度继续办理")


@needs_soffice
def test_scan_pdf_and_png_have_no_text(lo):
    from PIL import Image

    assert lo["scan"].startswith(b"%PDF")
    pages = _pages_text(lo["scan"])
    assert len(pages) == len(_pages_text(lo["pdf"]))
    assert all(t == "" for t in pages)
    im = Image.open(io.BytesIO(lo["png"]))
    assert im.format == "PNG" and im.height > im.width


@needs_soffice
def test_doc_and_wps_are_ole(lo):
    assert lo["doc"][:4] == b"\xd0\xcf\x11\xe0"
    assert lo["wps"] == lo["doc"]


# ---------------------------------------------------------------- corpus CLI

def test_corpus_cli(tmp_path):
    out = tmp_path / "corpus"
    proc = subprocess.run([sys.executable, "-m", "nianbao.demo.documents", "corpus", str(out), "--html", "4",
                           "--pdf", "2", "--lo-share", "0", "--docx", "1", "--scan", "1", "--text", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("corpus: 9 documents")
    expected = sorted(out.glob("*.expected.json"))
    assert len(expected) == 9
    for p in expected:
        meta = json.loads(p.read_text(encoding="utf-8"))
        assert (out / meta["rendered"]["file"]).exists()
        assert set(meta["fields"]) == set(schema.field_keys(meta["format"]))
