"""e621tui.terminal is a leaf: no Textual, no Rich, nothing else of e621-tui."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "e621tui.terminal", "e621tui.terminal.doctor", "e621tui.terminal.layer",
    "e621tui.terminal.kitty_ids", "e621tui.terminal.sixel_decode", "e621tui.terminal.guard",
]  # fmt: skip


def test_terminal_imports_nothing_of_the_ui() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in MODULES)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'httpx')"
        " or m.startswith(('e621tui.ui', 'e621tui.core', 'e621tui.api', 'e621tui.settings')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_cli_imports_no_textual_before_the_probe() -> None:
    """The probe runs (and the colour system is chosen) before Textual is imported."""
    code = "import sys, e621tui.cli, e621tui.ui.graphics; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
