"""Scrapy settings of nianbao's crawler (production defaults: polite).

``crawler.run.run_crawl(throttle=False)`` switches the politeness delays off for tests and bench.
"""
BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = ("nianbao/0.1 (+https://github.com/nianbao/nianbao; archive of government "
              "information-disclosure annual reports)")
ROBOTSTXT_OBEY = True

# Politeness: ≤3 concurrent requests and ≥0.4 s between requests per host, adapted by AutoThrottle.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 3
DOWNLOAD_DELAY = 0.4
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
DOWNLOAD_TIMEOUT = 60

# Attachments are capped (a failure of kind too_large beyond it); sources may set max_size_mb.
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024

# Retries with backoff on 5xx / 429, honouring Retry-After: crawler.middlewares.BackoffRetryMiddleware.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0          # seconds; doubled each attempt
RETRY_AFTER_MAX = 120             # never wait longer than this for one Retry-After

# Every status reaches the spider (which records failures); only 3xx are followed by Scrapy.
HTTPERROR_ALLOW_ALL = True
REDIRECT_ENABLED = True
METAREFRESH_ENABLED = True
METAREFRESH_MAXDELAY = 100
COOKIES_ENABLED = True

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's, fixed so that requests arriving together all wait for the rules (crawler/middlewares.py)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.JsRedirectMiddleware": 585,
    "crawler.middlewares.EncodingMiddleware": 590,
    "crawler.middlewares.CrawlDelayMiddleware": 595,
    "crawler.middlewares.ConditionalRequestMiddleware": 600,
}
# Each document: its bytes archived and recorded (a new version when they changed), then, when it
# may be a report, parsed and its report stored.
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300, "crawler.pipelines.ParsePipeline": 400}
# Failures, the known documents of an incremental walk, portal health: crawler/extensions.py.
EXTENSIONS = {"crawler.extensions.StoreExtension": 500}
# The database and the archive (crawler/storage.py); crawler.run sets them per run.
NIANBAO_DB = "data/nianbao.db"
NIANBAO_ARCHIVE = "data/archive"

# JavaScript shells (Epoint-like) only: scrapy-playwright with Debian's Chromium. Requests without
# meta["playwright"] go through Scrapy's own downloader (PDFs and attachments never see a browser).
DOWNLOAD_HANDLERS = {
    "http": "crawler.handlers.LazyPlaywrightDownloadHandler",
    "https": "crawler.handlers.LazyPlaywrightDownloadHandler",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30000
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_INSTALL_ROOT_HANDLER = True
