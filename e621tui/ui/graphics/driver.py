"""A Textual driver that carries the picture layer and the late-answer filter.

* Output: every frame Textual writes goes through `PictureLayer.frame`, which puts kitty
  transmissions before it and (re)draws sixel pictures and kitty placements after it.
* Input: until the probe's outstanding answers have arrived, `LateAnswerFilter` removes them
  from what the terminal sends, so they never reach Textual's key parser as typed text.

Pass the class to the app: ``App(driver_class=graphics_driver(layer, late))``.
"""

from __future__ import annotations

import selectors
import sys
from codecs import getincrementaldecoder
from typing import Any

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.driver import Driver

from e621tui.terminal.guard import LateAnswerFilter
from e621tui.terminal.layer import PictureLayer


def graphics_driver(
    layer: PictureLayer | None, late: LateAnswerFilter | None = None
) -> type[Driver] | None:
    """A driver class bound to ``layer`` and ``late`` (None: Textual's default is fine)."""
    if sys.platform == "win32" or (layer is None and (late is None or not late.active)):
        return None
    from textual.drivers.linux_driver import LinuxDriver

    class GraphicsDriver(LinuxDriver):
        """Textual's Linux driver with the picture layer and the late-answer filter."""

        picture_layer = layer
        late_answers = late

        def write(self, data: str) -> None:
            """Write a frame, with what the pictures need around it."""
            if self.picture_layer is not None:
                data = self.picture_layer.frame(data)
            super().write(data)

        def run_input_thread(self) -> None:
            """Textual's input loop (8.x), with the late-answer filter before the parser."""
            if self.late_answers is None:
                super().run_input_thread()
                return
            _filtered_input_loop(self, self.late_answers)

    return GraphicsDriver


def _filtered_input_loop(driver: Any, late: LateAnswerFilter) -> None:
    """A copy of `LinuxDriver.run_input_thread` (Textual 8.2) that filters decoded input.

    Textual offers no hook between reading the terminal and parsing keys; keep this in step
    with Textual's loop when upgrading (tests/unit/test_late_answers.py drives it).
    """
    selector = selectors.SelectSelector()
    selector.register(driver.fileno, selectors.EVENT_READ)
    fileno = driver.fileno
    parser = XTermParser(driver._debug)
    feed = parser.feed
    tick = parser.tick
    decode = getincrementaldecoder("utf-8")().decode
    import os

    read = os.read

    def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
        for last, (_key, mask) in loop_last(events):
            if mask & selectors.EVENT_READ:
                raw = read(fileno, 1024 * 4)
                if not raw:
                    break
                # Never feed "": Textual's parser takes an empty string as end of file (a
                # chunk may be all late answers, or half a UTF-8 character).
                text = late.feed(decode(raw, final=final and last))
                if text:
                    for event in feed(text):
                        driver.process_message(event)
        held = late.flush()
        if held:
            for event in feed(held):
                driver.process_message(event)
        for event in tick():
            driver.process_message(event)

    try:
        while not driver.exit_event.is_set():
            process(selector.select(0.1))
        selector.unregister(driver.fileno)
        process(selector.select(0.1), final=True)
    finally:
        selector.close()
        try:
            for _event in feed(""):
                pass
        except (EOFError, ParseError):
            pass


__all__ = ["graphics_driver"]
