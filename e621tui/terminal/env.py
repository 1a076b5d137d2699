"""What the environment says about the terminal, before anything is asked of it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class EnvHints:
    """Terminal-related environment variables, read once.

    Attributes:
        term: ``TERM``.
        term_program: ``TERM_PROGRAM`` (``tmux`` inside tmux ≥ 3.2, ``WezTerm``, ``ghostty``…).
        term_program_version: ``TERM_PROGRAM_VERSION``.
        colorterm: ``COLORTERM`` (``truecolor`` / ``24bit`` when the terminal says so).
        kitty_window_id: ``KITTY_WINDOW_ID`` (set by kitty for its children).
        wezterm: True when a ``WEZTERM_*`` variable is set.
        ghostty: True when ``GHOSTTY_RESOURCES_DIR`` is set or TERM is ``xterm-ghostty``.
        tmux: ``TMUX`` (socket, server pid, session), empty outside tmux.
        tmux_pane: ``TMUX_PANE``.
        screen: True inside GNU screen (``STY``).
        zellij: True inside zellij (``ZELLIJ``).
        ssh: True when the program runs over SSH (``SSH_CONNECTION``/``SSH_TTY``/``SSH_CLIENT``).
        vte_version: ``VTE_VERSION`` (GNOME Terminal and friends).
        konsole: True inside Konsole (``KONSOLE_VERSION``).
        windows_terminal: True inside Windows Terminal (``WT_SESSION``).
    """

    term: str = ""
    term_program: str = ""
    term_program_version: str = ""
    colorterm: str = ""
    kitty_window_id: str = ""
    wezterm: bool = False
    ghostty: bool = False
    tmux: str = ""
    tmux_pane: str = ""
    screen: bool = False
    zellij: bool = False
    ssh: bool = False
    vte_version: str = ""
    konsole: bool = False
    windows_terminal: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> EnvHints:
        """Read the hints from ``environ`` (default: ``os.environ``)."""
        env = os.environ if environ is None else environ
        term = env.get("TERM", "")
        return cls(
            term=term,
            term_program=env.get("TERM_PROGRAM", ""),
            term_program_version=env.get("TERM_PROGRAM_VERSION", ""),
            colorterm=env.get("COLORTERM", ""),
            kitty_window_id=env.get("KITTY_WINDOW_ID", ""),
            wezterm=any(key.startswith("WEZTERM_") for key in env),
            ghostty=bool(env.get("GHOSTTY_RESOURCES_DIR")) or term == "xterm-ghostty",
            tmux=env.get("TMUX", ""),
            tmux_pane=env.get("TMUX_PANE", ""),
            screen=bool(env.get("STY")),
            zellij=bool(env.get("ZELLIJ")),
            ssh=any(env.get(key) for key in ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT")),
            vte_version=env.get("VTE_VERSION", ""),
            konsole=bool(env.get("KONSOLE_VERSION")),
            windows_terminal=bool(env.get("WT_SESSION")),
        )

    @property
    def in_tmux(self) -> bool:
        """Inside tmux (``TMUX`` set, or TERM/TERM_PROGRAM name it)."""
        return bool(self.tmux) or self.term_program == "tmux"

    @property
    def guess(self) -> str:
        """The terminal the environment names, or ``""`` (a hint, never a verdict)."""
        if self.in_tmux:
            return "tmux"
        if self.kitty_window_id or self.term == "xterm-kitty":
            return "kitty"
        if self.ghostty or self.term_program.lower() == "ghostty":
            return "ghostty"
        if self.wezterm or self.term_program == "WezTerm":
            return "wezterm"
        if self.konsole:
            return "konsole"
        if self.windows_terminal:
            return "windows-terminal"
        if self.term_program:
            return self.term_program.lower()
        if self.vte_version:
            return "vte"
        if self.term.startswith("xterm"):
            return "xterm"
        return ""

    def describe(self) -> list[tuple[str, str]]:
        """The set variables as (name, value) pairs, for ``--doctor``."""
        pairs = [
            ("TERM", self.term),
            ("TERM_PROGRAM", self.term_program),
            ("TERM_PROGRAM_VERSION", self.term_program_version),
            ("COLORTERM", self.colorterm),
            ("KITTY_WINDOW_ID", self.kitty_window_id),
            ("TMUX", self.tmux),
            ("TMUX_PANE", self.tmux_pane),
            ("VTE_VERSION", self.vte_version),
        ]
        flags = [
            ("WEZTERM_*", self.wezterm),
            ("ghostty", self.ghostty),
            ("STY (screen)", self.screen),
            ("ZELLIJ", self.zellij),
            ("SSH_*", self.ssh),
            ("KONSOLE_VERSION", self.konsole),
            ("WT_SESSION", self.windows_terminal),
        ]
        return [(k, v) for k, v in pairs if v] + [(k, "set") for k, on in flags if on]


__all__ = ["EnvHints"]
