"""Pictures: encode time and bytes written to the terminal, per graphics mode.

    python bench/graphics.py [--modes sixel,kitty,kitty-direct,halfcell] [--size 160x50]

1. In process: prepare a page of 60 demo thumbnails (20×8-cell boxes, 8×17 px cells) and one
   post picture per mode; time it and count the bytes each picture costs the terminal.
2. The real program: scripts/picture_demo.py on a pty of the given size, per mode: bytes
   written until the first page has settled, per page turn (``n``), for a repaint that
   changes no picture (cursor moves), and for a toast over the pictures.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODES = ("sixel", "kitty", "kitty-direct", "halfcell")


def encode_figures(modes: list[str]) -> None:
    """Encode times and picture bytes, in process."""
    from rich.color import ColorSystem

    from e621tui.core.images.decode import decode_image
    from e621tui.terminal.decide import Decision, Mode
    from e621tui.ui.graphics.renderers import make_layer, make_renderer

    sys.path.insert(0, str(ROOT / "scripts"))
    import picture_demo

    posts = picture_demo._posts()[:60]
    thumbs = [decode_image(p[1], (256, 256)) for p in posts]
    sample = decode_image(next(p[2] for p in posts if p[2]), (640, 680))
    print("1. encoding (in process, 8×17 px cells)")
    print(
        f"{'mode':<13} {'60 thumbs':>10} {'per thumb':>10} {'bytes/thumb':>12} {'60 thumbs':>11}"
        f" {'post 70×40':>11} {'post bytes':>11}"
    )
    for name in modes:
        decision = Decision(mode=Mode(name), explicit=True, cell_px=(8, 17))
        layer = make_layer(decision)
        renderer = make_renderer(decision, layer)
        start = time.perf_counter()
        pictures = [
            renderer.prepare(("t", i), im, (20, 8), (18, 18, 18)) for i, im in enumerate(thumbs)
        ]
        thumbs_s = time.perf_counter() - start
        start = time.perf_counter()
        post = renderer.prepare("post", sample, (70, 40), (18, 18, 18))
        post_s = time.perf_counter() - start
        sizes = [_picture_bytes(renderer, p, ColorSystem.TRUECOLOR) for p in pictures]
        post_bytes = _picture_bytes(renderer, post, ColorSystem.TRUECOLOR)
        print(
            f"{name:<13} {thumbs_s * 1000:>8.0f}ms {thumbs_s / 60 * 1000:>8.1f}ms"
            f" {statistics.mean(sizes):>12,.0f} {sum(sizes):>11,} {post_s * 1000:>9.0f}ms"
            f" {post_bytes:>11,}"
        )


def _picture_bytes(renderer, picture, color_system) -> int:  # type: ignore[no-untyped-def]
    """Bytes of the picture's cells plus what it sends (transmission / sixel) once."""
    cells = 0
    for y in range(picture.rows):
        for segment in renderer.row(picture, y):
            style = segment.style
            text = style.render(segment.text, color_system=color_system) if style else segment.text
            cells += len(text.encode())
    extra = len(picture.transmit.encode()) + len(picture.sixel)
    return cells + extra


class Pty:
    """The demo on a pty; this side reads (and counts) everything it writes."""

    def __init__(self, argv: list[str], size: tuple[int, int], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, cols * 8, rows * 17))

        def controlling() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     preexec_fn=controlling)  # fmt: skip
        os.close(slave)
        self.total = 0

    def settle(self, quiet: float = 1.5, limit: float = 30.0) -> int:
        """Bytes written until nothing came for ``quiet`` seconds."""
        got = 0
        last = time.monotonic()
        deadline = last + limit
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:
                    break
                if not chunk:
                    break
                got += len(chunk)
                last = time.monotonic()
        self.total += got
        return got

    def press(self, keys: str) -> int:
        os.write(self.master, keys.encode())
        return self.settle()

    def close(self) -> None:
        try:
            os.write(self.master, b"q")
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(5)
        os.close(self.master)


def program_figures(modes: list[str], size: tuple[int, int]) -> None:
    """Bytes the real program writes, per mode."""
    env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": "/tmp", "LANG": "C.UTF-8",
           "TERM": "xterm-256color", "COLORTERM": "truecolor", "PYTHONPATH": str(ROOT)}  # fmt: skip
    print(f"\n2. the program (scripts/picture_demo.py on a {size[0]}×{size[1]} pty)")
    print(
        f"{'mode':<13} {'first page':>12} {'page turn (median of 3)':>24} {'cursor move':>12}"
        f" {'toast':>9}"
    )
    for name in modes:
        pty = Pty([sys.executable, str(ROOT / "scripts" / "picture_demo.py"), "--graphics", name],
                  size, env)  # fmt: skip
        try:
            first = pty.settle(quiet=2.5)
            turns = [pty.press("n") for _ in range(3)]
            move = pty.press("l")
            toast = pty.press("t")
        finally:
            pty.close()
        print(f"{name:<13} {first:>12,} {statistics.median(turns):>24,.0f} {move:>12,} {toast:>9,}")


def main(argv: list[str] | None = None) -> int:
    """Print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--size", default="160x50")
    parser.add_argument("--no-program", action="store_true", help="only the in-process figures")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    encode_figures(modes)
    if not args.no_program:
        cols, rows = (int(v) for v in args.size.split("x"))
        program_figures(modes, (cols, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
