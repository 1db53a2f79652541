"""The words of report titles: one home for the crawler (link texts and page titles, is this an
article to open?) and the parser (a document's title or opening lines, is this a report?).

Both sides share the core vocabulary and differ where their questions differ, each difference
named here:

- a link text *ends* with its report word (``…年度报告``; ``…年度报告的通知`` is a notice), and
  may say 工作报告 or 政府公开; a document's opening lines hold its report word anywhere;
- a list also announces meetings, plans, assessments and calls about reports (召开, 部署, 计划,
  考核, 评估, 征集…): words that in a link rule an article out, but that a report's own opening
  lines can contain, so the parser does not reject on them;
- a document that reproduces a report but is a 通报 or a 动态 item, or whose title ends in 函,
  is no report; link lists rarely title articles so, and the crawler leaves them to the parser.
"""
from __future__ import annotations

import re

REPORT_WORDS = ("年度报告", "年报")
DISCLOSURE_WORDS = ("信息公开", "政务公开")
# what documents about reports are (notices, guides, explainers…), not reports themselves
ABOUT_REPORT_WORDS = ("通知", "指南", "要点", "方案", "意见", "办法", "公告", "会议", "培训", "解读",
                      "目录", "规定", "制度", "的函", "新闻")


def _any(words) -> str:
    return "|".join(words)


# link texts and page titles (crawler/recognize.py)
LINK_REPORT_END = re.compile(f"({_any(REPORT_WORDS + ('工作报告',))})$")
LINK_DISCLOSURE = re.compile(_any(DISCLOSURE_WORDS + ("政府公开",)))
LINK_NOT_REPORT = re.compile(_any(ABOUT_REPORT_WORDS + ("通告", "召开", "部署", "计划", "批复", "考核", "测评",
                                                       "评估", "征集")))
COLUMN_WORDS = re.compile(_any(REPORT_WORDS))

# a document's title or opening lines (parsers/meta.py)
DOCUMENT_REPORT_WORDS = re.compile(f"({_any(REPORT_WORDS + ('年度工作报告',))})")
DOCUMENT_DISCLOSURE = re.compile(f"({_any(DISCLOSURE_WORDS)})")
DOCUMENT_NOT_REPORT = re.compile(f"({_any(ABOUT_REPORT_WORDS + ('通报', '动态', '工作计划'))}|函$)")
