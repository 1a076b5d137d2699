"""One comment: author, date, score, the site's marks, and its DText body as styled text."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.widgets import Static

from e621tui.api.models_text import Comment
from e621tui.core.comments import comment_marks
from e621tui.text.dtext_rich import render_dtext
from e621tui.text.sanitize import one_line


def short_date(stamp: str) -> str:
    """``2026-07-15 14:03`` (UTC) from the site's ISO time; the raw text if it is not one."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return one_line(stamp, 30)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


def comment_text(
    comment: Comment, *, reveal_spoilers: bool = False, expand_sections: bool = False,
    base_url: str = "https://e621.net",
) -> Text:  # fmt: skip
    """The comment as plain `Text`: a header line, the body, the site's warning below it."""
    text = Text()
    text.append(one_line(comment.creator_name or f"user #{comment.creator_id}", 60), style="bold")
    text.append(f"  {short_date(comment.created_at)}", style="dim")
    score = comment.score
    text.append(f"  {'+' if score > 0 else ''}{score}", style="green" if score > 0 else
                ("red" if score < 0 else "dim"))  # fmt: skip
    if comment.was_edited:
        text.append("  (edited)", style="dim italic")
    marks = comment_marks(comment)
    for mark in marks:
        if mark == "sticky":
            text.append("  [sticky]", style="bold")
        elif mark == "hidden":
            text.append("  [hidden]", style="bold italic")
    text.append(f"  #{comment.id}", style="dim")
    body = render_dtext(
        comment.body,
        reveal_spoilers=reveal_spoilers,
        expand_sections=expand_sections,
        base_url=base_url,
    ).text
    if comment.is_hidden:
        body.stylize("dim")
    text.append("\n")
    text.append_text(body)
    warning = comment.warning_text
    if warning:
        text.append("\n")
        text.append(one_line(warning, 200), style="bold red")
    return text


class CommentView(Static):
    """Shows one comment (given as a value); the screen re-creates it to reveal spoilers."""

    DEFAULT_CSS = """
    CommentView { height: auto; width: 100%; padding: 0 1; margin-bottom: 1; }
    CommentView.-sticky { border-left: thick $accent; }
    CommentView.-hidden { border-left: thick $warning; }
    CommentView.-warned { border-left: thick $error; }
    """

    def __init__(
        self, comment: Comment, *, reveal_spoilers: bool = False, expand_sections: bool = False,
        base_url: str = "https://e621.net",
    ) -> None:  # fmt: skip
        super().__init__(
            comment_text(
                comment,
                reveal_spoilers=reveal_spoilers,
                expand_sections=expand_sections,
                base_url=base_url,
            )
        )
        self.comment = comment
        self.set_class(comment.is_sticky, "-sticky")
        self.set_class(comment.is_hidden, "-hidden")
        self.set_class(bool(comment.warning_type), "-warned")


__all__ = ["CommentView", "comment_text", "short_date"]
