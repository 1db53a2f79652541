"""Optional WARC output (warcio): one gzipped WARC per run with a ``resource`` record per original
document fetched (the archive by sha256 stays the primary copy)."""
from __future__ import annotations

import io
from pathlib import Path

from warcio.warcwriter import WARCWriter


class WarcSink:
    def __init__(self, path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(path, "ab")
        self.writer = WARCWriter(self.fh, gzip=True)

    def write(self, url: str, data: bytes, content_type: str | None = None) -> None:
        rec = self.writer.create_warc_record(url, "resource", payload=io.BytesIO(data),
                                             length=len(data),
                                             warc_content_type=content_type or "application/octet-stream")
        self.writer.write_record(rec)
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()
