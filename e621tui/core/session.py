"""The Session: one per app. Composes the client, the image pipeline and the services.

``session.sets`` (your sets and every known set's members), ``session.writes`` (the
outbox: favorites, votes, set edits, undo), ``session.downloads`` (the download queue) and
``session.discovery`` (followed tags, history, popular, random, tag info, comments) are
services the session owns; the session itself keeps the account, the blacklist, the one
object per post id, and makes feeds. It never imports textual: the app subscribes to its
events and turns them into messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from e621tui.api.budget import SharedBudget
from e621tui.api.client import E621Client
from e621tui.api.errors import ApiError, AuthError, BlockedByEdge, NetworkError
from e621tui.api.limiter import Priority, RequestScheduler
from e621tui.api.models import Post, User
from e621tui.api.query import with_safe_rating
from e621tui.core.blacklist.rules import Blacklist
from e621tui.core.discovery import DiscoveryService
from e621tui.core.downloads import (
    DEFAULT_POOL_TEMPLATE,
    DEFAULT_TEMPLATE,
    DownloadOptions,
    DownloadService,
)
from e621tui.core.events import Event, LoginChanged, NetworkTrouble, QueueChanged
from e621tui.core.feeds import PoolFeed, SearchFeed, SetFeed, open_pool
from e621tui.core.images.pipeline import ImagePipeline
from e621tui.core.registry import PostRegistry, Shown
from e621tui.core.sets import SetService
from e621tui.core.startup import EarlyStart, StartTarget
from e621tui.core.writes.service import WriteService
from e621tui.core.writes.store import Action

log = logging.getLogger(__name__)


@dataclass
class SessionOptions:
    """Everything the session needs to know, decided by the CLI/config layer."""

    base_url: str
    username: str | None = None
    api_key: str | None = None
    page_size: int = 60
    request_rate: float = 1.0
    safe_mode: bool = False
    local_blacklist: str = ""
    data_dir: Path | None = None
    cache_dir: Path | None = None
    thumb_cache_mb: int = 200
    image_memory_mb: int = 24
    """Decoded images kept in memory (the LRU is bounded by bytes): two pages of previews
    (~200 KB each) and a few post samples. Prepared pictures have their own cache (ui)."""
    site_name: str = "e621"
    transport: httpx.AsyncBaseTransport | None = None
    download_dir: Path | None = None
    """Where downloads go (None: the platform's downloads folder + ``e621-tui``)."""
    download_template: str = DEFAULT_TEMPLATE
    pool_template: str = DEFAULT_POOL_TEMPLATE
    download_parallel: int = 3


@dataclass
class Session:
    """One browsing session against one site."""

    options: SessionOptions
    client: E621Client = field(init=False)
    images: ImagePipeline = field(init=False)
    sets: SetService = field(init=False)
    writes: WriteService = field(init=False)
    downloads: DownloadService = field(init=False)
    discovery: DiscoveryService = field(init=False)
    user: User | None = None
    login_message: str | None = None
    account_blacklist: Blacklist = field(default_factory=Blacklist)
    local_blacklist: Blacklist = field(default_factory=Blacklist)
    show_blacklisted: bool = False
    posts: PostRegistry = field(default_factory=PostRegistry)
    listeners: list[Callable[[Event], None]] = field(default_factory=list)
    early: EarlyStart | None = None
    """Work for the first screen started by `begin`, taken over by the calls below."""

    def __post_init__(self) -> None:
        opts = self.options
        scheduler = RequestScheduler(
            rate=opts.request_rate, shared=SharedBudget.for_site(opts.base_url)
        )
        self.client = E621Client(
            opts.base_url,
            opts.username,
            opts.api_key,
            scheduler=scheduler,
            transport=opts.transport,
        )
        self.client.on_status = lambda status: self._emit(NetworkTrouble(status.trouble))
        scheduler.on_queue_change = lambda queued: self._emit(QueueChanged(queued))
        self.client.on_auth_refused = self._auth_refused
        cache = opts.cache_dir / "images" if opts.cache_dir else None
        self.images = ImagePipeline(
            user_agent=self.client.user_agent,
            cache_dir=cache,
            max_disk_bytes=opts.thumb_cache_mb * 2**20,
            memory_bytes=opts.image_memory_mb * 2**20,
        )
        self.images.set_base_url(self.client.base_url)
        self.local_blacklist = Blacklist.parse(opts.local_blacklist)
        self.sets = SetService(self.client, self._emit, self._pending_writes)
        self.writes = WriteService(
            self.client,
            self.posts,
            self.sets,
            self._emit,
            data_dir=opts.data_dir,
            account=lambda: self.account,
        )
        self.downloads = DownloadService(
            self.client,
            self._emit,
            data_dir=opts.data_dir,
            options=DownloadOptions(
                download_dir=opts.download_dir,
                download_template=opts.download_template,
                pool_template=opts.pool_template,
                parallel=opts.download_parallel,
            ),
            keep=lambda post: bool(self.visible([post])[0]),
        )
        self.discovery = DiscoveryService(
            self.client,
            self.register,
            blacklist=lambda: self.blacklist,
            logged_in=lambda: self.logged_in,
            page_size=opts.page_size,
            safe_mode=opts.safe_mode,
            data_dir=opts.data_dir,
        )

    def _pending_writes(self) -> list[Action]:
        outbox = self.writes.outbox
        return outbox.pending() if outbox is not None else []

    # ---- plumbing ------------------------------------------------------------------------

    @property
    def blacklist(self) -> Blacklist:
        """The account's blacklist plus the local one."""
        return Blacklist.combine(self.account_blacklist, self.local_blacklist)

    @property
    def logged_in(self) -> bool:
        """True when writes can be made."""
        return self.client.logged_in

    @property
    def account(self) -> str:
        """``host:user`` — what the outbox keys replay on."""
        host = httpx.URL(self.client.base_url).host
        return f"{host}:{self.client.username or '-'}"

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """Call ``listener`` with every session event."""
        self.listeners.append(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self.listeners):
            listener(event)

    def begin(
        self,
        target: StartTarget,
        *,
        preview_box: tuple[int, int] | None = (256, 256),
        visible: int = 24,
    ) -> EarlyStart:
        """Start the first screen's work now, before the UI exists (call inside the loop).

        The login check, the first page of ``target`` (or its pool, set or post) and the
        first page's previews (decoded into ``preview_box``, the ``visible`` first ones
        first) start at once. The first `check_login`, and the first `search`, `pool`,
        `post_set` or `post` call for the same target, take that work over instead of
        sending it again.
        """
        if self.early is not None:
            self.early.cancel()
        self.early = EarlyStart(self, target, preview_box=preview_box, visible=visible)
        return self.early

    async def close(self) -> None:
        """Stop sending writes and close connections (pending writes stay on disk)."""
        if self.early is not None:
            self.early.cancel()
        await self.writes.close()
        await self.downloads.close()
        await self.images.aclose()
        await self.client.aclose()

    def register(self, posts: list[Post]) -> list[Post]:
        """Keep one object per post id so that every view sees the same state."""
        out: list[Post] = []
        for post in posts:
            known = self.posts.get(post.id)
            if known is not None and self.writes.has_pending(post.id):
                # Keep our optimistic state until the outbox settles.
                post.is_favorited, post.vote = known.is_favorited, known.vote
                post.fav_count, post.score = known.fav_count, known.score
            self.posts[post.id] = post
            out.append(post)
        return out

    # ---- account -------------------------------------------------------------------------

    async def check_login(self) -> bool:
        """Check the API key once and load the account's blacklist (the early check if any).

        On failure the session goes on anonymously and ``login_message`` says why.
        """
        early = self.early.take_login() if self.early is not None else None
        if early is not None:
            return await early
        return await self.verify_login()

    async def verify_login(self) -> bool:
        """Ask the site whether the API key works (see `check_login`)."""
        if not self.client.logged_in or not self.client.username:
            return False
        try:
            self.user = await self.client.account.me()
        except AuthError:
            self.login_message = (
                "the API key was not accepted (wrong or expired); browsing anonymously"
            )
        except BlockedByEdge as exc:
            self.login_message = f"could not log in: {exc.message}; browsing anonymously"
        except NetworkError as exc:
            self.login_message = f"could not reach the site to log in ({exc.message})"
            return False
        except ApiError as exc:
            self.login_message = f"could not log in: {exc.message}; browsing anonymously"
        else:
            self.login_message = None
            self.account_blacklist = Blacklist.parse(self.user.blacklisted_tags or "")
            return True
        self.logout()
        return False

    def _auth_refused(self, error: AuthError) -> None:
        """The site refused the key on a read: browse on anonymously and say why."""
        self.login_message = "the API key was not accepted (wrong or expired); browsing anonymously"
        self.logout()
        self._emit(LoginChanged(self.login_message))

    async def login(self, username: str, api_key: str) -> bool:
        """Switch to an account and check its key."""
        early = self.early.take_login() if self.early is not None else None
        if early is not None:
            early.cancel()  # it checked the previous account
        self.writes.stop_sending()
        self.client.set_credentials(username, api_key)
        self.writes.open()
        ok = await self.check_login()
        if ok:
            self.writes.start()
        return ok

    def logout(self) -> None:
        """Forget the account for this session (browsing continues anonymously)."""
        self.client.set_credentials(None, None)
        self.user = None
        self.account_blacklist = Blacklist()
        self.sets.forget()
        self.writes.stop_sending()
        self.writes.open()  # anonymous: no outbox

    async def save_blacklist(self, text: str) -> str:
        """Save the account blacklist to the site (when logged in); return where it went."""
        if self.user is not None:
            await self.client.account.update_blacklist(self.user.id, text)
            self.account_blacklist = Blacklist.parse(text)
            return "account"
        self.local_blacklist = Blacklist.parse(text)
        return "local"

    # ---- what to show ---------------------------------------------------------------------

    def visible(self, posts: list[Post]) -> tuple[list[Shown], int]:
        """Apply safe mode and the blacklist: the posts to show and how many were hidden."""
        blacklist = self.blacklist
        shown: list[Shown] = []
        hidden = 0
        for post in posts:
            if self.options.safe_mode and post.rating != "s":
                hidden += 1
                continue
            rule = blacklist.match(post) if blacklist else None
            if rule is not None:
                hidden += 1
                if not self.show_blacklisted:
                    continue
            shown.append(Shown(post, rule))
        return shown, hidden

    def hidden_reason(self, post: Post) -> str | None:
        """Why the site withheld this post's image, or None if it did not."""
        if not post.is_hidden:
            return None
        if post.flags.deleted:
            return "deleted"
        if self.options.safe_mode and post.rating != "s":
            return "hidden by safe mode"
        if not self.logged_in:
            return "log in to see this post"
        return "hidden by the site"

    def search(self, query: str) -> SearchFeed:
        """A feed for a tag query (safe mode adds ``rating:s``); the early one if it matches."""
        if self.early is not None:
            feed = self.early.take_feed(self._effective_query(query))
            if feed is not None:
                return feed
        return self.new_search(query)

    def _effective_query(self, query: str) -> str:
        if self.options.safe_mode:
            query = with_safe_rating(query)
        return query.strip()

    def new_search(self, query: str) -> SearchFeed:
        """A new feed for a tag query (safe mode adds ``rating:s``)."""
        query = self._effective_query(query)
        return SearchFeed(
            client=self.client,
            page_size=self.options.page_size,
            register=self.register,
            query=query,
        )

    async def pool(self, pool_id: int) -> PoolFeed:
        """A feed of a pool in reading order (one request for the pool; the early one)."""
        early = self.early.take_opened("pool", pool_id) if self.early is not None else None
        if early is not None:
            feed: PoolFeed = await early
            return feed
        return await self.open_pool(pool_id)

    async def open_pool(self, pool_id: int) -> PoolFeed:
        """Fetch a pool and make its feed."""
        return await open_pool(self.client, pool_id, self.options.page_size, self.register)

    async def post_set(self, set_id: int) -> SetFeed:
        """A feed of a set's posts (its members are remembered by `sets`; the early one)."""
        early = self.early.take_opened("set", set_id) if self.early is not None else None
        if early is not None:
            feed: SetFeed = await early
            return feed
        return await self.open_set(set_id)

    async def open_set(self, set_id: int) -> SetFeed:
        """Fetch a set and make its feed."""
        post_set = await self.sets.read(set_id, priority=Priority.USER)
        return SetFeed(
            client=self.client,
            page_size=self.options.page_size,
            register=self.register,
            post_ids=post_set.post_ids,
            post_set=post_set,
        )

    async def post(self, post_id: int) -> Post:
        """One post, fresh from the site (or from the early start)."""
        early = self.early.take_opened("post", post_id) if self.early is not None else None
        if early is not None:
            post: Post = await early
            return post
        return await self.fetch_post(post_id)

    async def fetch_post(self, post_id: int) -> Post:
        """Fetch one post."""
        return self.register([await self.client.posts.get(post_id)])[0]


__all__ = ["Session", "SessionOptions"]
