"""The picture layer: what is drawn after which frame, and the late-answer filter."""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.strip import Strip

from e621tui.terminal.guard import HOLD, LateAnswerFilter
from e621tui.terminal.layer import (
    EVERYWHERE,
    MOVER,
    Cursor,
    PictureLayer,
    Placement,
    damage_of,
    expand_movers,
)


def test_damage_follows_the_cursor() -> None:
    cursor = Cursor()
    frame = "\x1b[3;5H\x1b[1;38;5;7mab\x1b[0m\x1b[3C\x1b[04Ccd\r\nxy\x1b[10;1H\x1b[2K"
    damage = damage_of(frame, cursor)
    assert damage[2] == [(4, 6), (13, 15)]  # the movers (7 cells) wrote nothing
    assert damage[3] == [(0, 2)]
    assert damage[9] == [(0, 10_000)]
    assert damage_of("\x1b[2J", cursor) == {EVERYWHERE: [(0, 10_000)]}


def test_damage_ignores_strings_and_counts_wide_characters() -> None:
    cursor = Cursor()
    frame = "\x1b[1;1H\x1b_Ga=T,i=1;AAAA\x1b\\\x1bP9;1q#1!5~\x1b\\日本\x1b7\x1b[5;5Hz\x1b8!"
    damage = damage_of(frame, cursor)
    assert damage[0] == [(0, 4), (4, 5)]  # 日本 = 4 cells; then ESC 8 restores the cursor
    assert damage[4] == [(4, 5)]


def _placement(key: str, x: int, y: int, log: list[str], erase: bool = False) -> Placement:
    def draw() -> str:
        log.append(f"draw {key}")
        return f"<{key}>"

    return Placement(key, x, y, 4, 3, draw, (lambda: f"<erase {key}>") if erase else None)


def test_new_pictures_are_drawn_once_after_the_frame() -> None:
    layer = PictureLayer(repair_damage=True)
    log: list[str] = []
    layer.show("grid", [_placement("a", 2, 1, log)], lambda: True)
    out = layer.frame("FRAME")
    assert out == "FRAME\x1b7\x1b[2;3H<a>\x1b8"
    assert layer.frame("\x1b[2;3H\x1b[3C\x1b[04C") == "\x1b[2;3H\x1b[3C\x1b[04C"  # movers: intact
    assert log == ["draw a"]


def test_what_covers_a_sixel_stays_on_top_until_it_goes() -> None:
    layer = PictureLayer(repair_damage=True)
    log: list[str] = []
    layer.show("grid", [_placement("a", 2, 1, log)], lambda: True)
    layer.frame("")
    assert "<a>" not in layer.frame("\x1b[3;3Htoast")  # a toast over the picture's second row
    assert "<a>" not in layer.frame("\x1b[9;4Hbelow")  # text elsewhere
    assert "<a>" not in layer.frame("\x1b[3;3H\x1b[3C")  # some of its cells are ours again…
    assert "<a>" in layer.frame("\x1b[3;6H\x1b[3C")  # …now all: the picture comes back
    assert "<a>" in layer.frame("\x1b[2J")  # cleared screen
    assert log == ["draw a"] * 3


def test_hidden_pictures_come_back_when_visible() -> None:
    layer = PictureLayer(repair_damage=True)
    log: list[str] = []
    visible = [True]
    layer.show("grid", [_placement("a", 0, 0, log)], lambda: visible[0])
    layer.frame("")
    visible[0] = False  # a dialog or another screen
    assert layer.frame("dialog") == "dialog"
    visible[0] = True
    assert "<a>" in layer.frame("grid again")
    assert log == ["draw a", "draw a"]


def test_kitty_placements_make_way_and_go() -> None:
    layer = PictureLayer(repair_damage=False)
    log: list[str] = []
    layer.show("grid", [_placement("a", 0, 0, log, erase=True)], lambda: True)
    layer.frame("")
    assert layer.frame("\x1b[2;2Hmenu") == "\x1b[2;2Hmenu\x1b7<erase a>\x1b8"  # make way
    assert "<a>" in layer.frame("\x1b[2;2H\x1b[04C")  # the menu left: placed again
    layer.show("grid", [_placement("a", 0, 5, log, erase=True)], lambda: True)  # scrolled
    out = layer.frame("")
    assert out.index("<erase a>") < out.index("<a>")
    layer.hide("grid")
    assert layer.frame("next") == "<erase a>next"
    assert log == ["draw a"] * 3


def test_queued_commands_go_before_the_frame() -> None:
    layer = PictureLayer(repair_damage=False)
    layer.queue("<transmit>")
    assert layer.frame("FRAME") == "<transmit>FRAME"
    assert layer.frame("FRAME") == "FRAME"


# ---- late answers -------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_late_answers_are_dropped_and_keys_kept() -> None:
    guard = LateAnswerFilter(1, clock=Clock())
    late = "\x1b_Gi=31;OK\x1b\\\x1bP>|kitty(0.26.5)\x1b\\\x1b[6;17;8t\x1b[4;408;640t\x1b[?62;c"
    assert guard.feed("j" + late + "k") == "jk"
    assert not guard.active  # the sentinel arrived: everything passes now
    assert guard.feed("\x1b[?62;c") == "\x1b[?62;c"
    assert len(guard.dropped) == 5


def test_an_answer_split_across_reads_is_held_back() -> None:
    guard = LateAnswerFilter(1, clock=Clock())
    assert guard.feed("q\x1bP>|kit") == "q"
    assert guard.feed("ty(0.26.5)\x1b") == ""
    assert guard.feed("\\\x1b[?6") == ""
    assert guard.feed("2;c") == ""
    assert not guard.active


def test_keys_that_look_like_answers_pass() -> None:
    clock = Clock()
    guard = LateAnswerFilter(1, clock=clock)
    assert guard.feed("\x1b[A\x1b[1;5C\x1bOP") == "\x1b[A\x1b[1;5C\x1bOP"  # arrows, F1
    assert guard.feed("\x1b") == ""  # a lone escape waits a moment…
    assert guard.flush() == ""
    clock.now += HOLD
    assert guard.flush() == "\x1b"  # …then goes through
    assert guard.active


def test_filter_turns_itself_off_after_its_window() -> None:
    clock = Clock()
    guard = LateAnswerFilter(1, window=5.0, clock=clock)
    clock.now += 5.0
    assert not guard.active
    assert guard.feed("\x1b[?62;c") == "\x1b[?62;c"


def test_mover_cells_become_cursor_moves_wherever_the_line_is_cut() -> None:
    assert expand_movers("ab" + MOVER * 7 + "cd") == "ab\x1b[7Ccd"
    assert expand_movers("x\x1b[0m" + MOVER + "\x1b[38;5;1m" + MOVER * 2) == (
        "x\x1b[0m\x1b[1C\x1b[38;5;1m\x1b[2C"
    )
    line = Strip([Segment("ab"), Segment(MOVER * 17), Segment("cd")])
    for cut in range(1, line.cell_length):  # Textual cuts lines at other widgets' edges
        left, right = line.divide([cut, line.cell_length])
        moved = 0
        for part in (left, right):
            text = expand_movers("".join(s.text for s in part))
            moved += sum(int(n) for n in re.findall(r"\x1b\[(\d+)C", text))
        assert moved == 17  # no cell lost, none printed as text


def test_the_layer_expands_movers_and_sees_them_as_movers() -> None:
    layer = PictureLayer(repair_damage=True)
    log: list[str] = []
    layer.show("grid", [_placement("a", 0, 0, log)], lambda: True)
    layer.frame("")
    assert log == ["draw a"]
    out = layer.frame("\x1b[1;1H" + "text")  # a toast over the picture
    assert MOVER not in out
    out = layer.frame("\x1b[1;1H" + MOVER * 4)  # the toast left: movers over it again
    assert "\x1b[4C" in out and MOVER not in out
    assert log == ["draw a", "draw a"]  # redrawn once, where the toast was
