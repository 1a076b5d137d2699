"""The on-disk image cache: layout, atomic writes, LRU by mtime, eviction to a size cap.

Layout: ``cache_dir/<kind>/<key[:2]>/<key>``, where the key is the image's md5. Files are
immutable once written (written to a temporary name, then renamed into place); reading or
touching a file refreshes its mtime, which is the LRU clock. All functions block: run them
in a worker thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

#: The renditions of a post the cache holds, one top-level folder each.
KINDS = ("preview", "sample", "file")
#: Eviction frees down to this fraction of the cap, so it runs rarely rather than on every write.
EVICT_LOW_WATER = 0.9


def cache_path(cache_dir: Path, kind: str, key: str) -> Path:
    """Where the image with cache key `key` of rendition `kind` lives."""
    return cache_dir / kind / key[:2] / key


def evict_disk_cache(cache_dir: Path, max_bytes: int) -> int:
    """Delete least recently used cache files until the cache holds at most `max_bytes`.

    Only files in the cache layout (`<kind>/<xx>/<name>`) are considered. Returns bytes freed.
    """
    return evict(cache_dir, max_bytes, max_bytes)[0]


def evict(cache_dir: Path, high: int, low: int) -> tuple[int, int]:
    """If the cache holds more than `high` bytes, evict down to `low`; return (freed, remaining)."""
    entries = _scan(cache_dir)
    total = sum(size for _, size, _ in entries)
    freed = 0
    if total > high:
        entries.sort()
        for _, size, path in entries:
            if total - freed <= low:
                break
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass  # someone else removed it: it no longer counts either way
            except OSError as exc:
                log.warning("could not evict %s: %s", path, exc)
                continue
            freed += size
    return freed, total - freed


def _scan(cache_dir: Path) -> list[tuple[float, int, str]]:
    entries: list[tuple[float, int, str]] = []
    for kind in KINDS:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for shard in os.scandir(cache_dir / kind):
                if not shard.is_dir(follow_symlinks=False) or len(shard.name) != 2:
                    continue
                with contextlib.suppress(FileNotFoundError):
                    for item in os.scandir(shard.path):
                        with contextlib.suppress(FileNotFoundError):
                            if item.is_file(follow_symlinks=False):
                                st = item.stat(follow_symlinks=False)
                                entries.append((st.st_mtime, st.st_size, item.path))
    return entries


def read_cached(path: Path) -> bytes | None:
    """The cached bytes at `path` (marking them recently used), or None if unreadable."""
    try:
        data = path.read_bytes()
        os.utime(path)  # mtime is the LRU clock
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("image cache read failed for %s: %s", path, exc)
        return None
    return data


def write_cached(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically; False (logged) if the disk refused."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("image cache write failed for %s: %s", path, exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
    return True


def touch(path: Path) -> bool:
    """Mark a cache file as recently used; False if it is not there."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


def unlink_quietly(path: Path) -> None:
    """Remove a cache file that turned out bad; a missing file is fine, other errors are logged."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass  # already gone is the outcome we wanted
    except OSError as exc:
        log.warning("could not remove bad cache file %s: %s", path, exc)


__all__ = [
    "EVICT_LOW_WATER",
    "KINDS",
    "cache_path",
    "evict",
    "evict_disk_cache",
    "read_cached",
    "touch",
    "unlink_quietly",
    "write_cached",
]
