"""The terminal probe: query planning, answer parsing, tmux, and real reads on a pty."""

from __future__ import annotations

import os
import sys
import termios
import threading
import time
from collections.abc import Sequence

import pytest

from e621tui.terminal.env import EnvHints
from e621tui.terminal.probe import TmuxInfo, plan_queries, probe, tmux_info, version_tuple
from e621tui.terminal.queries import DA1, KITTY_QUERY, parse_answers, printable, tmux_wrap

# What real terminals answered to the probe's batch (recorded under Xvfb with xshot.py).
KITTY_0_26_ANSWER = (
    "\x1b_Gi=31;OK\x1b\\\x1bP>|kitty(0.26.5)\x1b\\\x1b[6;17;8t\x1b[4;408;640t\x1b[?62;c"
)
XTERM_SIXEL_ANSWER = "\x1bP>|XTerm(379)\x1b\\\x1b[?1;0;256S\x1b[?63;1;2;4;6;9;15;16;22;28c"
XTERM_PLAIN_ANSWER = "\x1bP>|XTerm(379)\x1b\\\x1b[?1;3S\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c"
TMUX_PASSTHROUGH_ANSWER = "\x1b[?1;2c" + KITTY_0_26_ANSWER.replace("\x1b[4;408;640t", "")


def test_parse_kitty_0_26() -> None:
    a = parse_answers(KITTY_0_26_ANSWER)
    assert a.kitty == "OK"
    assert a.xtversion == "kitty(0.26.5)"
    assert a.cell_px == (8, 17) and a.window_px == (640, 408)
    assert a.da1 == [(62,)]
    assert a.other == []


def test_parse_xterm_with_and_without_sixel() -> None:
    sixel = parse_answers(XTERM_SIXEL_ANSWER)
    assert sixel.kitty is None and sixel.xtversion == "XTerm(379)"
    assert sixel.color_registers == 256 and 4 in sixel.da1[0]
    plain = parse_answers(XTERM_PLAIN_ANSWER)
    assert plain.color_registers is None  # status 3: no graphics
    assert 4 not in plain.da1[0]


def test_parse_keeps_junk_and_errors_apart() -> None:
    a = parse_answers("x\x1b_Gi=31;EINVAL:bad\x1b\\\x1b[2Jhello\x1b_Gi=7;OK\x1b\\\x1b[?6")
    assert a.kitty == "EINVAL:bad"
    assert "x" in a.other and "hello" in a.other and "\x1b[2J" in a.other
    assert "\x1b_Gi=7;OK\x1b\\" in a.other  # not our query's id
    assert a.other[-1] == "\x1b[?6"  # unfinished
    assert a.da1 == []


def test_tmux_wrap_doubles_every_escape() -> None:
    wrapped = tmux_wrap(KITTY_QUERY)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b_G") and wrapped.endswith("\x1b\x1b\\\x1b\\")
    inner = wrapped[len("\x1bPtmux;") : -2]
    assert inner.replace("\x1b\x1b", "\x1b") == KITTY_QUERY
    assert "\x1b" not in inner.replace("\x1b\x1b", "")


def test_printable_shows_escapes() -> None:
    assert printable("\x1b[?62;c\x07\\é") == "\\e[?62;c\\x07\\\\\\xe9"


@pytest.mark.parametrize(
    ("tmux", "expected", "wrapped"),
    [
        (None, 1, False),
        (TmuxInfo("3.3a", "1"), 2, True),
        (TmuxInfo("3.3a", "0"), 1, False),
        (TmuxInfo("3.2a", ""), 2, True),  # no such option before 3.3: always passes
        (TmuxInfo(error="no server"), 2, True),  # unknown: try, and wait for the outer DA1
    ],
)
def test_plan_queries(tmux: TmuxInfo | None, expected: int, wrapped: bool) -> None:
    data, count, through = plan_queries(EnvHints(), tmux)
    assert (count, through) == (expected, wrapped)
    assert data.endswith(DA1)
    if wrapped:
        assert data.count("\x1bPtmux;") == 6 and data.endswith("\x1b\\" + DA1)
    elif tmux is not None:
        assert data == DA1  # only tmux answers when passthrough is off
    else:
        assert data.startswith(KITTY_QUERY) and "tmux" not in data


def test_tmux_info_reads_one_display_message() -> None:
    calls: list[Sequence[str]] = []

    def fake(args: Sequence[str]) -> str:
        calls.append(args)
        return "3.3a\t1\txterm-kitty\tkitty(0.26.5)\tbpaste,clipboard,RGB\n"

    info = tmux_info(EnvHints(tmux="/tmp/t,1,0", tmux_pane="%3"), fake)
    assert calls[0][:3] == ["display-message", "-p", "-t"] and calls[0][3] == "%3"
    assert info == TmuxInfo(
        "3.3a", "1", "xterm-kitty", "kitty(0.26.5)", ("bpaste", "clipboard", "RGB")
    )
    assert info.passthrough_on is True and info.version_tuple == (3, 3)


def test_tmux_info_failure_is_reported() -> None:
    def broken(args: Sequence[str]) -> str:
        raise OSError("no server running")

    info = tmux_info(EnvHints(tmux="x", term_program_version="3.4"), broken)
    assert info.error == "no server running" and info.version == "3.4"
    assert info.passthrough_on is None


def test_version_tuple() -> None:
    assert version_tuple("0.26.5") == (0, 26, 5)
    assert version_tuple("3.3a") == (3, 3)
    assert version_tuple("20240203-110809-5046fc22") == (20240203,)
    assert version_tuple("") == ()


# ---- real reads on a pty: the far end answers like a terminal ----------------------------


class _Far:
    """The terminal side of a pty: answers once the query arrives, after ``delay``."""

    def __init__(self, master: int, answer: str, delay: float = 0.0) -> None:
        self.master = master
        self.answer = answer.encode()
        self.delay = delay
        self.got = b""
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while b"\x1b[c" not in self.got:
            try:
                self.got += os.read(self.master, 4096)
            except OSError:
                return
        time.sleep(self.delay)
        if self.answer:
            os.write(self.master, self.answer)


@pytest.fixture
def pty_pair():  # type: ignore[no-untyped-def]
    master, slave = os.openpty()
    yield master, slave
    for fd in (master, slave):
        try:
            os.close(fd)
        except OSError:
            continue


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


def test_probe_reads_one_batch_and_restores_the_mode(pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    before = termios.tcgetattr(slave)
    far = _Far(master, XTERM_SIXEL_ANSWER)
    result = probe(EnvHints(term="xterm"), fd=slave, timeout=2.0)
    far.thread.join(2)
    assert result.complete and result.elapsed < 1.0
    assert far.got.count(b"\x1b[c") == 1  # one write with DA1 last
    assert far.got.endswith(b"\x1b[c") and far.got.startswith(b"\x1b_G")
    assert result.answers.color_registers == 256 and result.terminal_da1 is not None
    assert termios.tcgetattr(slave) == before


def test_probe_gives_up_after_the_timeout(pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    _Far(master, "")  # a terminal that never answers
    start = time.monotonic()
    result = probe(EnvHints(term="dumb"), fd=slave, timeout=0.3)
    assert not result.complete and result.outstanding_da1 == 1
    assert time.monotonic() - start < 1.0  # no grace without a single byte
    assert result.answers.da1 == []


def test_probe_keeps_the_terminal_quiet_until_released(pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    before = termios.tcgetattr(slave)
    _Far(master, KITTY_0_26_ANSWER)
    result = probe(EnvHints(term="xterm-kitty"), fd=slave, timeout=2.0, hold=True)
    held = termios.tcgetattr(slave)
    assert not held[3] & termios.ECHO  # late answers cannot be echoed meanwhile
    result.release()
    assert termios.tcgetattr(slave) == before


def test_probe_in_tmux_waits_for_the_outer_terminal(pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    far = _Far(master, TMUX_PASSTHROUGH_ANSWER)

    def fake_tmux(args: Sequence[str]) -> str:
        return "3.3a\t1\txterm-kitty\tkitty(0.26.5)\t\n"

    env = EnvHints(term="tmux-256color", term_program="tmux", tmux="/tmp/s,1,0")
    result = probe(env, fd=slave, timeout=2.0, tmux_runner=fake_tmux)
    far.thread.join(2)
    assert far.got.count(b"\x1bPtmux;") == 6
    assert result.via_passthrough and result.complete and result.expected_da1 == 2
    assert result.tmux_da1 == (1, 2) and result.terminal_da1 == (62,)
    assert result.answers.kitty == "OK" and result.answers.xtversion == "kitty(0.26.5)"
