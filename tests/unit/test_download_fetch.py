"""The static fetcher against a mock file host: ranges, 416, retries, md5 checks."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx
import pytest

from e621tui.core.downloads.fetch import FetchError, StaticFetcher, partial_path

BODY = bytes(range(256)) * 400  # 100 KiB
MD5 = hashlib.md5(BODY).hexdigest()
URL = "https://static1.example/data/ab/cd/file.jpg"


class Host:
    """A mock static host that honours Range (optionally) and can fail on purpose."""

    def __init__(self, body: bytes = BODY, *, ranges: bool = True) -> None:
        self.body = body
        self.ranges = ranges
        self.requests: list[httpx.Request] = []
        self.fail_with: list[int] = []
        self.wrong_range = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail_with:
            return httpx.Response(self.fail_with.pop(0))
        header = request.headers.get("range")
        total = len(self.body)
        if header and self.ranges:
            match = re.fullmatch(r"bytes=(\d+)-", header)
            assert match
            start = int(match.group(1))
            if start >= total:
                return httpx.Response(416, headers={"Content-Range": f"bytes */{total}"})
            if self.wrong_range:
                start = 0
            content_range = f"bytes {start}-{total - 1}/{total}"
            return httpx.Response(
                206, content=self.body[start:], headers={"Content-Range": content_range}
            )
        return httpx.Response(200, content=self.body)


async def no_sleep(_: float) -> None:
    return None


async def fetch(host: Host, target: Path, md5: str | None = MD5) -> tuple[int, int, bool]:
    fetcher = StaticFetcher(user_agent="t", transport=httpx.MockTransport(host), sleep=no_sleep)
    try:
        result = await fetcher.fetch(URL, target, md5, size=len(host.body))
    finally:
        await fetcher.aclose()
    return result.size, result.resumed_from, result.skipped


async def test_fresh_download(tmp_path: Path) -> None:
    host = Host()
    target = tmp_path / "a" / "file.jpg"
    assert await fetch(host, target) == (len(BODY), 0, False)
    assert target.read_bytes() == BODY and not partial_path(target).exists()


async def test_resume_from_a_partial_file(tmp_path: Path) -> None:
    host = Host()
    target = tmp_path / "file.jpg"
    partial_path(target).write_bytes(BODY[:30_000])
    assert await fetch(host, target) == (len(BODY), 30_000, False)
    assert host.requests[0].headers["range"] == "bytes=30000-"
    assert target.read_bytes() == BODY


async def test_a_server_without_ranges_gets_a_full_restart(tmp_path: Path) -> None:
    host = Host(ranges=False)
    target = tmp_path / "file.jpg"
    partial_path(target).write_bytes(b"x" * 30_000)
    assert await fetch(host, target) == (len(BODY), 0, False)
    assert target.read_bytes() == BODY


async def test_a_206_for_another_range_starts_over(tmp_path: Path) -> None:
    host = Host()
    host.wrong_range = True
    target = tmp_path / "file.jpg"
    partial_path(target).write_bytes(BODY[:10_000])
    assert (await fetch(host, target))[0] == len(BODY)
    assert "range" in host.requests[0].headers and "range" not in host.requests[1].headers
    assert target.read_bytes() == BODY


async def test_416_with_a_complete_partial_file_finishes_it(tmp_path: Path) -> None:
    host = Host()
    target = tmp_path / "file.jpg"
    partial_path(target).write_bytes(BODY)  # crashed after the last byte, before the rename
    assert await fetch(host, target) == (len(BODY), len(BODY), False)
    assert len(host.requests) == 1 and target.read_bytes() == BODY


async def test_a_bad_partial_prefix_is_downloaded_again_once(tmp_path: Path) -> None:
    host = Host()
    target = tmp_path / "file.jpg"
    partial_path(target).write_bytes(b"\0" * 50_000)  # wrong bytes kept from somewhere
    assert (await fetch(host, target))[:2] == (len(BODY), 0)
    assert [r.headers.get("range") for r in host.requests] == ["bytes=50000-", None]
    assert target.read_bytes() == BODY


async def test_md5_mismatch_is_a_failure_and_nothing_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "file.jpg"
    with pytest.raises(FetchError, match="md5") as caught:
        await fetch(Host(), target, md5="0" * 32)
    assert not caught.value.transient
    assert not target.exists() and not partial_path(target).exists()


async def test_server_errors_are_retried(tmp_path: Path) -> None:
    host = Host()
    host.fail_with = [503, 502]
    target = tmp_path / "file.jpg"
    assert (await fetch(host, target))[0] == len(BODY)
    assert len(host.requests) == 3


async def test_server_errors_give_up_with_a_message(tmp_path: Path) -> None:
    host = Host()
    host.fail_with = [503] * 10
    with pytest.raises(FetchError, match=r"HTTP 503 \(gave up after 4 tries\)"):
        await fetch(host, tmp_path / "file.jpg")


async def test_404_is_not_retried(tmp_path: Path) -> None:
    host = Host()
    host.fail_with = [404]
    with pytest.raises(FetchError, match="no file at this address"):
        await fetch(host, tmp_path / "file.jpg")
    assert len(host.requests) == 1


async def test_existing_files(tmp_path: Path) -> None:
    target = tmp_path / "file.jpg"
    target.write_bytes(BODY)
    host = Host()
    assert await fetch(host, target) == (len(BODY), 0, True)
    assert await fetch(host, target, md5=None) == (len(BODY), 0, True)
    assert host.requests == []
    target.write_bytes(b"other")
    with pytest.raises(FetchError, match="different file"):
        await fetch(host, target)
    assert target.read_bytes() == b"other"


async def test_an_unwritable_folder_is_a_clear_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(FetchError, match="cannot write"):
        await fetch(Host(), blocker / "file.jpg")
