"""The app-wide key bindings: data, each with an id users rebind it by in the config's [keymap].

Screens and widgets declare their own bindings beside their actions; these are the ones that
work on every browsing screen (their actions are `E621App.action_*`).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "help", "Help", id="help", tooltip="Show every key"),
    Binding("q", "quit", "Quit", id="quit", tooltip="Quit (asks if writes are pending)"),
    Binding("escape", "back", "Back", show=False, id="back", tooltip="Back one screen"),
    Binding("f", "favorite", "Fav", id="favorite", tooltip="Favorite / unfavorite"),
    Binding("plus", "vote(1)", "+1", id="vote_up", tooltip="Vote up (again: clear)"),
    Binding("minus", "vote(-1)", "-1", id="vote_down", tooltip="Vote down (again: clear)"),
    Binding("s", "choose_set", "Set…", id="add_to_set", tooltip="Add to a set (picker)"),
    Binding("a", "add_active", "Add", id="add_active", tooltip="Add to the active set"),
    Binding(
        "x", "remove_active", "Remove", id="remove_active", tooltip="Remove from the active set"
    ),
    Binding(
        "o",
        "open_browser",
        "Open/play",
        show=False,
        id="open_browser",
        tooltip="Play a video or animation (mpv), else open the page",
    ),
    Binding("y", "copy_link", "Copy link", show=False, id="copy_link", tooltip="Copy the link"),
    Binding(
        "d",
        "download",
        "Download",
        show=False,
        id="download",
        tooltip="Download the marked (else the focused) posts",
    ),
    Binding(
        "ctrl+d",
        "downloads",
        "Downloads",
        show=False,
        id="downloads",
        tooltip="The downloads: progress, pause, retry",
    ),
    Binding("u", "undo", "Undo", show=False, id="undo", tooltip="Undo the last write"),
    Binding("L", "login", "Log in", show=False, id="login", tooltip="Log in with an API key"),
    Binding(
        "w",
        "writes",
        "Writes",
        show=False,
        id="writes",
        tooltip="Pending and failed writes (retry / drop)",
    ),
    Binding("S", "my_sets", "My sets", show=False, id="my_sets", tooltip="Open one of your sets"),
    Binding(
        "P",
        "open_pool_prompt",
        "Pool…",
        show=False,
        id="pool_by_id",
        tooltip="Open a pool by id",
    ),
]

__all__ = ["APP_BINDINGS"]
