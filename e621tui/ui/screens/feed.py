"""The followed-tags feed: new posts of every followed tag, newest first, counts per tag."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from e621tui.core.feeds import Feed, Page
from e621tui.core.follows import FollowFeed, FollowResult
from e621tui.text.sanitize import one_line
from e621tui.ui.screens.grid_screen import GridScreen

#: Tags named in the header (the rest are summed up as "and N more tags").
HEADER_TAGS = 12


def plural(count: int, word: str) -> str:
    """``1 tag``, ``2 tags``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_text(result: FollowResult | None, follows: int, progress: tuple[int, int]) -> Text:
    """The header: progress while checking, then new posts per tag (plain `Text`)."""
    text = Text()
    done, total = progress
    if result is None:
        if total:
            text.append(f"checking followed tags {done}/{total}…", style="bold")
            text.append(f"  ({plural(follows, 'tag')})", style="dim")
        else:
            text.append(f"checking {plural(follows, 'followed tag')}…", style="bold")
        return text
    new = len(result.posts) - result.hidden
    text.append(f"{new} new" if new else "nothing new", style="bold")
    text.append(f" from {plural(follows, 'followed tag')}")
    summary = result.tag_summary()
    if summary:
        text.append(": ")
        for n, (tag, count) in enumerate(summary[:HEADER_TAGS]):
            if n:
                text.append(" · ", style="dim")
            text.append(one_line(tag, 40), style="bold")
            text.append(f" {count}")
        if len(summary) > HEADER_TAGS:
            text.append(f" · and {len(summary) - HEADER_TAGS} more tags", style="dim")
    notes: list[str] = []
    if result.hidden:
        notes.append(f"{result.hidden} hidden by the blacklist or safe mode")
    if result.more:
        notes.append(f"more for {plural(len(result.more), 'tag')}: mark all seen to go on")
    if result.refused:
        notes.append(f"{plural(len(result.refused), 'follow')} skipped (not plain tags)")
    if result.requests:
        notes.append(f"checked in {plural(result.requests, 'request')}, {result.seconds:.1f} s")
    if notes:
        text.append("\n" + " · ".join(notes), style="dim")
    return text


class FeedScreen(GridScreen):
    """New posts of the followed tags (a `FollowFeed`), shown as soon as they are found.

    Args:
        follows: The followed tags (the config's ``follows``).
    """

    HELP_WHERE = "feed"
    BINDINGS = [
        Binding(
            "C",
            "mark_seen",
            "All seen",
            id="feed_mark_seen",
            tooltip="Mark all seen: the feed empties until new posts appear",
        ),
    ]

    def __init__(self, follows: list[str]) -> None:
        super().__init__()
        self.follows = list(follows)
        self.progress = (0, 0)
        self._partial = False
        self._told = False

    def compose_header(self) -> ComposeResult:
        """The per-tag summary."""
        yield Static("", id="feed-header")

    def on_mount(self) -> None:
        """Start checking the followed tags."""
        super().on_mount()
        self.show_feed(self.new_feed())

    @property
    def follow_feed(self) -> FollowFeed | None:
        """The feed shown, typed."""
        return self.feed if isinstance(self.feed, FollowFeed) else None

    def new_feed(self) -> FollowFeed:
        """A feed that checks every followed tag (progress shows in the header)."""
        return self.e621_app.session.discovery.follow_feed(
            self.follows, on_progress=self._progressed
        )

    def show_feed(self, feed: Feed) -> None:
        """Switch to another refresh of the feed."""
        self.progress = (0, 0)
        self._partial = False
        if isinstance(feed, FollowFeed):
            feed.on_progress = self._progressed
        super().show_feed(feed)
        self._update_header()

    def _update_header(self) -> None:
        feed = self.follow_feed
        result = feed.result if feed is not None else None
        header = self.query_one("#feed-header", Static)
        header.update(summary_text(result, len(self.follows), self.progress))
        header.display = bool(self.follows)

    def _progressed(self, done: int, total: int) -> None:
        """A query of the refresh finished: say so and show what was found so far."""
        if not self.is_attached:
            return
        self.progress = (done, total)
        self._update_header()
        if done < total and self.page is None:
            self.set_message(f"checking followed tags {done}/{total}…")
            self._show_partial(self.generation)
            self.update_status()

    @work(group="feed-partial", exclusive=True, exit_on_error=False)
    async def _show_partial(self, generation: int) -> None:
        feed = self.follow_feed
        if feed is None or generation != self.generation or self.page is not None:
            return
        found = feed.found_so_far()[: feed.page_size]
        shown, _ = self.e621_app.session.visible(found)
        if not shown:
            return
        keep = self.focused_id() if self._partial else None
        ids = [item.post.id for item in shown]
        cursor = ids.index(keep) if keep in ids else 0
        if generation != self.generation or self.page is not None:
            return
        await self.grid.set_items([self.cell_state(item) for item in shown], cursor)
        self._partial = True
        self.update_status()

    def update_status(self) -> None:
        """While checking: the post under the cursor of what was found so far, and progress."""
        if self.page is not None or not self._partial:
            super().update_status()
            return
        current = self.grid.current
        done, total = self.progress
        self.show_status(
            title=self.list_title(),
            position=f"checking {done}/{total}",
            post_id=current.post.id if current else None,
            marked=len(self.grid.marked),
        )

    async def _show(self, page: Page, cursor: int = 0, *, keep: int | None = None) -> None:
        """Show a page; the first one keeps the post the user moved to in the partial grid."""
        if keep is None and self._partial and page.index == 0 and self.page is None:
            keep = self.focused_id()
        await super()._show(page, cursor, keep=keep)
        self._update_header()
        feed = self.follow_feed
        if feed is not None and feed.result is not None and feed.result.refused and not self._told:
            self._told = True
            reasons = list(feed.result.refused.values())
            more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
            self.notify(f"skipped a follow: {reasons[0]}{more}", severity="warning", markup=False)

    def list_title(self) -> str:
        """``followed tags: 12 new`` (what the blacklist hides is not counted)."""
        feed = self.follow_feed
        if feed is None or feed.result is None:
            return f"followed tags ({len(self.follows)})"
        return f"followed tags: {len(feed.result.posts) - feed.result.hidden} new"

    def empty_message(self) -> str:
        """No follows yet, or nothing new."""
        discovery = self.e621_app.discovery
        if not self.follows:
            return discovery.no_follows_hint()
        key = discovery.key("reload", "r")
        tags = plural(len(self.follows), "followed tag")
        return f"nothing new from your {tags}: {key} checks again"

    def action_reload(self) -> None:
        """Check the followed tags again (the list as the config has it now)."""
        self.follows = list(self.e621_app.settings.follows)
        self.show_feed(self.new_feed())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Mark all seen needs a finished check with something in it."""
        if action == "mark_seen":
            feed = self.follow_feed
            return True if feed is not None and feed.result and feed.result.posts else None
        return super().check_action(action, parameters)

    def action_mark_seen(self) -> None:
        """Remember everything checked as seen; the feed is empty until new posts appear."""
        feed = self.follow_feed
        if feed is None or feed.result is None:
            self.notify("the feed is still being checked", markup=False)
            return
        result = feed.result
        moved = feed.mark_all_seen()
        shown = len(result.posts) - result.hidden
        self.notify(
            f"marked {plural(shown, 'post')} seen ({plural(moved, 'tag')} moved on)", markup=False
        )
        if result.more:
            self.show_feed(feed.fresh_copy())  # some tags stopped at the page cap: go on
            return
        # Nothing up to the marks is new any more: show the empty feed without asking again.
        empty = feed.fresh_copy()
        assert isinstance(empty, FollowFeed)
        empty.result = replace(
            result, posts=[], tags_of={}, counts={}, hidden=0, more=(), requests=0, seconds=0.0
        )
        self.show_feed(empty)
