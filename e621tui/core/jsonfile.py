"""Small JSON files in the data dir that several app instances may share.

`update(path, change)` reads the file under an exclusive lock, lets ``change`` compute the new
value from what is on disk *now*, and replaces the file atomically, so two instances never
lose each other's writes. A file that does not parse is moved aside (``*.corrupt``) and
treated as empty; the app never fails to start because of it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

try:  # POSIX advisory locks; elsewhere the atomic replace alone keeps the file whole
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (via a ``.lock`` file next to it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read(path: Path | None) -> Any:
    """The file's JSON value, or None when it is missing or unreadable (moved aside)."""
    if path is None or not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        aside = path.with_name(path.name + ".corrupt")
        log.warning("%s is not valid JSON (%s); moved to %s and starting afresh", path, exc, aside)
        with contextlib.suppress(OSError):  # another instance may have moved it first
            os.replace(path, aside)
        return None
    except OSError as exc:
        log.warning("could not read %s: %s", path, exc)
        return None


def write(path: Path, value: Any) -> None:
    """Replace the file with ``value`` atomically (readable only by the user)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def update(path: Path, change: Callable[[Any], Any]) -> Any:
    """Read, change and write the file under the lock; return the new value."""
    with locked(path):
        value = change(read(path))
        write(path, value)
        return value


__all__ = ["locked", "read", "update", "write"]
