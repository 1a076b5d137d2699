"""Fetching one original from the static host: resumable, verified, written atomically.

The bytes go to a partial file next to the target (``.<name>.part``), which is renamed to the
target only once complete and verified against the post's md5. An interrupted download (a
dropped connection, a pause, a crash) continues from the partial file's size with
``Range: bytes=<size>-`` when the server answers 206 with a matching ``Content-Range``; a
server that answers 200 instead gets the file from the start. A file already at the target
with the right md5 is not downloaded again.

The client never carries credentials: it has no auth, and a request hook removes any
``Authorization`` header (e621-api.md §20).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

#: Largest file accepted (e621 caps uploads far below this).
MAX_FILE_BYTES = 4 * 2**30
#: Tries per file for dropped connections and 5xx answers (each resumes where the last ended).
MAX_ATTEMPTS = 4
#: Bytes gathered before one write to disk.
WRITE_CHUNK = 1 * 2**20
#: Seconds at most between two writes, so a crash on a slow link loses little.
WRITE_EVERY = 0.5
_MD5_RE = re.compile(r"[0-9a-f]{32}")
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})

#: Called with (bytes on disk so far, total size if known) as data arrives.
ProgressCallback = Callable[[int, int | None], None]


class FetchError(Exception):
    """A download failed; the message is fit to show the user."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


@dataclass(frozen=True)
class FetchResult:
    """How a download ended.

    Attributes:
        size: Bytes of the finished file.
        skipped: An identical file was already at the target; nothing was downloaded.
        resumed_from: Where the last (successful) request started (0: from the beginning).
        verified: The md5 was checked (False only when the site gave no usable md5).
    """

    size: int
    skipped: bool = False
    resumed_from: int = 0
    verified: bool = True


def partial_path(target: Path) -> Path:
    """Where a download of ``target`` keeps its bytes until it is complete."""
    return target.with_name(f".{target.name}.part")


def file_md5(path: Path, limit: int | None = None) -> str:
    """The md5 of a file (or of its first ``limit`` bytes)."""
    digest = hashlib.md5(usedforsecurity=False)
    remaining = limit
    with path.open("rb") as handle:
        while remaining is None or remaining > 0:
            block = handle.read(WRITE_CHUNK if remaining is None else min(WRITE_CHUNK, remaining))
            if not block:
                break
            digest.update(block)
            if remaining is not None:
                remaining -= len(block)
    return digest.hexdigest()


class _Sink:
    """The partial file and its running md5, written from a worker thread."""

    def __init__(self, path: Path, executor: ThreadPoolExecutor, offset: int) -> None:
        self.path = path
        self.offset = offset
        self._executor = executor
        self._digest = hashlib.md5(usedforsecurity=False)
        self._handle: IO[bytes] | None = None
        self._pending: Future[None] | None = None
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._written_at = time.monotonic()

    async def open(self) -> None:
        await asyncio.wrap_future(self._executor.submit(self._open_sync))

    def _open_sync(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.offset:
            with self.path.open("rb") as handle:
                while block := handle.read(WRITE_CHUNK):
                    self._digest.update(block)
            self._handle = self.path.open("r+b")
            self._handle.seek(self.offset)
            self._handle.truncate()
        else:
            self._handle = self.path.open("wb")

    async def write(self, data: bytes) -> None:
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= WRITE_CHUNK or time.monotonic() - self._written_at > WRITE_EVERY:
            await self._flush_buffer()

    async def _flush_buffer(self) -> None:
        self._written_at = time.monotonic()
        if self._pending is not None:
            await asyncio.wrap_future(self._pending)
        if not self._buffer:
            return
        data = b"".join(self._buffer)
        self._buffer, self._buffered = [], 0
        self._pending = self._executor.submit(self._write_sync, data)
        await asyncio.wrap_future(self._pending)

    def _write_sync(self, data: bytes) -> None:
        assert self._handle is not None
        self._handle.write(data)
        self._digest.update(data)

    async def finish(self) -> str:
        """Write what is buffered, fsync, close; return the md5 of the whole file."""
        await self._flush_buffer()
        await asyncio.wrap_future(self._executor.submit(self._close_sync, True))
        return self._digest.hexdigest()

    def _close_sync(self, sync: bool) -> None:
        if self._handle is None:
            return
        try:
            self._handle.flush()
            if sync:
                os.fsync(self._handle.fileno())
        finally:
            self._handle.close()
            self._handle = None

    def abandon(self) -> None:
        """Keep what arrived (for a resume) and close, even while being cancelled."""
        if self._pending is not None:
            self._pending.result()  # a write already running: at most one chunk, milliseconds
        data = b"".join(self._buffer)
        self._buffer, self._buffered = [], 0
        if self._handle is not None and data:
            self._handle.write(data)
        self._close_sync(False)


class StaticFetcher:
    """Downloads originals from the static host with its own credential-free client.

    Args:
        user_agent: The app's User-Agent (the CDN may check it; §20).
        parallel: How many files may download at once (the connection pool's size).
        transport: An httpx transport (tests).
        timeout: Seconds without data before a request counts as failed.
        sleep: Async sleep (tests pass a fast one).
    """

    def __init__(
        self,
        *,
        user_agent: str,
        parallel: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.backoff = backoff
        self._sleep = sleep
        self._executor = ThreadPoolExecutor(max(1, parallel), thread_name_prefix="e621-download")
        self._client = httpx.AsyncClient(
            auth=None,
            follow_redirects=True,
            max_redirects=5,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            # Ranges and md5s are about the bytes of the file itself, never a compressed form.
            headers={"User-Agent": user_agent, "Accept-Encoding": "identity"},
            limits=httpx.Limits(
                max_connections=max(1, parallel), max_keepalive_connections=parallel
            ),
            transport=transport,
            event_hooks={"request": [_strip_credentials]},
        )

    async def aclose(self) -> None:
        """Close the connections and the writer threads."""
        await self._client.aclose()
        self._executor.shutdown(wait=True)

    async def fetch(
        self,
        url: str,
        target: Path,
        md5: str | None,
        *,
        size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> FetchResult:
        """Download ``url`` to ``target``; raise `FetchError` (the partial file is kept
        for a resume unless the error says the bytes were wrong)."""
        try:
            return await self._fetch(url, target, md5, size, progress)
        except OSError as exc:
            where = target.parent
            raise FetchError(f"cannot write in {where}: {exc.strerror or exc}") from None

    async def _fetch(
        self,
        url: str,
        target: Path,
        md5: str | None,
        size: int | None,
        progress: ProgressCallback | None,
    ) -> FetchResult:
        expected = (md5 or "").lower()
        checkable = bool(_MD5_RE.fullmatch(expected))
        if await asyncio.to_thread(target.exists):
            return await self._existing(target, expected if checkable else None)
        part = partial_path(target)
        restarted = False
        last_error = "the download failed"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            offset = await asyncio.to_thread(_size_or_zero, part)
            if size is not None and offset > size:
                offset = 0
            try:
                total, started_at, digest = await self._attempt(url, part, offset, progress)
            except FetchError as exc:
                if not exc.transient:
                    raise
                last_error = exc.message
                if attempt < MAX_ATTEMPTS:
                    await self._sleep(self.backoff * 2 ** (attempt - 1))
                continue
            if checkable and digest != expected:
                await asyncio.to_thread(part.unlink, missing_ok=True)
                if started_at > 0 and not restarted:
                    restarted = True  # the kept bytes may have been the bad part: once more
                    continue
                raise FetchError(f"the file's md5 is {digest}, the site says {expected}: not kept")
            await asyncio.to_thread(os.replace, part, target)
            return FetchResult(total, resumed_from=started_at, verified=checkable)
        raise FetchError(f"{last_error} (gave up after {MAX_ATTEMPTS} tries)")

    async def _existing(self, target: Path, md5: str | None) -> FetchResult:
        size = (await asyncio.to_thread(target.stat)).st_size
        if md5 is None:
            return FetchResult(size, skipped=True, verified=False)
        if await asyncio.to_thread(file_md5, target) == md5:
            return FetchResult(size, skipped=True)
        raise FetchError(
            f"a different file is already at {target.name}; it was left alone "
            "(put {id} in the name template to keep both)"
        )

    async def _attempt(
        self, url: str, part: Path, offset: int, progress: ProgressCallback | None
    ) -> tuple[int, int, str]:
        """One request; return (file size, where it started, md5 of the whole file)."""
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 416 and offset:
                    return await self._after_416(url, part, offset, response)
                if status in _RETRY_STATUSES:
                    raise FetchError(f"the file host answered HTTP {status}", transient=True)
                if status not in (200, 206):
                    raise FetchError(_status_message(status))
                start, total = _answer_range(response, offset)
                if start < 0:
                    # A 206 for another range than the one asked: start over from zero.
                    await asyncio.to_thread(part.unlink, missing_ok=True)
                    raise FetchError("the file host answered another range", transient=True)
                if total is not None and total > MAX_FILE_BYTES:
                    raise FetchError(f"the file is larger than {MAX_FILE_BYTES // 2**30} GB")
                sink = _Sink(part, self._executor, start)
                received = start
                try:
                    await sink.open()
                    async for chunk in response.aiter_bytes():
                        received += len(chunk)
                        if received > MAX_FILE_BYTES:
                            raise FetchError("the file host sent more than the file's size")
                        if progress is not None:
                            progress(received, total)
                        # The chunk is buffered before write() first waits: whatever stops us
                        # now, it reaches the partial file, so `received` is what is on disk.
                        await sink.write(chunk)
                except BaseException:
                    await asyncio.shield(asyncio.to_thread(sink.abandon))
                    raise
                digest = await sink.finish()
                if total is not None and received != total:
                    raise FetchError("the file host sent a short file", transient=True)
                return received, start, digest
        except httpx.TimeoutException:
            raise FetchError("the file host stopped sending", transient=True) from None
        except httpx.TransportError as exc:
            # Dropped or cut connections: what arrived is kept and the next try resumes.
            raise FetchError(f"connection lost ({type(exc).__name__})", transient=True) from None
        except OSError as exc:
            raise FetchError(f"cannot write {part.parent}: {exc.strerror or exc}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"download failed ({type(exc).__name__})") from None

    async def _after_416(
        self, url: str, part: Path, offset: int, response: httpx.Response
    ) -> tuple[int, int, str]:
        """The partial file is as long as (or longer than) the file: it may be complete."""
        match = re.fullmatch(r"bytes \*/(\d+)", response.headers.get("Content-Range", ""))
        if match is not None and int(match.group(1)) == offset:
            return offset, offset, await asyncio.to_thread(file_md5, part)
        await asyncio.to_thread(part.unlink, missing_ok=True)
        raise FetchError("the partial file did not match the file; starting over", transient=True)


def _answer_range(response: httpx.Response, offset: int) -> tuple[int, int | None]:
    """Where the body starts in the file (-1: not where we asked), and the file's size."""
    length = response.headers.get("Content-Length", "")
    if response.status_code == 200:
        return 0, int(length) if length.isdigit() else None
    match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
    if match is None or int(match.group(1)) != offset:
        return -1, None
    total = match.group(3)
    return offset, int(total) if total.isdigit() else None


def _status_message(status: int) -> str:
    if status == 404:
        return "the file host has no file at this address (HTTP 404)"
    if status in (401, 403):
        return f"the file host refused the download (HTTP {status})"
    if status == 410:
        return "the file is gone from the file host (HTTP 410)"
    return f"the file host answered HTTP {status}"


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


async def _strip_credentials(request: httpx.Request) -> None:
    """Belt and braces: nothing the static host is sent may authenticate us."""
    request.headers.pop("Authorization", None)
    request.headers.pop("Cookie", None)


__all__ = [
    "MAX_ATTEMPTS",
    "FetchError",
    "FetchResult",
    "ProgressCallback",
    "StaticFetcher",
    "file_md5",
    "partial_path",
]
