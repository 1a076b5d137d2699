"""Pictures through a real tmux, with a fake kitty 0.35 as the terminal outside it.

tmux runs on a private socket; its client is attached on a pty whose far end answers like
kitty ≥ 0.28 (the graphics query, XTVERSION, cell size, DA1). With ``allow-passthrough on``
the probe inside the pane reaches that terminal, the verdict is kitty placeholders, and the
terminal receives the transmissions (unwrapped by tmux) and the placeholder cells.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_terminal import KITTY_0_35, FakeTerminal

from .harness import TMUX, require_tmux

ROOT = Path(__file__).resolve().parents[2]
APC = re.compile(r"\x1b_G([^;\x1b]*)(?:;[^\x1b]*)?\x1b\\")


class TmuxWithKitty:
    """A tmux server, one session running ``command`` once a client is attached."""

    def __init__(self, tmp: Path, passthrough: str) -> None:
        assert TMUX is not None
        self.tmp = tmp
        self.socket = str(tmp / "t.sock")
        self.flag = tmp / "attached"
        self.passthrough = passthrough
        self.term: FakeTerminal | None = None

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        proc = subprocess.run(
            [TMUX, "-S", self.socket, "-f", os.devnull, *args],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        return proc.stdout

    def start(self, argv: list[str]) -> None:
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": str(self.tmp),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(ROOT),
            "E621_TUI_CONFIG": os.devnull,
        }
        program = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), *argv])
        wait = f"while [ ! -e {shlex.quote(str(self.flag))} ]; do sleep 0.1; done"
        shell = f"{wait}; {program}; echo PROGRAM-DONE; sleep 60"
        assert TMUX is not None
        subprocess.run(
            [TMUX, "-S", self.socket, "-f", os.devnull, "new-session", "-d", "-s", "pic",
             "-x", "100", "-y", "40", shell,
             ";", "set", "-g", "allow-passthrough", self.passthrough],
            env={**os.environ, **env}, check=True, timeout=10,
        )  # fmt: skip
        self.term = FakeTerminal(KITTY_0_35, size=(100, 41, 800, 697))
        client_env = {
            "PATH": env["PATH"],
            "HOME": str(self.tmp),
            "TERM": "xterm-kitty",
            "LANG": "C.UTF-8",
        }
        self.term.spawn(
            [TMUX, "-S", self.socket, "-f", os.devnull, "attach", "-t", "pic"], client_env
        )
        time.sleep(0.8)  # the client settles (tmux asks the terminal its own questions)
        self.flag.touch()

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", "pic", "-S", "-200")

    def wait_for(self, text: str, timeout: float = 25) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed; the pane:\n{self.screen()}")

    def outer(self) -> str:
        assert self.term is not None
        return self.term.text()

    def close(self) -> None:
        self.tmux("kill-server")
        if self.term is not None:
            self.term.close()


@pytest.fixture
def tmux_kitty(tmp_path: Path) -> Iterator[TmuxWithKitty]:
    require_tmux()
    made: list[TmuxWithKitty] = []

    def make(passthrough: str) -> TmuxWithKitty:
        t = TmuxWithKitty(tmp_path, passthrough)
        made.append(t)
        return t

    yield make  # type: ignore[misc]
    for t in made:
        t.close()


def graphics_commands(text: str) -> list[dict[str, str]]:
    return [
        dict(kv.split("=", 1) for kv in m.group(1).split(",") if "=" in kv)
        for m in APC.finditer(text)
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="needs tmux")
def test_doctor_in_tmux_with_passthrough_chooses_placeholders(tmux_kitty) -> None:  # type: ignore[no-untyped-def]
    t = tmux_kitty("on")
    t.start([sys.executable, "-m", "e621tui", "--doctor"])
    screen = t.wait_for("PROGRAM-DONE")
    assert "allow-passthrough on" in screen
    assert "kitty 0.35.2 draws Unicode placeholders through tmux passthrough" in screen
    assert "Mode: kitty (auto)" in screen
    # The terminal outside got the test picture, unwrapped by tmux, and its placeholder cells.
    sent = graphics_commands(t.outer())
    assert any(c.get("a") == "T" and c.get("U") == "1" for c in sent)
    assert "\U0010eeee" in t.outer()


@pytest.mark.skipif(sys.platform == "win32", reason="needs tmux")
def test_doctor_in_tmux_without_passthrough_says_how(tmux_kitty) -> None:  # type: ignore[no-untyped-def]
    t = tmux_kitty("off")
    t.start([sys.executable, "-m", "e621tui", "--doctor"])
    screen = t.wait_for("PROGRAM-DONE")
    assert "allow-passthrough off" in screen
    assert "Mode: halfcell (auto)" in screen
    assert "set -g allow-passthrough on" in screen
    assert not [c for c in graphics_commands(t.outer()) if c.get("a") in ("T", "t")]


@pytest.mark.skipif(sys.platform == "win32", reason="needs tmux")
def test_picture_grid_in_tmux_sends_each_thumbnail_once(tmux_kitty) -> None:  # type: ignore[no-untyped-def]
    t = tmux_kitty("on")
    t.start([sys.executable, str(ROOT / "scripts" / "picture_demo.py")])
    t.wait_for("page 1 · kitty")
    time.sleep(3)  # thumbnails decode and arrive
    t.tmux("send-keys", "-t", "pic", "Down")
    time.sleep(1)
    t.tmux("send-keys", "-t", "pic", "q")
    t.wait_for("PROGRAM-DONE")
    sent = [c for c in graphics_commands(t.outer()) if c.get("a") == "T"]
    ids = [c["i"] for c in sent]
    assert len(ids) >= 15  # the visible thumbnails (5 columns × 3+ rows)
    assert len(ids) == len(set(ids))  # each image transmitted once, also after scrolling
    assert all(c.get("U") == "1" and c.get("q") == "2" for c in sent)
    low = {int(i) & 0xFF for i in ids}
    colours = {int(n) for n in re.findall(r"38;5;(\d+)", t.outer())}
    assert low <= colours  # every image's cells carry its id
    assert t.outer().count("\U0010eeee") > 15 * 20
