"""Guangdong intensive platform (广东集约化).

Quirks: articles ``…/content/post_<id>.html`` (also ``/gkmlpt/content/…/post_<id>.html``), lists
``index.html``, ``index_2.html`` or ``?page=2`` with 下一页 links (the base spider's pager);
attachments under ``/attachment/``, sometimes shown in a ``viewer.html?file=`` frame.
"""
from crawler.spiders.base import PortalSpider


class GdzwfwSpider(PortalSpider):
    name = "gdzwfw"
    platform = "gdzwfw"
    hooks = ()
