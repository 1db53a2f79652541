"""The nightly run never writes the file Datasette serves: it publishes a consistent copy and
``nianbao serve --published`` switches to it while answering every request."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from nianbao import snapshot
from tests.builders.crawls import ROOT, write_sources


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nightly(sources, d, mode="full"):
    proc = subprocess.run([sys.executable, "-m", "nianbao.cli", "nightly", "--sources", str(sources),
                           "--db", str(d / "nianbao.db"), "--archive", str(d / "archive"),
                           "--lock", str(d / "nightly.lock"), "--published", str(d / "published"),
                           "--mode", mode], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from nianbao.demo.portals import start
    handle = start(0)
    d = tmp_path_factory.mktemp("published")
    sources = write_sources(d / "sources.yaml", [s for s in handle.sources(platform=None) if s["url"] == handle.urls["trs"]])
    yield handle, d, sources
    handle.stop()


def test_nightly_publishes_a_copy_and_switches_current(site):
    handle, d, sources = site
    out = _nightly(sources, d)
    first = snapshot.current(d / "published")
    assert first is not None and first.parent.parent == (d / "published").resolve()
    assert "the served copy is now" in out.stdout
    assert (first.parent / "downloads" / "nianbao" / "reports.csv").exists()


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None
    except OSError as e:
        return repr(e), None


def test_datasette_answers_throughout_a_nightly_run_that_publishes(site):
    handle, d, sources = site
    if snapshot.current(d / "published") is None:
        _nightly(sources, d)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "serve", "--published", str(d / "published"),
                               "--archive", str(d / "archive"), "--port", str(port), "--poll", "0.5"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/nianbao/reports.json?_shape=array&_size=max"
    try:
        for _ in range(300):
            status, rows = _get(url)
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200
        before = len(rows)
        answers, stop = [], threading.Event()

        def reader():
            while not stop.is_set():
                answers.append(_get(url))
                time.sleep(0.05)

        t = threading.Thread(target=reader)
        t.start()
        new_urls, _ = handle.next_night("trs", 3)
        _nightly(sources, d)                      # crawl, publish, copy, switch
        deadline = time.time() + 60
        while time.time() < deadline and not (answers and answers[-1][1] is not None and len(answers[-1][1]) > before):
            time.sleep(0.2)
        stop.set()
        t.join()
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    statuses = [s for s, _ in answers]
    assert statuses and all(s == 200 for s in statuses), (set(map(str, statuses)), log[-2000:])
    counts = [len(rows) for _, rows in answers]
    assert counts == sorted(counts) and counts[-1] == before + len(new_urls), (before, counts[-5:])
