"""The Textual side of pictures: renderers, a picture widget, the driver with the picture layer.

Imported lazily so that ``e621tui.cli`` can import this package before Textual is loaded (the
terminal probe must run before Textual starts, and the colour system is chosen then).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from e621tui.ui.graphics.legacy import prepare_graphics

if TYPE_CHECKING:
    from e621tui.ui.graphics.driver import graphics_driver
    from e621tui.ui.graphics.renderers import (
        Picture,
        PictureCache,
        Renderer,
        make_layer,
        make_renderer,
    )
    from e621tui.ui.graphics.setup import Graphics, setup_graphics
    from e621tui.ui.graphics.slots import on_screen, placements_for, sync_pictures
    from e621tui.ui.graphics.view import PictureView

_LAZY = {
    "graphics_driver": "driver",
    "Picture": "renderers",
    "PictureCache": "renderers",
    "Renderer": "renderers",
    "make_layer": "renderers",
    "make_renderer": "renderers",
    "Graphics": "setup",
    "setup_graphics": "setup",
    "on_screen": "slots",
    "placements_for": "slots",
    "sync_pictures": "slots",
    "PictureView": "view",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"e621tui.ui.graphics.{module}"), name)


__all__ = [
    "Graphics",
    "Picture",
    "PictureCache",
    "PictureView",
    "Renderer",
    "graphics_driver",
    "make_layer",
    "make_renderer",
    "on_screen",
    "placements_for",
    "prepare_graphics",
    "setup_graphics",
    "sync_pictures",
]
