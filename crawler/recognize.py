"""Recognising annual reports, report columns, attachments and file types — no network here.

A report title names a year and 信息公开 (or 政务公开) and *ends* with 年度报告 / 年报 (after
brackets such as （全文） or a file extension are stripped). Everything that merely talks about
reports — notices on compiling them (…的通知), meetings (…培训会), 解读, 指南, 工作要点 — fails
the ending or hits an exclusion.
"""
from __future__ import annotations

import re

from parsers import titles
from parsers.sniff import medium

YEAR = re.compile(r"(?:19|20)\d\d\s*年|(?:19|20)\d\d\s*年度|[（(](?:19|20)\d\d[)）]|(?<!\d)(?:19|20)\d\d(?!\d)")
# the words of report titles live with the parser's (parsers/titles.py)
DISCLOSURE = titles.LINK_DISCLOSURE
REPORT_END = titles.LINK_REPORT_END
EXCLUDE = titles.LINK_NOT_REPORT
TRAILING = re.compile(r"(\.(pdf|docx?|wps|rtf|xlsx?|html?|shtml|jpe?g|png|et)|(?<!\d)(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}"
                      r"|[（(【\[][^（()）】\]]*[)）】\]]|[\s\-—_:：.。…·]+)$", re.I)

COLUMN_WORDS = titles.COLUMN_WORDS
YEAR_FOLDER = re.compile(r"^(?:19|20)\d\d年?度?$")
ARTICLE_URL = re.compile(r"/t\d{8}_\d+|post_\d+|art_\d+_\d+|showinfo|infoGuid|/content/|detail|article|"
                         r"/\d{4}-?\d{2}/|/(?:19|20)\d\d/\d{2,4}/|[/_]\d{5,}\.s?html?$|[?&](?:id|infoid|articleid)=", re.I)
NAV_WORDS = re.compile(r"^(政府)?信息公开$|^政府信息公开(目录|专栏|平台|网)?$|^政务公开(专栏|专题|平台|目录)?$|"
                       r"^信息公开(目录|专栏|平台)?$|^法定主动公开内容$|^政府信息公开年报$|^政务信息公开$|^政府公开$")
PAGER_TEXT = re.compile(r"^(下一?页|下页|后页|尾页|末页|>|»|›|\d{1,3})$")
ATTACH_EXT = re.compile(r"\.(pdf|docx?|wps|rtf|txt|xlsx?|et|ofd|jpe?g|png|tiff?|gif|zip|rar)(?:$|[?#&])", re.I)


def clean_title(text: str | None) -> str:
    t = re.sub(r"\s+", "", text or "")
    for _ in range(4):
        t2 = TRAILING.sub("", t)
        if t2 == t:
            break
        t = t2
    return t


def is_report_title(text: str | None) -> bool:
    """Is this link text / page title an information-disclosure annual report?"""
    raw = re.sub(r"\s+", "", text or "")
    t = clean_title(raw)
    if not t or len(t) > 80:
        return False
    if EXCLUDE.search(raw):       # also "…年度报告（解读）": the bracket is stripped below
        return False
    # the year may sit in a stripped bracket: "…工作年度报告（2023年）"
    return bool(YEAR.search(raw) and DISCLOSURE.search(t) and REPORT_END.search(t))


def maybe_report_title(text: str | None) -> bool:
    """A truncated list title (…) that could still be a report: worth opening the article."""
    t = re.sub(r"\s+", "", text or "")
    return bool(t and (t.endswith("...") or t.endswith("…")) and DISCLOSURE.search(t)
                and not EXCLUDE.search(t) and YEAR.search(t))


def is_bare_report_title(text: str | None) -> bool:
    """A title that names a year and ends with 年度报告 / 年报 but not 信息公开 (``2023年度报告``,
    ``某局2023年年报``): inside an annual-report column this is a report, not a sub-column."""
    t = clean_title(text)
    if not t or len(t) > 60 or EXCLUDE.search(re.sub(r"\s+", "", text or "")) or is_year_folder(t):
        return False
    return bool(YEAR.search(t) and REPORT_END.search(t))


def is_column_title(text: str | None) -> bool:
    """A column of annual reports (政府信息公开年报, 部门年报, 2023年度…), not a report itself."""
    t = re.sub(r"\s+", "", text or "")
    if not t or len(t) > 20 or EXCLUDE.search(t):
        return False
    return bool(COLUMN_WORDS.search(t)) and not is_report_title(t)


def is_year_folder(text: str | None) -> bool:
    """A per-year sub-column inside an annual-report column (2023年, 2023年度)."""
    return bool(YEAR_FOLDER.match(re.sub(r"\s+", "", text or "")))


def is_article_url(url: str) -> bool:
    return bool(ARTICLE_URL.search(url)) and not re.search(r"/index(_\d+)?\.s?html?$|list", url, re.I)


REPORT_CONTENT = re.compile(r"主动公开政府信息情况|收到和处理政府信息公开申请情况|政府信息公开行政复议")


def is_nav_title(text: str | None) -> bool:
    t = re.sub(r"\s+", "", text or "")
    return bool(NAV_WORDS.search(t))


def is_pager_text(text: str | None) -> bool:
    return bool(PAGER_TEXT.match(re.sub(r"\s+", "", text or "")))


def is_attachment_url(url: str) -> bool:
    """A link to a document: by its extension, or by a download endpoint (``downfile.jsp``,
    ``download.jsp``, ``downloadZtbAttach.jspx``, ``ReadAttachFile.aspx``, ``?attachGuid=``)."""
    return bool(ATTACH_EXT.search(url)) or bool(re.search(r"download|downfile|attach|getfile|fileid=", url, re.I))


def names_document_file(text: str | None) -> bool:
    """A link text naming a file (``2023年度报告.pdf``): the URL may say nothing of it."""
    return bool(ATTACH_EXT.search(re.sub(r"\s+", "", text or "")))


def sniff(data: bytes) -> str:
    """The real type of ``data`` from its bytes (``parsers.sniff.medium``): the ``medium`` a
    document is recorded with."""
    return medium(data)


EXT = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "doc": ".doc", "xls": ".xls", "wps": ".wps",
       "rtf": ".rtf", "html": ".html", "jpeg": ".jpg", "png": ".png", "gif": ".gif", "tiff": ".tif",
       "bmp": ".bmp", "zip": ".zip", "ofd": ".ofd", "text": ".txt", "bin": ".bin"}

PARSEABLE = {"pdf", "docx", "doc", "wps", "rtf", "html", "jpeg", "png", "tiff", "bmp", "gif", "xls", "xlsx", "text"}


def blocked_kind(status: int, body: bytes) -> str | None:
    """Anti-bot wall answers: Rivers Security (412 + $_ts), Jiasule (521 + __jsl_clearance)."""
    head = body[:20000]
    if status == 412 or b"$_ts" in head and status >= 400:
        return "rivers-412"
    if status == 521 or b"__jsl_clearance" in head and status >= 400:
        return "jiasule-521"
    if status in (403, 200) and (b"__jsl_clearance" in head and len(body) < 4000):
        return "jiasule"
    if status == 200 and b"$_ts" in head and b"$_ts.cd" in head and len(body) < 20000:
        return "rivers"
    return None


NOT_FOUND_PAGE = re.compile(r"文件不存在|附件不存在|文件已删除|不存在或已(被)?删除|找不到(该|此)?(文件|页面)|页面不存在|"
                            r"file not found|not found|404", re.I)


def is_not_found_page(body: bytes) -> bool:
    """A short HTML or text answer saying the file does not exist (served with HTTP 200)."""
    if len(body) > 8000 or sniff(body) not in ("html", "text"):
        return False
    from parsers.html import decode_bytes
    text = re.sub(r"<[^>]+>|\s+", "", decode_bytes(body)[0])
    return bool(NOT_FOUND_PAGE.search(text)) and len(text) < 600
