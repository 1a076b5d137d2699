"""The status line's graphics part: the mode in use, and why it is only half-cell."""

from __future__ import annotations

from e621tui.terminal.decide import Decision, Mode, Verdict
from e621tui.ui.status import graphics_part


def _decision(mode: Mode, reason: str = "", *, in_tmux: bool = False) -> Decision:
    verdicts = (Verdict(Mode.KITTY, mode == Mode.KITTY, reason),)
    return Decision(mode=mode, explicit=False, verdicts=verdicts, in_tmux=in_tmux)


def test_the_mode_in_use_is_named() -> None:
    assert graphics_part(_decision(Mode.SIXEL), "sixel").text == "▣ sixel"
    assert graphics_part(_decision(Mode.KITTY), "kitty").text == "▣ kitty"
    assert graphics_part(_decision(Mode.KITTY_DIRECT), "kitty-direct").text == "▣ kitty direct"
    # Switched to from the palette: what is drawn now, no reason.
    assert graphics_part(_decision(Mode.SIXEL), "halfcell").text == "▣ half-cell"
    assert graphics_part(_decision(Mode.SIXEL), "none").text == "▣ no pictures"


def test_half_cell_in_tmux_says_why() -> None:
    off = "tmux allow-passthrough is off: kitty graphics cannot pass"
    part = graphics_part(_decision(Mode.HALFCELL, off, in_tmux=True), "halfcell")
    assert part.text == "▣ half-cell: tmux passthrough off"
    other = graphics_part(_decision(Mode.HALFCELL, "no answer", in_tmux=True), "halfcell")
    assert other.text == "▣ half-cell: tmux"
    forced = Decision(mode=Mode.HALFCELL, explicit=True, in_tmux=True)
    assert graphics_part(forced, "halfcell").text == "▣ half-cell"
