"""What one grid cell shows: the post and what the screen knows about it, as values.

`caption` is the text under a thumbnail and `image_args` the picture to load (or the text
to show instead of it).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from e621tui.api.models import Post
from e621tui.core.images import ImageRequest, preview_request
from e621tui.text.sanitize import one_line

_RATING = {"s": "S", "q": "Q", "e": "E"}


@dataclass(frozen=True)
class CellState:
    """What one cell shows: the post and what the screen knows about it."""

    post: Post
    blacklisted: str | None = None
    """The blacklist rule the post matches (shown only while blacklisted posts are shown)."""
    hidden_reason: str | None = None
    """Why the site withheld the image (deleted, log in, safe mode), or None."""
    in_set: bool = False
    """In the active set."""


def caption(post: Post, *, marked: bool, in_set: bool, blacklisted: bool) -> Text:
    """The one-line caption under a thumbnail: score, favorites, rating, type and markers."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if marked:
        text.append("✓", style="bold yellow")
    if in_set:
        text.append("●", style="bold cyan")
    if post.is_favorited:
        text.append("♥", style="bold red")
    if blacklisted:
        text.append("⊘", style="bold magenta")
    if len(text):
        text.append(" ")
    score = post.score.total
    text.append(f"{'▲' if score >= 0 else '▼'}{abs(score)}", style="green" if score >= 0 else "red")
    if post.vote:
        text.append("*", style="bold")
    text.append(f" ♥{post.fav_count}")
    text.append(f" {_RATING.get(post.rating, '?')}")
    ext = one_line(post.file.ext, 4).upper() or "?"
    style = "bold magenta" if post.is_animated else ""
    text.append(f" {ext}", style=style)
    return text


def image_args(state: CellState) -> tuple[ImageRequest | None, str]:
    """The picture a cell loads (None when there is none to show) and its placeholder text."""
    post = state.post
    if state.blacklisted is not None:
        return None, f"⊘ blacklisted\n#{post.id}"
    if state.hidden_reason:
        return None, f"{state.hidden_reason}\n#{post.id}"
    request = preview_request(post)
    if request is None:
        return None, f"no preview\n#{post.id}"
    return request, f"#{post.id}"


__all__ = ["CellState", "caption", "image_args"]
