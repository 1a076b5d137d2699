"""Legacy: preparing textual-image before the app starts (the app before the pictures issue).

Moved here unchanged from e621tui/ui/graphics.py, which the e621tui.ui.graphics package now
shadows; delete with textual-image once the app draws with e621tui.ui.graphics.

textual-image decides at import which protocol to use by sending queries to the terminal: a
DA1 query for Sixel and a Kitty graphics (APC) query. Some multiplexers show an unanswered APC
query as the pane title (tmux 3.3 does), and a query's answer can be lost among keystrokes. An
explicit mode needs no detection, so we only measure the cell size and skip the probes.
"""

from __future__ import annotations

import os
import sys
from typing import Any


class _QuietStdout:
    """``sys.__stdout__`` as textual-image's detection sees it: not a terminal."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def prepare_graphics(mode: str) -> str:
    """Import textual-image for ``mode`` before the app runs; return the mode to use.

    ``auto`` inside tmux becomes ``halfcell``: Kitty graphics do not pass through tmux, and
    its probe would retitle the pane.
    """
    if mode == "none":
        return mode
    if mode == "auto" and os.environ.get("TMUX"):
        mode = "halfcell"
    if mode == "auto":
        import textual_image.widget

        return mode
    from textual_image._terminal import get_cell_size

    get_cell_size()  # measured once on the real terminal and cached by textual-image
    real = sys.__stdout__
    sys.__stdout__ = _QuietStdout(real)  # type: ignore[misc,assignment]
    try:
        import textual_image.widget  # noqa: F401
    finally:
        sys.__stdout__ = real  # type: ignore[misc]
    return mode


__all__ = ["prepare_graphics"]
