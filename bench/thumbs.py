"""Benchmark the image pipeline: cold, memory-warm and disk-warm loads, and what draft() buys.

Run: `python bench/thumbs.py`. Serves ~60 generated 1600×1200 JPEGs through an in-memory
transport (no network), so the figures are decode + cache cost, not download time.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image, ImageFilter

from e621tui.core.images.pipeline import ImagePipeline, ImageRequest, decode_image

COUNT = 60
SIZE = (1600, 1200)
BOX = (256, 256)  # a 32×16-cell tile at 8×16 px per cell
UA = "e621-tui/bench (anonymous; https://github.com/e621-tui/e621-tui)"


def make_jpegs() -> dict[str, bytes]:
    """Photo-like JPEGs (~180 KB): a gradient plus soft noise, different per image."""
    base = Image.radial_gradient("L").resize(SIZE)
    images = {}
    for i in range(COUNT):
        noise = Image.effect_noise(SIZE, 30 + i % 20).filter(ImageFilter.GaussianBlur(2))
        mixed = Image.merge("RGB", (base, noise, base.rotate(i * 6)))
        buf = io.BytesIO()
        mixed.save(buf, "JPEG", quality=85)
        images[f"/data/sample/{i:02d}.jpg"] = buf.getvalue()
    return images


def requests_for(images: dict[str, bytes]) -> list[ImageRequest]:
    return [
        ImageRequest(
            f"https://static.bench{path}", hashlib.md5(path.encode()).hexdigest(), "preview"
        )
        for path in images
    ]


async def timed_load_all(pipeline: ImagePipeline, reqs: list[ImageRequest]) -> float:
    start = time.perf_counter()
    await asyncio.gather(*(pipeline.load(r, BOX) for r in reqs))
    return time.perf_counter() - start


async def run_pipeline(images: dict[str, bytes], cache: Path) -> tuple[float, float, float]:
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=images[request.url.path])

    reqs = requests_for(images)
    cold_pipe = ImagePipeline(user_agent=UA, cache_dir=cache, transport=httpx.MockTransport(serve))
    cold = await timed_load_all(cold_pipe, reqs)
    warm = await timed_load_all(cold_pipe, reqs)
    assert cold_pipe.stats.downloads == COUNT and cold_pipe.stats.memory_hits == COUNT
    await cold_pipe.aclose()

    disk_pipe = ImagePipeline(user_agent=UA, cache_dir=cache, transport=httpx.MockTransport(serve))
    disk = await timed_load_all(disk_pipe, reqs)
    assert disk_pipe.stats.disk_hits == COUNT and disk_pipe.stats.downloads == 0
    await disk_pipe.aclose()
    return cold, warm, disk


def decode_times(images: dict[str, bytes], use_draft: bool) -> list[float]:
    times = []
    for data in images.values():
        start = time.perf_counter()
        decode_image(data, BOX, use_draft=use_draft)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    images = make_jpegs()
    total_mb = sum(len(b) for b in images.values()) / 2**20
    with tempfile.TemporaryDirectory() as tmp:
        cold, warm, disk = asyncio.run(run_pipeline(images, Path(tmp)))
    decode_times(images, True)  # warm up Pillow's plugins and allocator
    with_draft = decode_times(images, True)
    without_draft = decode_times(images, False)

    print(f"images            {COUNT} JPEG {SIZE[0]}×{SIZE[1]}, {total_mb:.1f} MB, box {BOX}")
    print(f"cold load         {cold * 1000:8.1f} ms  ({cold / COUNT * 1000:.2f} ms/image)")
    print(f"warm (memory)     {warm * 1000:8.2f} ms  ({warm / COUNT * 1e6:.1f} µs/image)")
    print(f"disk hit          {disk * 1000:8.1f} ms  ({disk / COUNT * 1000:.2f} ms/image)")
    print(f"decode with draft {statistics.median(with_draft) * 1000:8.2f} ms/image (median)")
    print(f"decode no draft   {statistics.median(without_draft) * 1000:8.2f} ms/image (median)")
    ratio = sum(without_draft) / sum(with_draft)
    print(f"draft speed-up    {ratio:8.1f}×")


if __name__ == "__main__":
    main()
