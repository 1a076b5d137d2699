"""What the terminal can draw, and the encoders for it (a leaf: no Textual, only Pillow).

    decision, result = detect("auto", hold=True)   # before the app starts
    ...                                            # app.run()
    result.release()

* `probe` — environment hints, one batch of queries, one read (tmux passthrough aware).
* `decide` — a verdict with a reason per protocol, and the mode: kitty placeholders > sixel >
  kitty direct placements > half-cell.
* `sixel`, `kitty`, `halfcell` — the encoders; `layer` keeps pictures right across frames;
  `guard` keeps late probe answers out of the app's input; `doctor` — ``--doctor``.
"""

from __future__ import annotations

import os

from e621tui.terminal.decide import EXPLICIT_MODES, Decision, Mode, Verdict, decide, explicit
from e621tui.terminal.env import EnvHints
from e621tui.terminal.probe import TIMEOUT, ProbeResult, probe, skipped, stdin_is_terminal
from e621tui.terminal.tty import window_size

#: Environment variable that forces a mode (like ``--graphics``).
MODE_ENV = "E621_TUI_GRAPHICS"


def requested_mode(
    flag: str | None, config: str | None, environ: dict[str, str] | None = None
) -> str:
    """The mode asked for: ``--graphics``, else ``E621_TUI_GRAPHICS``, else config, else auto."""
    env = os.environ if environ is None else environ
    for value in (flag, env.get(MODE_ENV), config):
        if value and value in EXPLICIT_MODES:
            return value
    return "auto"


def detect(
    requested: str = "auto",
    *,
    env: EnvHints | None = None,
    hold: bool = False,
    timeout: float | None = None,
) -> tuple[Decision, ProbeResult]:
    """The decision for ``requested`` (an explicit mode skips the probe) and the probe result.

    Without a terminal on stdin and stdout there is nothing to ask: half-cell (or the mode
    asked for).
    """
    env = env or EnvHints.from_environ()
    if requested != "auto":
        result = skipped(env, f"--graphics {requested}: not probed")
        if stdin_is_terminal():
            result.winsize = window_size(1)
        return explicit(requested, result), result
    if not stdin_is_terminal():
        result = skipped(env, "not a terminal")
        return decide(result), result
    result = probe(env, hold=hold, timeout=TIMEOUT if timeout is None else timeout)
    return decide(result), result


__all__ = [
    "EXPLICIT_MODES",
    "MODE_ENV",
    "Decision",
    "EnvHints",
    "Mode",
    "ProbeResult",
    "Verdict",
    "decide",
    "detect",
    "explicit",
    "probe",
    "requested_mode",
]
