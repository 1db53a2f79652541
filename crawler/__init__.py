"""nianbao's crawler: a Scrapy project that finds, archives and parses annual reports.

Entry points: :func:`crawler.run.run_crawl` (one crawl of a sources list) and
:func:`crawler.run.nightly` (locked crawl + publish for cron). Spiders per platform live in
``crawler/spiders`` over a shared base whose docstring records each platform's quirks.
"""
