"""Opening a link in a web browser without wrecking the terminal the app is drawn in."""

from __future__ import annotations

import os
import sys
import webbrowser


def has_graphical_browser() -> bool:
    """True where a browser can open in its own window (not inside this terminal).

    Over SSH or on a console there is no display; Python's `webbrowser` would then start a text
    browser (w3m, lynx) in the same terminal, on top of the running app.
    """
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_in_browser(url: str) -> bool:
    """Open ``url`` in a graphical browser; False when there is none (the caller copies it)."""
    if not url.startswith(("https://", "http://")) or not has_graphical_browser():
        return False
    return webbrowser.open(url, new=2)


__all__ = ["has_graphical_browser", "open_in_browser"]
