"""The decision table: which mode for which terminal, with which reason and advice."""

from __future__ import annotations

import pytest

from e621tui.terminal import requested_mode
from e621tui.terminal.decide import Mode, decide, explicit, identify
from e621tui.terminal.env import EnvHints
from e621tui.terminal.probe import ProbeResult, TmuxInfo
from e621tui.terminal.queries import parse_answers

from .test_terminal_probe import KITTY_0_26_ANSWER, XTERM_PLAIN_ANSWER, XTERM_SIXEL_ANSWER

KITTY_0_35_ANSWER = KITTY_0_26_ANSWER.replace("0.26.5", "0.35.2")
GHOSTTY_ANSWER = "\x1b_Gi=31;OK\x1b\\\x1bP>|ghostty 1.1.3\x1b\\\x1b[6;20;10t\x1b[?62;22c"
_WEZTERM_VERSION = "\x1bP>|WezTerm 20240203-110809-5046fc22\x1b\\"
WEZTERM_ANSWER = "\x1b_Gi=31;OK\x1b\\" + _WEZTERM_VERSION + "\x1b[?1;0;256S\x1b[?65;4;6;18;22c"
TMUX_DA1 = "\x1b[?1;2c"
TMUX_SIXEL_DA1 = "\x1b[?1;2;4c"


def result(
    answer: str,
    *,
    env: EnvHints | None = None,
    tmux: TmuxInfo | None = None,
    winsize: tuple[int, int, int, int] = (80, 24, 640, 408),
    complete: bool = True,
) -> ProbeResult:
    """A probe result as the probe would build it from ``answer``."""
    env = env or EnvHints(term="xterm-256color")
    r = ProbeResult(env, tmux=tmux, received=answer, answers=parse_answers(answer), winsize=winsize)
    r.via_passthrough = tmux is not None and tmux.passthrough_on is not False
    r.expected_da1 = 2 if r.via_passthrough else 1
    r.complete = complete
    if tmux is not None and r.answers.da1:
        r.tmux_da1 = r.answers.da1[0]
    return r


def tmux_env() -> EnvHints:
    return EnvHints(term="tmux-256color", term_program="tmux", tmux="/tmp/t,1,0", tmux_pane="%1")


def test_kitty_0_26_uses_direct_placements() -> None:
    d = decide(result(KITTY_0_26_ANSWER, env=EnvHints(term="xterm-kitty", kitty_window_id="1")))
    assert d.mode == Mode.KITTY_DIRECT
    placeholders = d.verdict(Mode.KITTY)
    assert placeholders is not None and not placeholders.usable
    assert "0.26.5" in placeholders.reason and "0.28" in placeholders.reason
    assert d.cell_px == (8, 17) and d.cell_px_source == "CSI 16 t"
    assert any("0.28" in tip for tip in d.advice)


@pytest.mark.parametrize("answer", [KITTY_0_35_ANSWER, GHOSTTY_ANSWER])
def test_placeholders_for_kitty_0_28_and_ghostty(answer: str) -> None:
    d = decide(result(answer))
    assert d.mode == Mode.KITTY
    verdict = d.verdict(Mode.KITTY)
    assert verdict is not None and verdict.usable and "placeholders" in verdict.reason


def test_wezterm_gets_sixel_not_placeholders() -> None:
    d = decide(result(WEZTERM_ANSWER))
    assert d.mode == Mode.SIXEL and d.terminal.name == "wezterm"
    placeholders = d.verdict(Mode.KITTY)
    assert placeholders is not None and not placeholders.usable


def test_xterm_with_sixel_in_da1() -> None:
    d = decide(result(XTERM_SIXEL_ANSWER))
    assert d.mode == Mode.SIXEL and d.color_registers == 256
    sixel = d.verdict(Mode.SIXEL)
    assert sixel is not None and sixel.usable and "DA1" in sixel.reason
    assert d.terminal.name == "xterm" and d.terminal.version == (379,)
    assert d.cell_px == (8, 17) and d.cell_px_source == "TIOCGWINSZ"


def test_xterm_without_sixel_falls_back_with_advice() -> None:
    d = decide(result(XTERM_PLAIN_ANSWER))
    assert d.mode == Mode.HALFCELL
    sixel = d.verdict(Mode.SIXEL)
    assert sixel is not None and not sixel.usable and "(4)" in sixel.reason
    assert any("vt340" in tip for tip in d.advice)


def test_tmux_with_passthrough_and_kitty_0_35_uses_placeholders() -> None:
    tmux = TmuxInfo("3.3a", "1", "xterm-kitty", "kitty(0.35.2)")
    d = decide(result(TMUX_DA1 + KITTY_0_35_ANSWER, env=tmux_env(), tmux=tmux))
    assert d.mode == Mode.KITTY and d.in_tmux
    verdict = d.verdict(Mode.KITTY)
    assert verdict is not None and "tmux passthrough" in verdict.reason
    direct = d.verdict(Mode.KITTY_DIRECT)
    assert direct is not None and not direct.usable and "tmux" in direct.reason


def test_tmux_with_passthrough_and_kitty_0_26_is_halfcell() -> None:
    tmux = TmuxInfo("3.3a", "1", "xterm-kitty", "kitty(0.26.5)")
    d = decide(result(TMUX_DA1 + KITTY_0_26_ANSWER, env=tmux_env(), tmux=tmux))
    assert d.mode == Mode.HALFCELL
    sixel = d.verdict(Mode.SIXEL)
    assert sixel is not None and "tmux 3.3a does not carry sixel" in sixel.reason


def test_tmux_without_passthrough_says_how_to_turn_it_on() -> None:
    tmux = TmuxInfo("3.3a", "0", "xterm-kitty", "kitty(0.35.2)")
    d = decide(result(TMUX_DA1, env=tmux_env(), tmux=tmux))
    assert d.mode == Mode.HALFCELL
    verdict = d.verdict(Mode.KITTY)
    assert verdict is not None and "allow-passthrough is off" in verdict.reason
    assert any("set -g allow-passthrough on" in tip for tip in d.advice)
    assert d.terminal.name == "kitty"  # known from tmux's client_termtype


def test_tmux_that_carries_sixel() -> None:
    tmux = TmuxInfo("3.4", "0", "xterm-256color", "XTerm(390)", ("sixel",))
    d = decide(result(TMUX_SIXEL_DA1, env=tmux_env(), tmux=tmux))
    assert d.mode == Mode.SIXEL
    sixel = d.verdict(Mode.SIXEL)
    assert sixel is not None and "tmux 3.4 carries sixel" in sixel.reason


def test_tmux_that_cannot_be_asked_tries_passthrough() -> None:
    tmux = TmuxInfo(error="no server running on /tmp/x")
    with_answer = decide(result(TMUX_DA1 + KITTY_0_35_ANSWER, env=tmux_env(), tmux=tmux))
    assert with_answer.mode == Mode.KITTY
    without = decide(result(TMUX_DA1, env=tmux_env(), tmux=tmux, complete=False))
    assert without.mode == Mode.HALFCELL
    assert any("allow-passthrough" in tip for tip in without.advice)


def test_over_ssh_the_same_verdicts() -> None:
    env = EnvHints(term="xterm-256color", ssh=True)
    d = decide(result(XTERM_SIXEL_ANSWER, env=env))
    assert d.mode == Mode.SIXEL and d.over_ssh
    d = decide(result(KITTY_0_35_ANSWER, env=EnvHints(term="xterm-kitty", ssh=True)))
    assert d.mode == Mode.KITTY and d.over_ssh


def test_no_answer_at_all_is_halfcell() -> None:
    d = decide(result("", complete=False))
    assert d.mode == Mode.HALFCELL
    verdict = d.verdict(Mode.KITTY)
    assert verdict is not None and "in time" in verdict.reason
    assert d.cell_px == (8, 17)


def test_explicit_mode_has_no_verdicts() -> None:
    d = explicit("sixel", result(""))
    assert d.explicit and d.mode == Mode.SIXEL and d.verdicts == ()
    assert explicit("halfcell").cell_px == (10, 20)


def test_requested_mode_precedence() -> None:
    env = {"E621_TUI_GRAPHICS": "halfcell"}
    assert requested_mode("sixel", "kitty", env) == "sixel"
    assert requested_mode(None, "kitty", env) == "halfcell"
    assert requested_mode(None, "kitty", {}) == "kitty"
    assert requested_mode(None, None, {"E621_TUI_GRAPHICS": "bogus"}) == "auto"


def test_identify_from_env_when_nothing_answers() -> None:
    assert identify(None, EnvHints(term="xterm-kitty")).name == "kitty"
    assert identify(None, EnvHints(term_program="WezTerm", wezterm=True)).name == "wezterm"
    assert identify("foot(1.16.2)", EnvHints()).version == (1, 16, 2)
