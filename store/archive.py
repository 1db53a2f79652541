"""Content-addressed archive of original documents: every byte fetched is kept, once.

A document is stored at ``<root>/<sha256[:2]>/<sha256>`` (no extension: the type is recorded
in the database, sniffed from the bytes). Writing is atomic (temp file + rename), so a crawl
killed midway never leaves a half-written original behind, and writing the same bytes twice
is a no-op.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    """Originals by sha256 under ``root``."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def relpath(self, sha256: str) -> str:
        return f"{sha256[:2]}/{sha256}"

    def path(self, sha256: str) -> Path:
        return self.root / self.relpath(sha256)

    def put(self, data: bytes) -> tuple[str, str]:
        """Store ``data``; return ``(sha256, relative path)``. Idempotent and atomic."""
        sha = sha256_of(data)
        target = self.path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        return sha, self.relpath(sha)

    def sweep(self, older_than: float = 3600.0) -> int:
        """Remove the temporary files of writes that never finished (a process killed between
        writing and renaming), once ``older_than`` seconds old. Returns how many went."""
        import time
        limit, n = time.time() - older_than, 0
        for tmp in self.root.glob("*/.tmp-*"):
            try:
                if tmp.stat().st_mtime <= limit:
                    tmp.unlink()
                    n += 1
            except FileNotFoundError:
                pass
        return n

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def __contains__(self, sha256: str) -> bool:
        return self.path(sha256).exists()
