"""The real app's pictures at the protocol level, with a fake kitty as the terminal.

``e621-tui --demo`` runs with the fake terminal outside tmux, and inside a real tmux (passthrough
on and off) whose client is attached to the fake terminal. Everything the terminal receives is
parsed: kitty graphics commands (transmissions, placements, deletions), placeholder cells and
their id colours, tmux passthrough wrapping, and the status line's graphics part.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_terminal import KITTY_0_26, KITTY_0_35, FakeTerminal

from .harness import require_tmux
from .test_pictures_tmux import TmuxWithKitty, graphics_commands

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = "\U0010eeee"
#: A placeholder cell with its foreground colour: ESC[...38;5;N...m then U+10EEEE.
CELL_COLOUR = re.compile(r"\x1b\[[0-9;]*38;5;(\d+)[0-9;]*m" + PLACEHOLDER)
WRAPPED_APC = "\x1bPtmux;\x1b\x1b_G"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


def app_env(tmp: Path, term: str) -> dict[str, str]:
    home = tmp / "home"
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "E621_TUI_CONFIG": os.devnull,
        "PYTHONPATH": str(ROOT),
        "TERM": term,
        "LANG": "C.UTF-8",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }


def wait_for(cond, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("never happened")
        time.sleep(0.2)


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[FakeTerminal]:
    """A fake kitty 0.35 running the app directly (no multiplexer)."""
    term = FakeTerminal(KITTY_0_35, size=(120, 40, 960, 680))
    term.spawn([sys.executable, "-m", "e621tui", "--demo"], app_env(tmp_path, "xterm-kitty"))
    yield term
    term.close()


def transmissions(text: str) -> list[dict[str, str]]:
    return [c for c in graphics_commands(text) if c.get("a") in ("T", "t")]


def test_outside_tmux_kitty_placeholders_transmit_once_and_delete_evicted(
    outside: FakeTerminal,
) -> None:
    term = outside
    wait_for(lambda: "▣ kitty" in term.text() and len(transmissions(term.text())) >= 12)
    time.sleep(2)  # the next page's pictures are prepared (not sent before they show)
    for _ in range(5):  # five page turns: 6 pages of 60 pictures overflow the cache (200)
        last_turn = len(term.output)
        term.write(b"n")
        time.sleep(1.5)
    before_back = len(term.output)
    term.write(b"p")  # back a page: its pictures are still in the terminal
    time.sleep(1.5)
    back = term.output[before_back:].decode("utf-8", "replace")
    assert PLACEHOLDER in back and not transmissions(back), "a shown picture was sent again"
    term.write(b"q")
    term.wait(15)
    text = term.text()
    sent = transmissions(text)
    ids = [c["i"] for c in sent]
    assert all(c.get("a") == "T" and c.get("U") == "1" and c.get("q") == "2" for c in sent)
    assert len(ids) == len(set(ids)), "an image was transmitted twice"
    assert WRAPPED_APC not in text  # no tmux: nothing wrapped
    # Every transmitted image's cells carry its id (the low byte as a 256-colour index) —
    # except the next page's, sent ahead after the last turn and never shown: at most a page.
    colours = {int(n) for n in CELL_COLOUR.findall(text)}
    unseen = {i for i in ids if int(i) & 0xFF not in colours}
    ahead = {c["i"] for c in transmissions(term.output[last_turn:].decode("utf-8", "replace"))}
    assert unseen <= ahead and len(unseen) <= 60, "a shown picture's cells lack its id"
    assert not re.search(r"38;2;[0-9;]*m" + PLACEHOLDER, text), "an id colour went truecolor"
    # Pictures leaving the cache are deleted in the terminal (a=d, d=I), and only those sent.
    deleted = [c["i"] for c in graphics_commands(text) if c.get("a") == "d" and c.get("d") == "I"]
    assert deleted and set(deleted) <= set(ids)


def test_outside_tmux_old_kitty_gets_direct_placements(tmp_path: Path) -> None:
    term = FakeTerminal(KITTY_0_26, size=(120, 40, 960, 680))
    term.spawn([sys.executable, "-m", "e621tui", "--demo"], app_env(tmp_path, "xterm-kitty"))
    try:
        wait_for(lambda: "▣ kitty direct" in term.text())
        wait_for(
            lambda: len([c for c in graphics_commands(term.text()) if c.get("a") == "p"]) >= 10
        )
        term.write(b"q")
        term.wait(15)
        text = term.text()
    finally:
        term.close()
    assert PLACEHOLDER not in text  # kitty 0.26 cannot draw placeholders
    commands = graphics_commands(text)
    stored = [c["i"] for c in commands if c.get("a") == "t"]
    placed = [c for c in commands if c.get("a") == "p"]
    assert len(stored) == len(set(stored)) and len(stored) >= 10
    assert {c["i"] for c in placed} <= set(stored)
    assert all(c.get("C") == "1" for c in placed)  # the cursor stays where the UI left it


def settle(term: FakeTerminal, quiet: float = 1.0, timeout: float = 20.0) -> None:
    """Wait until the program has written nothing for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    size, since = len(term.output), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if len(term.output) != size:
            size, since = len(term.output), time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def test_in_tmux_with_passthrough_the_app_draws_kitty_placeholders(tmux_kitty) -> None:  # type: ignore[no-untyped-def]
    require_tmux()
    t: TmuxWithKitty = tmux_kitty("on")
    t.start([sys.executable, "-m", "e621tui", "--demo"])
    screen = t.wait_for("▣ kitty")
    assert "half-cell" not in screen
    assert t.term is not None
    settle(t.term)  # the first page's thumbnails are sent and drawn (however loaded the machine)
    t.tmux("send-keys", "-t", "pic", "n")
    settle(t.term)
    t.tmux("send-keys", "-t", "pic", "question")  # a dialog over the pictures
    time.sleep(1)
    t.tmux("send-keys", "-t", "pic", "Escape")
    time.sleep(1)
    t.tmux("send-keys", "-t", "pic", "q")
    t.wait_for("PROGRAM-DONE")
    outer = t.outer()
    sent = [c for c in graphics_commands(outer) if c.get("a") == "T"]
    ids = [c["i"] for c in sent]
    assert len(ids) >= 15 and len(ids) == len(set(ids))  # two pages, each image sent once
    colours = {int(n) for n in re.findall(r"38;5;(\d+)", outer)}
    # The two pages shown (5 x 3 pictures each at 100x40, a few maybe hidden) drew their ids in
    # colour; pictures sent ahead for a page not shown (or for its cut-off last row) did not.
    unseen = {i for i in ids if int(i) & 0xFF not in colours}
    assert len(ids) - len(unseen) > 15, f"only {len(ids) - len(unseen)} pictures drew their id"
    assert len(unseen) <= 60, f"{len(unseen)} pictures were sent and never drawn"
    assert outer.count(PLACEHOLDER) > 15 * 20


def test_in_tmux_without_passthrough_half_cell_and_the_status_says_why(tmux_kitty) -> None:  # type: ignore[no-untyped-def]
    require_tmux()
    t: TmuxWithKitty = tmux_kitty("off")
    t.start([sys.executable, "-m", "e621tui", "--demo"])
    screen = t.wait_for("▣ half-cell: tmux passthrough off")
    time.sleep(3)
    screen = t.screen()
    assert screen.count("▀") > 500  # real half-cell thumbnails
    t.tmux("send-keys", "-t", "pic", "q")
    t.wait_for("PROGRAM-DONE")
    assert not [c for c in graphics_commands(t.outer()) if c.get("a") in ("T", "t")]


@pytest.fixture
def tmux_kitty(tmp_path: Path) -> Iterator[object]:
    require_tmux()
    made: list[TmuxWithKitty] = []

    def make(passthrough: str) -> TmuxWithKitty:
        t = TmuxWithKitty(tmp_path, passthrough)
        made.append(t)
        return t

    yield make
    for t in made:
        t.close()
