"""From probe answers to a verdict per protocol and the mode to draw pictures with.

Best first: kitty Unicode placeholders (kitty ≥ 0.28, Ghostty; also through tmux with
passthrough) > sixel (the terminal, or tmux that carries it) > kitty direct placements (any
kitty-protocol terminal, outside multiplexers) > half-cell blocks (works everywhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from e621tui.terminal.env import EnvHints
from e621tui.terminal.probe import ProbeResult, version_tuple

#: Used when the terminal does not say (a common monospace cell at 10 pt).
DEFAULT_CELL_PX = (10, 20)
DEFAULT_COLOR_REGISTERS = 256
PLACEHOLDER_KITTY = (0, 28)


class Mode(StrEnum):
    """How pictures are drawn."""

    KITTY = "kitty"
    """kitty graphics with Unicode placeholders (text cells; works through tmux)."""
    KITTY_DIRECT = "kitty-direct"
    """kitty graphics placed at cell positions (kitty < 0.28, WezTerm…; not in tmux)."""
    SIXEL = "sixel"
    HALFCELL = "halfcell"
    NONE = "none"


#: Modes a user may ask for (``--graphics``, config ``graphics``, ``E621_TUI_GRAPHICS``).
EXPLICIT_MODES = ("auto", *(m.value for m in Mode))


@dataclass(frozen=True)
class Verdict:
    """Whether a protocol can be used here, and why."""

    mode: Mode
    usable: bool
    reason: str


@dataclass(frozen=True)
class TerminalId:
    """The terminal that draws: name (lower case), version and where that came from."""

    name: str
    version: tuple[int, ...] = ()
    raw: str = ""
    source: str = ""

    def label(self) -> str:
        """``kitty 0.26.5 (XTVERSION)``."""
        ver = ".".join(str(v) for v in self.version)
        text = f"{self.name} {ver}".strip() if self.name else "unknown terminal"
        return f"{text} ({self.source})" if self.source else text


@dataclass(frozen=True)
class Decision:
    """The mode to use, with the verdicts and advice behind it."""

    mode: Mode
    explicit: bool
    verdicts: tuple[Verdict, ...] = ()
    advice: tuple[str, ...] = ()
    terminal: TerminalId = field(default_factory=lambda: TerminalId(""))
    multiplexer: str = ""
    cell_px: tuple[int, int] = DEFAULT_CELL_PX
    cell_px_source: str = "default"
    color_registers: int = DEFAULT_COLOR_REGISTERS
    in_tmux: bool = False
    over_ssh: bool = False

    def verdict(self, mode: Mode) -> Verdict | None:
        """The verdict for ``mode`` (None for an explicit choice)."""
        return next((v for v in self.verdicts if v.mode == mode), None)


_XTVERSION_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_+-]*)[\s(]*v?([0-9][0-9A-Za-z.+-]*)?")
_NAMES = {"xterm": "xterm", "wezterm": "wezterm", "iterm2": "iterm2", "konsole": "konsole"}


def identify(xtversion: str | None, env: EnvHints, tmux_termtype: str = "") -> TerminalId:
    """Name and version of the drawing terminal: XTVERSION, else tmux's idea, else env."""
    for text, source in ((xtversion, "XTVERSION"), (tmux_termtype, "tmux client_termtype")):
        if text and (m := _XTVERSION_RE.match(text)):
            name = m.group(1).lower()
            return TerminalId(_NAMES.get(name, name), version_tuple(m.group(2) or ""), text, source)
    guess = env.guess
    if guess and guess != "tmux":
        version = version_tuple(env.term_program_version) if env.term_program else ()
        return TerminalId(guess, version, "", "environment")
    return TerminalId("")


def _cell_size(result: ProbeResult) -> tuple[tuple[int, int], str]:
    answers = result.answers
    if answers.cell_px:
        return answers.cell_px, "CSI 16 t"
    cols, rows, xpx, ypx = result.winsize
    if answers.window_px and cols and rows and result.tmux is None:
        w, h = answers.window_px
        if w // cols and h // rows:
            return (w // cols, h // rows), "CSI 14 t"
    if xpx and ypx and cols and rows and xpx // cols and ypx // rows:
        return (xpx // cols, ypx // rows), "TIOCGWINSZ"
    return DEFAULT_CELL_PX, "default"


def _placeholder_verdict(
    result: ProbeResult, term: TerminalId, kitty_ok: bool, passthrough: bool | None
) -> Verdict:
    mode = Mode.KITTY
    tmux = result.tmux
    if tmux is not None and passthrough is False:
        return Verdict(mode, False, "tmux allow-passthrough is off: kitty graphics cannot pass")
    if not kitty_ok:
        return Verdict(mode, False, _kitty_reason(result, term))
    if term.name == "ghostty":
        via = " through tmux passthrough" if tmux else ""
        return Verdict(mode, True, f"Ghostty draws Unicode placeholders{via}")
    if term.name == "kitty":
        if term.version and term.version < PLACEHOLDER_KITTY:
            return Verdict(
                mode, False, f"kitty {_v(term)} draws Unicode placeholders only from 0.28 on"
            )
        via = " through tmux passthrough" if tmux else ""
        return Verdict(mode, True, f"kitty {_v(term)} draws Unicode placeholders{via}".strip())
    name = term.name or "this terminal"
    return Verdict(
        mode, False, f"{name} answers kitty graphics, but not known to draw placeholders"
    )


def _kitty_reason(result: ProbeResult, term: TerminalId) -> str:
    message = result.answers.kitty
    if message is None:
        if result.skipped:
            return "not probed"
        if not result.complete:
            return "no answer to the kitty graphics query (the terminal did not answer in time)"
        return "no answer to the kitty graphics query"
    return f"kitty graphics query refused: {message[:60]}"


def _v(term: TerminalId) -> str:
    return ".".join(str(v) for v in term.version) or "(version unknown)"


def _sixel_verdict(result: ProbeResult, term: TerminalId) -> Verdict:
    mode = Mode.SIXEL
    terminal_da1 = result.terminal_da1
    outer_sixel = terminal_da1 is not None and 4 in terminal_da1
    if result.tmux is not None:
        tmux_da1 = result.tmux_da1
        version = result.tmux.version or "?"
        if tmux_da1 is not None and 4 in tmux_da1:
            return Verdict(mode, True, f"tmux {version} carries sixel (its DA1 lists 4)")
        if tmux_da1 is None:
            return Verdict(mode, False, "tmux did not answer DA1")
        extra = " although the terminal outside does" if outer_sixel else ""
        return Verdict(mode, False, f"tmux {version} does not carry sixel (DA1 has no 4){extra}")
    if terminal_da1 is None:
        reason = "no DA1 answer" if not result.skipped else "not probed"
        return Verdict(mode, False, reason)
    if 4 in terminal_da1:
        name = term.name or "the terminal"
        return Verdict(mode, True, f"{name} lists sixel in DA1 (4)")
    return Verdict(mode, False, "DA1 does not list sixel (4)")


def _direct_verdict(result: ProbeResult, term: TerminalId, kitty_ok: bool) -> Verdict:
    mode = Mode.KITTY_DIRECT
    if result.tmux is not None:
        return Verdict(mode, False, "placements need the real cursor position; tmux moves it")
    if result.env.screen or result.env.zellij:
        return Verdict(mode, False, "not through a multiplexer")
    if not kitty_ok:
        return Verdict(mode, False, _kitty_reason(result, term))
    return Verdict(mode, True, "the terminal answers the kitty graphics query")


def decide(result: ProbeResult) -> Decision:
    """The verdicts and the best usable mode for a probe result."""
    env = result.env
    tmux = result.tmux
    term = identify(result.answers.xtversion, env, tmux.client_termtype if tmux else "")
    kitty_ok = result.answers.kitty == "OK"
    passthrough = tmux.passthrough_on if tmux else None
    if tmux is not None and result.via_passthrough and passthrough is None:
        # tmux could not be asked: an outer answer is the proof that passthrough works.
        passthrough = bool(result.answers.kitty or result.answers.xtversion)
    verdicts = (
        _placeholder_verdict(result, term, kitty_ok, passthrough),
        _sixel_verdict(result, term),
        _direct_verdict(result, term, kitty_ok),
        Verdict(Mode.HALFCELL, True, "coloured half blocks work in any colour terminal"),
    )
    mode = next(v.mode for v in verdicts if v.usable)
    cell, cell_source = _cell_size(result)
    return Decision(
        mode=mode,
        explicit=False,
        verdicts=verdicts,
        advice=tuple(_advice(result, term, mode, passthrough)),
        terminal=term,
        multiplexer=f"tmux {tmux.version}".strip() if tmux else ("screen" if env.screen else ""),
        cell_px=cell,
        cell_px_source=cell_source,
        color_registers=result.answers.color_registers or DEFAULT_COLOR_REGISTERS,
        in_tmux=tmux is not None,
        over_ssh=env.ssh,
    )


def _advice(
    result: ProbeResult, term: TerminalId, mode: Mode, passthrough: bool | None
) -> list[str]:
    tips: list[str] = []
    tmux = result.tmux
    outer = term.name
    if tmux is not None and passthrough is False:
        tips.append(
            "tmux: `set -g allow-passthrough on` (in ~/.tmux.conf) lets kitty graphics through;"
            " then restart e621-tui"
        )
    if outer == "kitty" and term.version and term.version < PLACEHOLDER_KITTY:
        tips.append("kitty 0.28 or newer draws pictures as Unicode placeholders, also in tmux")
    if tmux is not None and mode not in (Mode.KITTY, Mode.SIXEL):
        terminal_da1 = result.terminal_da1
        if terminal_da1 is not None and 4 in terminal_da1:
            tips.append("tmux 3.4 or newer built with sixel support can carry sixel pictures")
    if tmux is None and outer == "xterm" and mode == Mode.HALFCELL:
        tips.append(
            "xterm draws sixel when started as `xterm -ti vt340` (256 colour registers:"
            " XTerm*numColorRegisters: 256)"
        )
    if mode == Mode.HALFCELL and not result.env.colorterm and "256" not in result.env.term:
        tips.append("COLORTERM=truecolor (if the terminal has it) makes half-cell pictures finer")
    if result.env.screen:
        tips.append("GNU screen hides the terminal: run e621-tui outside screen, or in tmux")
    return tips


def explicit(mode: str, result: ProbeResult | None = None) -> Decision:
    """A decision for a mode the user chose (no probe, or a probe only for its cell size)."""
    chosen = Mode(mode)
    if result is None:
        return Decision(mode=chosen, explicit=True)
    cell, source = _cell_size(result)
    return Decision(
        mode=chosen,
        explicit=True,
        cell_px=cell,
        cell_px_source=source,
        in_tmux=result.env.in_tmux,
        over_ssh=result.env.ssh,
    )


__all__ = [
    "DEFAULT_CELL_PX",
    "EXPLICIT_MODES",
    "Decision",
    "Mode",
    "TerminalId",
    "Verdict",
    "decide",
    "explicit",
    "identify",
]
