"""``e621-tui --doctor``: what was asked, what came back, the verdicts, and a test picture."""

from __future__ import annotations

import colorsys
import sys
from typing import TextIO

from PIL import Image, ImageDraw

from e621tui.terminal import halfcell, kitty, layout, sixel
from e621tui.terminal.decide import Decision, Mode, decide, explicit
from e621tui.terminal.env import EnvHints
from e621tui.terminal.probe import ProbeResult, probe, skipped, stdin_is_terminal
from e621tui.terminal.queries import printable
from e621tui.terminal.tty import window_size

_LABELS = {
    Mode.KITTY: "kitty placeholders",
    Mode.SIXEL: "sixel",
    Mode.KITTY_DIRECT: "kitty direct",
    Mode.HALFCELL: "half-cell",
}
PICTURE_CELLS = (30, 8)


def sample_picture(size: tuple[int, int] = (240, 136)) -> Image.Image:
    """A gradient with colour bars: banding, wrong colours and black lines show at once."""
    width, height = size
    image = Image.new("RGB", size)
    pixels = []
    for y in range(height):
        for x in range(width):
            hue = x / width
            light = 0.25 + 0.5 * y / max(1, height - 1)
            r, g, b = colorsys.hls_to_rgb(hue, light, 0.7)
            pixels.append((round(r * 255), round(g * 255), round(b * 255)))
    image.putdata(pixels)
    pen = ImageDraw.Draw(image)
    bar = height // 6
    for i, colour in enumerate([(255, 255, 255), (0, 0, 0), (255, 0, 0), (0, 255, 0), (0, 0, 255)]):
        x0 = i * width // 5
        pen.rectangle((x0, height - bar, x0 + width // 5, height), fill=colour)
    pen.text((8, 8), "e621-tui", fill=(255, 255, 255))
    return image


def picture_bytes(decision: Decision, image: Image.Image, cells: tuple[int, int]) -> str:
    """What draws ``image`` in ``cells`` at the cursor, ending on the line below it."""
    mode = decision.mode
    cols, rows = layout.fit_cells(image.size, cells, decision.cell_px)
    if mode == Mode.HALFCELL:
        lines = []
        for row in halfcell.halfcell_rows(image, (cols, rows), decision.cell_px):
            cells_text = "".join(
                f"\x1b[38;2;{t[0]};{t[1]};{t[2]}m\x1b[48;2;{b[0]};{b[1]};{b[2]}m▀" for t, b in row
            )
            lines.append(cells_text + "\x1b[0m")
        return "\r\n".join(lines) + "\r\n"
    boxed = layout.boxed(image, (cols, rows), decision.cell_px, (0, 0, 0, 255))
    if mode == Mode.SIXEL:
        data = sixel.encode(boxed, colors=decision.color_registers).data.decode("ascii")
        return "\x1b7" + data + "\x1b8" + "\r\n" * rows
    wrap = kitty.wrap_for(decision.in_tmux)
    image_id = kitty.make_id(255, 255)
    if mode == Mode.KITTY:
        out = [kitty.delete_image(image_id, wrap=wrap)]
        out.append(kitty.transmit(image_id, boxed, placeholder=(cols, rows), wrap=wrap))
        for y in range(rows):
            cells_text = "".join(kitty.placeholder_cell(image_id, y, x) for x in range(cols))
            out.append(f"\x1b[38;5;{kitty.placeholder_color(image_id)}m{cells_text}\x1b[39m\r\n")
        return "".join(out)
    if mode == Mode.KITTY_DIRECT:
        return (
            kitty.delete_image(image_id)
            + kitty.transmit(image_id, boxed)
            + kitty.place(image_id, 1, cols, rows, z=0)
            + "\r\n" * rows
        )
    return ""


def _yes(usable: bool) -> str:
    return "yes" if usable else "no "


def report(decision: Decision, result: ProbeResult) -> list[str]:
    """The report's lines (without the picture)."""
    env = result.env
    lines = ["e621-tui --doctor", "", "Environment"]
    pairs = env.describe()
    lines.append("  " + ("  ".join(f"{k}={v}" for k, v in pairs) if pairs else "(nothing set)"))
    lines += ["", "Terminal"]
    cols, rows, xpx, ypx = result.winsize
    lines.append(f"  terminal: {decision.terminal.label()}")
    tmux = result.tmux
    if tmux is not None:
        on = tmux.passthrough_on
        state = "unknown" if on is None else ("on" if on else "off")
        outside = tmux.client_termtype or tmux.client_termname
        extra = (f"; outside: {outside}" if outside else "") + (
            f"; tmux says: {tmux.error}" if tmux.error else ""
        )
        version = tmux.version or "?"
        lines.append(f"  multiplexer: tmux {version} (allow-passthrough {state}{extra})")
    elif env.screen:
        lines.append("  multiplexer: GNU screen")
    else:
        lines.append("  multiplexer: none")
    lines.append(f"  over SSH: {'yes' if env.ssh else 'no'}")
    cell_w, cell_h = decision.cell_px
    lines.append(
        f"  cell size: {cell_w}×{cell_h} px ({decision.cell_px_source})"
        f" · window: {cols}×{rows} cells, {xpx}×{ypx} px"
    )
    lines += ["", "Queries"]
    if result.skipped:
        lines.append(f"  not sent: {result.error}")
    else:
        via = " through tmux passthrough" if result.via_passthrough else ""
        done = "all answered" if result.complete else "some unanswered (timed out)"
        lines.append(f"  written once{via}; {done} after {result.elapsed * 1000:.0f} ms")
        lines.append(f"  asked:    {printable(result.sent)}")
        lines.append(f"  answered: {printable(result.received) or '(nothing)'}")
    lines += ["", "Verdicts"]
    if decision.explicit:
        lines.append(f"  none: the mode was chosen explicitly ({decision.mode.value})")
    for verdict in decision.verdicts:
        lines.append(f"  {_LABELS[verdict.mode]:<19} {_yes(verdict.usable)}  {verdict.reason}")
    how = "chosen explicitly" if decision.explicit else "auto"
    lines += ["", f"Mode: {decision.mode.value} ({how})"]
    if decision.advice:
        lines.append("For a better picture:")
        lines += [f"  - {tip}" for tip in decision.advice]
    return lines


def run_doctor(
    requested: str = "auto",
    *,
    out: TextIO | None = None,
    env: EnvHints | None = None,
    timeout: float = 2.0,
    draw: bool = True,
) -> int:
    """Probe, print the report and draw the test picture; always 0."""
    out = out or sys.stdout
    env = env or EnvHints.from_environ()
    if requested != "auto":
        result = skipped(env, f"--graphics {requested}")
        if stdin_is_terminal():
            result.winsize = window_size(1)
        decision = explicit(requested, result)
    elif stdin_is_terminal():
        result = probe(env, timeout=timeout)
        decision = decide(result)
    else:
        result = skipped(env, "standard input/output is not a terminal")
        decision = decide(result)
    out.write("\n".join(report(decision, result)) + "\n")
    if draw and decision.mode != Mode.NONE:
        out.write(f"\nTest picture ({decision.mode.value}):\n")
        out.write(picture_bytes(decision, sample_picture(), PICTURE_CELLS))
    out.flush()
    return 0


__all__ = ["picture_bytes", "report", "run_doctor", "sample_picture"]
