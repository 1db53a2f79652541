"""A database served as users meet it, for the tests: ``nianbao serve`` (the same ``datasette
serve`` command line) on a free 127.0.0.1 port, and a headless Chromium page (Debian's
``chromium`` through Playwright's ``executable_path``) that may reach nothing but that server."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(db: Path, log_path: Path):
    """``nianbao serve`` on ``db``; yields its base URL once it answers, stops it after."""
    from nianbao.serve import start

    port = free_port()
    log = open(log_path, "wb")
    proc = start(db, port=port, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
                break
            except Exception:
                if proc.poll() is not None:
                    raise RuntimeError(Path(log_path).read_text()) from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except Exception:
            proc.kill()
        log.close()


@contextlib.contextmanager
def browser_page(server: str):
    """A Chromium page (1400×1000, zh-CN) whose requests anywhere but ``server`` are aborted;
    ``page.errors`` collects the page's script errors."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
        page = ctx.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        try:
            yield page
        finally:
            browser.close()
