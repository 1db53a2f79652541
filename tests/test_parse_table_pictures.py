"""Tables pasted as pictures: an HTML article whose table 三 is an ``<img>`` (the crawler hands
the parser the image's bytes), a DOCX whose table 三 is an embedded picture. The picture is read
by OCR where it stands; the other sections stay as read from the text."""
from __future__ import annotations

import pytest

from nianbao.demo import documents as D
from parsers import parse
from tests.builders import pictures as P

URL = "http://www.example.gov.cn/xxgk/ndbg/202401/t20240126_1.html"
SRC = "./W020240126123456.png"
PIC_URL = "http://www.example.gov.cn/xxgk/ndbg/202401/W020240126123456.png"


def _right(report, got, prefix=""):
    exp = {k: v for k, v in report["fields"].items() if k.startswith(prefix)}
    right = sum(1 for k, v in exp.items() if got["fields"].get(k) == v)
    wrong = {k: (v, got["fields"].get(k)) for k, v in exp.items() if got["fields"].get(k) not in (None, v)}
    return right / len(exp), wrong


@pytest.fixture(scope="module")
def report():
    return D.random_report("2021", 2023, "示例县市场监督管理局", 7)


def test_html_table_picture_read_by_ocr_in_place(report):
    page = P.html_with_table_picture(report, SRC)
    got = parse(page, filename="t.html", pictures={PIC_URL: P.table_picture(report)}, base_url=URL)
    share, wrong = _right(report, got, "req_")
    assert share >= 0.97 and wrong == {}, (share, wrong)
    # the other sections as printed in the page
    others = {k: v for k, v in report["fields"].items() if not k.startswith("req_")}
    assert {k: got["fields"].get(k) for k in others} == others
    where = got["provenance"]["req_new_natural_person"]["where"]
    assert where.get("picture") == PIC_URL and where.get("conf") is not None
    assert any(c["rule"] == "ocr_reading" for c in got["checks"])
    assert any("picture" in n for n in got["notes"])


def test_html_table_picture_without_its_bytes_leaves_table_3_null(report):
    got = parse(P.html_with_table_picture(report, SRC), filename="t.html")
    assert all(got["fields"].get(k) is None for k in report["fields"] if k.startswith("req_"))
    assert any("table 三" in n for n in got["notes"])


def test_docx_table_picture_read_by_ocr(report):
    data = P.docx_with_table_picture(report, P.table_picture(report, dpi=200))
    got = parse(data, filename="t.docx")
    share, wrong = _right(report, got, "req_")
    assert share >= 0.97 and wrong == {}, (share, wrong)
    where = got["provenance"]["req_new_natural_person"]["where"]
    assert where.get("picture", "").startswith("word/media/")


def test_table_picture_with_a_seal_over_its_cells(report):
    page = P.html_with_table_picture(report, SRC)
    got = parse(page, filename="t.html", pictures={PIC_URL: P.table_picture(report, dpi=200, seal=True, fmt="JPEG")},
                base_url=URL)
    share, wrong = _right(report, got, "req_")
    assert share >= 0.9, share
    if all(c["ok"] for c in got["checks"]):
        assert wrong == {}
