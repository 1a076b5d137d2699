"""The post screen: the image on the left, details on the right, left/right walk the list."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from e621tui.api.errors import ApiError
from e621tui.api.models import Post
from e621tui.core.images import display_request
from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs.prompt import PromptDialog
from e621tui.ui.messages import MembershipUpdated, PostsUpdated
from e621tui.ui.screens.base import NamedSource, PostSource, PostViewScreen
from e621tui.ui.screens.search import SearchScreen
from e621tui.ui.widgets.footer import KeyFooter
from e621tui.ui.widgets.image import ImageView
from e621tui.ui.widgets.post_details import PostDetails, description_text, media_note
from e621tui.ui.widgets.statusbar import StatusBar

#: The pixel box the post's still is decoded into.
IMAGE_BOX = (1200, 1200)


#: Tags that say something about a post but are rarely what one wants more of.
_NOT_SEARCHED = frozenset(
    {"conditional_dnp", "sound_warning", "unknown_artist", "epilepsy_warning"}
)


def suggested_tag(post: Post) -> str:
    """The tag most likely to be searched next: an artist, character, copyright, species…"""
    for category in ("artist", "character", "copyright", "species", "general"):
        for tag in post.tags.get(category, []):
            if tag not in _NOT_SEARCHED:
                return one_line(tag, 200)
    return ""


class PostScreen(PostViewScreen):
    """One post at a time from a list (a search page, a pool, a set).

    Args:
        posts: The list to walk with left/right (pool order in a pool, search order in a search).
        index: The post to show first.
        source: Where the list came from: a `PostSource` is asked for more posts when walking
            past either end; a `NamedSource` names the list and knows its pool.
    """

    BINDINGS = [
        Binding("left,h", "walk(-1)", "Prev", id="prev_post", tooltip="Previous post"),
        Binding("right,l", "walk(1)", "Next", id="next_post", tooltip="Next post"),
        Binding("g", "go_to_pool", "Go to pool", id="open_pool", tooltip="Open the post's pool"),
        Binding("t", "search_tag", "Search tag…", id="search_tag", tooltip="Search for a tag"),
        Binding("v", "reveal", "Show anyway", id="reveal", tooltip="Show a blacklisted image"),
        Binding("e", "toggle_description", "Description", show=False, id="toggle_description"),
        Binding("j,down", "scroll_details(1)", "Scroll", show=False, id="scroll_down"),
        Binding("k,up", "scroll_details(-1)", "Scroll up", show=False, id="scroll_up"),
        Binding("pagedown", "page_details(1)", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_details(-1)", "Page up", show=False, id="page_up"),
        Binding(
            "z",
            "full_screen",
            "Full screen",
            show=False,
            id="full_screen",
            tooltip="The picture using the whole terminal",
        ),
        Binding(
            "enter",
            "play_or_view",
            "Play/view",
            show=False,
            id="play_or_view",
            tooltip="Play a video or animation; a picture: full screen",
        ),
        Binding("c", "comments", "Comments", id="comments", tooltip="The post's comments"),
        Binding("i", "tag_info", "Tag info", id="tag_info", tooltip="Wiki and related tags"),
        Binding("b", "follow", "Follow", show=False, id="follow", tooltip="Follow a tag (picker)"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, posts: list[Post], index: int, *, source: object | None = None) -> None:
        super().__init__()
        if not posts:
            raise ValueError("PostScreen needs at least one post")
        self.post_list = list(posts)
        self.position = max(0, min(index, len(self.post_list) - 1))
        self.source = source
        self.description_expanded = False
        self._extending = False
        self._image: ImageView | None = None
        self._revealed: set[int] = set()

    @property
    def current(self) -> Post:
        """The post shown (the session's copy, which carries optimistic fav/vote state)."""
        post = self.post_list[self.position]
        return self.e621_app.session.posts.get(post.id, post)

    # ---- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Image and media note | details; status bar; footer."""
        with Horizontal(id="post-body"):
            with Vertical(id="post-media"):
                yield Static(id="post-media-note")
            yield PostDetails(id="post-details")
        yield StatusBar(self.e621_app.app_status(), id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show the first post."""
        self.show_post(self.position)

    @property
    def details(self) -> PostDetails:
        """The details pane."""
        return self.query_one(PostDetails)

    def show_post(self, position: int) -> None:
        """Show the post at ``position``: swap the image, re-fill the details, update status."""
        self.position = position
        self.description_expanded = False
        post = self.current
        self._swap_image(post)
        note = self.query_one("#post-media-note", Static)
        hidden = self.e621_app.session.hidden_reason(post)
        note_text = "" if hidden else media_note(post)
        note.update(Text(note_text))
        note.display = bool(note_text)
        self.details.show(post, self.post_context(post), self.pool_name)
        self.update_status()
        self.refresh_bindings()
        self.e621_app.idle_gc.soon()

    def _swap_image(self, post: Post) -> None:
        if self._image is not None:
            self._image.remove()  # its unmount cancels a load still under way
        session = self.e621_app.session
        reason = session.hidden_reason(post)
        rule = None if post.id in self._revealed else session.blacklist.match(post)
        request = None if reason or rule else display_request(post)
        if reason:
            placeholder = f"⊘ {reason}\n#{post.id}"
        elif rule is not None:
            placeholder = f"⊘ blacklisted\n#{post.id}\npress v to show it anyway"
        elif request is None:
            placeholder = f"no image\n#{post.id}"
        else:
            ext = one_line(post.file.ext, 8).upper()
            placeholder = f"#{post.id}\n{post.file.width}×{post.file.height} {ext}"
        kit = self.e621_app.picture_kit()
        self._image = ImageView(
            request,
            images=session.images,
            graphics=self.e621_app.graphics,
            placeholder=placeholder,
            box=IMAGE_BOX,
            renderer=kit.renderer,
            layer=kit.layer,
            cache=kit.cache,
            classes="post-image",
        )
        self.query_one("#post-media", Vertical).mount(self._image, before=0)

    def pool_name(self, pool_id: int) -> str | None:
        """A pool's name if the source or an open screen already loaded that pool (no request)."""
        for screen in [self.source, *self.app.screen_stack]:
            if isinstance(screen, NamedSource):
                pool = screen.known_pool(pool_id)
                if pool is not None:
                    return pool.display_name
        return None

    def set_graphics(self, mode: str) -> None:
        """Draw the picture in another graphics mode."""
        if self._image is not None:
            kit = self.e621_app.picture_kit(mode)
            self._image.set_graphics(mode, kit.renderer, kit.layer, kit.cache)

    # ---- status --------------------------------------------------------------------------

    def list_title(self) -> str:
        """The name of the list the post came from (a query, a pool, a set), or ""."""
        return self.source.list_title() if isinstance(self.source, NamedSource) else ""

    def update_status(self) -> None:
        """Post id, list name and ``post i/n``."""
        self.show_status(
            title=self.list_title(),
            position=f"post {self.position + 1}/{len(self.post_list)}",
            post_id=self.current.id,
        )

    def _repaint_title(self) -> None:
        self.details.show_title(self.current, self.post_context(self.current))

    def on_posts_updated(self, message: PostsUpdated) -> None:
        """Your favorite or vote changed: repaint the title line."""
        if self.current.id in message.post_ids:
            self._repaint_title()

    def on_membership_updated(self, message: MembershipUpdated) -> None:
        """The active set changed: repaint the in-set marker."""
        self._repaint_title()

    def on_screen_resume(self) -> None:
        """Back from a dialog or another screen: state may have changed."""
        self._repaint_title()
        self.update_status()

    def refilter(self) -> None:
        """The blacklist changed: repaint the blacklist line and hide or show the image."""
        if not self.is_mounted:
            return  # the login check ended first (``--post``): mounting shows the post as is
        self._repaint_title()
        self._swap_image(self.current)
        self.refresh_bindings()

    def target_posts(self) -> list[Post]:
        """The app's actions (favorite, vote, sets, links) apply to the post shown."""
        return [self.current]

    # ---- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out "go to pool" for posts in no pool."""
        if action == "go_to_pool":
            return True if self.current.pools else None
        if action == "reveal":
            post = self.current
            blocked = post.id not in self._revealed and self.e621_app.session.blacklist.match(post)
            return True if blocked else None
        return True

    def action_walk(self, step: int) -> None:
        """Show the previous (-1) or next (1) post of the list."""
        target = self.position + step
        if 0 <= target < len(self.post_list):
            self.show_post(target)
            return
        if self._extending:
            return
        if isinstance(self.source, PostSource):
            self._extend(self.source, step)
        else:
            self.notify("last post of this list" if step > 0 else "first post of this list")

    @work(group="more-posts", exclusive=True, exit_on_error=False)
    async def _extend(self, source: PostSource, direction: int) -> None:
        self._extending = True
        try:
            posts = list(await source.more_posts(direction))
        except ApiError as exc:
            self.e621_app.report(exc, "loading more posts")
            return
        finally:
            self._extending = False
        known = {p.id for p in self.post_list}
        new = [p for p in posts if p.id not in known]
        if not new:
            self.notify("no more posts in this list" if direction > 0 else "no earlier posts")
            return
        if direction > 0:
            self.post_list.extend(new)
            self.show_post(self.position + 1)
        else:
            self.post_list[:0] = new
            self.show_post(self.position + len(new) - 1)

    def action_go_to_pool(self) -> None:
        """Open the post's (first) pool in reading order."""
        pools = self.current.pools
        if not pools:
            self.notify("this post is in no pool")
            return
        if len(pools) > 1:
            self.notify(f"this post is in {len(pools)} pools; opening pool #{pools[0]}")
        self.e621_app.open_pool(pools[0])

    def action_reveal(self) -> None:
        """Show the image of a blacklisted post (this post only, until the screen closes)."""
        post = self.current
        if post.id not in self._revealed:
            self._revealed.add(post.id)
            self._swap_image(post)
            self.refresh_bindings()

    def action_search_tag(self) -> None:
        """Ask for a query (starting with one of the post's tags) and search it."""
        self._search_tag(suggested_tag(self.current))

    @work(group="search-tag", exclusive=True, exit_on_error=False)
    async def _search_tag(self, tag: str) -> None:
        query: str | None = await self.app.push_screen_wait(
            PromptDialog("Search for", placeholder="tags", value=tag)
        )
        if query and query.strip():
            # A new search on top: escape comes back to this post.
            await self.app.push_screen(SearchScreen(query.strip()))

    def action_toggle_description(self) -> None:
        """Show the whole description, or collapse it again."""
        post = self.current
        session = self.e621_app.session
        text, long = description_text(
            post, base_url=session.client.base_url, expanded=not self.description_expanded
        )
        if not long:
            return
        self.description_expanded = not self.description_expanded
        self.query_one("#post-description", Static).update(text)

    def action_full_screen(self) -> None:
        """Show the picture using the whole terminal (escape returns)."""
        post = self.current
        self.e621_app.media_actions.full_screen(post, revealed=post.id in self._revealed)

    def action_play_or_view(self) -> None:
        """Play a video or an animation; show a still picture full screen."""
        self.e621_app.media_actions.play_or_view(
            self.current, revealed=self.current.id in self._revealed
        )

    def action_scroll_details(self, lines: int) -> None:
        """Scroll the details pane by lines."""
        details = self.details
        details.scroll_to(y=details.scroll_target_y + lines, animate=False)

    def action_page_details(self, pages: int) -> None:
        """Scroll the details pane by a page."""
        if pages > 0:
            self.details.scroll_page_down(animate=False)
        else:
            self.details.scroll_page_up(animate=False)

    # ---- discovery (`DiscoveryActions`) ---------------------------------------------------

    def action_comments(self) -> None:
        """Show the post's comments."""
        self.e621_app.discovery.comments(self.current)

    def action_tag_info(self) -> None:
        """Pick one of the post's tags and show its wiki page and related tags."""
        self.e621_app.discovery.tag_info_from_post(self.current)

    def action_follow(self) -> None:
        """Pick one of the post's tags and follow or unfollow it."""
        self.e621_app.discovery.follow_from_post(self.current)
