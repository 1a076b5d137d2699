"""The set screen: a set's posts with a live count; edit, delete and remove posts from it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from e621tui.api.errors import ApiError
from e621tui.api.models import Post, PostSet, SetChoice
from e621tui.core.events import NotLoggedIn
from e621tui.core.feeds import Page, SetFeed
from e621tui.text.sanitize import dtext_to_plain, one_line
from e621tui.ui.dialogs.confirm import ConfirmDialog
from e621tui.ui.dialogs.edit_set import EditSetDialog, SetChanges
from e621tui.ui.messages import MembershipUpdated, StatusUpdated
from e621tui.ui.screens.grid_screen import GridScreen

if TYPE_CHECKING:
    from e621tui.ui.app import E621App

_OWNER_ONLY = ("edit_set", "delete_set")

SetFlow = Callable[["E621App", int], Coroutine[Any, Any, None]]
"""`edit_set` or `delete_set`."""


class SetScreen(GridScreen):
    """Shows a set's name, visibility and post count above its posts.

    The set's members live in the session (`SetService`): posts removed from the set (here or
    on a post screen) leave the grid and the count at once; undo, or the site refusing the
    removal, brings them back.
    """

    BINDINGS = [
        Binding(
            "x", "remove_from_set", "Remove", id="remove_active", tooltip="Remove from this set"
        ),
        Binding("e", "edit_set", "Edit set", id="edit_set", tooltip="Rename or describe this set"),
        Binding("D", "delete_set", "Delete set", show=False, id="delete_set", tooltip="Asks first"),
    ]

    def __init__(self, feed: SetFeed) -> None:
        super().__init__(feed)
        self.set_feed = feed
        post_set = feed.post_set
        self.set_id = post_set.id if post_set is not None else 0
        self.deleted = False
        self._all_removed = False
        self._claimed = False
        self._reshow_target: tuple[int | None, int] | None = None

    # ---- state ---------------------------------------------------------------------------

    @property
    def members(self) -> set[int]:
        """The set's posts as far as the session knows (follows adds, removals and undo)."""
        known = self.e621_app.session.sets.members(self.set_id)
        if known is not None:
            return known
        post_set = self.set_feed.post_set
        return set(post_set.post_ids) if post_set is not None else set()

    def my_choice(self) -> SetChoice | None:
        """This set as one of yours (owned or maintained), or None."""
        if self.deleted:
            return None
        return self.e621_app.session.sets.mine(self.set_id)

    @property
    def owned(self) -> bool:
        """True when you created this set (only then can you edit or delete it)."""
        choice = self.my_choice()
        return choice is not None and choice.owned

    def _is_active(self) -> bool:
        return self.e621_app.session.sets.is_active(self.set_id)

    # ---- header --------------------------------------------------------------------------

    def header_text(self) -> Text:
        """Name, visibility and the live count."""
        post_set = self.set_feed.post_set
        header = Text()
        if post_set is None:
            return header
        count = len(self.members)
        header.append(f"Set #{post_set.id}  ", style="bold")
        header.append(one_line(post_set.name, 100), style="bold")
        header.append(f"  ({one_line(post_set.shortname, 50)})")
        header.append(f"   {'public' if post_set.is_public else 'private'} · {count} posts")
        if self.deleted:
            header.append(" · deleted", style="bold red")
        elif self._is_active():
            header.append(" · active set: a adds, x removes", style="cyan")
        description = dtext_to_plain(post_set.description, max_len=600).strip()
        if description:
            header.append("\n" + one_line(description, 300), style="dim")
        return header

    def refresh_header(self) -> None:
        """Repaint the header and the status line (after an edit or a count change)."""
        self.query_one("#feed-header", Static).update(self.header_text())
        self.update_status()

    def compose_header(self) -> ComposeResult:
        """The header."""
        yield Static(id="feed-header")

    # Textual also calls the base class's handler of each message after this class's own
    # (it walks the MRO), so these handlers never call super(): that would run it twice.

    def on_mount(self) -> None:
        """Paint the header (`GridScreen.on_mount` then loads)."""
        self.query_one("#feed-header", Static).update(self.header_text())

    # ---- keeping up with membership ------------------------------------------------------

    def on_membership_updated(self, message: MembershipUpdated) -> None:
        """Keep the count and the grid in step with the set's members."""
        if message.set_id == self.set_id:
            self._sync_from_session()
        self.refresh_header()
        self.refresh_bindings()

    def on_status_updated(self, message: StatusUpdated) -> None:
        """Login or your sets changed: what you may do here may have changed too."""
        self._claim_active()
        self.refresh_header()
        self.refresh_bindings()

    def _sync_from_session(self) -> None:
        # While the set's members are being read, what the session knows may be partial:
        # take it once the read is over.
        if self.e621_app.session.sets.loading(self.set_id):
            self._sync_after_loading()
            return
        self._resync_grid()
        self.refresh_header()

    @work(group="set-sync", exclusive=True, exit_on_error=False)
    async def _sync_after_loading(self) -> None:
        await self.e621_app.session.sets.wait_members(self.set_id)
        if self.is_attached and self.query("#grid"):  # not while the screen is torn down
            self._sync_from_session()

    def _claim_active(self) -> None:
        # Opened (e.g. with --set) before your sets were known: once they are, a set of
        # yours becomes the active set, as it would have on opening, unless one was chosen.
        session = self.e621_app.session
        choice = self.my_choice()
        if self._claimed or choice is None or session.sets.active is not None:
            return
        self._claimed = True
        self._activate(choice)

    @work(group="set-activate", exit_on_error=False)
    async def _activate(self, choice: SetChoice) -> None:
        try:
            await self.e621_app.session.sets.set_active(choice)
        except ApiError as exc:
            self.e621_app.report(exc, f"loading set {one_line(choice.name, 40)}")

    async def _show(self, page: Page, cursor: int = 0, *, keep: int | None = None) -> None:
        members = self.members
        kept = [p for p in page.posts if p.id in members]
        self._all_removed = bool(page.posts) and not kept
        shown = Page(index=page.index, posts=kept, is_last=page.is_last)
        await super()._show(shown, cursor, keep=keep)

    def _raw_page(self) -> Page | None:
        return self.feed.cached(self.page_index) if self.feed is not None else None

    def _resync_grid(self) -> None:
        raw = self._raw_page()
        if raw is None or self.page is None:
            return
        members = self.members
        want = [p.id for p in raw.posts if p.id in members]
        if want == [p.id for p in self.page.posts]:
            self._restate()
            return
        if self._reshow_target is None:
            # A reshow cut short by a newer one leaves the grid half-built: keep the first aim.
            current = self.grid.current
            keep = current.post.id if current is not None else None
            self._reshow_target = (keep, self.grid.cursor)
        self._reshow(raw)

    @work(group="show", exclusive=True, exit_on_error=False)
    async def _reshow(self, raw: Page) -> None:
        keep, index = self._reshow_target or (None, 0)
        await self._show(raw, index)
        self._reshow_target = None
        ids = [item.post.id for item in self.grid.items]
        if keep in ids:
            self.grid.cursor = ids.index(keep)

    def refilter(self) -> None:
        """Apply a changed blacklist (to the page as loaded, not as last filtered)."""
        raw = self._raw_page()
        if raw is not None:
            self.show_later(raw, keep=self.focused_id())

    def empty_message(self) -> str:
        """An empty set, or a page whose posts were all removed."""
        if self._all_removed:
            return "every post on this page was removed from the set (u undoes the last)"
        return "this set has no posts yet: add some with s or a from a search"

    # ---- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Edit and delete only your own set; remove only from a set you can edit."""
        if action in _OWNER_ONLY:
            return True if self.owned else None
        if action == "remove_from_set":
            # None lets `x` fall through to the app: remove from your active set.
            return True if self.my_choice() is not None and self.target_posts() else None
        return super().check_action(action, parameters)

    def action_remove_from_set(self) -> None:
        """Remove the marked (else the focused) posts from this set."""
        choice = self.my_choice()
        if choice is None:
            return
        members = self.members
        posts = [p for p in self.target_posts() if p.id in members]
        if not posts:
            self.notify("not in this set", markup=False)
            return
        self.run_worker(
            self._remove_when_known(posts, choice),
            group="set-remove",
            exclusive=True,
            exit_on_error=False,
        )

    async def _remove_when_known(self, posts: list[Post], choice: SetChoice) -> None:
        # Wait for a read of the set under way, so that the optimistic change is not lost in it.
        await self.e621_app.session.sets.wait_members(self.set_id)
        self._remove(posts, choice)

    def _remove(self, posts: list[Post], choice: SetChoice) -> None:
        try:
            self.e621_app.session.writes.remove_from_set(posts, choice.id)
        except NotLoggedIn as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        except ValueError as exc:  # nothing to remove any more
            self.notify(str(exc), markup=False)
            return
        what = f"#{posts[0].id}" if len(posts) == 1 else f"{len(posts)} posts"
        self.notify(f"removing {what} from {one_line(choice.name, 40)}", markup=False)
        self.actions_done()

    def action_edit_set(self) -> None:
        """Rename, re-describe or change the visibility of this set."""
        if self.owned:
            run_set_flow(self.e621_app, edit_set, self.set_id)

    def action_delete_set(self) -> None:
        """Delete this set (after a confirmation) and leave its screen."""
        if self.owned:
            run_set_flow(self.e621_app, delete_set, self.set_id)


# ---- flows shared by the set screen and the command palette --------------------------------


def set_screens(app: E621App, set_id: int) -> list[SetScreen]:
    """The open screens showing set ``set_id``, topmost first."""
    return [
        s for s in reversed(app.screen_stack) if isinstance(s, SetScreen) and s.set_id == set_id
    ]


def run_set_flow(app: E621App, flow: SetFlow, set_id: int) -> None:
    """Run `edit_set` or `delete_set` in an app worker (it outlives a popped set screen)."""
    app.run_worker(flow(app, set_id), group="set-manage", exclusive=True, exit_on_error=False)


async def _current_set(app: E621App, set_id: int) -> PostSet | None:
    for screen in set_screens(app, set_id):
        if screen.set_feed.post_set is not None:
            return screen.set_feed.post_set
    try:
        return await app.session.client.sets.get(set_id)
    except ApiError as exc:
        app.report(exc, f"loading set #{set_id}")
        return None


async def edit_set(app: E621App, set_id: int) -> None:
    """Show the edit form for one of your sets; saved changes show everywhere at once."""
    post_set = await _current_set(app, set_id)
    if post_set is None:
        return

    async def save(changes: SetChanges) -> None:
        await app.session.sets.update(
            set_id,
            name=_text(changes, "name"),
            shortname=_text(changes, "shortname"),
            description=_text(changes, "description"),
            is_public=_flag(changes, "is_public"),
        )

    changes: SetChanges | None = await app.push_screen_wait(EditSetDialog(post_set, save))
    if changes is None:
        return
    if not changes:
        app.notify("nothing changed", markup=False)
        return
    screens = set_screens(app, set_id)
    shown = [post_set, *(s.set_feed.post_set for s in screens if s.set_feed.post_set)]
    for target in {id(item): item for item in shown}.values():
        for key, value in changes.items():
            setattr(target, key, value)
    for screen in screens:
        screen.refresh_header()
    app.notify(f"saved set “{one_line(post_set.name, 60)}”", markup=False)


async def delete_set(app: E621App, set_id: int) -> None:
    """Ask, then delete one of your sets and leave its screen."""
    post_set = await _current_set(app, set_id)
    if post_set is None:
        return
    screens = set_screens(app, set_id)
    count = len(screens[0].members) if screens else len(post_set.post_ids)
    name = one_line(post_set.name, 60)
    posts = "1 post" if count == 1 else f"{count} posts"
    sure: bool = await app.push_screen_wait(
        ConfirmDialog(
            f"Delete set “{name}” ({posts})? This cannot be undone.", yes="Delete", no="Keep"
        )
    )
    if not sure:
        return
    try:
        await app.session.sets.delete(set_id)
    except (ApiError, NotLoggedIn) as exc:
        app.report(exc, f"deleting set “{name}”")
        return
    app.notify(f"deleted set “{name}”", markup=False)
    for screen in screens:
        screen.deleted = True
        screen.refresh_header()
        screen.refresh_bindings()
    if isinstance(app.screen, SetScreen) and app.screen.set_id == set_id:
        app.pop_screen()


def _text(changes: dict[str, str | bool], key: str) -> str | None:
    value = changes.get(key)
    return value if isinstance(value, str) else None


def _flag(changes: dict[str, str | bool], key: str) -> bool | None:
    value = changes.get(key)
    return value if isinstance(value, bool) else None
