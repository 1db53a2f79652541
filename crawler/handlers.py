"""A lazy scrapy-playwright download handler: Chromium (and the Playwright driver) start only when
a request first asks for ``meta["playwright"]`` — most portals never do, and one crawler runs per
portal, so starting a driver per crawler up front cost about a second each."""
from __future__ import annotations

import asyncio

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    _nb_launched = False
    _nb_lock: asyncio.Lock | None = None

    async def _maybe_launch_in_thread(self) -> None:  # engine_started: do not launch yet
        return None

    def _engine_started(self):  # older Scrapy API
        return None

    async def download_request(self, request, spider=None):
        if request.meta.get("playwright") and not self._nb_launched:
            if self._nb_lock is None:
                self._nb_lock = asyncio.Lock()
            async with self._nb_lock:
                if not self._nb_launched:
                    await self._maybe_future_from_coro(self._launch())
                    self._nb_launched = True
        if spider is not None:
            return await super().download_request(request, spider)
        return await super().download_request(request)

    async def close(self) -> None:
        if self._nb_launched:
            await super().close()
        else:
            await super(ScrapyPlaywrightDownloadHandler, self).close()
