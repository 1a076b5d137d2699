"""End-to-end: hostile site text (markup, terminal escapes) stays text in a real terminal."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from e621tui.devserver import DevServer

from .harness import EXITED, Tui, require_tmux, visible_ids

require_tmux()
pytestmark = pytest.mark.e2e

SENTINEL = "e2e-sentinel-buffer"
#: What an escape sequence in site text would do if it reached the terminal raw.
FORBIDDEN_RAW = (
    b"\x1b]52;",  # OSC 52: set the clipboard
    b"\x1b]0;",  # OSC 0/1/2: set the window or icon title
    b"\x1b]1;",
    b"\x1b]2;",
    b"\x1b]8;;https://evil",  # OSC 8: a hyperlink the user did not see
    b"\x1b[2J",  # clear the screen
    b"\x1b[31mred",  # a colour taken from the site
)
#: Textual's own OSC 22 (mouse pointer shape) is the only OSC the program may send.
ALLOWED_OSC = re.compile(rb"\x1b\]22;[a-z-]*(?:\x07|\x1b\\)")
SGR = re.compile(r"\x1b\[[0-9;:]*m")
#: The titles the hostile records try to set with OSC 0.
TITLE_PAYLOADS = ("pwned", "owned", "title")


@pytest.fixture
def hostile_srv() -> Iterator[DevServer]:
    """A devserver with the hostile content set (its posts are the newest)."""
    server = DevServer(hostile=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _buffer(tui: Tui) -> str:
    return tui.tmux("show-buffer", check=False)


def _title(tui: Tui, target: str) -> str:
    return tui.tmux("display", "-p", "-t", target, "#{pane_title}").strip()


def test_hostile_content(tui: Tui, hostile_srv: DevServer) -> None:
    """Markup shows literally, escapes never reach the terminal: no clipboard write (OSC 52),
    no title change, no screen clear, no hyperlink; nothing crashes or quits."""
    srv = hostile_srv
    special = srv.state.special
    tui.ensure_server()
    tui.tmux("set-option", "-g", "set-clipboard", "on")  # a raw OSC 52 would set the buffer
    tui.tmux("set-buffer", SENTINEL)
    titles: dict[str, str] = {}

    # 1. The worst post, opened directly.
    tui.start(["--post", str(special["hostile"])], base_url=srv.base_url)
    tui.wait_for(lambda text: "post 1/1" in tui.status_line(text), 10, "the hostile post")
    text = tui.wait_for("[@click=app.quit]char[/]", 5)
    assert f"#{special['hostile']}" in text
    for literal in ("[bold red]Evil[/]", "[bold_red]artist[/]", "[link=https://x]y[/link]"):
        assert literal in text, literal
    assert "␛" in text  # escapes are shown as a visible symbol, not sent

    # 2. The hostile posts in a search, walked one by one.
    tui.send("Escape")  # back to the search screen under the post
    tui.wait_for(lambda t: "page 1" in tui.status_line(t), 5, "the search screen")
    # The grid shows no site text; the title now is what the program itself left (see
    # test_startup_leaves_pane_title_alone), and site text must not change it from here on.
    titles[tui.target] = _title(tui, tui.target)
    tui.search("hostile_content")
    hostile = visible_ids(srv, [i for i in srv.state.ids_desc[:10] if i >= special["hostile"]])
    first = tui.wait_status_id(lambda i: "hostile_content" in tui.status_line(), timeout=10)
    assert first == hostile[0]
    tui.send("Enter")
    tui.wait_for(lambda t: "post 1/" in tui.status_line(t), 5, "the post screen")
    walked = [first]
    for expected in hostile[1:]:
        tui.send("Right")
        walked.append(tui.wait_status_id(lambda i: i != walked[-1], timeout=5))
        assert walked[-1] == expected
        tui.wait_for("[bold red]Evil[/]", 5)  # the uploader's name, literally
    assert len(walked) >= 4

    # 3. The hostile set (its name has markup, a clear-screen and an RTL override).
    tui.start(["--set", str(special["hostile_set"])], base_url=srv.base_url)
    tui.wait_status_id()
    set_target = tui.target
    text = tui.wait_for("[@click=app.quit]Quit[/]", 5)
    assert f"Set #{special['hostile_set']}" in text

    for target in (*titles, set_target):
        pane = tui.tmux("capture-pane", "-p", "-t", target)
        assert EXITED not in pane, f"the program ended (a [@click=app.quit] ran?)\n{pane}"
    escaped = tui.screen_escapes()
    stray = [seq for seq in re.findall(r"\x1b[^\x1b]{0,12}", escaped) if not SGR.match(seq)]
    assert stray == [], stray
    raw = tui.raw_output()
    assert raw, "the raw pane output was not recorded"
    for sequence in FORBIDDEN_RAW:
        assert sequence not in raw, f"{sequence!r} reached the terminal"
    osc = re.findall(rb"\x1b\][^\x07\x1b]{0,40}", raw)
    assert all(ALLOWED_OSC.match(seq + b"\x07") for seq in osc), set(osc)
    assert _buffer(tui) == SENTINEL, "the tmux paste buffer changed (OSC 52)"
    for target, before in titles.items():
        assert _title(tui, target) == before, "site text changed the pane title"
    for target in (*titles, set_target):
        title = _title(tui, target)
        assert not any(word in title for word in TITLE_PAYLOADS), title

    # Control: in this tmux server a real OSC 52 and OSC 2 DO change the buffer and the title,
    # so the checks above could have failed.
    tui.tmux(
        "new-session", "-d", "-s", "control",
        r"printf '\033]52;c;Y29udHJvbA==\a\033]2;control-title\a'; sleep 30",
    )  # fmt: skip
    tui.wait_for(lambda _text: _buffer(tui) == "control", 5, "OSC 52 to reach tmux")
    assert _title(tui, "control") == "control-title"
