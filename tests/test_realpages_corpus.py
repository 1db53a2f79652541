"""The real-page corpus is well formed (its texts live outside the repository: see README)."""
from __future__ import annotations

from collections import Counter

from nianbao import realcheck
from parsers import schema


def test_every_page_says_how_to_find_its_text_again():
    corpus = realcheck.load_corpus()
    assert len(corpus) >= 200
    assert len({p["id"] for p in corpus}) == len(corpus) == len({p["url"] for p in corpus})
    for page in corpus:
        assert page["url"].startswith("http") and page["query"] and len(page["sha256"]) == 64, page["id"]


def test_every_truth_row_fits_the_form():
    for page in realcheck.load_corpus():
        if not page.get("is_report", True):
            continue
        fields = realcheck.expected_fields(page)      # raises on a row of the wrong width
        assert set(fields) <= set(schema.field_keys(page["format"])) | {
            schema.req_key("other_handling", c) for c in schema.section3_columns()}, page["id"]


def test_corpus_covers_both_formats_every_level_and_six_years():
    reports = [p for p in realcheck.load_corpus() if p.get("is_report", True)]
    assert Counter(p["format"] for p in reports).keys() >= {"2019", "2021"}
    assert {p["level"] for p in reports} >= {"county", "township", "department", "city", "province"}
    assert {p["year"] for p in reports} >= set(range(2019, 2025))


def test_scoring_counts_wrong_missed_and_right():
    page = {"id": "x", "format": "2021", "rows": {"regulations": [0, None, 3], "licensing": [5]}}
    report = {"format": "2021", "fields": {"regulations_issued": 0, "regulations_repealed": None,
                                           "regulations_in_force": 4, "licensing_decisions": None}}
    counts = realcheck.score_page(page, report)["counts"]
    assert counts == {"right_zero": 1, "right_null": 1, "wrong_nonzero": 1, "missed_nonzero": 1}
