"""The one item the spiders yield: an original document (article page or attachment)."""
from __future__ import annotations

import scrapy


class DocumentItem(scrapy.Item):
    url = scrapy.Field()            # the URL the portal lists (identity of the document)
    final_url = scrapy.Field()      # after redirects / shells
    body = scrapy.Field()           # the original bytes (None for a 304: not modified)
    content_type = scrapy.Field()
    etag = scrapy.Field()
    last_modified = scrapy.Field()
    source_url = scrapy.Field()     # the article page an attachment was linked from
    title = scrapy.Field()
    kind = scrapy.Field()           # "page" | "attachment"
    candidate = scrapy.Field()      # True: parse it, it may be an annual report
    not_modified = scrapy.Field()   # True: answered 304
    rendered = scrapy.Field()       # True: HTML rendered by a browser (JS shell)
    document = scrapy.Field()       # the recorded version {id, sha256, status, medium} (set by ArchivePipeline)
    pictures = scrapy.Field()       # {absolute URL: bytes} of the pictures a page shows (tables as images)
    portal = scrapy.Field()          # the portal it came from (a frontier worker crawls many)
    frontier_token = scrapy.Field()  # the frontier request it came from (acknowledged once stored)
