"""The post screen's details pane: title and your state, file info, tags, sources, description.

Everything the site wrote is cleaned and shown as `Text`, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from e621tui.api.models import Post
from e621tui.core.player import is_playable
from e621tui.text.sanitize import dtext_to_plain, one_line
from e621tui.ui.widgets.taglist import TagList, shown_literally

RATINGS = {"s": ("Safe", "green"), "q": ("Questionable", "yellow"), "e": ("Explicit", "red")}
#: Description lines shown before "press e to show all".
DESCRIPTION_LINES = 20
#: Longest description converted at all (the site allows 50 000 characters).
DESCRIPTION_CHARS = 20_000
MAX_SOURCES = 50

PoolName = Callable[[int], str | None]


@dataclass(frozen=True)
class PostContext:
    """What the screen knows about the post beyond the post itself."""

    in_set: str | None = None
    """The active set's name when the post is in it."""
    blacklist_rule: str | None = None
    """The blacklist line the post matches, if any."""
    base_url: str | None = None
    """The site, for links in the description."""


def human_size(size: int) -> str:
    """``1.2 MB`` style file sizes (binary units, as the site shows them)."""
    value = float(max(0, size))
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def media_note(post: Post) -> str:
    """The line under a video, animation or flash still, or "" for still images."""
    ext = one_line(post.file.ext, 8) or "?"
    if post.is_video:
        duration = f", {post.duration:.1f} s" if post.duration else ""
        return f"▶ video ({ext}{duration}) — o or enter plays it"
    if post.is_flash:
        return f"▶ flash ({ext}) — press o to open in the browser"
    if is_playable(post):
        return f"▶ animation ({ext}) — o or enter plays it"
    return ""


def title_text(post: Post, context: PostContext) -> Text:
    """``#id``, rating, score, favorites, then your own state and any blacklist match."""
    text = Text()
    text.append(f"#{post.id}", style="bold")
    label, colour = RATINGS.get(post.rating, (one_line(post.rating, 12) or "?", ""))
    text.append("  ")
    text.append(label, style=colour)
    score = post.score
    text.append(f"  ▲{score.up} ▼{abs(score.down)} = {score.total}")
    text.append(f"  ♥ {post.fav_count}")
    mine = Text()
    if post.is_favorited:
        mine.append("♥ favorited  ", style="bold red")
    if post.vote:
        mine.append(f"voted {post.vote:+d}  ", style="bold")
    if context.in_set is not None:
        mine.append(f"in set {one_line(context.in_set, 40)}  ", style="bold cyan")
    if len(mine):
        text.append("\n")
        text.append_text(mine)
    if context.blacklist_rule is not None:
        text.append("\n")
        text.append(
            f"⊘ blacklisted by rule: {one_line(context.blacklist_rule, 120)}", style="magenta"
        )
    text.rstrip()
    return text


def info_text(post: Post, pool_name: PoolName) -> Text:
    """File, uploader, date, flags, relationships and pools."""
    file = post.file
    text = Text()
    parts = [one_line(file.ext, 8).upper() or "?", human_size(file.size)]
    if file.width and file.height:
        parts.append(f"{file.width}×{file.height}")
    if post.duration:
        parts.append(f"{post.duration:.1f} s")
    text.append("file: " + " · ".join(parts))
    uploader = one_line(post.uploader_name, 40) or f"user #{post.uploader_id}"
    text.append(f"\nby {uploader}")
    if post.created_at:
        text.append(f" · {one_line(post.created_at, 40)[:16].replace('T', ' ')}")
    flags = [
        name
        for name, on in (
            ("deleted", post.flags.deleted),
            ("pending", post.flags.pending),
            ("flagged", post.flags.flagged),
        )
        if on
    ]
    if flags:
        text.append("\n" + ", ".join(flags), style="bold yellow")
    rel = post.relationships
    if rel.parent_id is not None:
        text.append(f"\nparent #{rel.parent_id}")
    if rel.children:
        shown = ", ".join(f"#{c}" for c in rel.children[:20])
        more = f" … and {len(rel.children) - 20} more" if len(rel.children) > 20 else ""
        text.append(f"\nchildren {shown}{more}")
    for pool_id in post.pools[:10]:
        name = pool_name(pool_id)
        text.append(f"\npool #{pool_id}")
        if name:
            text.append(f" {one_line(name, 60)}", style="italic")
    if post.pools:
        hint = "  (g: go to pool)" if len(post.pools) == 1 else "  (g: go to the first)"
        text.append(hint, style="dim")
    return text


def sources_text(post: Post) -> Text:
    """One cleaned source per line."""
    if not post.sources:
        return Text()
    text = Text("Sources", style="bold")
    for source in post.sources[:MAX_SOURCES]:
        text.append("\n" + shown_literally(source, 200))
    if len(post.sources) > MAX_SOURCES:
        text.append(f"\n… and {len(post.sources) - MAX_SOURCES} more", style="dim")
    return text


def description_text(post: Post, *, base_url: str | None, expanded: bool) -> tuple[Text, bool]:
    """The description as plain text, limited to a few lines unless ``expanded``.

    Returns:
        The text, and whether there is more than the collapsed view shows.
    """
    plain = dtext_to_plain(post.description, DESCRIPTION_CHARS, base_url=base_url).strip()
    if not plain:
        return Text(), False
    lines = plain.split("\n")
    long = len(lines) > DESCRIPTION_LINES
    text = Text("Description", style="bold")
    if long and not expanded:
        text.append("\n" + "\n".join(lines[:DESCRIPTION_LINES]))
        more = len(lines) - DESCRIPTION_LINES
        text.append(f"\n… {more} more lines — press e to show all", style="dim italic")
    else:
        text.append("\n" + plain)
    return text, long


class PostDetails(VerticalScroll, can_focus=False):
    """The scrollable details pane (keys scroll it from the screen, so it never takes focus)."""

    DEFAULT_CSS = """
    PostDetails > Static { height: auto; width: 100%; margin-bottom: 1; }
    PostDetails > TagList { margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        """Empty sections, filled by `show`."""
        yield Static(id="post-title")
        yield Static(id="post-info")
        yield TagList(id="post-tags")
        yield Static(id="post-sources")
        yield Static(id="post-description")

    def show(
        self, post: Post, context: PostContext, pool_name: PoolName, *, expanded: bool = False
    ) -> bool:
        """Fill every section for ``post``; return whether its description is collapsed."""
        self.show_title(post, context)
        self.query_one("#post-info", Static).update(info_text(post, pool_name))
        self.query_one(TagList).set_post(post)
        self._section("#post-sources", sources_text(post))
        text, long = description_text(post, base_url=context.base_url, expanded=expanded)
        self._section("#post-description", text)
        self.scroll_home(animate=False)
        return long and not expanded

    def show_title(self, post: Post, context: PostContext) -> None:
        """Repaint the title and your state (after a favorite, vote or set change)."""
        self.query_one("#post-title", Static).update(title_text(post, context))

    def _section(self, selector: str, text: Text) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text)
        widget.display = bool(text.plain)


__all__ = [
    "PostContext",
    "PostDetails",
    "description_text",
    "human_size",
    "info_text",
    "media_note",
    "sources_text",
    "title_text",
]
