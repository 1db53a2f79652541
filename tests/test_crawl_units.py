"""Fast checks of the crawler's pure parts: report recognition, typing by bytes, Retry-After,
encoding detection, source loading."""
import io
import zipfile

import pytest

from crawler.middlewares import detect_encoding, retry_after_seconds
from crawler.recognize import blocked_kind, is_column_title, is_report_title, sniff
from crawler.run import load_sources
from crawler.spiders import AutoSpider, EpointSpider, HanwebSpider, TrsSpider, spider_for


@pytest.mark.parametrize("title", [
    "示例县2023年政府信息公开工作年度报告",
    "示例县人民政府办公室2023年度政府信息公开工作年度报告（更正）",
    "2022年度示例区政府信息公开年报",
    "示例市财政局2021年政府信息公开工作年度报告.pdf",
    "示例县2019年政务公开工作年度报告",
])
def test_reports_recognised(title):
    assert is_report_title(title)


@pytest.mark.parametrize("title", [
    "示例县人民政府政府信息公开指南",
    "示例县2024年政务公开工作要点",
    "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知",
    "示例县召开2023年度政府信息公开工作年度报告编制培训会",
    "《示例县2023年政府信息公开工作年度报告》解读",
    "政府信息公开年报",
    "示例县2023年国民经济和社会发展统计公报",
    "关于2023年政府信息公开工作年度报告的公告",
])
def test_distractors_rejected(title):
    assert not is_report_title(title)


def test_columns():
    assert is_column_title("政府信息公开年报") and is_column_title("部门年报")
    assert not is_column_title("政府信息公开指南")


def test_sniff_by_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert sniff(buf.getvalue()) == "docx"
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"{\\rtf1\\ansi ...") == "rtf"
    assert sniff(b"\xff\xd8\xff\xe0....") == "jpeg"
    assert sniff("<html><body>年报</body></html>".encode("gbk")) == "html"


def test_walls():
    assert blocked_kind(412, b"<script>var $_ts=window['$_ts'];</script>")
    assert blocked_kind(521, b"<script>document.cookie=...__jsl_clearance...</script>")
    assert blocked_kind(200, "<html>正常页面</html>".encode()) is None
    assert blocked_kind(500, b"error") is None


def test_retry_after():
    assert retry_after_seconds(b"3") == 3
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert retry_after_seconds(None) is None


def test_gbk_detected_as_gb18030():
    body = "<html><body>政府信息公开工作年度报告 二、主动公开政府信息情况</body></html>".encode("gbk")
    assert detect_encoding(body) == "gb18030"
    assert detect_encoding("年报".encode("utf-8")) == "utf-8"


def test_sources_and_spiders():
    srcs = load_sources("- {name: 示例县人民政府, url: 'http://127.0.0.1:8601/', platform: auto}\n"
                        "- {url: 'http://127.0.0.1:8602/', platform: trs}")
    assert srcs[1]["name"] == "http://127.0.0.1:8602/"
    assert spider_for("auto") is AutoSpider and spider_for("trs") is TrsSpider
    assert spider_for("hanweb") is HanwebSpider and spider_for("epoint") is EpointSpider
    assert spider_for("nonsense") is AutoSpider
    with pytest.raises(ValueError):
        load_sources([{"name": "x"}])


def test_demo_and_registry_sources_load():
    from pathlib import Path
    here = Path(__file__).resolve().parents[1] / "crawler" / "sources"
    demo = load_sources(str(here / "demo.yaml"))
    assert [s["url"] for s in demo][:2] == ["http://127.0.0.1:8601/", "http://127.0.0.1:8602/"]
    reg = load_sources(str(here / "registry.yaml"))
    assert len(reg) > 100 and all(s["verified"] is False for s in reg)
