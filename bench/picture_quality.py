"""How close the pictures in a terminal screenshot are to their sources.

    python bench/picture_quality.py SHOT.png [SHOT.png ...] [--kind preview|sample] [--json]

Finds the picture rectangles in a screenshot (xshot.py), matches each with the demo site's
source file it shows (the best of the demo's previews or samples, resized to the rectangle),
and prints per picture and in total: the mean absolute difference per channel (0–255) and the
number of defect rows — rows of the picture that are flat (a line) where the source row is
not, or whose mean difference exceeds 40. Pictures cut by the screen edge are skipped; the
grid's frame lines (one flat grey along a picture's edge) are not part of a picture.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GRID = 4  # px per coarse cell when looking for pictures
MIN_SIDE = 64


@dataclass
class Match:
    """One picture found in the screenshot."""

    box: tuple[int, int, int, int]
    source: str
    mad: tuple[float, float, float]
    defect_rows: int
    rows: int


def demo_sources(kind: str, count: int = 240) -> dict[str, Image.Image]:
    """The demo site's newest pictures of ``kind`` (preview or sample), decoded like the app."""
    from e621tui.core.images.decode import ThumbError, decode_image
    from e621tui.devserver.generate import generate
    from e621tui.devserver.images import StaticFiles
    from e621tui.devserver.media import add_media
    from e621tui.devserver.render import data_path

    state = generate()
    add_media(state)  # as `--demo` serves it: the newest posts are the ones with real files
    files = StaticFiles(state)
    out: dict[str, Image.Image] = {}
    for post in sorted(state.posts.values(), key=lambda p: -p.id)[: count * 2]:
        status, body, _ = files.get(data_path(post.md5, kind, "jpg"))
        if status != 200 and kind == "sample":  # no sample (a small file): the post shows the file
            status, body, _ = files.get(data_path(post.md5, "original", post.ext))
        if status != 200:
            continue
        try:
            out[f"#{post.id}"] = decode_image(body, (2000, 2000), use_draft=False).convert("RGB")
        except ThumbError:
            continue  # the demo's deliberately corrupt files
        if len(out) >= count:
            break
    return out


def ui_colours(shot: Image.Image) -> set[tuple[int, int, int]]:
    """Frequent colours that the status and footer rows also use: the UI's, not the pictures'
    (a banded picture has frequent colours too, but not in the footer)."""
    small = shot.reduce(2)
    counts = Counter(small.get_flattened_data())  # type: ignore[arg-type]
    total = small.width * small.height
    frequent = {c for c, n in counts.items() if n > total * 0.001}
    edges = Image.new("RGB", (shot.width, 60))
    edges.paste(shot.crop((0, 0, shot.width, 20)), (0, 0))
    edges.paste(shot.crop((0, shot.height - 40, shot.width, shot.height)), (0, 20))
    chrome = set(edges.get_flattened_data())  # type: ignore[arg-type]

    def accent(c: tuple[int, int, int]) -> bool:  # the cursor frame: vivid, unlike the pictures
        return max(c) > 128 and (max(c) - min(c)) / max(c) > 0.75

    return {c for c in frequent if c in chrome or accent(c)}


def _is_ui(pixel: tuple[int, int, int], ui: set[tuple[int, int, int]]) -> bool:
    if max(pixel) < 48 and max(pixel) - min(pixel) < 24:
        return True  # dark greys: backgrounds, borders (and black defect lines)
    return any(max(abs(a - b) for a, b in zip(pixel, c, strict=True)) <= 6 for c in ui)


def find_pictures(shot: Image.Image) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of the picture areas (coarse cells that are mostly not UI colours)."""
    ui = ui_colours(shot)
    cols, rows = shot.width // GRID, shot.height // GRID
    px = shot.load()
    assert px is not None
    cache: dict[tuple[int, int, int], bool] = {}

    def ui_pixel(x: int, y: int) -> bool:
        p = px[x, y]
        hit = cache.get(p)
        if hit is None:
            hit = cache[p] = _is_ui(p, ui)
        return hit

    mask = [[False] * cols for _ in range(rows)]
    for gy in range(rows):
        for gx in range(cols):
            inside = sum(
                not ui_pixel(gx * GRID + dx, gy * GRID + dy) for dx in (0, 2) for dy in (0, 2)
            )
            mask[gy][gx] = inside >= 3
    seen = [[False] * cols for _ in range(rows)]
    boxes = []
    for gy in range(rows):
        for gx in range(cols):
            if not mask[gy][gx] or seen[gy][gx]:
                continue
            stack, cells = [(gx, gy)], []
            seen[gy][gx] = True
            while stack:
                x, y = stack.pop()
                cells.append((x, y))
                for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                    if 0 <= nx < cols and 0 <= ny < rows and mask[ny][nx] and not seen[ny][nx]:
                        seen[ny][nx] = True
                        stack.append((nx, ny))
            xs, ys = [c[0] for c in cells], [c[1] for c in cells]
            box = (min(xs) * GRID, min(ys) * GRID, (max(xs) + 1) * GRID, (max(ys) + 1) * GRID)
            if box[2] - box[0] >= MIN_SIDE and box[3] - box[1] >= MIN_SIDE:
                boxes.append(_refine(shot, box, ui_pixel))
    return boxes


def _refine(
    shot: Image.Image, box: tuple[int, int, int, int], ui_pixel
) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    """Move each edge to the first row/column that is mostly picture."""
    x0, y0, x1, y1 = box
    x0, y0 = max(0, x0 - GRID), max(0, y0 - GRID)
    x1, y1 = min(shot.width, x1 + GRID), min(shot.height, y1 + GRID)

    def line(pixels: list[tuple[int, int, int]]) -> bool:
        """A frame line drawn by the UI: (nearly) one grey all along; pictures are not that flat."""
        colour, count = Counter(pixels).most_common(1)[0]
        return count >= 0.85 * len(pixels) and max(colour) - min(colour) <= 12

    def row_ok(y: int) -> bool:
        if line([shot.getpixel((x, y)) for x in range(x0, x1, 2)]):  # type: ignore[misc]
            return False
        return sum(not ui_pixel(x, y) for x in range(x0, x1, 2)) > (x1 - x0) // 4

    def col_ok(x: int) -> bool:
        if line([shot.getpixel((x, y)) for y in range(y0, y1, 2)]):  # type: ignore[misc]
            return False
        return sum(not ui_pixel(x, y) for y in range(y0, y1, 2)) > (y1 - y0) // 4

    while y0 < y1 and not row_ok(y0):
        y0 += 1
    while y1 > y0 and not row_ok(y1 - 1):
        y1 -= 1
    while x0 < x1 and not col_ok(x0):
        x0 += 1
    while x1 > x0 and not col_ok(x1 - 1):
        x1 -= 1
    return x0, y0, x1, y1


def mad(a: Image.Image, b: Image.Image) -> tuple[float, float, float]:
    """Mean absolute difference per channel."""
    r, g, bl = ImageStat.Stat(ImageChops.difference(a, b)).mean[:3]
    return r, g, bl


def defect_rows(got: Image.Image, want: Image.Image) -> int:
    """Rows that are flat where the source is not, or far off on average."""
    count = 0
    for y in range(got.height):
        g = got.crop((0, y, got.width, y + 1))
        w = want.crop((0, y, want.width, y + 1))
        g_range = max(hi - lo for lo, hi in g.getextrema())  # type: ignore[misc]
        w_range = max(hi - lo for lo, hi in w.getextrema())  # type: ignore[misc]
        far = sum(mad(g, w)) / 3 > 40
        count += (g_range <= 6 < 20 < w_range) or far
    return count


def match(
    shot: Image.Image, box: tuple[int, int, int, int], sources: dict[str, Image.Image]
) -> Match | None:
    """The source that the picture in ``box`` shows, and how far it is from it."""
    region = shot.crop(box)
    width, height = region.size
    aspect = width / height
    candidates = [k for k, s in sources.items() if abs(s.width / s.height / aspect - 1) < 0.1]
    if not candidates:
        return None
    tiny = region.resize((24, 24), Image.Resampling.BOX)
    ranked = sorted(
        candidates,
        key=lambda k: sum(mad(tiny, sources[k].resize((24, 24), Image.Resampling.BOX))),
    )
    best, best_mad, best_src = "", (999.0, 999.0, 999.0), region
    for key in ranked[:3]:
        src = sources[key].resize((width, height), Image.Resampling.LANCZOS)
        m = mad(region, src)
        if sum(m) < sum(best_mad):
            best, best_mad, best_src = key, m, src
    if sum(best_mad) / 3 > 60:
        return None  # not a demo picture (or cut by the screen edge)
    return Match(box, best, best_mad, defect_rows(region, best_src), height)


def measure(path: Path, sources: dict[str, Image.Image]) -> list[Match]:
    """All matched pictures in one screenshot."""
    shot = Image.open(path).convert("RGB")
    out = []
    for box in find_pictures(shot):
        if box[1] <= 2 or box[3] >= shot.height - 2:
            continue  # touches the window edge
        found = match(shot, box, sources)
        if found is not None:
            out.append(found)
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shots", nargs="+", type=Path)
    parser.add_argument("--kind", default="preview", choices=("preview", "sample"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sources = demo_sources(args.kind, 240 if args.kind == "preview" else 60)
    report = {}
    for shot in args.shots:
        matches = measure(shot, sources)
        if not matches:
            print(f"{shot}: no pictures found")
            continue
        total_rows = sum(m.rows for m in matches)
        weights = [m.rows for m in matches]
        avg = [
            sum(m.mad[c] * w for m, w in zip(matches, weights, strict=True)) / total_rows
            for c in range(3)
        ]
        defects = sum(m.defect_rows for m in matches)
        report[str(shot)] = {
            "pictures": [asdict(m) for m in matches],
            "mad": avg,
            "defect_rows": defects,
        }
        if not args.json:
            print(
                f"{shot}: {len(matches)} pictures, mean abs diff per channel (R, G, B) = "
                f"{avg[0]:.2f}, {avg[1]:.2f}, {avg[2]:.2f}; defect rows {defects} of {total_rows}"
            )
            for m in matches:
                print(
                    f"   {m.source:>9} at {m.box}: mad {m.mad[0]:.1f} {m.mad[1]:.1f} {m.mad[2]:.1f}"
                    f", defect rows {m.defect_rows}/{m.rows}"
                )
    if args.json:
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
