"""Documents that look like REAL annual reports but were not made by nianbao's own generator
(``tests/builders/portal_layouts.py`` builds them from a ``random_report`` dict). Every case asserts every
field; cases the parser gets wrong today are strict xfails naming the cause."""
from __future__ import annotations

import re
import shutil

import pytest

from nianbao.demo.documents import random_report
from parsers import parse

from tests.builders import portal_layouts as rd
from tests.builders.portal_layouts import H


def _rep(fmt="2021", year=2023, agency="XX市交通运输局", seed=3, blanks=0):
    rep = random_report(fmt, year, agency, seed, blanks=blanks)
    if fmt == "2019":   # a 2020 report on the 2019 form: 本年增/减 negative
        rep["fields"]["licensing_items_change"] = -7
        rep["fields"]["penalty_items_change"] = -12
        rep["fields"]["fees_items_change"] = 3
    return rep


def assert_report(rep, got, meta=("format", "year", "title", "agency")):
    bad = rd.wrong_fields(rep["fields"], got["fields"])
    wrong_meta = {k: (rep[k], got[k]) for k in meta if rep[k] != got[k]}
    assert not bad and not wrong_meta, f"wrong fields {dict(list(bad.items())[:8])} ({len(bad)}), meta {wrong_meta}"
    if any(v is None for v in rep["fields"].values()):
        assert any("blank" in n or "not found" in n for n in got["notes"]), got["notes"]


HTML_VARIANTS = {
    "th_header_cells": H(th=True),
    "serial_column": H(serial=True),
    "section2_one_table": H(s2_one_table=True),
    "section3_split_at_denied": H(s3_split=True),
    "section3_header_repeated": H(s3_repeat_header=True),
    "section4_two_tables": H(s4_two_tables=True),
    "section4_values_two_rows": H(s4_two_rows=True),
    "numbers_in_span_font": H(wrapped=True),
    "layout_table_wrapper": H(layout=True),
    "title_in_div_only": H(div_title=True),
    "gb2312_meta": H(charset="gb2312"),
    "flat_section3_labels": H(s3_flat_labels=True),
    "everything": H(th=True, serial=True, s2_one_table=True, wrapped=True, nbsp=True, layout=True,
                    s4_two_tables=True, s3_split=True, charset="gb2312"),
}


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("variant", sorted(HTML_VARIANTS))
def test_html_real_layouts(variant, fmt):
    rep = _rep(fmt, 2023 if fmt == "2021" else 2020)
    assert_report(rep, parse(rd.html_report(rep, HTML_VARIANTS[variant])))


def test_html_nbsp_blanks_are_null_and_noted():
    rep = _rep("2021", 2023, "XX区教育局", 5, blanks=12)
    got = parse(rd.html_report(rep, H(nbsp=True, wrapped=True, th=True)))
    assert_report(rep, got)


def test_title_without_agency_takes_agency_from_signature():
    rep = _rep()
    got = parse(rd.html_report(rep, H(no_agency_title=True)))
    assert got["title"] == "2023年政府信息公开工作年度报告"
    assert_report(rep, got, meta=("format", "year", "agency"))


def test_section4_transposed_groups_as_rows():
    rep = _rep()
    f = rep["fields"]
    s4 = ('<table border="1"><tr><td colspan="2">类别</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td>'
          '<td>尚未审结</td><td>总计</td></tr><tr><td colspan="2">行政复议</td>'
          + "".join(f"<td>{f['review_' + c]}</td>" for c in rd.S4_COLS)
          + '</tr><tr><td rowspan="2">行政诉讼</td><td>未经复议直接起诉</td>'
          + "".join(f"<td>{f['suit_direct_' + c]}</td>" for c in rd.S4_COLS)
          + '</tr><tr><td>复议后起诉</td>' + "".join(f"<td>{f['suit_after_review_' + c]}</td>" for c in rd.S4_COLS)
          + "</tr></table>")
    h = re.sub(r"(行政诉讼情况</strong></p>)<table.*?</table>", lambda m: m.group(1) + s4,
               rd.html_report(rep).decode(), flags=re.S)
    assert_report(rep, parse(h.encode()))


def test_normative_docs_row_with_two_cells():
    rep = _rep()
    rep["fields"]["normative_docs_in_force"] = None
    h = re.sub(r"(<td>行政规范性文件</td><td>\d+</td><td>\d+</td>)<td></td>", r"\1", rd.html_report(rep).decode())
    got = parse(h.encode())
    assert_report(rep, got)


def test_section3_printed_as_image_is_not_invented():
    rep = _rep()
    got = parse(rd.html_report(rep, H(s3_image=True)))
    assert got["format"] == "2021" and got["agency"] == rep["agency"]
    assert all(v is None for k, v in got["fields"].items() if k.startswith("req_"))
    assert any("三" in n for n in got["notes"])
    s24 = {k: v for k, v in rep["fields"].items() if not k.startswith("req_")}
    assert not rd.wrong_fields(s24, got["fields"])


def test_title_in_two_paragraphs_under_site_header():
    rep = _rep()
    h = rd.html_report(rep).decode()
    h = h.replace(f"<h1>{rep['title']}</h1>",
                  '<p align="center"><b>XX市交通运输局</b></p><p align="center"><b>2023年政府信息公开工作年度报告</b></p>')
    h = h.replace(f"<title>{rep['title']}_XX市人民政府</title>", "<title>XX市人民政府门户网站</title>")
    assert_report(rep, parse(h.encode()))


# ----------------------------------------------------------------------------- text
def _values_with_first_half(text: str) -> str:
    """The label's first line carries the values, the second half of the label follows alone."""
    t, out, i = text.split("\n"), [], 0
    while i < len(t):
        if i + 1 < len(t) and "\t" not in t[i] and t[i + 1].count("\t") >= 7 and not t[i].startswith(("三", "二", "四")):
            a, rest = t[i + 1].split("\t", 1)
            out += [t[i] + "\t" + rest, a]
            i += 2
        else:
            out.append(t[i])
            i += 1
    return "\n".join(out)


def test_text_label_split_values_on_first_line():
    rep = _rep()
    assert_report(rep, parse(_values_with_first_half(rd.text_split_labels(rep).decode()).encode()))


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_text_label_split_mid_word_values_on_continuation(fmt):
    rep = _rep(fmt, 2023 if fmt == "2021" else 2020)
    assert_report(rep, parse(rd.text_split_labels(rep)))


# ----------------------------------------------------------------------------- non-reports
def test_explainer_is_not_a_report():
    got = parse(rd.explainer())
    assert got["format"] is None and not any(v is not None for v in got["fields"].values())


def test_guide_with_table_is_not_a_report():
    got = parse(rd.guide())
    assert got["format"] is None


def test_notice_with_blank_form_is_not_a_report():
    got = parse(rd.notice())
    assert got["format"] is None


# ----------------------------------------------------------------------------- DOCX / DOC
DOCX_VARIANTS = {
    "plain": dict(),
    "paragraph_per_chunk": dict(para_cells=True),
    "no_vmerge_labels": dict(vmerge=False),
    "section4_two_tables": dict(split_s4=True, number_font="Arial"),
    "2019_all": dict(para_cells=True, split_s4=True),
}


def _docx_rep(name):
    return _rep("2019", 2020, "XX县人民政府", 4) if name.startswith("2019") else _rep()


@pytest.mark.parametrize("name", sorted(DOCX_VARIANTS))
def test_docx_real_layouts(name):
    rep = _docx_rep(name)
    assert_report(rep, parse(rd.docx_report(rep, **DOCX_VARIANTS[name])))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("realistic"))


@pytest.fixture(scope="module")
def docs(workdir):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    names = ["paragraph_per_chunk", "2019_all"]
    return rd.soffice_convert({n: rd.docx_report(_docx_rep(n), **DOCX_VARIANTS[n]) for n in names}, "doc", workdir)


@pytest.mark.parametrize("name", ["paragraph_per_chunk", "2019_all"])
def test_doc_converted_by_libreoffice(docs, name):
    assert name in docs, "soffice produced no .doc"
    rep = _docx_rep(name)
    got = parse(docs[name], filename=f"{name}.doc")
    assert_report(rep, got)


# ----------------------------------------------------------------------------- Chromium PDF
@pytest.fixture(scope="module")
def chromium_pdfs(workdir):
    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed")
    out = {}
    rep = _rep()
    out["plain_2021"] = (rep, rd.chromium_pdf(rd.html_report(rep, H()), workdir))
    rep9 = _rep("2019", 2020, "XX县人民政府", 4)
    css = "body{font-size:14pt} p{margin:40px 0} tr{page-break-inside:avoid}"   # tables split across pages
    out["split_pages_2019"] = (rep9, rd.chromium_pdf(rd.html_report(rep9, H(th=True, serial=True, wrapped=True)),
                                                     workdir, css=css))
    return out


@pytest.mark.parametrize("name", ["plain_2021", "split_pages_2019"])
def test_chromium_pdf(chromium_pdfs, name):
    rep, pdf = chromium_pdfs[name]
    assert pdf, "chromium produced no PDF"
    got = parse(pdf)
    assert got["medium"] == "pdf", f"read as {got['medium']}: {got['notes'][:2]}"
    assert all(c["ok"] for c in got["checks"]), [c for c in got["checks"] if not c["ok"]]
    assert_report(rep, got)


def test_explainer_reproducing_the_tables_is_not_a_report():
    rep = _rep()
    h = rd.html_report(rep).decode().replace(rep["title"], rep["title"] + "解读")
    assert parse(h.encode())["format"] is None
