"""Full crawls of the simulator: every platform and every fault, asserted on what was archived,
recorded as a report, recorded as a failure — and what was not."""
import collections
import hashlib
from pathlib import Path

import pytest

from tests.builders.crawls import gets, path_of

PLATFORM_KEYS = ["generic", "trs", "hanweb", "gdzwfw", "epoint"]


@pytest.fixture(scope="module", params=["own-platform", "auto"])
def crawl(request, crawls, auto_crawl):
    return crawls["first"] if request.param == "own-platform" else auto_crawl


@pytest.mark.parametrize("key", PLATFORM_KEYS)
def test_every_report_is_archived_and_parsed(crawl, portals, key):
    exp = portals.expected[key]
    missing_docs = set(exp["documents"]) - crawl.doc_urls()
    assert not missing_docs, f"not archived: {sorted(missing_docs)}"
    missing = set(exp["reports"]) - crawl.report_urls()
    assert not missing, f"not recorded as reports: {sorted(missing)}"


@pytest.mark.parametrize("key", PLATFORM_KEYS + ["walled"])
def test_no_distractor_is_a_report(crawl, portals, key):
    exp = portals.expected[key]
    bad = set(exp["distractors"]) & crawl.report_urls()
    assert not bad
    # the named distractors are not even fetched as documents
    assert not set(exp["distractors"]) & crawl.doc_urls()


def test_reports_are_only_report_documents(crawl, portals):
    expected = set().union(*(portals.expected[k]["reports"] for k in portals.portals))
    assert crawl.report_urls() == expected
    for r in crawl.snap["reports"]:
        assert r["format"] in ("2021", "2019", "legacy")
        assert r["year"] and 2010 <= r["year"] <= 2030


def test_archive_holds_every_document_by_sha256(crawl, crawls, auto_crawl):
    root = (crawls["archive"] if crawl is crawls["first"] else auto_crawl.dir / "archive")
    for d in crawl.snap["documents"]:
        data = (Path(root) / d["archive_path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == d["sha256"]
        assert len(data) == d["size"]


def test_robots_excluded_paths_never_fetched(crawl, portals):
    for key in portals.portals:
        for url in portals.expected[key]["robots_excluded"]:
            assert gets(crawl.requests[key], url) == 0, url
            assert url not in crawl.doc_urls()
            assert url in {f["url"] for f in crawl.failures("robots")}


def test_walls_recorded_as_blocked_never_reports(crawl, portals):
    blocked = {f["url"] for f in crawl.failures("blocked")}
    for key in portals.portals:
        for url in portals.expected[key]["blocked"]:
            assert url in blocked, url
            assert url not in crawl.doc_urls()
            assert url not in crawl.report_urls()
            # never retried: one request per wall
            assert gets(crawl.requests[key], url) == 1


def test_whole_walled_portal_is_flagged(crawl, portals):
    rows = {r["portal"]: r for r in crawl.snap["portal_runs"]}
    walled = rows[portals.expected["walled"]["name"]]
    assert walled["flagged"] and walled["blocked"] >= 1
    for key in PLATFORM_KEYS:
        row = rows[portals.expected[key]["name"]]
        assert not row["flagged"], row
        assert row["reports_found"] == len(portals.expected[key]["reports"])
        assert row["reports_new"] == len(portals.expected[key]["reports"])


def test_crawl_run_counts(crawl, portals):
    run = crawl.snap["runs"][-1]
    assert run["status"] == "partial"          # the walled portal yields nothing
    assert run["finished"]
    assert run["reports"] == sum(len(portals.expected[k]["reports"]) for k in portals.portals)
    assert run["documents"] == len(crawl.snap["documents"])
    assert run["blocked"] == 3
    assert "示例市人民政府" in run["summary"]


def test_too_large_attachment_is_a_failure_not_a_document(crawl, portals):
    url = portals.expected["trs"]["too_large"][0]
    assert url in {f["url"] for f in crawl.failures("too_large")}
    assert url not in crawl.doc_urls()


def test_500_retried_then_recorded(crawl, portals):
    url = portals.expected["trs"]["http_error"][0]
    assert url in {f["url"] for f in crawl.failures("http_error")}
    assert gets(crawl.requests["trs"], url) == 4      # 1 + RETRY_TIMES


def test_429_retried_after_retry_after(crawl, portals):
    url = portals.portals["trs"].url("/zwgk/zfxxgknb/202401/t20240120_1006.html")
    assert gets(crawl.requests["trs"], url) == 2
    assert crawl.statuses["trs"].get(f"GET {path_of(url)} 429") == 1
    assert url in crawl.report_urls()


def test_attachments_typed_by_bytes(crawl, portals):
    docs = {d["url"]: d for d in crawl.snap["documents"]}
    p = portals.portals["trs"]
    assert docs[p.url("/zwgk/zfxxgknb/202401/P020240117512345678902.doc")]["medium"] == "docx"
    assert docs[p.url("/zwgk/zfxxgknb/202401/P020240116512345678901.pdf")]["medium"] == "pdf"
    hw = [u for u in portals.expected["hanweb"]["reports"] if "downfile" in u][0]
    assert docs[hw]["medium"] == "pdf"
    # the article page that only links the attachment is archived too, and is not a report
    art = p.url("/zwgk/zfxxgknb/202401/t20240116_1002.html")
    assert art in docs and art not in crawl.report_urls()
    assert docs[p.url("/zwgk/zfxxgknb/202401/P020240116512345678901.pdf")]["source_url"] == art


def test_gbk_pages_decoded(crawl, portals):
    by_url = {r["document_url"]: r for r in crawl.snap["reports"]}
    nocharset = portals.portals["generic"].url("/xxgk/zfxxgknb/2024/0123/110.html")
    declared = portals.portals["gdzwfw"].url("/zwgk/zfxxgkndbg/content/post_3123454.html")
    assert "农业农村局" in (by_url[nocharset]["title"] or "")
    assert "卫生健康局" in (by_url[declared]["title"] or "")


def test_shells_and_redirects_followed(crawl, portals):
    g = portals.portals["generic"]
    for path in ("/xxgk/zfxxgknb/old/102.html", "/xxgk/zfxxgknb/2024/0118/103.html",
                 "/xxgk/zfxxgknb/2024/0119/104.html"):
        assert g.url(path) in crawl.report_urls(), path
    assert gets(crawl.requests["generic"], g.url("/xxgk/zfxxgknb/2023/0125/102.html")) == 1
    assert gets(crawl.requests["generic"], g.url("/xxgk/zfxxgknb/2024/0119/104_c.html")) == 1


def test_trs_pagination_from_createPageHTML(crawl, portals):
    r = crawl.requests["trs"]
    for name in ("index.html", "index_1.html", "index_2.html"):
        assert r.get(f"GET /zwgk/zfxxgknb/{name}") == 1, name


def test_hanweb_records_from_datastore_and_dataproxy(crawl, portals):
    r = crawl.requests["hanweb"]
    posts = [k for k in r if k.startswith("POST /module/web/jpage/dataproxy.jsp")]
    assert posts, r
    late = [u for u in portals.expected["hanweb"]["reports"] if "art_123_500" in u and int(u[-9:-5]) >= 5006]
    assert late and set(late) <= crawl.report_urls()


def test_epoint_shells_rendered_by_browser(crawl, portals):
    docs = {d["url"]: d for d in crawl.snap["documents"]}
    r = crawl.requests["epoint"]
    assert any(k.startswith("GET /EpointWebBuilder/rest/frontAppCustomAction/getInfoDetail") for k in r)
    for url in portals.expected["epoint"]["js_rendered"]:
        assert docs[url]["medium"] == "html"
    att = [u for u in portals.expected["epoint"]["reports"] if "attach" in u][0]
    assert docs[att]["medium"] == "pdf"


def test_user_agent_and_robots_requested(crawl, portals):
    for key in PLATFORM_KEYS:
        assert crawl.requests[key].get("GET /robots.txt") == 1


def test_no_duplicate_documents_or_reports(crawl):
    pairs = collections.Counter((d["url"], d["sha256"]) for d in crawl.snap["documents"])
    assert max(pairs.values()) == 1
    reps = collections.Counter((r["document_url"], r["document_sha256"]) for r in crawl.snap["reports"])
    assert max(reps.values()) == 1
