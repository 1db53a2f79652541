"""``nianbao run`` / ``make run``: the whole path on one machine, nothing but loopback.

demo portals (threads, 127.0.0.1) → crawl (a child process: Scrapy's reactor runs once) →
``data/nianbao.db`` + ``data/archive`` → publish → Datasette (a child process). Ctrl-C stops
everything this command started.
"""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml


def _wait_http(url: str, seconds: float = 60) -> bool:
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def run_demo(db: str = "data/nianbao.db", archive: str = "data/archive", port: int = 8001,
             portal_port: int = 8601, serve: bool = True) -> int:
    from nianbao.demo import portals

    Path(db).parent.mkdir(parents=True, exist_ok=True)
    print(f"[1/4] starting the demo portals on 127.0.0.1:{portal_port}…", flush=True)
    handle = portals.start(portal_port)
    for key, url in handle.urls.items():
        print(f"      {url}  ({key})", flush=True)
    sources_path = Path(db).parent / "demo-sources.yaml"
    sources_path.write_text(yaml.safe_dump(handle.sources("auto"), allow_unicode=True, sort_keys=False), "utf-8")
    children: list = []
    try:
        print(f"[2/4] crawling them into {db} (originals in {archive})…", flush=True)
        crawl = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--sources", str(sources_path),
                                "--db", db, "--archive", archive, "--no-throttle"])
        if crawl.returncode not in (0,):
            print(f"      the crawl exited with status {crawl.returncode}; serving what was stored", flush=True)
        print("[3/4] publishing (agencies, search index, metadata)…", flush=True)
        from nianbao.publish import publish
        publish(db, archive_dir=archive)
        if not serve:
            return crawl.returncode
        print("[4/4] starting Datasette…", flush=True)
        from nianbao.serve import start as start_datasette
        srv = start_datasette(db, port=port, archive_dir=archive)   # Datasette itself: terminate() reaches it
        children.append(srv)
        url = f"http://127.0.0.1:{port}/"
        name = Path(db).stem   # Datasette names a database after its file
        if _wait_http(url):
            print(f"\nnianbao is serving the demo archive at {url}\n"
                  f"  reports: {url}{name}/reports   (JSON: {url}{name}/reports.json)\n"
                  f"  search:  {url}{name}/reports?_search=复议   whole table: {url}-/csv/{name}/reports.csv\n"
                  f"Press Ctrl-C to stop.", flush=True)
        else:
            print(f"Datasette did not answer at {url}", flush=True)
            return 1
        return srv.wait()
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    finally:
        for c in children:
            if c.poll() is None:
                c.terminate()
                try:
                    c.wait(10)
                except subprocess.TimeoutExpired:
                    c.kill()
        handle.stop()
