"""Hostile comments, wiki pages and notes (added with the rest of `hostile.py`'s content)."""

from __future__ import annotations

from e621tui.devserver.discovery_data import ensure_discovery
from e621tui.devserver.model import DemoState
from e621tui.devserver.model_text import CommentRec, NoteRec, WikiRec

HUGE_BODY_CHARS = 60_000
DEEP_NESTING = 60


def hostile_bodies(nasty: tuple[str, ...]) -> list[str]:
    """DText bodies that break renderers which trust their input."""
    bodies = list(nasty)
    bodies += [
        "\x1b]52;c;" + "cm0gLXJmIH4=" + "\x07 copy me",  # OSC 52: write the clipboard
        "[b]" + "\x1b[31m" + "red?" + "[/b]\x1b[0m and \x1b[?1049h alt screen",
        "[quote]" * DEEP_NESTING + "deep" + "[/quote]" * DEEP_NESTING,
        "[b][i][u][s]unclosed everything",
        "[/b] closing first [/quote] [/section]",
        "[spoiler]\x1b]0;title\x07secret [bold]x[/][/spoiler]",
        "[color=#zzz]bad hex[/color] [color=javascript:alert(1)]js[/color] [color=red]ok[/color]",
        '"label":javascript:alert(1) and "x":[https://a.example/\x1b[2J] <https://b.example/\x07>',
        "[[\x1b[31m|wiki escape]] {{\x1b]8;;https://evil/\x07x}} [[[bold]x[/]]]",
        "h1. [bold red]header[/]\n* [@click=app.quit]item[/]\n** \x1b[31mdeep item",
        "[code]\x1b[2J[b]code is verbatim[/b]\x07[/code]",
        "[table][tr][td]" + "[/td][td]".join(f"c{i}" for i in range(200)) + "[/td][/tr][/table]",
        ("[b]huge[/b] " + "x" * 97 + "\n") * (HUGE_BODY_CHARS // 109),
        "tab\there\rcarriage\u2028line sep\u2029para sep\x00nul\x7fdel\x85nel",
        "bidi \u202e override \u2066 isolate\u2069 zero\u200bwidth",
    ]
    return bodies


def add_hostile_texts(state: DemoState, post_id: int, user_id: int, user_name: str,
                      nasty: tuple[str, ...]) -> None:  # fmt: skip
    """Hostile comments and notes on `post_id` and hostile wiki pages."""
    ensure_discovery(state)
    post = state.posts[post_id]
    bodies = hostile_bodies(nasty)
    next_id = max(state.comments, default=700_000) + 1
    for n, body in enumerate(bodies):
        state.comments[next_id + n] = CommentRec(
            id=next_id + n, post_id=post_id, creator_id=user_id, creator_name=user_name,
            body=body, created=post.created + 60 * (n + 1), updated=post.created + 60 * (n + 1),
            score=n % 5, warning_type=("warning", "record", "ban", None)[n % 4],
        )  # fmt: skip
    post.comment_count = len(bodies)
    state.special["hostile_comment"] = next_id
    next_wiki = max(state.wiki_pages, default=40_000) + 1
    for n, title in enumerate(("hostile_content", "[bold_red]artist[/]", "\x1b[31martist")):
        state.wiki_pages[next_wiki + n] = WikiRec(
            id=next_wiki + n, title=title, body="\n\n".join(bodies), creator_id=user_id,
            creator_name=user_name, created=post.created, updated=post.created,
            other_names=["[bold]x[/]", "\x1b]0;owned\x07", "ok_name"],
        )  # fmt: skip
    state.special["hostile_wiki"] = next_wiki
    next_note = max(state.notes, default=90_000) + 1
    for n, body in enumerate(bodies[:6]):
        state.notes[next_note + n] = NoteRec(
            id=next_note + n, post_id=post_id, creator_id=user_id, creator_name=user_name,
            x=10 * n, y=10 * n, width=100, height=40, body=body, created=post.created,
            updated=post.created,
        )  # fmt: skip
    post.has_notes = True


__all__ = ["add_hostile_texts", "hostile_bodies"]
