"""Guangdong intensive platform (广东集约化): ``content/post_<id>.html`` articles, ``index_N`` lists."""
from crawler.spiders.base import PortalSpider


class GdzwfwSpider(PortalSpider):
    name = "gdzwfw"
    platform = "gdzwfw"
    hooks = ()
