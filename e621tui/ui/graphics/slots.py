"""Telling the picture layer where a Line-API widget's pictures are on the screen.

A widget that draws pictures with a layer-based renderer (sixel, kitty-direct) calls
`sync_pictures` from ``render_lines`` (which Textual calls for every composite, cached or
not) with the pictures it shows in its own content coordinates; the layer then draws what is
new, moved or overwritten after the frame, and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.geometry import Offset, Region
from textual.screen import Screen
from textual.widget import Widget

from e621tui.terminal.layer import PictureLayer, Placement
from e621tui.ui.graphics.renderers import Picture, Renderer


def screens_in_view(app: App[Any]) -> list[Screen[Any]]:
    """The screens the user sees: the top one and, under dialogs (modal screens), the ones
    below them down to the first that is not a dialog. (Textual's ``Screen.is_current`` also
    counts the screen under an opaque one.)"""
    shown: list[Screen[Any]] = []
    for screen in reversed(app.screen_stack):
        shown.append(screen)
        if not screen.is_modal:
            break
    return shown


def on_screen(widget: Widget) -> bool:
    """The widget is mounted, displayed, and on a screen the user sees (the top one, or one
    under a dialog: what the dialog covers is damage the layer repairs when it goes)."""
    try:
        return (
            widget.is_mounted
            and widget.display
            and widget.screen in screens_in_view(widget.app)
            and widget.region.area > 0
        )
    except (NoScreen, NoMatches):
        return False


def placements_for(
    renderer: Renderer,
    items: Iterable[tuple[Picture, int, int]],
    viewport: Region,
    origin: Offset,
    screen_rows: int,
) -> list[Placement]:
    """Placements of the visible parts of ``items``.

    Args:
        renderer: Makes the placements.
        items: (picture, x, y) with x, y in the widget's content coordinates.
        viewport: The visible part of the content (scroll offset and size).
        origin: Where the viewport's top-left cell is on the screen.
        screen_rows: Rows of the terminal; nothing is drawn on the last one, since a sixel
            that touches it scrolls the terminal.
    """
    out: list[Placement] = []
    last_row = screen_rows - 1
    for picture, x, y in items:
        if x < viewport.x or x + picture.cols > viewport.right:
            continue  # horizontally clipped: not drawn (grids scroll vertically)
        first = max(y, viewport.y)
        end = min(y + picture.rows, viewport.bottom)
        screen_y = origin.y + first - viewport.y
        end = min(end, first + max(0, last_row - screen_y))
        if end <= first:
            continue
        rows = range(first - y, end - y)
        placement = renderer.placement(picture, origin.x + x - viewport.x, screen_y, rows)
        if placement is not None:
            out.append(placement)
    return out


def sync_pictures(
    widget: Widget,
    layer: PictureLayer | None,
    renderer: Renderer,
    items: Iterable[tuple[Picture, int, int]],
    viewport: Region | None = None,
) -> None:
    """Register the widget's visible pictures with the layer (see the module docstring)."""
    if layer is None:
        return
    region = widget.content_region
    view = viewport or Region(0, 0, region.width, region.height)
    placements = placements_for(
        renderer, items, view, Offset(region.x, region.y), widget.app.size.height
    )
    if placements:
        layer.show(widget, placements, lambda: on_screen(widget))
    else:
        layer.hide(widget)


__all__ = ["on_screen", "placements_for", "screens_in_view", "sync_pictures"]
