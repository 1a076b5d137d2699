"""Pilot tests of the modal dialogs, and unit tests of the fuzzy matcher."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Static, TextArea

from e621tui.api.errors import ApiError, InvalidQuery
from e621tui.api.models import SetChoice
from e621tui.core.writes.outbox import Action, Outbox
from e621tui.ui.dialogs._base import ErrorLine
from e621tui.ui.dialogs.blacklist import BlacklistEditor
from e621tui.ui.dialogs.confirm import ConfirmDialog
from e621tui.ui.dialogs.create_set import CreateSetDialog, suggest_shortname
from e621tui.ui.dialogs.fuzzy import fuzzy_match, fuzzy_score
from e621tui.ui.dialogs.help import HelpDialog, collect_bindings
from e621tui.ui.dialogs.login import LoginDialog
from e621tui.ui.dialogs.prompt import PromptDialog, int_validator
from e621tui.ui.dialogs.set_picker import SetPicker
from e621tui.ui.dialogs.writes import WritesDialog

HOSTILE_MARKUP = "[bold red]x[/]"
HOSTILE_OSC = "\x1b]52;c;SGVsbG8=\x07"


class Host(App[None]):
    """A bare app to push dialogs onto."""


@asynccontextmanager
async def running(app: App[Any] | None = None) -> AsyncIterator[tuple[App[Any], Pilot[Any]]]:
    app = app or Host()
    async with app.run_test(size=(100, 30)) as pilot:
        yield app, pilot


async def show(app: App[Any], pilot: Pilot[Any], screen: Screen[Any]) -> list[Any]:
    """Push `screen`; the returned list receives its dismiss value."""
    results: list[Any] = []
    await app.push_screen(screen, results.append)
    await pilot.pause()
    return results


def screen_text(app: App[Any]) -> str:
    """The visible text, line by line, from an SVG export."""
    svg = app.export_screenshot()
    lines: dict[int, list[tuple[float, str]]] = {}
    pattern = r'<text[^>]*x="([\d.]+)"[^>]*clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>'
    for x, line, content in re.findall(pattern, svg, flags=re.S):
        lines.setdefault(int(line), []).append((float(x), html.unescape(content)))
    return "\n".join(
        "".join(text for _, text in sorted(parts)).replace("\xa0", " ")
        for _, parts in sorted(lines.items())
    )


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


# ---- fuzzy_score ---------------------------------------------------------------------------


def test_fuzzy_no_match_and_empty_query() -> None:
    assert fuzzy_score("zz", "fox pics") is None
    assert fuzzy_score("xof", "fox") is None
    assert fuzzy_score("", "anything") == 0
    assert fuzzy_score("   ", "anything") == 0


def test_fuzzy_is_case_insensitive() -> None:
    assert fuzzy_score("FOX", "fox") == fuzzy_score("fox", "FOX") is not None


def test_fuzzy_ranks_prefix_over_word_prefix_over_subsequence() -> None:
    prefix = fuzzy_score("fox", "Fox pics")
    word = fuzzy_score("fox", "Red fox")
    loose = fuzzy_score("fox", "f_o_x")
    assert prefix is not None and word is not None and loose is not None
    assert prefix > word > loose > 0


def test_fuzzy_fewer_gaps_rank_higher() -> None:
    one_gap = fuzzy_score("abcd", "abxcd")
    two_gaps = fuzzy_score("abcd", "axbxcd")
    assert one_gap is not None and two_gaps is not None and one_gap > two_gaps


def test_fuzzy_earlier_word_prefix_ranks_higher() -> None:
    early = fuzzy_score("fox", "a fox and more")
    late = fuzzy_score("fox", "a long way to the fox")
    assert early is not None and late is not None and early > late


def test_fuzzy_finds_the_gap_minimising_positions() -> None:
    # Greedy matching would take a(0) b(2) c(4): two gaps; the best is the run at the end.
    match = fuzzy_match("abc", "a_b_cxabc_")
    assert match is not None
    assert match[1] == [6, 7, 8]
    assert fuzzy_match("rf", "Red Fox") == (fuzzy_score("rf", "Red Fox"), [0, 4])


# ---- confirm -------------------------------------------------------------------------------


@pytest.mark.parametrize(("keys", "expected"), [("y", True), ("enter", True), ("n", False)])
async def test_confirm_keys(keys: str, expected: bool) -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, ConfirmDialog("Really?"))
        await pilot.press(keys)
        await pilot.pause()
        assert results == [expected]
        assert not isinstance(app.screen, ConfirmDialog)


async def test_confirm_escape_is_no_and_dismisses_once() -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, ConfirmDialog("Really?", yes="Drop", no="Keep"))
        assert "Drop" in screen_text(app) and "Keep" in screen_text(app)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert results == [False]
        assert len(app.screen_stack) == 1


# ---- prompt --------------------------------------------------------------------------------


def test_int_validator() -> None:
    check = int_validator("A pool id")
    assert check("12") is None
    assert check(" 7 ") is None
    for bad in ("", "abc", "0", "-3", "1.5", "１２"):
        assert check(bad), bad


async def test_prompt_shows_validator_error_then_accepts() -> None:
    async with running() as (app, pilot):
        dialog = PromptDialog("Open pool", placeholder="id", validate=int_validator("A pool id"))
        results = await show(app, pilot, dialog)
        await type_text(pilot, "abc")
        await pilot.press("enter")
        await pilot.pause()
        assert results == []
        assert "A pool id must be a positive whole number." in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", "1", "2", "enter")
        await pilot.pause()
        assert results == ["12"]


async def test_prompt_escape_returns_none() -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, PromptDialog("Name?", value="abc"))
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]


# ---- login ---------------------------------------------------------------------------------

SECRET = "sekritKEY123"


async def test_login_returns_both_fields_and_never_shows_the_key() -> None:
    async with running() as (app, pilot):
        dialog = LoginDialog("https://e621.example/", message="the API key was not accepted")
        results = await show(app, pilot, dialog)
        text = screen_text(app)
        assert "https://e621.example/users/home" in text and "Manage API access" in text
        assert "the API key was not accepted" in text
        await type_text(pilot, "alice")
        await pilot.press("enter")  # moves on to the key field
        await type_text(pilot, SECRET)
        await pilot.pause()
        assert SECRET not in screen_text(app)
        assert SECRET not in app.export_screenshot()
        await pilot.press("enter")
        await pilot.pause()
        assert results == [("alice", SECRET)]


async def test_login_missing_username_shows_error_without_the_key() -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, LoginDialog("https://e621.example"))
        app.screen.query_one("#api-key", Input).focus()
        await type_text(pilot, SECRET)
        await pilot.press("enter")
        await pilot.pause()
        assert results == []
        text = screen_text(app)
        assert "Enter your user name." in text
        assert SECRET not in text
        assert all(SECRET not in str(static.content) for static in app.screen.query(Static))
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]


async def test_login_prefilled_username_needs_key() -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, LoginDialog("https://e621.example", username="bob"))
        await pilot.press("enter")
        await pilot.pause()
        assert results == []
        assert "Enter your API key." in screen_text(app)


# ---- set picker and create set ---------------------------------------------------------------

CHOICES = [
    SetChoice(id=3, name="Red fox collection", owned=False),
    SetChoice(id=1, name="Fox pics", owned=True),
    SetChoice(id=2, name="Wolves", owned=True),
    SetChoice(id=9, name=f"{HOSTILE_MARKUP} evil {HOSTILE_OSC}", owned=True),
]


def listed(app: App[Any]) -> list[int]:
    screen = app.screen
    assert isinstance(screen, SetPicker)
    return [choice.id for choice in screen.visible_choices]


async def test_picker_orders_marks_and_filters() -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, SetPicker(CHOICES, active_id=2))
        assert listed(app) == [1, 2, 9, 3]
        options = app.screen.query_one("#sets", OptionList)
        assert options.highlighted == 1  # the active set
        prompts = [str(option.prompt) for option in options.options]
        assert prompts[1].startswith("● Wolves")
        assert prompts[3].endswith("(maintained)")
        await type_text(pilot, "fox")
        assert listed(app) == [1, 3]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert results == [CHOICES[0]]


async def test_picker_subsequence_and_escape() -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, SetPicker(CHOICES))
        await type_text(pilot, "wlv")
        assert listed(app) == [2]
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]


async def test_picker_shows_hostile_names_literally() -> None:
    async with running() as (app, pilot):
        await show(app, pilot, SetPicker(CHOICES))
        text = screen_text(app)
        assert f"{HOSTILE_MARKUP} evil" in text
        assert "\x1b" not in app.export_screenshot()
        assert "SGVsbG8" not in text


class FakeCreate:
    """A `create` coroutine that refuses the first short name, then succeeds."""

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls: list[tuple[str, str, str, bool]] = []

    async def __call__(
        self, name: str, shortname: str, description: str, public: bool
    ) -> SetChoice:
        self.calls.append((name, shortname, description, public))
        if self.failures:
            raise self.failures.pop(0)
        return SetChoice(id=77, name=name, owned=True)


async def settle(app: App[Any], pilot: Pilot[Any]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_picker_create_flow_shows_field_error_then_succeeds() -> None:
    taken = InvalidQuery("invalid", 422, {"shortname": ["has already been taken"]})
    create = FakeCreate([taken])
    async with running() as (app, pilot):
        results = await show(app, pilot, SetPicker(CHOICES, create=create))
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CreateSetDialog)
        await type_text(pilot, "My Set")
        assert app.screen.query_one("#shortname", Input).value == "my_set"
        await pilot.press("enter", "enter")  # to short name, to description
        await type_text(pilot, "hi")
        await pilot.press("enter")
        await settle(app, pilot)
        assert create.calls == [("My Set", "my_set", "hi", False)]
        assert app.screen.query_one("#shortname-error", ErrorLine).message == (
            "has already been taken"
        )
        assert "has already been taken" in screen_text(app)
        assert app.screen.focused is app.screen.query_one("#shortname", Input)
        await pilot.press("end", "2", "ctrl+s")
        await settle(app, pilot)
        assert create.calls[-1] == ("My Set", "my_set2", "hi", False)
        assert results == [SetChoice(id=77, name="My Set", owned=True)]
        assert len(app.screen_stack) == 1


async def test_picker_new_set_entry_prefills_name_from_filter() -> None:
    async with running() as (app, pilot):
        await show(app, pilot, SetPicker([], create=FakeCreate([])))
        await type_text(pilot, "Cats")
        await pilot.press("enter")  # the only entry is "＋ New set…"
        await pilot.pause()
        assert isinstance(app.screen, CreateSetDialog)
        assert app.screen.query_one("#name", Input).value == "Cats"
        assert app.screen.query_one("#shortname", Input).value == "cats"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SetPicker)


async def test_create_set_client_validation_and_edited_shortname() -> None:
    create = FakeCreate([])
    async with running() as (app, pilot):
        results = await show(app, pilot, CreateSetDialog(create))
        await type_text(pilot, "ab")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert create.calls == []
        assert "at least 3 characters" in screen_text(app)
        app.screen.query_one("#shortname", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "123")
        app.screen.query_one("#name", Input).focus()
        await type_text(pilot, "c")  # the user's short name is kept from now on
        assert app.screen.query_one("#shortname", Input).value == "123"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "only digits" in screen_text(app)
        assert create.calls == []
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]


async def test_create_set_other_errors_show_literally_at_the_bottom() -> None:
    hostile = ApiError(f"{HOSTILE_MARKUP} {HOSTILE_OSC}", 500)
    create = FakeCreate([hostile])
    async with running() as (app, pilot):
        results = await show(app, pilot, CreateSetDialog(create, name="Good name"))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert results == []
        text = screen_text(app)
        assert HOSTILE_MARKUP in text
        assert "\x1b" not in app.export_screenshot()
        assert app.screen.query_one("#create").disabled is False


def test_suggest_shortname() -> None:
    assert suggest_shortname("Pokémon: Best of!") == "pokemon_best_of"
    assert suggest_shortname("  ") == ""
    assert len(suggest_shortname("x" * 80)) == 50


# ---- writes --------------------------------------------------------------------------------


async def make_outbox() -> Outbox:
    """An outbox with one failed favorite (#1, hostile error text) and one pending (#2)."""

    async def sender(action: Action) -> None:
        raise InvalidQuery(f"{HOSTILE_MARKUP} refused {HOSTILE_OSC}", 422)

    outbox = Outbox(":memory:", sender, account="t")
    outbox.enqueue("favorite", [1])
    task = asyncio.create_task(outbox.run())
    assert await outbox.flush(timeout=5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    outbox.enqueue("favorite", [2])
    return outbox


def writes_session(outbox: Outbox | None) -> SimpleNamespace:
    return SimpleNamespace(outbox=outbox, describe=lambda a: f"favorite #{a.post_ids[0]}")


async def test_writes_lists_retries_and_drops() -> None:
    async with running() as (app, pilot):
        outbox = await make_outbox()
        screen = WritesDialog(writes_session(outbox))
        results = await show(app, pilot, screen)
        table = screen.query_one("#actions", DataTable)
        assert table.row_count == 2
        text = screen_text(app)
        assert "favorite #1" in text and "failed" in text and "pending" in text
        assert f"{HOSTILE_MARKUP} refused" in text
        assert screen.selected is not None and screen.selected.post_ids == [1]
        await pilot.press("r")
        await pilot.pause()
        assert [a.post_ids for a in outbox.failed()] == []
        assert [a.post_ids for a in outbox.pending()] == [[2], [1]]
        assert screen.selected is not None and screen.selected.post_ids == [1]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert len(outbox.pending()) == 2
        await pilot.press("d", "y")
        await pilot.pause()
        assert [a.post_ids for a in outbox.pending()] == [[2]]
        assert table.row_count == 1
        outbox.enqueue("favorite", [3])
        screen.refresh_actions()
        await pilot.pause()
        assert table.row_count == 2
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]
        outbox.close()


async def test_writes_without_login() -> None:
    async with running() as (app, pilot):
        await show(app, pilot, WritesDialog(writes_session(None)))
        assert "Log in to make changes; nothing is queued." in screen_text(app)
        await pilot.press("r", "d")
        await pilot.pause()
        assert isinstance(app.screen, WritesDialog)


# ---- blacklist -----------------------------------------------------------------------------


async def test_blacklist_save_returns_edited_text() -> None:
    async with running() as (app, pilot):
        editor = BlacklistEditor("gore\nyoung -rating:s", where="the local config file")
        results = await show(app, pilot, editor)
        assert "the local config file" in screen_text(app)
        assert "rating:e" in screen_text(app)
        await pilot.press("down", "end", "enter")
        await type_text(pilot, "score:<0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert results == ["gore\nyoung -rating:s\nscore:<0"]


async def test_blacklist_cancel_unchanged_closes_at_once() -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, BlacklistEditor("gore", where="your account on the site"))
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]


async def test_blacklist_cancel_changed_asks_first() -> None:
    async with running() as (app, pilot):
        results = await show(app, pilot, BlacklistEditor("gore", where="your account on the site"))
        await type_text(pilot, "x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BlacklistEditor)
        assert app.screen.query_one(TextArea).text == "xgore"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert results == [None]
        assert len(app.screen_stack) == 1


# ---- help ----------------------------------------------------------------------------------


class GridScreen(Screen[None]):
    HELP_WHERE = "grid"
    BINDINGS = [
        Binding("f", "noop", "Favorite", id="post.favorite"),
        Binding("n", "noop", "Next page", id="grid.next"),
        Binding("ctrl+z", "noop", "", id="grid.hidden"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("grid")

    def action_noop(self) -> None:
        """Nothing."""


class KeyedApp(App[None]):
    BINDINGS = [
        Binding("question_mark", "noop", "Help", id="app.help"),
        Binding("q", "noop", "Quit", id="app.quit"),
    ]

    def on_mount(self) -> None:
        self.set_keymap({"post.favorite": "F,ctrl+f", "app.quit": "ctrl+x"})
        self.push_screen(GridScreen())

    def action_noop(self) -> None:
        """Nothing."""


async def test_collect_bindings_follows_keymap() -> None:
    async with running(KeyedApp()) as (app, pilot):
        await pilot.pause()
        rows = collect_bindings(app)
        # Each row names the binding id, which is what the config's [keymap] rebinds.
        assert ("?", "Help  ·  id: app.help", "everywhere") in rows
        assert ("^x", "Quit  ·  id: app.quit", "everywhere") in rows
        assert ("F / ^f", "Favorite  ·  id: post.favorite", "grid") in rows
        assert ("n", "Next page  ·  id: grid.next", "grid") in rows
        assert not any(description == "" for _, description, _ in rows)
        explicit = collect_bindings(app, keymap={"grid.next": "right"})
        assert ("→", "Next page  ·  id: grid.next", "grid") in explicit


@pytest.mark.parametrize("key", ["escape", "question_mark", "q"])
async def test_help_screen_lists_rows_and_closes(key: str) -> None:
    rows = [("f", "Favorite", "grid"), ("?", HOSTILE_MARKUP, "everywhere")]
    async with running() as (app, pilot):
        results = await show(app, pilot, HelpDialog(rows))
        assert app.screen.query_one(DataTable).row_count == 2
        text = screen_text(app)
        assert "Favorite" in text and HOSTILE_MARKUP in text
        await pilot.press(key)
        await pilot.pause()
        assert results == [None]
