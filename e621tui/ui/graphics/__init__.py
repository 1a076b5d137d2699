"""The Textual side of pictures: renderers, a picture widget, the driver with the picture layer.

Wiring (see scripts/picture_demo.py for all of it working):

    graphics = setup_graphics(requested_mode(args.graphics, settings.graphics))  # probe first
    app = E621App(..., driver_class=graphics.driver_class)
    try:
        app.run()
    finally:
        graphics.release()

Widgets get ``graphics.renderer`` and ``graphics.layer`` as values. A widget prepares a
picture off the event loop (``renderer.prepare(key, image, (cols, rows), background)``),
keeps it in a `PictureCache` (evicted pictures are deleted in the terminal), returns
``renderer.row(picture, y)`` from ``render_line``, and calls `sync_pictures` from
``render_lines`` with the pictures it shows (sixel and kitty-direct are drawn by the layer).

The app hands each widget a `PictureKit` (renderer, layer and a shared `PictureCache` for one
mode) from ``Graphics.kit(mode)``; ``forced_graphics(mode)`` builds a `Graphics` without asking
the terminal (tests).

Imported lazily so that ``e621tui.cli`` can import this package before Textual is loaded (the
terminal probe must run before Textual starts, and the colour system is chosen then).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from e621tui.ui.graphics.driver import graphics_driver
    from e621tui.ui.graphics.renderers import (
        Picture,
        PictureCache,
        Renderer,
        make_layer,
        make_renderer,
    )
    from e621tui.ui.graphics.setup import Graphics, PictureKit, forced_graphics, setup_graphics
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
    "PictureKit": "setup",
    "forced_graphics": "setup",
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
    "PictureKit",
    "PictureView",
    "Renderer",
    "forced_graphics",
    "graphics_driver",
    "make_layer",
    "make_renderer",
    "on_screen",
    "placements_for",
    "setup_graphics",
    "sync_pictures",
]
