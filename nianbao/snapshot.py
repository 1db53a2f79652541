"""Published copies: the database Datasette serves is never the one a crawl writes.

After each nightly crawl and ``publish``, :func:`snapshot` copies the working database into a new
directory with SQLite's ``VACUUM INTO`` (a consistent copy, taken in one read transaction while
nothing else may change it), together with its prebuilt downloads, then switches the
``current`` symbolic link to it with an atomic rename. ``nianbao serve --published DIR``
(:mod:`nianbao.serve`) serves ``DIR/current/<name>.db`` and, when the link moves, opens the new
copy beside the old one and switches requests to it once it is ready: a reader at 2 a.m. sees
yesterday's database or tonight's, never a half-written one, and no request is refused.

    data/published/
        current -> 20261203T020512
        20261203T020512/nianbao.db, downloads/nianbao/reports.csv
        20261202T020431/…            (the previous copy, kept for readers still on it)
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

from nianbao import downloads

KEEP = 2     # copies kept: the current one and the one before (requests may still be reading it)


def current(published_dir, name: str = "nianbao") -> Path | None:
    """The database file of the current published copy, if any."""
    link = Path(published_dir) / "current"
    path = link / f"{name}.db"
    return path.resolve() if path.exists() else None


def snapshot(db_path, published_dir, keep: int = KEEP) -> Path:
    """Copy the (published) working database into a new directory of ``published_dir`` and make
    it the current copy. Returns the new copy's path."""
    db_path, published_dir = Path(db_path), Path(published_dir)
    published_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    target = published_dir / stamp
    n = 1
    while target.exists():
        target, n = published_dir / f"{stamp}-{n}", n + 1
    target.mkdir()
    tmp = target / f".{db_path.stem}.db.tmp"
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("VACUUM INTO ?", [str(tmp)])
    finally:
        conn.close()
    final = target / f"{db_path.stem}.db"
    os.replace(tmp, final)
    for table in downloads.PREBUILT:
        src = downloads.location(db_path, table)
        if src.exists():
            dst = downloads.location(final, table)
            dst.parent.mkdir(parents=True, exist_ok=True)
            for a, b in ((src, dst), (Path(f"{src}.json"), Path(f"{dst}.json"))):
                try:
                    os.link(a, b)           # same file system: no second copy of a large CSV
                except OSError:
                    shutil.copy2(a, b)
    link_tmp = published_dir / ".current.tmp"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(target.name)
    os.replace(link_tmp, published_dir / "current")
    _prune(published_dir, keep, target)
    return final


def _prune(published_dir: Path, keep: int, newest: Path) -> None:
    copies = sorted((p for p in published_dir.iterdir() if p.is_dir() and not p.is_symlink()
                     and p.name[:1].isdigit()), key=lambda p: p.name)
    for old in copies[:-keep]:
        if old != newest:
            shutil.rmtree(old, ignore_errors=True)
