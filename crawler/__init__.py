"""nianbao's crawler: a Scrapy project that finds, archives and parses annual reports.

Entry points: :func:`crawler.run.run_crawl` (one crawl of a sources list) and
:func:`crawler.run.nightly` (locked crawl + publish for cron). Spiders per platform live in
``crawler/spiders`` over a shared base whose docstring records each platform's quirks.
"""

import scrapy.downloadermiddlewares.cookies as _cookies
from tldextract import TLDExtract

# Scrapy's cookie middleware splits domains with tldextract, which downloads the public suffix
# list at the first cookie: crawlers run on locked-down servers, so use the list it ships with.
_cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
