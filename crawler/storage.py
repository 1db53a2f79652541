"""The crawler's one way to the archive and the database.

The components that need them (the conditional-request middleware, the pipelines and the store
extension) open them from the settings ``NIANBAO_DB`` and ``NIANBAO_ARCHIVE``; one ``Store`` and
one ``Archive`` per path and process, shared by every crawler of a run (SQLite has one writer).
Spiders never touch either: they yield requests and items.
"""
from __future__ import annotations

from store.archive import Archive
from store.writes import Store

DEFAULT_DB = "data/nianbao.db"
DEFAULT_ARCHIVE = "data/archive"
_OPEN: dict = {}


def store_and_archive(settings) -> tuple[Store, Archive]:
    """The Store and Archive named by ``settings`` (opened once per process). With
    ``NIANBAO_REDIS`` (a frontier worker) the store is a ``store.queue.QueuedStore``: its
    writes go to the run's single writer through Redis."""
    db = str(settings.get("NIANBAO_DB") or DEFAULT_DB)
    archive = str(settings.get("NIANBAO_ARCHIVE") or DEFAULT_ARCHIVE)
    redis_url = settings.get("NIANBAO_REDIS")
    key = (redis_url or db, archive)
    if key not in _OPEN:
        if redis_url:
            from store.queue import QueuedStore
            _OPEN[key] = (QueuedStore(redis_url, run_id=settings.get("NIANBAO_RUN")), Archive(archive))
        else:
            _OPEN[key] = (Store(db), Archive(archive))
    return _OPEN[key]
