"""Tests for the image pipeline: decoding, caching, download limits, cancellation, eviction."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import random
import resource
import struct
import threading
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, JpegImagePlugin

from e621tui.api.models import decode_post
from e621tui.core.images.pipeline import (
    MAX_DOWNLOAD_BYTES,
    ImagePipeline,
    ImageRequest,
    ThumbError,
    decode_image,
    display_request,
    evict_disk_cache,
    preview_request,
)

BOX = (64, 64)
UA = "e621-tui/0.0-test (anonymous; https://example.invalid)"
Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def encode(fmt: str, size: tuple[int, int] = (400, 200), mode: str = "RGB", **kw: Any) -> bytes:
    """A non-uniform test picture in the given format."""
    im = Image.radial_gradient("L").resize(size).convert(mode)
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def noise_png(seed: int, side: int = 64) -> bytes:
    """An incompressible PNG (about side*side*3 bytes), distinct per seed."""
    pixels = random.Random(seed).randbytes(side * side * 3)
    buf = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(buf, "PNG")
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares `width`×`height`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def req(path: str, kind: str = "preview", md5: str | None = None) -> ImageRequest:
    """A request for `https://static.test<path>` cached under a per-path md5."""
    url = path if "://" in path or not path.startswith("/") else f"https://static.test{path}"
    if md5 is None:
        md5 = hashlib.md5(path.encode()).hexdigest()
    return ImageRequest(url=url, md5=md5, kind=kind)


class Site:
    """A MockTransport that serves bytes by path and records every request."""

    def __init__(self, routes: Mapping[str, bytes | Handler] | None = None) -> None:
        self.routes: dict[str, bytes | Handler] = dict(routes or {})
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get(request.url.path)
        if route is None:
            return httpx.Response(404, html="<html><body>Not found</body></html>")
        if isinstance(route, bytes):
            return httpx.Response(200, content=route)
        return await route(request)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.url.path == path)


@pytest.fixture
async def make_pipeline(tmp_path: Path) -> AsyncIterator[Callable[..., ImagePipeline]]:
    made: list[ImagePipeline] = []

    def make(transport: httpx.AsyncBaseTransport | None, **kw: Any) -> ImagePipeline:
        kw.setdefault("cache_dir", tmp_path / "cache")
        pipeline = ImagePipeline(user_agent=UA, transport=transport, **kw)
        made.append(pipeline)
        return pipeline

    yield make
    for pipeline in made:
        await pipeline.aclose()


def cache_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


# --- decoding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mode", "size", "expected_mode"),
    [
        ("JPEG", "RGB", (1600, 1200), "RGB"),
        ("PNG", "RGBA", (300, 600), "RGBA"),
        ("PNG", "L", (500, 100), "RGB"),
        ("GIF", "P", (256, 128), "RGB"),
        ("WEBP", "RGB", (640, 480), "RGB"),
    ],
)
async def test_good_images_fit_the_box_with_aspect_kept(
    make_pipeline: Callable[..., ImagePipeline],
    fmt: str,
    mode: str,
    size: tuple[int, int],
    expected_mode: str,
) -> None:
    site = Site({"/a": encode(fmt, size, mode)})
    pipeline = make_pipeline(site.transport)

    image = await pipeline.load(req("/a"), (256, 256))

    assert image.mode == expected_mode
    assert image.width <= 256 and image.height <= 256
    assert max(image.size) == 256
    assert image.width / image.height == pytest.approx(size[0] / size[1], rel=0.02)


def test_small_images_are_not_enlarged() -> None:
    image = decode_image(encode("PNG", (40, 20)), (256, 256))
    assert image.size == (40, 20)


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "EPS", "ICO"])
def test_formats_the_site_never_serves_are_refused(fmt: str) -> None:
    with pytest.raises(ThumbError, match="not a supported image"):
        decode_image(encode(fmt, (32, 32)), BOX)


def test_transparent_gif_becomes_rgba() -> None:
    im = Image.new("P", (20, 10), 0)
    im.putpixel((0, 0), 1)
    buf = io.BytesIO()
    im.save(buf, "GIF", transparency=0)
    assert decode_image(buf.getvalue(), BOX).mode == "RGBA"


def test_jpeg_is_drafted_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int] | None] = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: Any) -> Any:
        calls.append(size)
        return original(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    image = decode_image(encode("JPEG", (1600, 1200)), (200, 200))
    assert calls[0] == (200, 200)
    assert image.size == (200, 150)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    image = decode_image(encode("JPEG", (200, 100), exif=exif), BOX)
    assert image.size == (32, 64)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\x00\x01garbage\xff" * 50, "not a supported image"),
        (encode("JPEG", (800, 600))[:3000], "truncated"),
        (encode("PNG", (300, 300))[:-200], "corrupt"),
        (b"<!DOCTYPE html><html><body>Just a moment...</body></html>", "not a supported image"),
        (b"", "empty"),
    ],
    ids=["garbage", "truncated-jpeg", "truncated-png", "html", "empty"],
)
async def test_bad_bodies_raise_thumb_error(
    make_pipeline: Callable[..., ImagePipeline], body: bytes, message: str
) -> None:
    site = Site({"/bad": body})
    pipeline = make_pipeline(site.transport)

    with pytest.raises(ThumbError, match=message):
        await pipeline.load(req("/bad"), BOX)
    assert pipeline.stats.errors == 1
    # bytes that cannot be decoded are not kept in the disk cache
    assert cache_bytes(pipeline_cache(pipeline)) == 0


def pipeline_cache(pipeline: ImagePipeline) -> Path:
    path = pipeline._cache_dir
    assert path is not None
    return path


async def test_http_404_raises_thumb_error(make_pipeline: Callable[..., ImagePipeline]) -> None:
    pipeline = make_pipeline(Site().transport)
    with pytest.raises(ThumbError, match=r"download failed: HTTP 404"):
        await pipeline.load(req("/missing"), BOX)


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (20000, 20000, "too large"),  # Pillow's own bomb check (error)
        (10000, 10000, "too large"),  # Pillow's bomb warning, turned into an error
        (9000, 9000, r"too large \(9000×9000\)"),  # our 50-megapixel limit
        (30000, 10, r"too large \(30000×10\)"),  # our side limit
    ],
)
def test_huge_declared_sizes_are_refused_before_decoding(
    width: int, height: int, message: str
) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(ThumbError, match=message):
        decode_image(png_header(width, height), BOX)
    assert time.perf_counter() - start < 1.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50 * 1024


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(
        [
            encode("JPEG", (64, 48)),
            encode("PNG", (40, 30), "RGBA"),
            encode("GIF", (30, 30), "P"),
            encode("WEBP", (40, 40)),
        ]
    ),
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    cut=st.integers(min_value=0, max_value=4000),
)
def test_mangled_images_only_ever_raise_thumb_error(
    base: bytes, edits: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(base[: max(1, len(base) - cut % len(base))])
    for pos, value in edits:
        data[pos % len(data)] = value
    try:
        image = decode_image(bytes(data), BOX)
    except ThumbError as exc:
        assert exc.message
    else:
        assert image.mode in ("RGB", "RGBA")
        assert image.width <= BOX[0] and image.height <= BOX[1]


# --- caching --------------------------------------------------------------------------------


async def test_memory_hit_does_not_touch_the_network(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    site = Site({"/a": encode("PNG")})
    pipeline = make_pipeline(site.transport)
    request = req("/a")

    assert pipeline.cached(request, BOX) is None
    first = await pipeline.load(request, BOX)
    second = await pipeline.load(request, BOX)

    assert second is first
    assert pipeline.cached(request, BOX) is first
    assert site.hits("/a") == 1
    assert pipeline.stats.memory_hits == 2
    # another box is another decode, but no new download
    other = await pipeline.load(request, (32, 32))
    assert other.size == (32, 16)
    assert site.hits("/a") == 1
    assert pipeline.stats.disk_hits == 1


async def test_memory_lru_is_bounded(make_pipeline: Callable[..., ImagePipeline]) -> None:
    site = Site({f"/{i}": noise_png(i, 16) for i in range(3)})
    pipeline = make_pipeline(site.transport, memory_items=2)
    for i in range(3):
        await pipeline.load(req(f"/{i}"), BOX)
    assert pipeline.cached(req("/0"), BOX) is None
    assert pipeline.cached(req("/2"), BOX) is not None


async def test_disk_hit_survives_a_new_pipeline(
    make_pipeline: Callable[..., ImagePipeline], tmp_path: Path
) -> None:
    site = Site({"/a": encode("JPEG")})
    request = req("/a", kind="sample")
    await make_pipeline(site.transport).load(request, BOX)
    cached_file = tmp_path / "cache" / "sample" / request.md5[:2] / request.md5
    assert cached_file.read_bytes() == site.routes["/a"]

    offline = Site()  # would 404 if asked
    second = make_pipeline(offline.transport)
    image = await second.load(request, BOX)

    assert image.size == (64, 32)
    assert offline.requests == []
    assert second.stats.disk_hits == 1
    assert second.stats.downloads == 0


async def test_no_cache_dir_means_no_disk_writes(
    make_pipeline: Callable[..., ImagePipeline], tmp_path: Path
) -> None:
    site = Site({"/a": encode("PNG")})
    pipeline = make_pipeline(site.transport, cache_dir=None)
    await pipeline.load(req("/a"), BOX)
    await pipeline.prefetch(req("/a"))
    assert cache_bytes(tmp_path) == 0
    assert site.hits("/a") == 1


async def test_prefetch_fills_the_disk_cache_only(
    make_pipeline: Callable[..., ImagePipeline], tmp_path: Path
) -> None:
    site = Site({"/a": encode("PNG")})
    pipeline = make_pipeline(site.transport)
    await pipeline.prefetch(req("/a"))
    await pipeline.prefetch(req("/a"))  # already on disk: no second download

    assert site.hits("/a") == 1
    assert pipeline.stats.decode_seconds == 0
    assert pipeline.cached(req("/a"), BOX) is None
    await pipeline.load(req("/a"), BOX)
    assert site.hits("/a") == 1
    with pytest.raises(ThumbError, match="HTTP 404"):
        await pipeline.prefetch(req("/nope"))


async def test_corrupt_cache_file_is_replaced_on_next_load(
    make_pipeline: Callable[..., ImagePipeline], tmp_path: Path
) -> None:
    request = req("/a")
    path = tmp_path / "cache" / "preview" / request.md5[:2] / request.md5
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a supported image")
    site = Site({"/a": encode("PNG")})
    pipeline = make_pipeline(site.transport)

    with pytest.raises(ThumbError):
        await pipeline.load(request, BOX)
    assert not path.exists()
    assert (await pipeline.load(request, BOX)).size == (64, 32)
    assert site.hits("/a") == 1


def test_cache_key_is_safe_for_any_md5() -> None:
    upper = req("/a", md5="ABCDEF0123456789ABCDEF0123456789")
    assert upper.cache_key == "abcdef0123456789abcdef0123456789"
    hostile = ImageRequest(url="https://x/a.png", md5="../../../../etc/passwd", kind="file")
    empty = ImageRequest(url="https://x/a.png", md5="", kind="file")
    assert hostile.cache_key == empty.cache_key
    assert len(hostile.cache_key) == 32 and hostile.cache_key.isalnum()
    with pytest.raises(ValueError, match="kind"):
        ImageRequest(url="https://x/a.png", md5="", kind="original")


def test_requests_from_posts() -> None:
    md5 = "0123456789abcdef0123456789abcdef"
    image = decode_post(
        {
            "id": 1,
            "file": {"ext": "png", "md5": md5, "url": "https://s/f.png"},
            "preview": {"url": "https://s/p.jpg"},
            "sample": {"has": False, "url": None},
        }
    )
    video = decode_post(
        {
            "id": 2,
            "file": {"ext": "webm", "md5": md5, "url": "https://s/f.webm"},
            "preview": {"url": "https://s/p.jpg"},
            "sample": {"has": True, "url": "https://s/s.jpg"},
        }
    )
    hidden = decode_post({"id": 3, "file": {"ext": "png", "md5": md5}})
    assert preview_request(image) == ImageRequest("https://s/p.jpg", md5, "preview")
    assert display_request(image) == ImageRequest("https://s/f.png", md5, "file")
    assert display_request(video) == ImageRequest("https://s/s.jpg", md5, "sample")
    assert preview_request(hidden) is None and display_request(hidden) is None


# --- downloads ------------------------------------------------------------------------------


async def test_download_is_capped_while_streaming(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    chunk = b"\xff" * 2**20
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        while True:
            sent += 1
            yield chunk

    async def stream(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())

    site = Site({"/big": stream})
    pipeline = make_pipeline(site.transport)
    with pytest.raises(ThumbError, match="too large to download"):
        await pipeline.load(req("/big"), BOX)
    assert sent <= MAX_DOWNLOAD_BYTES["preview"] // len(chunk) + 2


async def test_declared_oversize_is_refused_without_reading(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    read = False

    async def body() -> AsyncIterator[bytes]:
        nonlocal read
        read = True
        yield b"x"

    async def huge(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Length": str(100 * 2**20)}
        return httpx.Response(200, headers=headers, content=body())

    pipeline = make_pipeline(Site({"/huge": huge}).transport)
    with pytest.raises(ThumbError, match=r"too large to download \(100 MB\)"):
        await pipeline.load(req("/huge", kind="sample"), BOX)
    assert not read


async def test_transport_errors_become_thumb_errors(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    async def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    pipeline = make_pipeline(Site({"/refuse": refuse, "/slow": slow}).transport)
    with pytest.raises(ThumbError, match="download failed: connection refused"):
        await pipeline.load(req("/refuse"), BOX)
    with pytest.raises(ThumbError, match="timed out"):
        await pipeline.load(req("/slow"), BOX)


async def test_file_downloads_are_checked_against_md5(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    body = encode("PNG")
    site = Site({"/good.png": body, "/bad.png": body})
    pipeline = make_pipeline(site.transport)
    good = req("/good.png", kind="file", md5=hashlib.md5(body).hexdigest())
    assert (await pipeline.load(good, BOX)).size == (64, 32)
    assert pipeline.stats.checksum_mismatches == 0
    # A picture that decodes is shown even if its checksum differs; the mismatch is counted.
    assert (await pipeline.load(req("/bad.png", kind="file"), BOX)).size == (64, 32)
    assert pipeline.stats.checksum_mismatches == 1


async def test_relative_urls_resolve_against_the_base(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    site = Site({"/images/download-preview.png": encode("PNG")})
    pipeline = make_pipeline(site.transport)
    placeholder = ImageRequest("/images/download-preview.png", "", "preview")

    with pytest.raises(ThumbError, match="relative"):
        await pipeline.load(placeholder, BOX)
    pipeline.set_base_url("https://e926.test/")
    await pipeline.load(placeholder, BOX)
    await pipeline.load(ImageRequest("//cdn.test/images/download-preview.png", "", "sample"), BOX)

    assert [str(r.url) for r in site.requests] == [
        "https://e926.test/images/download-preview.png",
        "https://cdn.test/images/download-preview.png",
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://static.test/a.png", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("https://user:secret@static.test/a.png", "credentials"),
    ],
)
async def test_only_plain_http_urls_are_fetched(
    make_pipeline: Callable[..., ImagePipeline], url: str, message: str
) -> None:
    site = Site({"/a.png": encode("PNG")})
    pipeline = make_pipeline(site.transport)
    with pytest.raises(ThumbError, match=message):
        await pipeline.load(ImageRequest(url, "", "preview"), BOX)
    assert site.requests == []


async def test_concurrent_loads_of_one_image_share_a_download(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    site = Site({"/a": encode("JPEG", (800, 600))})
    pipeline = make_pipeline(site.transport)
    images = await asyncio.gather(*(pipeline.load(req("/a"), BOX) for _ in range(5)))
    more = await asyncio.gather(
        pipeline.load(req("/a", kind="sample"), BOX), pipeline.load(req("/a", kind="sample"), BOX)
    )

    assert all(image is images[0] for image in images)
    assert more[0] is more[1]
    assert site.hits("/a") == 2  # one per kind
    assert pipeline.stats.downloads == 2


async def test_one_waiter_leaving_does_not_cancel_a_shared_download(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    entered, gate = asyncio.Event(), asyncio.Event()

    async def gated(request: httpx.Request) -> httpx.Response:
        entered.set()
        await gate.wait()
        return httpx.Response(200, content=encode("PNG"))

    site = Site({"/a": gated})
    pipeline = make_pipeline(site.transport)
    first = asyncio.create_task(pipeline.load(req("/a"), BOX))
    second = asyncio.create_task(pipeline.load(req("/a"), BOX))
    await entered.wait()
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    gate.set()

    assert (await second).size == (64, 32)
    assert site.hits("/a") == 1
    assert pipeline.stats.cancelled == 1


async def test_cancelling_loads_frees_download_slots(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    started = 0
    two_started = asyncio.Event()
    cancelled_downloads = 0

    async def stalled(request: httpx.Request) -> httpx.Response:
        nonlocal started, cancelled_downloads
        started += 1
        if started == 2:
            two_started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled_downloads += 1
            raise
        raise AssertionError("unreachable")

    arrived = 0
    both_arrived = asyncio.Event()

    async def needs_both_slots(request: httpx.Request) -> httpx.Response:
        nonlocal arrived
        arrived += 1
        if arrived == 2:
            both_arrived.set()
        await both_arrived.wait()
        return httpx.Response(200, content=encode("PNG"))

    site = Site({f"/slow/{i}": stalled for i in range(10)})
    site.routes |= {"/fresh/a": needs_both_slots, "/fresh/b": needs_both_slots}
    pipeline = make_pipeline(site.transport, concurrency=2)
    tasks = [asyncio.create_task(pipeline.load(req(f"/slow/{i}"), BOX)) for i in range(10)]
    await asyncio.wait_for(two_started.wait(), 5)
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)

    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    assert started == 2
    assert pipeline.stats.cancelled == 10
    # both slots must be free again for these two to meet inside the transport
    fresh = await asyncio.wait_for(
        asyncio.gather(pipeline.load(req("/fresh/a"), BOX), pipeline.load(req("/fresh/b"), BOX)),
        5,
    )
    assert [image.size for image in fresh] == [(64, 32), (64, 32)]
    assert cancelled_downloads == 2
    assert started == 2  # the cancelled loads never reached the network


async def test_aclose_stops_pending_loads(make_pipeline: Callable[..., ImagePipeline]) -> None:
    entered = asyncio.Event()

    async def stalled(request: httpx.Request) -> httpx.Response:
        entered.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    pipeline = make_pipeline(Site({"/a": stalled}).transport)
    task = asyncio.create_task(pipeline.load(req("/a"), BOX))
    await entered.wait()
    await pipeline.aclose()
    with pytest.raises(ThumbError, match="stopped"):
        await task
    with pytest.raises(ThumbError, match="stopped"):
        await pipeline.load(req("/b"), BOX)


async def test_stats_count_what_happened(make_pipeline: Callable[..., ImagePipeline]) -> None:
    body = encode("JPEG")
    site = Site({"/a": body})
    pipeline = make_pipeline(site.transport)
    await pipeline.load(req("/a"), BOX)
    await pipeline.load(req("/a"), BOX)
    await pipeline.load(req("/a"), (16, 16))
    with pytest.raises(ThumbError):
        await pipeline.load(req("/missing"), BOX)

    stats = pipeline.stats
    assert (stats.downloads, stats.bytes_downloaded) == (1, len(body))
    assert (stats.memory_hits, stats.disk_hits, stats.errors, stats.cancelled) == (1, 1, 1, 0)
    assert stats.decode_seconds > 0


# --- eviction -------------------------------------------------------------------------------


def test_evict_disk_cache_removes_least_recently_used_first(tmp_path: Path) -> None:
    now = time.time()
    files = []
    for age, name in enumerate(["newest", "middle", "oldest"]):
        path = tmp_path / "preview" / "ab" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
        os.utime(path, (now - age * 100, now - age * 100))
        files.append(path)
    stranger = tmp_path / "notes.txt"  # not in the cache layout: never touched
    stranger.write_bytes(b"y" * 5000)

    assert evict_disk_cache(tmp_path, 5000) == 0
    assert evict_disk_cache(tmp_path, 2000) == 1000
    assert [p.exists() for p in files] == [True, True, False]
    assert evict_disk_cache(tmp_path, 0) == 2000
    assert stranger.exists()


async def test_pipeline_keeps_disk_cache_under_its_cap(
    make_pipeline: Callable[..., ImagePipeline], tmp_path: Path
) -> None:
    bodies = {f"/{i}": noise_png(i) for i in range(30)}
    site = Site(bodies)
    cap = 100_000
    pipeline = make_pipeline(site.transport, max_disk_bytes=cap)
    for i in range(30):
        await pipeline.load(req(f"/{i}"), BOX)
    await pipeline.aclose()

    assert sum(len(b) for b in bodies.values()) > 3 * cap
    assert 0 < cache_bytes(tmp_path / "cache") <= cap
    newest = req("/29")
    assert (tmp_path / "cache" / "preview" / newest.md5[:2] / newest.md5).exists()


# --- over a real socket ---------------------------------------------------------------------


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    png = encode("PNG")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({k.lower(): v for k, v in self.headers.items()} | {"path": self.path})
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/img.png")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output clean."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_real_requests_carry_no_credentials(
    make_pipeline: Callable[..., ImagePipeline],
    local_server: tuple[str, list[dict[str, str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    base, seen = local_server
    pipeline = make_pipeline(None)

    image = await pipeline.load(ImageRequest(f"{base}/redirect", "", "preview"), BOX)
    with pytest.raises(ThumbError, match="credentials"):
        host = base.removeprefix("http://")
        await pipeline.load(ImageRequest(f"http://me:key@{host}/img.png", "", "sample"), BOX)

    assert image.size == (64, 32)
    assert [h["path"] for h in seen] == ["/redirect", "/img.png"]
    for headers in seen:
        assert "authorization" not in headers
        assert "cookie" not in headers
        assert headers["user-agent"] == UA
