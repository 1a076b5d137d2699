"""Where the app's Textual stylesheets (``.tcss``) are.

They live in the top-level ``styles/`` folder of the source tree. A wheel carries them inside
the package (``e621tui/styles``, put there by the build); an editable install or a source
checkout reads them from the tree.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def styles_dir() -> Path:
    """The folder holding the ``.tcss`` files (inside the installed package, else the tree)."""
    for candidate in (_PACKAGE / "styles", _PACKAGE.parent / "styles"):
        if (candidate / "app.tcss").is_file():
            return candidate
    raise FileNotFoundError(f"the app's stylesheets are missing (looked beside {_PACKAGE})")


def stylesheet(name: str) -> Path:
    """The path of one stylesheet, e.g. ``stylesheet("app.tcss")``."""
    return styles_dir() / name


__all__ = ["styles_dir", "stylesheet"]
