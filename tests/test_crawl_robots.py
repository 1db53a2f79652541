"""robots.txt holds for every request of a host, including the ones that arrive together while
the robots.txt itself is still on its way (a distributed worker taking up a dead one's requests,
an attachment host first met through a list of links)."""
from __future__ import annotations

import http.server
import subprocess
import sys
import textwrap
import threading
import time

from tests.builders.crawls import ROOT

SPIDER = textwrap.dedent('''
    import sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from crawler.run import crawl_settings

    base, db, archive = sys.argv[1:4]

    class Burst(scrapy.Spider):
        name = "burst"

        async def start(self):
            for i in range(8):
                for part in ("open", "private"):
                    yield scrapy.Request(f"{base}/{part}/{i}.html", callback=self.parse, errback=self.gone)

        def parse(self, response):
            return None

        def gone(self, failure):
            return None

    settings = crawl_settings(throttle=False)
    settings.set("NIANBAO_DB", db, priority="cmdline")
    settings.set("NIANBAO_ARCHIVE", archive, priority="cmdline")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("EXTENSIONS", {}, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(Burst)
    process.start()
''')


class SlowRobots(http.server.BaseHTTPRequestHandler):
    asked: list = []

    def do_GET(self):
        SlowRobots.asked.append(self.path)
        if self.path == "/robots.txt":
            time.sleep(0.5)          # every other request of the burst arrives while this is on its way
            body = b"User-agent: *\nDisallow: /private/\n"
        else:
            body = b"<html><body>ok</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8" if self.path != "/robots.txt" else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_requests_arriving_together_all_wait_for_robots_txt(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowRobots)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    SlowRobots.asked = []
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        proc = subprocess.run([sys.executable, "-c", SPIDER, base, str(tmp_path / "n.db"), str(tmp_path / "archive")],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-2000:]
    asked = list(SlowRobots.asked)
    assert asked.count("/robots.txt") == 1
    assert sorted(p for p in asked if p.startswith("/open/")) == [f"/open/{i}.html" for i in range(8)]
    assert [p for p in asked if p.startswith("/private/")] == []
