"""Nightly re-crawls: conditional requests, no re-download of unchanged documents, few requests
per portal, and a changed attachment at the same URL becoming a second, linked version."""
import collections

from tests.builders.crawls import path_of

STATIC_KEYS = ["generic", "trs", "hanweb", "gdzwfw"]


def test_recrawl_downloads_no_document_again(crawls, portals):
    again = crawls["again"]
    for key in STATIC_KEYS:
        st = again.statuses[key]
        for url in portals.expected[key]["documents"]:
            if url in portals.expected[key]["shells"]:
                continue        # a few hundred bytes of shell; the document behind it is conditional
            p = path_of(url)
            full = [k for k, n in st.items() if k.startswith(f"GET {p} ") and k.endswith(" 200")]
            assert not full, f"{url} downloaded again: {st}"
            assert any(k.startswith(f"GET {p} ") for k in st), f"{url} not checked at all"


def test_recrawl_costs_few_requests_per_portal(crawls, portals):
    first, again = crawls["first"], crawls["again"]
    for key in STATIC_KEYS + ["epoint"]:
        n_again = sum(again.requests[key].values())
        n_first = sum(first.requests[key].values())
        # one conditional request per document, the list/nav pages, robots.txt, and the faults'
        # retries: a few requests beyond the documents themselves
        budget = len(portals.expected[key]["documents"]) + 15
        assert n_again <= budget, (key, n_again, again.requests[key])
        assert n_again <= n_first


def test_recrawl_records_no_new_version_and_touches(crawls):
    first, again = crawls["first"], crawls["again"]
    assert len(again.snap["documents"]) == len(first.snap["documents"])
    assert len(again.snap["reports"]) == len(first.snap["reports"])
    run = again.snap["runs"][-1]
    assert run["documents_new"] == 0 and run["documents_changed"] == 0
    assert run["not_modified"] >= 20
    # reports are still found (via 304 + the stored parse), portals not flagged
    assert run["reports"] == first.snap["runs"][-1]["reports"]
    rows = [r for r in again.snap["portal_runs"] if r["run_id"] == run["id"]]
    assert sum(1 for r in rows if r["flagged"]) == 1


def test_recrawl_parses_nothing_the_first_crawl_did_not(crawls):
    # an unchanged article whose report is its attachment stays a page, not a report candidate
    assert crawls["again"].snap["parse_outcomes"] == crawls["first"].snap["parse_outcomes"]


def test_list_pages_refetched_documents_conditional(crawls, portals):
    again = crawls["again"]
    st = again.statuses["trs"]
    assert st.get("GET /zwgk/zfxxgknb/index.html 200") == 1
    assert st.get("GET /zwgk/zfxxgknb/202401/t20240115_1001.html 304") == 1
    assert st.get("GET /zwgk/zfxxgknb/202401/P020240116512345678901.pdf 304") == 1


def test_changed_attachment_becomes_second_version(crawls, portals):
    url = crawls["changed_url"]
    snap = crawls["changed"].snap
    versions = [d for d in snap["documents"] if d["url"] == url]
    assert len(versions) == 2
    old, new = versions
    assert old["sha256"] != new["sha256"]
    assert new["previous_id"] == old["id"]
    assert (old["is_current"], new["is_current"]) == (0, 1)
    reps = [r for r in snap["reports"] if r["document_url"] == url]
    assert len(reps) == 2, "each version's parse is stored"
    assert {r["document_sha256"] for r in reps} == {old["sha256"], new["sha256"]}
    assert [r["is_current"] for r in reps if r["document_sha256"] == new["sha256"]] == [1]
    run = snap["runs"][-1]
    assert run["documents_changed"] == 1 and run["documents_new"] == 0
    row = [r for r in snap["portal_runs"] if r["run_id"] == run["id"] and r["portal"] == "示例市人民政府"][0]
    assert row["reports_changed"] == 1
    # nothing else changed
    others = collections.Counter(d["url"] for d in snap["documents"])
    assert sum(1 for u, n in others.items() if n > 1) == 1
