"""One request budget per machine: every e621-tui process of a user shares the site's limits.

Each process has its own `RequestScheduler`, but the site counts requests per client address,
not per process: two windows open side by side, or a restart within a second, must together
stay under 2 requests in any 1 s and the sustained rate. So the scheduler asks a `SharedBudget`
before it grants a start. The budget is a small JSON file (``rate-budget.json`` in the user's
runtime dir, else the cache dir) holding, per site, the recent starts and a GCRA "theoretical
arrival time" for the sustained rate. Every read-modify-write happens under ``fcntl.flock``;
the critical section is a few hundred microseconds, so the lock is taken without waiting (the
scheduler simply asks again a few milliseconds later).

A start counts from when its request really left (``settle``); until then it counts as leaving
"now", unless its process is gone, in which case the next reader settles it at the moment it
noticed (a request cannot arrive after its process died). If the file cannot be used
(unwritable, no ``fcntl``), the budget says so once in the log and the scheduler goes on with
its in-process limits only. A corrupt file is rewritten, conservatively: as if the window had
just filled.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

try:
    import fcntl
except ImportError:  # Windows: no flock; the budget stays in-process
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

APP_NAME = "e621-tui"
FILE_NAME = "rate-budget.json"
#: A start whose process is alive but never reported sending is settled after this long
#: (requests time out well before).
UNSETTLED_MAX = 30.0
#: Being unable to take the lock for this long means something is wrong with the file.
LOCK_GIVE_UP = 10.0
#: How soon to ask again when another process holds the lock.
LOCK_RETRY = 0.005
#: Entries from a clock far in the future come from an earlier boot (the monotonic clock
#: restarted); they are discarded.
_FUTURE_SLACK = 1.0
#: How often to look again while a start that fills the window is still connecting.
_UNSETTLED_POLL = 0.05


def budget_dir() -> Path:
    """Where the budget file lives: the runtime dir if it is private to us, else the cache dir."""
    import platformdirs

    with warnings.catch_warnings():
        # platformdirs warns (to stderr, in the middle of a TUI) when XDG_RUNTIME_DIR is unset
        # and falls back to /tmp/runtime-UID, which we do not use anyway.
        warnings.simplefilter("ignore")
        runtime = Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False))
    if _private_dir(runtime.parent):
        return runtime
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def _private_dir(path: Path) -> bool:
    """An existing directory of ours that nobody else can write to (not a shared /tmp)."""
    try:
        st = path.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    owner_ok = getuid is None or st.st_uid == getuid()
    return path.is_dir() and owner_ok and not st.st_mode & 0o022


def site_key(base_url: str) -> str:
    """The budget's key for a site: its host (and port, so two local servers are two sites)."""
    parts = urlsplit(base_url if "://" in base_url else "https://" + base_url)
    host = (parts.hostname or base_url).lower()
    return f"{host}:{parts.port}" if parts.port else host


@dataclass(frozen=True)
class Grant:
    """The budget's answer: start now (``token`` set) or ask again in ``delay`` seconds."""

    delay: float
    token: str | None = None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that pid: assume it is still sending
    except OSError:
        return True
    return True


class SharedBudget:
    """A site's request budget shared by all processes through one locked file.

    Args:
        path: The budget file (several sites share it, keyed by `site_key`).
        key: This site's key.
        clock: A monotonic clock common to all processes of the machine.
        alive: Whether a process id still runs (tests replace it).
    """

    def __init__(
        self,
        path: Path,
        key: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        alive: Callable[[int], bool] = _alive,
    ) -> None:
        self.path = path
        self.key = key
        self.clock = clock
        self._alive = alive
        self._fd: int | None = None
        self._pid = os.getpid()
        self._counter = 0
        self._unsettled: dict[str, float] = {}  # settles the lock was too busy to write
        self._busy_since: float | None = None
        self._keep = 2.0  # seconds a settled start is remembered (at least one window)
        self.disabled_reason: str | None = None
        if fcntl is None:
            self._disable("file locks are not available on this system")

    @classmethod
    def for_site(cls, base_url: str, directory: Path | None = None) -> SharedBudget:
        """The budget of the site at ``base_url`` in the default (or given) directory."""
        return cls((directory or budget_dir()) / FILE_NAME, site_key(base_url))

    @property
    def active(self) -> bool:
        """False once the budget fell back to in-process limiting."""
        return self.disabled_reason is None

    # ---- the scheduler's two calls --------------------------------------------------------

    def try_start(self, *, burst: int, window: float, interval: float, settled: bool) -> Grant:
        """Record a start now if the shared window and rate allow it, else say how long to wait.

        Args:
            burst: Most starts in any ``window``.
            window: The window length in seconds (with the scheduler's margin).
            interval: Seconds per request at this process's sustained rate.
            settled: The start's time is final (the caller will not `settle` it).
        """
        if not self.active:
            return Grant(0.0, "")
        with self._locked() as state:
            if state is None:
                return Grant(0.0, "") if not self.active else Grant(LOCK_RETRY)
            now = self.clock()
            self._keep = max(window, 2.0)
            site = self._site(state, now)
            starts: list[list[Any]] = site["starts"]
            delay = 0.0
            # Unsettled starts are still connecting: they count as arriving now.
            effective = sorted((float(s[0]) if s[1] else now, bool(s[1])) for s in starts)
            if len(effective) >= burst:
                at, is_settled = effective[-burst]
                # The burst-th most recent start must leave the window; if it is still
                # connecting, it may arrive any moment from now, so look again shortly.
                delay = at + window - now if is_settled else min(window, _UNSETTLED_POLL)
            tau = (burst - 1) * interval
            delay = max(delay, float(site["tat"]) - tau - now)
            if delay > 0:
                return Grant(delay)
            self._counter += 1
            token = f"{self._pid}-{self._counter}"
            starts.append([now, 1 if settled else 0, self._pid, token])
            site["tat"] = max(float(site["tat"]), now) + interval
            state["dirty"] = True
            return Grant(0.0, token)

    def settle(self, token: str) -> None:
        """The request of ``token`` really left now (or finished without leaving)."""
        if not token or not self.active:
            return
        self._unsettled[token] = self.clock()
        with self._locked() as state:
            if state is not None:
                self._site(state, self.clock())  # applies the pending settles

    # ---- the file -------------------------------------------------------------------------

    def _site(self, state: dict[str, Any], now: float) -> dict[str, Any]:
        """This site's entry, pruned, with pending settles applied and dead starts settled."""
        sites: dict[str, Any] = state.setdefault("sites", {})
        site = sites.get(self.key)
        if not isinstance(site, dict):
            site = {"starts": [], "tat": 0.0}
            sites[self.key] = site
        kept: list[list[Any]] = []
        starts = site.get("starts", [])
        for entry in starts:
            at, settled, pid, token = entry
            if token in self._unsettled:
                at, settled = max(float(at), self._unsettled.pop(token)), 1
            elif not settled and (now - at > UNSETTLED_MAX or not self._alive(int(pid))):
                at, settled = now, 1  # its process is gone: nothing it sent arrives after now
            if at > now + _FUTURE_SLACK or (settled and now - at > self._keep):
                continue
            kept.append([float(at), int(settled), int(pid), str(token)])
        if kept != starts:
            state["dirty"] = True
        site["starts"] = kept
        tat = float(site.get("tat", 0.0))
        site["tat"] = tat if tat <= now + 3600.0 else 0.0
        # Other sites' stale entries go too, so the file stays a few hundred bytes.
        for other in [k for k, v in sites.items() if k != self.key and _stale(v, now)]:
            del sites[other]
            state["dirty"] = True
        self._unsettled.clear()
        return site

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any] | None]:
        """The file's state under an exclusive lock, written back if marked dirty.

        Yields None when the lock is busy (ask again soon) or the file cannot be used (the
        budget is then disabled, with a warning).
        """
        assert fcntl is not None
        try:
            fd = self._open()
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._note_busy()
            yield None
            return
        except OSError as exc:
            self._disable(f"cannot use {self.path}: {exc.strerror or exc}")
            yield None
            return
        self._busy_since = None
        try:
            try:
                state = self._read(fd)
            except OSError as exc:
                self._unlock(fd)
                self._disable(f"cannot read {self.path}: {exc.strerror or exc}")
                yield None
                return
            yield state
            if state.pop("dirty", False):
                try:
                    self._write(fd, state)
                except OSError as exc:
                    self._unlock(fd)
                    self._disable(f"cannot write {self.path}: {exc.strerror or exc}")
        finally:
            self._unlock(fd)

    def _unlock(self, fd: int) -> None:
        if fd == self._fd:  # not closed (and its number reused) by _disable meanwhile
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _open(self) -> int:
        if self._fd is not None:
            try:
                same = os.fstat(self._fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False  # removed (a tmpfs cleanup): make a new one others will find
            if same:
                return self._fd
            os.close(self._fd)
            self._fd = None
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        self._fd = os.open(self.path, flags, 0o600)
        return self._fd

    def _read(self, fd: int) -> dict[str, Any]:
        size = os.fstat(fd).st_size
        raw = os.pread(fd, max(size, 1), 0) if size else b""
        if not raw.strip():
            return {"v": 1, "sites": {}}
        try:
            state = json.loads(raw)
            if not isinstance(state, dict) or not isinstance(state.get("sites", {}), dict):
                raise ValueError("not a budget")
            for site in state.get("sites", {}).values():
                for entry in site["starts"]:
                    at, settled, pid, token = entry
                    float(at), int(settled), int(pid), str(token)
                float(site["tat"])
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning(
                "request budget file %s was corrupt (%s); starting it afresh", self.path, exc
            )
            now = self.clock()
            # We do not know what others just sent: assume the window is full right now.
            full = [[now, 1, 0, f"reset-{i}"] for i in range(2)]
            return {"v": 1, "sites": {self.key: {"starts": full, "tat": now}}, "dirty": True}
        return state

    def _write(self, fd: int, state: dict[str, Any]) -> None:
        data = json.dumps(state, separators=(",", ":")).encode()
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))

    def _note_busy(self) -> None:
        now = self.clock()
        if self._busy_since is None:
            self._busy_since = now
        elif now - self._busy_since > LOCK_GIVE_UP:
            self._disable(f"{self.path} stayed locked for over {LOCK_GIVE_UP:.0f} s")

    def _disable(self, reason: str) -> None:
        if self.disabled_reason is None:
            self.disabled_reason = reason
            log.warning(
                "request budget shared between e621-tui processes is off (%s); "
                "this process keeps its own limits",
                reason,
            )
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        """Close the file (the budget keeps working: it reopens on the next call)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _stale(site: Any, now: float) -> bool:
    if not isinstance(site, dict):
        return True
    try:
        recent = any(now - float(s[0]) < UNSETTLED_MAX for s in site.get("starts", []))
        return not recent and float(site.get("tat", 0.0)) < now
    except (TypeError, ValueError, IndexError):
        return True


__all__ = ["FILE_NAME", "Grant", "SharedBudget", "budget_dir", "site_key"]
