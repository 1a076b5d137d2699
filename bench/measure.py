"""The benchmark suite's measurements: each starts real programs in tmux against one devserver.

Times are monotonic seconds; the devserver runs in this process, so its request log shares the
clock. Every program gets a fresh HOME (cold caches, as a new user) but all share one runtime
dir, so that the machine-wide request budget holds across the suite's back-to-back launches.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.bare_app import READY
from bench.term import Burst, Term, half_blocks, status_id
from e621tui.api.budget import APP_NAME as APP_DIR
from e621tui.api.budget import SharedBudget
from e621tui.api.client import E621Client
from e621tui.api.limiter import RequestScheduler
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer

BENCH = Path(__file__).resolve().parent
_PREVIEW = re.compile(r"/([0-9a-f]{32})[._]")
#: Seconds between page turns (a quick reader).
TURN_EVERY = 1.2
#: How long after `n` output still counts as that turn.
TURN_WINDOW = 1.1


@dataclass
class Suite:
    """Shared state of one run: the server, a scratch dir, the runtime dir."""

    server: DevServer
    root: Path
    runs: int = 0

    @property
    def runtime(self) -> Path:
        """The XDG_RUNTIME_DIR every program shares (the request budget lives there)."""
        path = self.root / "run"
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    def term(self, width: int, height: int) -> Term:
        """A fresh terminal with its own workdir."""
        self.runs += 1
        return Term(self.root / f"run-{self.runs}", width, height)

    def env(self, term: Term, *, logged_in: bool) -> dict[str, str]:
        """A clean environment with private dirs."""
        home = term.workdir / "home"
        env = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "E621_TUI_CONFIG": str(term.workdir / "none.toml"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "PATH": "/usr/bin:/bin",
        }
        if logged_in:
            env["E621_API_KEY"] = DEMO_API_KEY
        return env

    def app_argv(self, *, logged_in: bool, graphics: str = "halfcell") -> list[str]:
        """``python -m e621tui`` against the suite's server."""
        entry = ["-m", "e621tui"]
        argv = [sys.executable, *entry, "--base-url", self.server.base_url]
        if logged_in:
            argv += ["--username", DEMO_USERNAME]
        return [*argv, "--graphics", graphics]

    def api_since(self, start: float, prefix: str = "") -> list[float]:
        """Arrival times of API requests (path prefix) since ``start``."""
        return [r.time for r in self.server.api_requests(prefix or None) if r.time >= start]

    def page_requests(self, start: float, end: float, *, above: int | None) -> int:
        """Search requests in [start, end) for a page of posts below a cursor over ``above``.

        The page turned to (whose first post is ``above``) was asked for with the previous
        page's lowest id as its cursor, which is higher; the prefetch of the page after it,
        sent as the turn shows, has a lower one and does not count.
        """
        count = 0
        for record in self.server.api_requests("/posts.json"):
            page = (record.query.get("page") or [""])[0]
            cursor = int(page[1:]) if page[:1] == "b" and page[1:].isdigit() else None
            if start <= record.time < end and (cursor is None or above is None or cursor > above):
                count += 1
        return count

    def previews_between(self, start: float, end: float) -> list[int]:
        """Post ids whose preview download arrived in [start, end]."""
        found = []
        for record in list(self.server.requests):
            match = _PREVIEW.search(record.path) if "/preview/" in record.path else None
            if match and start <= record.time <= end:
                post = self.server.state.posts_by_md5.get(match.group(1))
                if post is not None:
                    found.append(post.id)
        return found


# ---- imports --------------------------------------------------------------------------------


def import_seconds(modules: str, runs: int) -> float:
    """Median wall time of importing ``modules`` in a fresh interpreter."""
    code = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    times = []
    for _ in range(runs + 1):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times[1:])  # the first run warms the OS's file cache


# ---- first screen ---------------------------------------------------------------------------


@dataclass
class FirstScreen:
    """One launch of e621-tui to its first grid with thumbnails."""

    total: float
    first_id: float
    first_api: float | None
    first_preview: float | None


def bare_start(suite: Suite) -> float:
    """Launch to a drawn bare Textual app."""
    term = suite.term(120, 40)
    try:
        launched = term.start(
            [sys.executable, str(BENCH / "bare_app.py")], suite.env(term, logged_in=False)
        )
        burst = term.wait_for(lambda s: READY in s and "Quit" in s, what="the bare app")
        return burst.at - launched
    finally:
        term.close()


def app_start(suite: Suite) -> FirstScreen:
    """Launch (anonymous, 120×40, cold caches) to the first grid with its thumbnails drawn."""
    term = suite.term(120, 40)
    try:
        argv = suite.app_argv(logged_in=False)
        launched = term.start(argv, suite.env(term, logged_in=False))
        bursts: list[Burst] = []
        deadline = launched + 30.0
        while time.monotonic() < deadline:
            bursts += term.bursts(until=time.monotonic() + 0.25)
            shown = [b for b in bursts if status_id(b.screen) is not None]
            if shown and half_blocks(shown[-1].screen) and time.monotonic() - bursts[-1].at > 0.6:
                break
        else:
            raise TimeoutError(f"no grid with thumbnails:\n{term.screen()}")
        first = next(b for b in bursts if status_id(b.screen) is not None)
        drawn = thumbnails_drawn(bursts)
        api = suite.api_since(launched)
        previews = [
            r.time
            for r in list(suite.server.requests)
            if "/preview/" in r.path and r.time >= launched
        ]
        return FirstScreen(
            total=drawn - launched,
            first_id=first.at - launched,
            first_api=(min(api) - launched) if api else None,
            first_preview=(min(previews) - launched) if previews else None,
        )
    finally:
        term.close()


def thumbnails_drawn(bursts: list[Burst]) -> float:
    """When the grid's pictures were (95 %) drawn: the first settled screen with an #id and
    nearly as many half-cell characters as the screen finally shows.

    Later output that does not add pictures (the status bar, the footer, cells off screen)
    does not count.
    """
    final = half_blocks(bursts[-1].screen)
    for burst in bursts:
        if status_id(burst.screen) is not None and half_blocks(burst.screen) >= 0.95 * final:
            return burst.at
    return bursts[-1].at


# ---- page turns -----------------------------------------------------------------------------


@dataclass
class Turn:
    """One press of `n`."""

    pressed: float
    """When `n` was sent (monotonic, the devserver's clock too)."""
    id_after: float | None
    """Seconds until the new #id was on screen (None: not within the window)."""
    drawn_after: float
    """Seconds until the new page's thumbnails were drawn (95 % of the half-cell pictures the
    turn ends with; for other modes, the new #id)."""
    quiet_after: float
    """Seconds until the last output of the turn (status, footer, cells off screen)."""
    bytes_out: int
    shown_id: int | None
    """The #id the turn ended on (the first post of the page)."""
    api_waits: int
    """Page requests that arrived between `n` and the new #id (the turn waited for its page)."""
    previews: list[int]
    """Post ids whose previews were downloaded during the turn (own page or the next one)."""
    own_previews: int = 0
    """Of those, previews of the page turned to (not prefetched): filled in after the run."""


@dataclass
class TurnRun:
    """A reading session: page turns, and memory at chosen pages."""

    width: int
    height: int
    graphics: str
    turns: list[Turn] = field(default_factory=list)
    rss: dict[int, float] = field(default_factory=dict)


def page_turns(
    suite: Suite,
    width: int,
    height: int,
    turns: int,
    *,
    graphics: str = "halfcell",
    rss_at: tuple[int, ...] = (),
) -> TurnRun:
    """Log in, wait for page 1, then press `n` every 1.2 s and time each turn."""
    run = TurnRun(width, height, graphics)
    term = suite.term(width, height)
    try:
        term.start(
            suite.app_argv(logged_in=True, graphics=graphics), suite.env(term, logged_in=True)
        )
        term.wait_for(lambda s: status_id(s) is not None, what="page 1")
        if graphics == "halfcell":
            term.wait_for(lambda s: half_blocks(s) > 0, what="thumbnails")
        term.settle(quiet=0.5)
        if 1 in rss_at:
            run.rss[1] = term.rss_mb()
        time.sleep(2.0)  # the reader looks at page 1; its prefetch lands
        current = status_id(term.screen())
        for number in range(2, turns + 2):
            size = term.output_size()
            pressed = term.send("n")
            bursts = term.bursts(until=pressed + TURN_WINDOW)
            new = [b for b in bursts if status_id(b.screen) not in (None, current)]
            id_after = (new[0].at - pressed) if new else None
            quiet = bursts[-1].at if bursts else pressed
            drawn = quiet
            if new and graphics == "halfcell":
                final = half_blocks(bursts[-1].screen)
                drawn = next((b.at for b in new if half_blocks(b.screen) >= 0.95 * final), quiet)
            elif new:
                drawn = new[0].at
            if new:
                current = status_id(new[-1].screen)
            id_at = pressed + (id_after if id_after is not None else TURN_WINDOW)
            run.turns.append(
                Turn(
                    pressed=pressed,
                    id_after=id_after,
                    drawn_after=drawn - pressed,
                    quiet_after=quiet - pressed,
                    bytes_out=term.output_size() - size,
                    shown_id=current,
                    api_waits=suite.page_requests(pressed, id_at, above=current),
                    previews=suite.previews_between(pressed, drawn),
                )
            )
            if number in rss_at:
                run.rss[number] = term.rss_mb()
            time.sleep(max(0.0, pressed + TURN_EVERY - time.monotonic()))
        _own_previews(run.turns)
        return run
    finally:
        term.close()


def _own_previews(turns: list[Turn]) -> None:
    """Count the previews each turn fetched for its own page (ids between its #id and the next)."""
    for turn, following in itertools.pairwise(turns):
        top, below = turn.shown_id, following.shown_id
        if top is not None and below is not None:
            turn.own_previews = sum(1 for i in turn.previews if below < i <= top)


def core_memory(suite: Suite, pages: int) -> dict[int, float]:
    """RSS of the core alone (`bench/core_memory.py`) after 1/10/30/60 pages."""
    env = {**os.environ, "XDG_RUNTIME_DIR": str(suite.runtime)}
    out = subprocess.run(
        [sys.executable, str(BENCH / "core_memory.py"), suite.server.base_url, str(pages)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return {int(page): float(mb) for page, mb in (line.split() for line in out.splitlines())}


# ---- the API --------------------------------------------------------------------------------


async def _listing(
    server: DevServer, pool_id: int, runtime: Path
) -> tuple[tuple[int, float], tuple[int, float]]:
    # The same machine-wide budget as the programs the suite just ran (one quit < 1 s ago).
    budget = SharedBudget.for_site(server.base_url, runtime / APP_DIR)
    scheduler = RequestScheduler(shared=budget)
    async with E621Client(
        server.base_url, DEMO_USERNAME, DEMO_API_KEY, scheduler=scheduler
    ) as client:
        start = time.monotonic()
        count = 0
        async for _post in client.posts.iterate(""):
            count += 1
            if count == 1000:
                break
        listed = time.monotonic()
        list_requests = len(
            [t for t in (r.time for r in server.api_requests()) if start <= t <= listed]
        )
        pool, posts = await client.pools.with_posts(pool_id)
        done = time.monotonic()
        pool_requests = len(
            [t for t in (r.time for r in server.api_requests()) if listed < t <= done]
        )
        assert len(posts) == len(pool.post_ids), "pool posts missing"
    return (list_requests, listed - start), (pool_requests, done - listed)


def api_figures(suite: Suite) -> tuple[tuple[int, float], tuple[int, float]]:
    """Requests and seconds for listing 1,000 posts, then a 600-post pool in order."""
    pool_id = suite.server.state.special["pool_600"]
    return asyncio.run(_listing(suite.server, pool_id, suite.runtime))


__all__ = [
    "FirstScreen",
    "Suite",
    "Turn",
    "TurnRun",
    "api_figures",
    "app_start",
    "bare_start",
    "import_seconds",
    "page_turns",
]
