"""The key footer: Textual's `Footer`, rebuilt only when what it shows has changed.

Textual's footer recomposes (removes and mounts a widget per key) on every
``bindings_updated`` signal — focus moves, screen stack changes, `refresh_bindings` — even
when the keys it shows stay the same. At start-up that was 17 rebuilds costing ~200 ms of
the event loop while the first page's thumbnails waited. `KeyFooter` coalesces the signals of
one frame into one check and rebuilds only if the shown keys, their descriptions or their
enabled state differ from what is on screen.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A `Footer` that skips rebuilds that would draw the same keys (module docstring)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: Hashable | None = None
        self._check_pending = False

    def shown(self) -> Hashable:
        """What the footer would draw now: keys, descriptions, enabled state, tooltips."""
        keys = tuple(
            (key, b.action, b.description, b.key_display, b.group, enabled, tooltip)
            for key, (_node, b, enabled, tooltip) in self.screen.active_bindings.items()
            if b.show or key == self.app.COMMAND_PALETTE_BINDING
        )
        return (keys, self.compact, self.show_command_palette)

    def compose(self) -> ComposeResult:
        """Textual's keys, remembering what they show."""
        if self._bindings_ready:
            self._shown = self.shown()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        """One check per frame, however many signals came."""
        self._bindings_ready = True
        if not screen.app.app_focus or screen is not self.screen or not self.is_attached:
            return
        if not self._check_pending:
            self._check_pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._check_pending = False
        if not self.is_attached or self._pruning or self.screen.is_attached is False:
            return  # going away: nothing to draw
        try:
            shown = self.shown()
        except NoMatches:
            # The screen is mounting or unmounting its widgets (an action's check looked for
            # one): it signals again when it is whole.
            return
        if shown != self._shown:
            await self.recompose()


__all__ = ["KeyFooter"]
