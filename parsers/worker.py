"""Parse untrusted documents under a time and memory bound.

``parse_document(data)`` runs ``parsers.parse`` in a child process with an address-space limit
and a wall-clock timeout, so that a hostile, broken or enormous file costs one ``failures`` row,
never a crawl run. The child sends back the report dict or a one-line reason.

Children come from a fork server (one clean single-threaded process with the parser imported
and its caches filled: ``parsers.warm``),
not from a fork of the caller: the crawl calls this from a thread while its reactor and thread
pools run, and a child forked from there can inherit a lock another thread held (logging's, a
queue's) and wait on it until the timeout.
"""
from __future__ import annotations

import multiprocessing as mp
import resource

from parsers import parse as _parse
from parsers.model import ParseError

DEFAULT_TIMEOUT = 240      # seconds per document (a scan needs OCR; a busy machine slows it)
DEFAULT_MEMORY_MB = 4096   # address space a document may add to the child's (LibreOffice and
                           # tesseract run beneath it)


def _address_space() -> int:
    """Bytes of address space this process has mapped (0 where /proc is not)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(conn, data, filename, memory_mb, pictures, base_url):
    try:
        # on top of what the child is born with: the warm OCR engine has 3.5 GB of address space
        # mapped (OpenVINO's reservations, mostly untouched: 1 GB resident, shared by every child)
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", _parse(data, filename=filename, pictures=pictures, base_url=base_url)))
    except MemoryError:
        conn.send(("error", f"out of memory (limit {memory_mb} MB)"))
    except ParseError as exc:
        conn.send(("error", str(exc)))
    except Exception as exc:  # a parser bug is a failure of this document only
        conn.send(("error", f"parser error {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


_CONTEXT = None


def _context():
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = mp.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(["parsers", "parsers.warm", "parsers.worker"])
    return _CONTEXT


def parse_document(data: bytes, *, filename: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                   memory_mb: int = DEFAULT_MEMORY_MB, pictures: dict | None = None,
                   base_url: str | None = None) -> dict:
    """Parse ``data`` in a bounded child; raises ParseError with a one-line reason on failure.
    ``pictures`` / ``base_url``: the images an HTML page shows (see ``parsers.parse``)."""
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, data, filename, memory_mb, pictures, base_url), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            raise ParseError(f"gave up after {timeout:.0f} s")
        status, payload = recv.recv()
    except EOFError:
        raise ParseError(f"parser died (exit code {proc.exitcode})") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        recv.close()
    if status != "ok":
        raise ParseError(payload)
    return payload


__all__ = ["parse_document", "ParseError"]
