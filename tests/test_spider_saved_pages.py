"""Spider callbacks on saved pages, one per platform variant (``tests/fixtures/portals/``): the
markup of each is this project's own, in the shapes real portals of that platform use."""
from __future__ import annotations

from pathlib import Path

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response

from crawler.spiders import SPIDERS

import json
from urllib.parse import parse_qs

PAGES = Path(__file__).parent / "fixtures" / "portals"


def _spider(platform: str, url: str):
    return SPIDERS[platform](source={"name": "示例", "url": url, "platform": platform})


def _response(platform, page, url, **meta):
    req = scrapy.Request(url, meta={"doc_url": url, "link_title": meta.pop("title", None), **meta})
    return HtmlResponse(url=url, body=(PAGES / platform / page).read_bytes(), encoding="utf-8", request=req)


def _requests(results) -> list:
    return [r for r in results if isinstance(r, scrapy.Request)]


def _list_requests(platform, page, url) -> list:
    """The requests a spider makes from a saved list page of a report column."""
    return _requests(_spider(platform, url).parse_list(_response(platform, page, url, in_column=True)))


def _attachment_urls(platform, page, url, **meta):
    spider = _spider(platform, url)
    out = list(spider.parse_article(_response(platform, page, url, **meta)))
    return [r.url for r in _requests(out) if r.meta.get("kind") == "attachment"], out


def test_trs_appendix_block_after_the_editor_is_fetched():
    url = "http://www.example-trs.gov.cn/zwgk/ndbg/202401/t20240126_6120099.html"
    urls, out = _attachment_urls("trs", "article_appendix_after_editor.html", url)
    assert urls == ["http://www.example-trs.gov.cn/zwgk/ndbg/202401/P020240126390512847361.pdf",
                    "http://www.example-trs.gov.cn/zwgk/ndbg/202401/P020240126390512847362.docx"]
    assert any(getattr(i, "get", None) and i.get("kind") == "page" for i in out)   # the article itself


def test_trs_appendix_written_by_script_is_fetched():
    url = "http://tjj.example-trs.gov.cn/xxgk/ndbg/202301/t20230118_991.html"
    urls, _ = _attachment_urls("trs", "article_appendix_by_script.html", url, title="示例市统计局2022年政府信息公开工作年度报告")
    assert urls == ["http://tjj.example-trs.gov.cn/xxgk/ndbg/202301/P020230118511122233344.wps",
                    "http://tjj.example-trs.gov.cn/xxgk/ndbg/202301/P020230118511122233345.pdf"]


def test_trs_list_pages_from_pager_variables_and_reports_only():
    url = "http://www.example-trs.gov.cn/zwgk/ndbg/index.shtml"
    reqs = _list_requests("trs", "list_pager_from_variables.html", url)
    pages = sorted(r.url for r in reqs if r.meta.get("kind") == "list")
    docs = sorted(r.url for r in reqs if r.meta.get("kind") != "list")
    assert pages == [f"http://www.example-trs.gov.cn/zwgk/ndbg/index_{n}.shtml" for n in (1, 2, 3)]
    assert docs == ["http://www.example-trs.gov.cn/zwgk/ndbg/202401/t20240129_6120005.shtml",
                    "http://www.example-trs.gov.cn/zwgk/ndbg/202401/t20240130_6120011.shtml"]


def test_hanweb_downfile_paragraph_after_zoom_is_fetched():
    url = "http://www.example-hw.gov.cn/art/2024/1/25/art_1308_880001.html"
    urls, _ = _attachment_urls("hanweb", "article_downfile_after_zoom.html", url)
    assert urls == ["http://www.example-hw.gov.cn/module/download/downfile.jsp?classid=0&filename=2401251716432217.pdf"]


def test_hanweb_onclick_download_is_fetched():
    url = "http://www.example-hw.gov.cn/art/2023/1/12/art_1308_870001.html"
    urls, _ = _attachment_urls("hanweb", "article_onclick_download.html", url)
    assert urls == ["http://www.example-hw.gov.cn/module/download/downfile.jsp?classid=0&filename=2301121410009876.docx"]


def test_hanweb_datastore_records_and_proxy_posts():
    url = "http://www.example-hw.gov.cn/col/col1308/index.html"
    reqs = _list_requests("hanweb", "column_datastore.html", url)
    docs = sorted(r.url for r in reqs if r.meta.get("kind") != "list")
    posts = [r for r in reqs if r.method == "POST"]
    assert docs == ["http://www.example-hw.gov.cn/art/2024/1/29/art_1308_880007.html",
                    "http://www.example-hw.gov.cn/art/2024/1/30/art_1308_880011.html"]
    assert posts and all("dataproxy.jsp?startrecord=" in r.url for r in posts)
    assert b"unitid=4411" in posts[0].body and b"columnid=1308" in posts[0].body


def test_gd_attachment_block_not_the_related_list():
    url = "http://www.example-gd.gov.cn/zwgk/ndbg/content/post_4302211.html"
    urls, _ = _attachment_urls("gdzwfw", "article_attachment_block.html", url)
    assert urls == ["http://www.example-gd.gov.cn/attachment/0/538/538221/10211234.pdf"]


def test_gd_pdf_in_viewer_iframe_is_fetched():
    url = "http://www.example-gd.gov.cn/zwgk/ndbg/content/post_4300001.html"
    urls, _ = _attachment_urls("gdzwfw", "article_viewer_iframe.html", url, title="示例镇2022年政府信息公开工作年度报告")
    assert urls == ["http://www.example-gd.gov.cn/attachment/0/520/520044/9933001.pdf"]


def test_gd_list_reports_and_next_pages():
    url = "https://www.example-gd.gov.cn/zwgk/ndbg/index.html"
    reqs = _list_requests("gdzwfw", "list_next_page.html", url)
    assert sorted(r.url for r in reqs if r.meta.get("kind") == "list") == [
        "https://www.example-gd.gov.cn/zwgk/ndbg/index_2.html", "https://www.example-gd.gov.cn/zwgk/ndbg/index_3.html"]
    assert len([r for r in reqs if r.meta.get("kind") != "list"]) == 2


def test_generic_appendix_after_ucap_content_with_a_download_endpoint():
    url = "http://www.example-gen.gov.cn/art/2024/1/25/content_1.html"
    urls, _ = _attachment_urls("generic", "article_ucap_appendix.html", url)
    assert urls == ["http://www.example-gen.gov.cn/ucap/downloadFile?id=8a8c2f1e8d1a4b7c"]


def test_generic_file_not_found_page_answered_200_is_a_failure():
    url = "http://www.example-gen.gov.cn/ucap/downloadFile?id=gone"
    spider = _spider("generic", url)
    failures = []
    spider.fail = lambda u, kind, detail: failures.append((u, kind))
    req = scrapy.Request(url, meta={"doc_url": url, "kind": "attachment"})
    body = (PAGES / "generic" / "attachment_not_found_200.html").read_bytes()
    assert list(spider.parse_attachment(Response(url=url, status=200, body=body, request=req))) == []
    assert failures == [(url, "not_found")]


@pytest.mark.parametrize("status, kind", [(404, "not_found"), (410, "gone"), (500, "http_error")])
def test_missing_attachments_are_recorded_with_their_own_kind(status, kind):
    url = "http://www.example-gen.gov.cn/upload/2023nb.pdf"
    spider = _spider("generic", url)
    failures = []
    spider.fail = lambda u, k, detail: failures.append((u, k))
    req = scrapy.Request(url, meta={"doc_url": url, "kind": "attachment"})
    assert list(spider.parse_attachment(Response(url=url, status=status, body=b"", request=req))) == []
    assert failures == [(url, kind)]


def test_generic_numbered_list_pages():
    url = "http://www.example-gen.gov.cn/xxgk/ndbg/list_1.htm"
    reqs = _list_requests("generic", "list_numbered_pages.html", url)
    assert sorted(r.url for r in reqs if r.meta.get("kind") == "list") == [
        f"http://www.example-gen.gov.cn/xxgk/ndbg/list_{n}.htm" for n in (2, 3, 9)]
    assert len([r for r in reqs if r.meta.get("kind") != "list"]) == 2


def _epoint_list(platform, url):
    spider = _spider(platform, url)
    return spider, _requests(spider.parse_list(_response("epoint", "column_shell_siteinfo.html", url, in_column=True)))


@pytest.mark.parametrize("platform", ["epoint", "auto"])
def test_epoint_column_shell_asks_its_list_api(platform):
    url = "http://www.example-ep.gov.cn/sxzf/zwgk/003001/003001005/moreinfo.html"
    spider, reqs = _epoint_list(platform, url)
    assert len(reqs) == 1 and reqs[0].method == "POST"        # the API, not a Chromium render
    assert reqs[0].url == "http://www.example-ep.gov.cn/EWB-FRONT/rest/frontAppCustomAction/getPageInfoListNew"
    import json
    from urllib.parse import parse_qs
    params = json.loads(parse_qs(reqs[0].body.decode())["params"][0])
    assert params["categoryNum"] == "003001005" and params["pageIndex"] == 0
    assert params["siteGuid"] == "5c1d2e3f-aaaa-4bbb-8ccc-0d1e2f3a4b5c"
    assert spider.detected == "epoint"


def _api_answer(spider, request, name):
    from scrapy.http import TextResponse
    body = (PAGES / "epoint" / name).read_bytes()
    return _requests(spider.parse_epoint_list(TextResponse(url=request.url, body=body, encoding="utf-8", request=request)))


def test_epoint_list_api_answer_gives_reports_and_zero_based_pages():
    url = "http://www.example-ep.gov.cn/sxzf/zwgk/003001/003001005/moreinfo.html"
    spider, (api,) = _epoint_list("epoint", url)
    reqs = _api_answer(spider, api, "list_api_infodata.json")
    docs = [r.url for r in reqs if r.meta.get("kind") != "list"]
    pages = [r for r in reqs if r.meta.get("kind") == "list"]
    assert docs == ["http://www.example-ep.gov.cn/sxzf/zwgk/003001/003001005/20240126/0a1b2c3d-0001-4e5f-8a9b-000000000001.html",
                    "http://www.example-ep.gov.cn/sxzf/zwgk/003001/003001005/20240125/0a1b2c3d-0002-4e5f-8a9b-000000000002.html"]
    import json
    from urllib.parse import parse_qs
    indexes = [json.loads(parse_qs(r.body.decode())["params"][0])["pageIndex"] for r in pages]
    assert indexes == list(range(1, 15))            # 45 records, 3 a page: pages 1 … 14 after page 0


def test_epoint_govinfo_list_shape_and_fallbacks():
    url = "http://www.example-ep.gov.cn/dynamic/zwgk/govInfoPub.html?categorynum=003011"
    spider, (api,) = _epoint_list("epoint", url)
    assert api.url.endswith("/rest/lightfrontaction/getgovinfolist")      # govInfoPub's own API first
    docs = [r.url for r in _api_answer(spider, api, "list_api_govinfo.json")]
    assert docs == ["http://www.example-ep.gov.cn/dynamic/zwgk/govInfoPubDetail.html?infoid=7e000001&categorynum=003011",
                    "http://www.example-ep.gov.cn/dynamic/zwgk/govInfoPubDetail.html?infoid=7e000003&categorynum=003011"]
    from scrapy.http import TextResponse

    def answer(req, body):
        out, = _requests(spider.parse_epoint_list(TextResponse(url=req.url, body=body, encoding="utf-8", request=req)))
        return out
    # an unreadable answer: the same parameters as a raw JSON body, wrapped with a token, by GET,
    # then the next API, then Chromium
    spider, (api,) = _epoint_list("epoint", url)
    as_json = answer(api, b"<html>error</html>")
    assert as_json.method == "POST" and json.loads(as_json.body)["categorynum"] == "003011"
    token = answer(as_json, b"{}")
    assert json.loads(token.body)["params"]["pageIndex"] == 0 and json.loads(token.body)["token"] == ""
    get = answer(token, b'{"custom": {"total": 0, "data": []}}')
    assert get.method == "GET" and "params=" in get.url
    nxt = answer(get, b"{}")
    assert nxt.url.endswith("/rest/frontAppCustomAction/getPageInfoListNew") and nxt.method == "POST"
    for _ in range(3):
        nxt = answer(nxt, b"{}")
    render = answer(nxt, b"{}")
    assert render.meta.get("playwright") and render.url == url


def test_epoint_site_info_from_the_sites_script_and_the_way_that_answered_is_kept():
    from scrapy.http import TextResponse
    url = "http://www.example-ep.gov.cn/dynamic/zwgk/govInfoPub.html?categorynum=003006"
    spider = _spider("epoint", url)
    script, = [r for r in _requests(spider.parse_list(_response("epoint", "column_govinfopub_external_siteinfo.html", url, in_column=True)))
               if r.meta.get("epoint_script")]
    assert script.url == "http://www.example-ep.gov.cn/js/webBuilderCommon.js"
    # a second column of the same portal waits for the same script
    url2 = "http://www.example-ep.gov.cn/dynamic/zwgk/govInfoPub.html?categorynum=003007"
    waiting = _requests(spider.parse_list(_response("epoint", "column_govinfopub_external_siteinfo.html", url2, in_column=True)))
    assert not [r for r in waiting if r.meta.get("epoint_script") or r.meta.get("epoint")]
    body = (PAGES / "epoint" / "webBuilderCommon.js").read_bytes()
    apis = _requests(spider.parse_epoint_script(TextResponse(url=script.url, body=body, encoding="utf-8", request=script)))
    assert [a.url for a in apis] == ["http://www.example-ep.gov.cn/EWB-FRONT/rest/lightfrontaction/getgovinfolist"] * 2
    params = [json.loads(parse_qs(a.body.decode())["params"][0]) for a in apis]
    assert [p["categorynum"] for p in params] == ["003006", "003007"]
    assert {p["siteGuid"] for p in params} == {"bd6e0f7a-1c2b-4d3e-9f80-112233445566"}
    # the site answers raw JSON bodies only: once it has, the next column asks that way first
    as_json, = _requests(spider.parse_epoint_list(TextResponse(url=apis[0].url, body=b"", encoding="utf-8", request=apis[0])))
    _api_answer(spider, as_json, "list_api_govinfo.json")
    url3 = "http://www.example-ep.gov.cn/dynamic/zwgk/govInfoPub.html?categorynum=003008"
    api3, = [r for r in _requests(spider.parse_list(_response("epoint", "column_govinfopub_external_siteinfo.html", url3, in_column=True)))
             if r.meta.get("epoint")]
    assert api3.headers.get("Content-Type", b"").startswith(b"application/json")
    assert json.loads(api3.body)["categorynum"] == "003008"


def test_epoint_attachments_without_extension_are_fetched():
    url = "http://www.example-ep.gov.cn/sxzf/zwgk/003001/003001005/20240125/0a1b2c3d-0002-4e5f-8a9b-000000000002.html"
    urls, _ = _attachment_urls("epoint", "article_attachments_no_extension.html", url)
    assert urls == ["http://www.example-ep.gov.cn/EWB-FRONT/pages/webbuildermis/attach/downloadztbattach?"
                    "attachGuid=9d8c7b6a-1111-4222-8333-444455556666&appUrlFlag=ztb001&siteGuid=5c1d2e3f-aaaa-4bbb-8ccc-0d1e2f3a4b5c"]


def test_generic_webforms_list_pages_by_posting_the_form_back():
    url = "http://www.example-gen.gov.cn/xxgk/List.aspx?CategoryNum=004002"
    reqs = _list_requests("generic", "list_webforms_postback.html", url)
    posts = [r for r in reqs if r.method == "POST"]
    from urllib.parse import parse_qs
    forms = [parse_qs(r.body.decode()) for r in posts]
    assert [f["__EVENTARGUMENT"] for f in forms] == [["2"], ["3"]]
    assert all(f["__EVENTTARGET"] == ["MoreInfoList1$Pager"] and f["__VIEWSTATE"][0].startswith("/wEPDw") for f in forms)
    assert all(r.url == "http://www.example-gen.gov.cn/xxgk/List.aspx?CategoryNum=004002" for r in posts)
    docs = [r.url for r in reqs if r.meta.get("kind") != "list"]
    assert len(docs) == 2


def test_hanweb_xxgk_column_posts_its_search_form_and_pages_by_currpage():
    from scrapy.http import HtmlResponse as Html
    url = "http://www.example-hw.gov.cn/col/col1229100/index.html"
    spider = _spider("hanweb", url)
    reqs = _requests(spider.parse_list(_response("hanweb", "column_xxgk_search.html", url, in_column=True)))
    search, = [r for r in reqs if "search.jsp" in r.url]
    assert search.method == "POST" and search.url.startswith("http://www.example-hw.gov.cn/module/xxgk/search.jsp")
    form = {k: v[0] for k, v in parse_qs(search.body.decode(), keep_blank_values=True).items()}
    assert (form["infotypeId"], form["jdid"], form["area"], form["divid"], form["currpage"]) == (
        "B001AG001", "1756", "002482429", "div1474328", "1")
    assert not [r for r in reqs if "tree.jsp" in r.url]            # the catalogue tree is not the list
    answer = Html(url=search.url, body=(PAGES / "hanweb" / "xxgk_search_answer.html").read_bytes(),
                  encoding="utf-8", request=search)
    out = _requests(spider.parse_list(answer))
    docs = sorted(r.url for r in out if r.meta.get("kind") != "list")
    assert docs == ["http://www.example-hw.gov.cn/art/2022/1/28/art_1229100_58302117.html",
                    "http://www.example-hw.gov.cn/art/2023/1/30/art_1229100_58610442.html",
                    "http://www.example-hw.gov.cn/art/2024/1/22/art_1229100_58871001.html"]
    pages = [parse_qs(r.body.decode())["currpage"] for r in out if r.meta.get("xxgk")]
    assert pages == [["2"], ["3"]]


@pytest.mark.parametrize("platform", ["hanweb", "auto"])
def test_hanweb_catalogue_search_form_is_asked_for_reports_once(platform):
    url = "http://www.example-hw.gov.cn/module/xxgk/index.jsp?area=002276772"
    spider = _spider(platform, url)
    reqs = [r for r in _requests(spider.parse_list(_response("hanweb", "xxgk_catalogue_search_form.html", url))) if r.meta.get("xxgk")]
    forms = [{k: v[0] for k, v in parse_qs(r.body.decode(), keep_blank_values=True).items()} for r in reqs]
    assert [f["vc_title"] for f in forms] == ["年度报告", "年报"]
    assert all(f["area"] == "002276772" and f["jdid"] == "2811" and f["infotypeId"] == "" for f in forms)
    again = _requests(spider.parse_list(_response("hanweb", "xxgk_catalogue_search_form.html", url + "&x=1")))
    assert not [r for r in again if r.meta.get("xxgk")]


@pytest.mark.parametrize("platform", ["hanweb", "auto"])
def test_hanweb_jpaas_column_reads_the_publishing_server(platform):
    from scrapy.http import TextResponse
    url = "http://jtj.example-hw.gov.cn/col/col2405/index.html"
    spider = _spider(platform, url)
    reqs = _requests(spider.parse_list(_response("hanweb", "column_jpaas.html", url, in_column=True)))
    unit, = [r for r in reqs if r.meta.get("jpaas")]
    q = {k: v[0] for k, v in parse_qs(unit.url.split("?", 1)[1]).items()}
    assert unit.url.startswith("http://jtj.example-hw.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?")
    assert q["webId"] == "7c4f29a1d1e34f0bb2b3a0d2e7f1c901" and q["tplSetId"] == "2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70"
    assert json.loads(q["paramJson"])["pageNo"] == 1 and q["pageType"] == "column"
    body = (PAGES / "hanweb" / "jpaas_unit_answer.json").read_bytes()
    out = _requests(spider.parse_jpaas_list(TextResponse(url=unit.url, body=body, encoding="utf-8", request=unit)))
    docs = sorted(r.url for r in out if r.meta.get("kind") != "list")
    assert docs == ["http://jtj.example-hw.gov.cn/art/2023/1/29/art_2405_3188102.html",
                    "http://jtj.example-hw.gov.cn/art/2024/1/25/art_2405_3310427.html"]
    nxt, = [r for r in out if r.meta.get("jpaas")]
    assert json.loads(parse_qs(nxt.url.split("?", 1)[1])["paramJson"][0])["pageNo"] == 2
    # a server that ignores the page answers the same list again: the walk ends there
    again = _requests(spider.parse_jpaas_list(TextResponse(url=nxt.url, body=body, encoding="utf-8", request=nxt)))
    assert not [r for r in again if r.meta.get("jpaas")]


def test_generic_column_list_inside_a_frame_is_walked():
    url = "http://www.example-gen.gov.cn/xxgk/ndbg/index.html"
    reqs = _list_requests("generic", "list_in_iframe.html", url)
    frames = [(r.url, r.meta.get("in_column")) for r in reqs if "/xxgk/ndbg/" in r.url or "visitcount" in r.url]
    assert frames == [("http://www.example-gen.gov.cn/xxgk/ndbg/list_frame.jsp?ColumnID=218", True)]


def test_generic_attachment_href_filled_by_a_request_is_rendered():
    url = "http://www.example-gen.gov.cn/xxgk/ndbg/202401/t20240126_5511.html"
    urls, out = _attachment_urls("generic", "article_href_filled_by_request.html", url)
    assert urls == []
    again, = _requests(out)
    assert again.url == url and again.meta.get("playwright")      # Chromium runs the page's request
    assert not [i for i in out if not isinstance(i, scrapy.Request)]   # the half page is not kept


@pytest.mark.parametrize("platform", ["truecms", "auto"])
def test_truecms_column_reads_getmessage_windows(platform):
    from scrapy.http import TextResponse
    url = "http://www.example-tc.gov.cn/class/NDBG"
    spider = _spider(platform, url)
    first, = [r for r in _list_requests_of(spider, "truecms", "column_getmessage.html", url) if r.meta.get("truecms")]
    q = {k: v[0] for k, v in parse_qs(first.url.split("?", 1)[1]).items()}
    assert first.url.startswith("http://www.example-tc.gov.cn/module/web/messageController/getMessage.do?")
    assert (q["columnId"], q["startrecord"], q["endrecord"], q["perpage"]) == ("c8a1f6e2b7d94c3f", "1", "50", "50")
    assert first.headers.get("Referer") == url.encode()
    # a window the server refuses: the same start, smaller
    smaller, = _requests(spider.parse_truecms_list(TextResponse(url=first.url, status=404, body=b"", request=first)))
    assert parse_qs(smaller.url.split("?", 1)[1])["perpage"] == ["20"]
    body = (PAGES / "truecms" / "getmessage_answer.jsonp").read_bytes()
    out = _requests(spider.parse_truecms_list(TextResponse(url=smaller.url, body=body, encoding="utf-8", request=smaller)))
    assert sorted(r.url for r in out if not r.meta.get("maybe")) == [
        "http://www.example-tc.gov.cn/content/2023/01/30/c8a1f6e2b7d94c3f_3.html",
                                          "http://www.example-tc.gov.cn/content/2024/01/25/c8a1f6e2b7d94c3f_1.html"]
    assert not [r for r in out if r.meta.get("truecms")]     # 3 records in a window of 20: the last


def _list_requests_of(spider, platform, page, url):
    return _requests(spider.parse_list(_response(platform, page, url, in_column=True)))


def test_trs_table_pictures_are_fetched_before_the_page_is_handed_on():
    from scrapy.http import Response as Raw
    url = "http://www.example-trs.gov.cn/zwgk/ndbg/202401/t20240128_7008.html"
    spider = _spider("trs", url)
    out = list(spider.parse_article(_response("trs", "article_table_picture.html", url)))
    first, = _requests(out)
    assert not [i for i in out if not isinstance(i, scrapy.Request)]        # the page waits
    assert first.url == "http://www.example-trs.gov.cn/zwgk/ndbg/202401/W020240128390512847368.png"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    second, = list(spider.parse_picture(Raw(url=first.url, body=png, request=first)))
    assert second.url == "http://www.example-trs.gov.cn/zwgk/ndbg/202401/W020240128390512847369.jpg"
    item, = list(spider.parse_picture(Raw(url=second.url, status=404, body=b"", request=second)))
    assert item["kind"] == "page" and item["candidate"] is True
    assert item["pictures"] == {first.url: png}           # the missing one is a failure, not a picture


def test_hanweb_xxgk_list_titles_in_mc_attributes():
    from scrapy.http import HtmlResponse as Html
    url = "http://www.example-hw.gov.cn/col/col4975/index.html"
    spider = _spider("hanweb", url)
    search, = [r for r in _requests(spider.parse_list(_response("hanweb", "column_xxgk_search.html", url, in_column=True)))
               if "search.jsp" in r.url]
    answer = Html(url=search.url, body=(PAGES / "hanweb" / "xxgk_subjectinfo_answer.html").read_bytes(),
                  encoding="utf-8", request=search)
    out = _requests(spider.parse_list(answer))
    reports = [r for r in out if r.meta.get("kind") != "list" and r.meta.get("link_title")]
    assert [r.url for r in reports] == ["http://www.example-hw.gov.cn/art/2024/1/29/art_4975_3210001.html"]
    assert reports[0].meta["link_title"] == "示例省发展和改革委员会2023年政府信息公开工作年度报告"
    assert [parse_qs(r.body.decode())["currpage"] for r in out if r.meta.get("xxgk")] == [["2"]]
