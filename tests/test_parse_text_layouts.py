"""Text layouts of real page texts, one family per test: a report written in that layout with
this project's own sentences and numbers must read back exactly (a blank stays null)."""
from __future__ import annotations

import pytest

from nianbao.demo.documents import random_report
from parsers import parse
from tests.builders import portal_layouts as rd
from tests.builders import text_layouts as tl


def _rep(fmt="2021", blanks=0, seed=11):
    rep = random_report(fmt, 2022 if fmt == "2021" else 2020, "XX县市场监督管理局", seed, blanks=blanks)
    if fmt == "2019":
        rep["fields"]["licensing_items_change"] = 126
        rep["fields"]["penalty_items_change"] = -3
    return rep


def _read(text: str) -> dict:
    return parse(text.encode("utf-8"))


def _exact(rep, got):
    assert got["format"] == rep["format"] and got["year"] == rep["year"]
    bad = rd.wrong_fields(rep["fields"], got["fields"])
    assert not bad, f"{len(bad)} fields differ: {dict(list(bad.items())[:6])}"


FAMILIES = {
    "pipe_rows": tl.pipe_rows,
    "pipe_cell_per_line": tl.pipe_cell_per_line,
    "pipe_rows_framed": tl.pipe_rows_framed,
    "pipe_lines_between_cells": tl.pipe_lines_between_cells,
    "cell_per_line_blank_lines": tl.cell_per_line_blank_lines,
    "space_rows": tl.space_rows,
    "wrapped_labels_values_first": lambda rep: tl.wrapped_labels(rep, values_on_first_line=True),
    "wrapped_labels_values_last": lambda rep: tl.wrapped_labels(rep, values_on_first_line=False),
    "group_label_among_values": tl.group_label_among_values,
}


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_layout_family_reads_every_value(family, fmt):
    rep = _rep(fmt)
    got = _read(FAMILIES[family](rep))
    _exact(rep, got)
    assert all(c["ok"] for c in got["checks"]), got["checks"]


@pytest.mark.parametrize("family", ["pipe_rows", "pipe_cell_per_line", "pipe_rows_framed"])
def test_pipe_layouts_keep_blank_cells_null(family):
    rep = _rep("2021", blanks=12, seed=5)
    got = _read(FAMILIES[family](rep))
    _exact(rep, got)
    blanks = [k for k, v in rep["fields"].items() if v is None]
    assert blanks and all(got["fields"][k] is None for k in blanks)


def test_space_rows_with_invisible_blanks_never_guess():
    """A space-separated row printing fewer values than cells: where the rules leave more than one
    placement, the row's cells stay null (never a number in the wrong cell)."""
    rep = _rep("2021", blanks=15, seed=8)
    got = _read(tl.space_rows(rep))
    wrong = {k: (v, got["fields"][k]) for k, v in rep["fields"].items()
             if got["fields"].get(k) is not None and (v is None or float(v) != float(got["fields"][k]))}
    placement = [c for c in got["checks"] if c["rule"] == "cell_placement"]
    assert not wrong or (placement and not placement[0]["ok"]), wrong


def test_units_and_signs_are_read_as_numbers():
    rep = _rep("2019")
    text = tl.space_rows(rep).replace(f"行政事业性收费  {rd.fmtnum(rep['fields']['fees_items_prev_year'])}",
                                      f"行政事业性收费  {rd.fmtnum(rep['fields']['fees_items_prev_year'])}项")
    got = _read(text.replace("政府集中采购  ", "政府集中采购  ", 1))
    _exact(rep, got)
    assert got["fields"]["licensing_items_change"] == 126 and got["fields"]["penalty_items_change"] == -3


def test_increase_and_decrease_words_give_the_sign():
    rep = _rep("2019")
    text = tl.pipe_rows(rep).replace("-3 |", "减3 |", 1)
    assert _read(text)["fields"]["penalty_items_change"] == -3


def test_text_cut_off_inside_table_three_keeps_what_was_printed():
    rep = _rep("2021")
    got = _read(tl.cut_off(rep, "4.保护第三方合法权益"))
    f = got["fields"]
    for key in ("regulations_issued", "licensing_decisions", "fees_amount_wan_yuan",
                "req_new_total", "req_denied_third_party_total"):
        assert f[key] == rep["fields"][key]
    later = [k for k in f if k.startswith(("req_denied_internal", "req_outcome_total", "review_"))]
    assert later and all(f[k] is None for k in later)        # not printed: null, never guessed
    assert any("cut off" in n for n in got["notes"])


def test_text_stopping_before_table_three_is_still_a_report():
    rep = _rep("2021")
    text = tl.pipe_rows(rep)
    text = text[:text.index("三、收到和处理")]
    got = _read(text)
    assert got["format"] == "2021" and got["fields"]["normative_docs_in_force"] == rep["fields"]["normative_docs_in_force"]
    assert any("no table 三" in n for n in got["notes"])


def test_report_without_title_is_recognised_by_its_filled_tables():
    rep = _rep("2021")
    text = tl.pipe_rows(rep).split("\n", 1)[1]       # the page text starts below the title
    got = _read(text)
    _exact(rep, got)
    assert any("no title" in n for n in got["notes"])


def test_other_handling_printed_as_one_row_in_2021_form():
    """(六)其他处理 printed as the 2019 form's one row: the 2021 sub-rows stay null, the printed
    row is kept in provenance, and the sum rules use it as the group total."""
    rep = _rep("2021", seed=21)
    f = rep["fields"]
    for c in rd.S3_COLS:
        f[f"req_other_handling_{c}"] = sum(f.pop(f"req_{r}_{c}") for r in ("other_no_correction", "other_unpaid_fee", "other_other"))
    got = _read(tl.pipe_rows(rep, other_handling_row=True))
    for c in rd.S3_COLS:
        for r in ("other_no_correction", "other_unpaid_fee", "other_other"):
            assert got["fields"][f"req_{r}_{c}"] is None
        assert got["provenance"][f"req_other_handling_{c}"]["value"] == f[f"req_other_handling_{c}"]
    expected = {k: v for k, v in f.items() if not k.startswith("req_other_handling")}
    assert not rd.wrong_fields(expected, got["fields"])
    total = next(c for c in got["checks"] if c["rule"] == "outcome_total")
    assert total["ok"] and "7 of 7" in total["detail"], total
    assert any("其他处理 printed as one row" in n for n in got["notes"])


def test_prose_numbers_are_not_table_values():
    rep = _rep("2021")
    text = tl.pipe_rows(rep).replace("二、主动公开政府信息情况",
                                     "全年制发规范性文件 9 件，废止 4 件，办理行政许可 77 件，收到行政复议 5 件，结果维持 3 件。\n二、主动公开政府信息情况")
    _exact(rep, _read(text))


def test_body_citing_the_format_notice_with_a_wrapped_title_is_a_report():
    """A PDF's text: the title wraps over two lines and the body cites the notice on the form
    (…关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知), wrapped short as PDF lines are."""
    rep = _rep("2021")
    head = (f"{rep['agency']}{rep['year']}年政府信息公开工作\n年度报告\n"
            "按照《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开\n"
            f"工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，现公布{rep['year']}年\n"
            "政府信息公开工作年度报告\n")
    got = _read(head + tl.pipe_rows(rep).split("\n", 1)[1])
    assert got["title"] == rep["title"]
    _exact(rep, got)


def test_notice_citing_reports_stays_a_non_report():
    text = ("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知\n各乡镇人民政府、县政府各部门：\n"
            "按照《中华人民共和国政府信息公开条例》要求，现就做好年度报告编制发布工作通知如下。\n"
            "一、按时发布。各单位于1月31日前在政府网站发布年度报告。\n")
    assert _read(text)["format"] is None


def test_cells_run_together_read_only_where_unambiguous():
    """``规章000``: a label and its cells with no separator. Zeros can be told apart (no number
    starts with 0); a run of other digits could be any split and is not read as values."""
    rep = _rep("2021")
    f = rep["fields"]
    f.update(regulations_issued=0, regulations_repealed=0, regulations_in_force=0)
    text = tl.space_rows(rep).replace("规章  0  0  0", "规章000")
    _exact(rep, _read(text))
    got = _read(text.replace("规章000", "规章103"))
    assert got["fields"]["regulations_issued"] is None and got["fields"]["regulations_in_force"] is None


def test_new_form_with_the_old_forms_first_column_words_is_the_new_form():
    """A report on 2022 whose table 二 still says 本年新制作数量 … over the 2021 form's rows."""
    rep = _rep("2021")
    text = tl.pipe_rows(rep).replace("本年制发件数 | 本年废止件数 | 现行有效件数", "本年新制作数量 | 本年新公开数量 | 对外公开总数量")
    assert "本年新制作数量" in text
    _exact(rep, _read(text))
