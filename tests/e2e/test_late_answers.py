"""Probe answers that arrive after the probe gave up never show up as typed text.

A real Textual app runs on a pty whose far end answers the probe's queries 1.5 s late (the
probe waits about 1 s), then the user types "ok". With the graphics driver the late answers
are filtered out and only "ok" arrives; without it (the control run) the answers land in the
focused input as text — which is what users saw.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from tests.fake_terminal import KITTY_0_26, FakeTerminal

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = r"""
import json, sys, time
from e621tui.ui.graphics.setup import setup_graphics

started = time.monotonic()
graphics = setup_graphics("auto")
probe_seconds = time.monotonic() - started
from textual.app import App
from textual.widgets import Input

keys = []


class Recording(Input):
    async def _on_key(self, event):
        keys.append(event.key)
        await super()._on_key(event)


class Probe(App):
    def __init__(self, guard):
        super().__init__(driver_class=graphics.driver_class if guard else None)

    def compose(self):
        yield Recording(id="typed")

    def on_mount(self):
        self.set_timer(3.5, self.finish)

    def finish(self):
        result = {
            "typed": self.query_one(Recording).value,
            "keys": keys,
            "probe_seconds": probe_seconds,
            "outstanding": graphics.probe.outstanding_da1,
            "mode": graphics.decision.mode.value,
            "dropped": graphics.late.dropped if graphics.late else [],
        }
        open(sys.argv[2], "w").write(json.dumps(result))
        self.exit()


try:
    Probe(sys.argv[1] == "guard").run()
finally:
    graphics.release()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
@pytest.mark.parametrize("guard", [True, False])
def test_late_answers_are_not_typed(tmp_path: Path, guard: bool) -> None:
    script = tmp_path / "probe_app.py"
    script.write_text(PROGRAM)
    out = tmp_path / "result.json"
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
    }
    term = FakeTerminal(KITTY_0_26, delay=1.5)
    term.spawn([sys.executable, str(script), "guard" if guard else "none", str(out)], env)
    time.sleep(2.8)  # the late answers have arrived (about 1.5 s after the probe's queries)
    term.write(b"ok")  # and the user types: keys must still work
    status = term.wait(20)
    assert status == 0, term.text()[-2000:]
    assert term.answered, "the fake terminal never answered"
    assert out.exists(), term.text()[-3000:]
    result = json.loads(out.read_text())
    assert result["probe_seconds"] < 1.8  # gave up before the answers came
    assert result["outstanding"] == 1 and result["mode"] == "halfcell"
    if guard:
        assert result["typed"] == "ok"
        assert result["keys"] == ["o", "k"]
        assert len(result["dropped"]) == 5  # kitty, XTVERSION, two sizes, DA1
    else:
        # The control run: what a user saw before the filter ("^_Gi=31;OK^\\^P>|kitty(0.26.5)…").
        assert "kitty(0.26.5)" in result["typed"] and result["typed"].endswith("ok")
