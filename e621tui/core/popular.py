"""Popular posts as a feed: one day, week (Mon–Sun) or month, by score; step back and forth."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from e621tui.api.endpoints.posts import PopularScale
from e621tui.api.limiter import Priority
from e621tui.api.models import Post
from e621tui.core.feeds import Feed

SCALES: tuple[PopularScale, ...] = ("day", "week", "month")


def period_start(day: date, scale: PopularScale) -> date:
    """The first day of the period containing ``day``."""
    if scale == "week":
        return day - timedelta(days=day.weekday())
    if scale == "month":
        return day.replace(day=1)
    return day


def step(day: date, scale: PopularScale, periods: int) -> date:
    """The start of the period ``periods`` away (negative: earlier)."""
    start = period_start(day, scale)
    if scale == "day":
        return start + timedelta(days=periods)
    if scale == "week":
        return start + timedelta(weeks=periods)
    month = start.year * 12 + start.month - 1 + periods
    return date(month // 12, month % 12 + 1, 1)


def period_label(day: date | None, scale: PopularScale) -> str:
    """``2026-07-15``, ``week of 2026-07-13``, ``2026-07`` (or "today"/"this week"…)."""
    if day is None:
        return {"day": "today", "week": "this week", "month": "this month"}[scale]
    start = period_start(day, scale)
    if scale == "week":
        return f"week of {start.isoformat()}"
    if scale == "month":
        return start.strftime("%Y-%m")
    return start.isoformat()


def _post_day(post: Post) -> date | None:
    try:
        return datetime.fromisoformat(post.created_at).astimezone(UTC).date()
    except ValueError:
        return None


@dataclass
class PopularFeed(Feed):
    """The site's popular posts for one period: a single request, shown in grid pages.

    ``day`` None asks for the site's own today (the site's clock decides, which also suits
    servers whose clock differs from ours); stepping then starts from the newest post shown.
    """

    scale: PopularScale = "day"
    day: date | None = None
    _all: list[Post] | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        """``popular (week): week of 2026-07-13``."""
        return f"popular ({self.scale}): {period_label(self.day, self.scale)}"

    def fresh_copy(self) -> PopularFeed:
        """The same period, fetched again."""
        clone = super().fresh_copy()
        assert isinstance(clone, PopularFeed)
        clone._all = None
        return clone

    def _anchor(self) -> date:
        if self.day is not None:
            return self.day
        days = [d for d in map(_post_day, self._all or []) if d is not None]
        return max(days) if days else datetime.now(UTC).date()

    def _moved(self, periods: int) -> PopularFeed:
        return PopularFeed(
            client=self.client, page_size=self.page_size, register=self.register,
            scale=self.scale, day=step(self._anchor(), self.scale, periods),
        )  # fmt: skip

    def earlier(self) -> PopularFeed:
        """The period before this one."""
        return self._moved(-1)

    def later(self) -> PopularFeed | None:
        """The period after this one, or None when it has not started yet (UTC)."""
        if self.day is None:
            return None
        moved = self._moved(1)
        assert moved.day is not None
        return moved if moved.day <= datetime.now(UTC).date() else None

    def with_scale(self, scale: PopularScale) -> PopularFeed:
        """The same day at another scale."""
        return PopularFeed(
            client=self.client, page_size=self.page_size, register=self.register,
            scale=scale, day=self.day,
        )  # fmt: skip

    async def _fetch(self, index: int, priority: Priority) -> tuple[list[Post], bool]:
        if self._all is None:
            group = self.group if priority == Priority.PREFETCH else None
            self._all = await self.client.posts.popular(
                self.day, self.scale, priority=priority, group=group
            )
        start = index * self.page_size
        return self._all[start : start + self.page_size], start + self.page_size >= len(self._all)


__all__ = ["SCALES", "PopularFeed", "period_label", "period_start", "step"]
