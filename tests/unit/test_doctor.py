"""``--doctor``: the report for typical terminals, and the real command on a pty."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from e621tui.terminal.decide import decide
from e621tui.terminal.doctor import picture_bytes, report, sample_picture
from e621tui.terminal.env import EnvHints
from e621tui.terminal.probe import TmuxInfo
from e621tui.terminal.sixel_decode import decode
from tests.fake_terminal import KITTY_0_26, XTERM_PLAIN, XTERM_SIXEL, FakeTerminal

from .test_terminal_decide import TMUX_DA1, result, tmux_env
from .test_terminal_probe import KITTY_0_26_ANSWER, XTERM_PLAIN_ANSWER, XTERM_SIXEL_ANSWER

ROOT = Path(__file__).resolve().parents[2]


def lines_of(answer: str, **kw: object) -> list[str]:
    r = result(answer, **kw)  # type: ignore[arg-type]
    return report(decide(r), r)


def verdict(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.strip().startswith(label))


def test_report_xterm_sixel() -> None:
    lines = lines_of(XTERM_SIXEL_ANSWER)
    assert "yes  xterm lists sixel in DA1 (4)" in verdict(lines, "sixel")
    assert "no   no answer to the kitty graphics query" in verdict(lines, "kitty placeholders")
    assert "Mode: sixel (auto)" in lines
    assert any("cell size: 8×17 px (TIOCGWINSZ)" in line for line in lines)
    assert any("\\e[?63;1;2;4;6;9;15;16;22;28c" in line for line in lines)  # answers, escaped


def test_report_plain_xterm() -> None:
    lines = lines_of(XTERM_PLAIN_ANSWER)
    assert "no   DA1 does not list sixel (4)" in verdict(lines, "sixel")
    assert "Mode: halfcell (auto)" in lines
    assert any("-ti vt340" in line for line in lines)


def test_report_tmux_without_passthrough() -> None:
    tmux = TmuxInfo("3.3a", "0", "xterm-kitty", "kitty(0.26.5)")
    lines = lines_of(TMUX_DA1, env=tmux_env(), tmux=tmux)
    tmux_line = "tmux 3.3a (allow-passthrough off; outside: kitty(0.26.5))"
    assert any(tmux_line in line for line in lines)
    assert "allow-passthrough is off" in verdict(lines, "kitty placeholders")
    assert "tmux 3.3a does not carry sixel" in verdict(lines, "sixel")
    assert "Mode: halfcell (auto)" in lines
    assert any("set -g allow-passthrough on" in line for line in lines)


def test_report_over_ssh() -> None:
    env = EnvHints(term="xterm-kitty", ssh=True)
    lines = lines_of(KITTY_0_26_ANSWER, env=env)
    assert "  over SSH: yes" in lines
    assert "SSH_*=set" in lines[3]
    assert "Mode: kitty-direct (auto)" in lines


def test_test_picture_in_sixel_decodes_cleanly() -> None:
    r = result(XTERM_SIXEL_ANSWER)
    data = picture_bytes(decide(r), sample_picture(), (30, 8))
    start = data.index("\x1bP")
    decoded = decode(data[start : data.index("\x1b\\", start) + 2].encode())
    assert decoded.unpainted_rows() == []
    assert data.startswith("\x1b7") and data.endswith("\r\n" * 8)


# ---- the real command on a pty ------------------------------------------------------


def _doctor(answers: dict[bytes, bytes], extra_env: dict[str, str]) -> tuple[int, str]:
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": "/nonexistent",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "E621_TUI_CONFIG": os.devnull,
        **extra_env,
    }
    term = FakeTerminal(answers, size=(100, 40, 804, 684))
    term.spawn([sys.executable, "-m", "e621tui", "--doctor"], env)
    status = term.wait(30)
    return status, term.text().replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
@pytest.mark.parametrize(
    ("answers", "env", "mode", "expected"),
    [
        (XTERM_SIXEL, {}, "sixel", ["sixel               yes", "over SSH: no"]),
        (XTERM_PLAIN, {}, "halfcell", ["DA1 does not list sixel (4)"]),
        (
            KITTY_0_26,
            {"TERM": "xterm-kitty", "SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"},
            "kitty-direct",
            ["over SSH: yes", "kitty 0.26.5 draws Unicode placeholders only from 0.28 on"],
        ),
    ],
)
def test_doctor_command(
    answers: dict[bytes, bytes], env: dict[str, str], mode: str, expected: list[str]
) -> None:
    status, out = _doctor(answers, env)
    assert status == 0, out[-1500:]
    assert f"Mode: {mode} (auto)" in out
    for text in expected:
        assert text in out
    assert "Test picture" in out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_doctor_with_explicit_mode_does_not_probe() -> None:
    status, out = _doctor(XTERM_SIXEL, {"E621_TUI_GRAPHICS": "halfcell"})
    assert status == 0
    assert "Mode: halfcell (chosen explicitly)" in out
    assert "not sent: --graphics halfcell" in out
