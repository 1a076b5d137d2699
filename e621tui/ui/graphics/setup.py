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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from e621tui.terminal import Decision, EnvHints, Mode, ProbeResult, detect, explicit
from e621tui.terminal.guard import LateAnswerFilter
from e621tui.terminal.layer import PictureLayer
from e621tui.terminal.probe import skipped

if TYPE_CHECKING:
    from textual.driver import Driver

    from e621tui.ui.graphics.renderers import PictureCache, Renderer

#: Prepared pictures kept per mode (about three pages of thumbnails and a few post pictures),
#: and the memory they may hold.
CACHE_PICTURES = 200
CACHE_BYTES = 32 * 2**20


@dataclass
class PictureKit:
    """What a widget needs to draw pictures in one mode (given to it as values).

    Attributes:
        renderer: Prepares pictures and draws their cells.
        layer: The picture layer (sixel, kitty), None for modes whose cells are the picture.
        cache: Prepared pictures, shared by every widget drawing in this mode.
    """

    renderer: Renderer
    layer: PictureLayer | None
    cache: PictureCache

    @property
    def mode(self) -> str:
        """The mode's name (``sixel``, ``kitty``, ``halfcell``…)."""
        return self.renderer.mode.value


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

    _kits: dict[Mode, PictureKit] = field(default_factory=dict, repr=False)

    @property
    def mode(self) -> str:
        """The mode chosen (never ``auto``)."""
        return self.decision.mode.value

    def modes(self) -> tuple[str, ...]:
        """Modes the app can switch to while it runs: the chosen one, half-cell and none (the
        driver's picture layer was made for the chosen mode)."""
        return tuple(dict.fromkeys((self.mode, Mode.HALFCELL.value, Mode.NONE.value)))

    def kit(self, mode: str | None = None) -> PictureKit:
        """Renderer, layer and cache for ``mode`` (default: the chosen one), made once."""
        wanted = Mode(mode or self.mode)
        if wanted.value not in self.modes():
            raise ValueError(f"graphics mode {wanted.value!r} is not available here")
        kit = self._kits.get(wanted)
        if kit is None:
            from e621tui.ui.graphics.renderers import PictureCache, make_renderer

            if wanted == self.decision.mode:
                renderer, layer = self.renderer, self.layer
            else:
                renderer, layer = make_renderer(replace(self.decision, mode=wanted)), None
            kit = self._kits[wanted] = PictureKit(
                renderer, layer, PictureCache(renderer, CACHE_PICTURES, CACHE_BYTES)
            )
        return kit

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


def forced_graphics(mode: str, *, cell_px: tuple[int, int] | None = None) -> Graphics:
    """Graphics for a mode named by the caller, without asking the terminal anything (an app
    built with a mode name: tests, scripts); ``auto`` means half-cell here."""
    from e621tui.ui.graphics.renderers import make_layer, make_renderer

    chosen = Mode.HALFCELL.value if mode == "auto" else Mode(mode).value
    result = skipped(EnvHints.from_environ(), f"graphics {mode}: not probed")
    decision = explicit(chosen, result)
    if cell_px is not None:
        decision = replace(decision, cell_px=cell_px, cell_px_source="given")
    layer = make_layer(decision)
    return Graphics(decision, result, make_renderer(decision, layer), layer, None, None)


__all__ = [
    "CACHE_BYTES",
    "CACHE_PICTURES",
    "Graphics",
    "PictureKit",
    "color_system_for",
    "forced_graphics",
    "setup_graphics",
]
