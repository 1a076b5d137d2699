"""Everything pictures need, decided once before the app starts.

graphics = setup_graphics(requested_mode(args.graphics, settings.graphics))
app = E621App(..., driver_class=graphics.driver_class)   # renderer/layer given to widgets
try:
    app.run()
finally:
    graphics.release()
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from e621tui.terminal import Decision, EnvHints, Mode, ProbeResult, detect
from e621tui.terminal.guard import LateAnswerFilter
from e621tui.terminal.layer import PictureLayer

if TYPE_CHECKING:
    from textual.driver import Driver

    from e621tui.ui.graphics.renderers import Renderer


@dataclass
class Graphics:
    """The decision, and the objects that draw by it.

    Attributes:
        decision: Mode, verdicts, cell size.
        probe: What the terminal answered.
        renderer: Prepares pictures and draws their cells.
        layer: Draws sixel / kitty-direct pictures around frames (None for other modes).
        late: Filters late probe answers from the app's input (None when none are owed).
        driver_class: Give this to the App (None: Textual's default driver).
    """

    decision: Decision
    probe: ProbeResult
    renderer: Renderer
    layer: PictureLayer | None
    late: LateAnswerFilter | None
    driver_class: type[Driver] | None

    def release(self) -> None:
        """Give the terminal its original mode back (after the app ran)."""
        self.probe.release()


def color_system_for(decision: Decision, env: EnvHints) -> str | None:
    """The Textual colour system pictures need, if the environment would give less.

    Placeholder ids travel as 256-colour indices and half-cell pictures want many colours;
    with TERM=xterm and no COLORTERM Rich would pick 16 colours.
    """
    if decision.mode not in (Mode.KITTY, Mode.HALFCELL):
        return None
    if env.colorterm in ("truecolor", "24bit"):
        return None
    if "256" in env.term:
        return None
    return "256"  # also in tmux with TERM=screen: ids must stay 256-colour indices


def setup_graphics(
    requested: str = "auto", *, env: EnvHints | None = None, hold: bool = True
) -> Graphics:
    """Probe (unless a mode is forced), decide, and build renderer, layer and driver class.

    Call before Textual is imported if possible: the colour system is chosen by setting
    ``TEXTUAL_COLOR_SYSTEM`` (when the user has not), which Textual reads at import.
    """
    env = env or EnvHints.from_environ()
    decision, result = detect(requested, env=env, hold=hold)
    wanted = color_system_for(decision, env)
    if (
        wanted
        and "TEXTUAL_COLOR_SYSTEM" not in os.environ
        and "textual.constants" not in sys.modules
    ):
        os.environ["TEXTUAL_COLOR_SYSTEM"] = wanted
    from e621tui.ui.graphics.driver import graphics_driver
    from e621tui.ui.graphics.renderers import make_layer, make_renderer

    layer = make_layer(decision)
    renderer = make_renderer(decision, layer)
    late = LateAnswerFilter(result.outstanding_da1) if result.outstanding_da1 else None
    return Graphics(decision, result, renderer, layer, late, graphics_driver(layer, late))


__all__ = ["Graphics", "color_system_for", "setup_graphics"]
