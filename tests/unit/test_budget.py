"""Unit tests of the machine-wide request budget (a locked file shared by processes)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path

import pytest

from e621tui.api.budget import FILE_NAME, SharedBudget, budget_dir, site_key
from e621tui.api.limiter import Priority, RequestScheduler, max_in_window


class FakeClock:
    """Time that only moves when someone sleeps; shared by every scheduler of a test."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def budget(path: Path, clock: FakeClock, key: str = "e621.net", **kw: object) -> SharedBudget:
    return SharedBudget(path, key, clock=clock, **kw)  # type: ignore[arg-type]


def scheduler(shared: SharedBudget, clock: FakeClock, rate: float = 1.0) -> RequestScheduler:
    return RequestScheduler(rate=rate, clock=clock, sleep=clock.sleep, shared=shared)


def test_site_key_is_the_host_and_port() -> None:
    assert site_key("https://e621.net") == "e621.net"
    assert site_key("https://E926.net/") == "e926.net"
    assert site_key("http://127.0.0.1:8421") == "127.0.0.1:8421"
    assert site_key("e621.net") == "e621.net"


def test_two_budgets_on_one_file_share_the_window(tmp_path: Path) -> None:
    clock = FakeClock()
    a = budget(tmp_path / FILE_NAME, clock)
    b = budget(tmp_path / FILE_NAME, clock)
    args = {"burst": 2, "window": 1.15, "interval": 1.0, "settled": True}
    assert a.try_start(**args).token
    assert b.try_start(**args).token
    refused = a.try_start(**args)
    assert refused.token is None and refused.delay > 0
    assert b.try_start(**args).token is None
    clock.now += refused.delay
    assert b.try_start(**args).token


def test_two_sites_are_two_budgets(tmp_path: Path) -> None:
    clock = FakeClock()
    e621 = budget(tmp_path / FILE_NAME, clock, "e621.net")
    e926 = budget(tmp_path / FILE_NAME, clock, "e926.net")
    args = {"burst": 2, "window": 1.15, "interval": 1.0, "settled": True}
    assert e621.try_start(**args).token and e621.try_start(**args).token
    assert e621.try_start(**args).token is None
    assert e926.try_start(**args).token and e926.try_start(**args).token


async def test_schedulers_of_two_processes_stay_under_the_ceiling_together(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    one = scheduler(budget(tmp_path / FILE_NAME, clock), clock)
    two = scheduler(budget(tmp_path / FILE_NAME, clock), clock)
    await asyncio.gather(*(s.acquire(Priority.USER) for s in (one, two) for _ in range(15)))
    times = [start.at for start in [*one.history, *two.history]]
    assert len(times) == 30
    assert max_in_window(times, 1.0) <= 2
    # The sustained rate is shared too: 30 starts need about 28 s, not 14.
    assert max(times) - min(times) >= 27.0


async def test_without_a_shared_budget_two_schedulers_would_exceed_it() -> None:
    """The control: what the budget prevents really happens without it."""
    clock = FakeClock()
    one = RequestScheduler(clock=clock, sleep=clock.sleep)
    two = RequestScheduler(clock=clock, sleep=clock.sleep)
    await asyncio.gather(*(s.acquire(Priority.USER) for s in (one, two) for _ in range(4)))
    assert max_in_window([s.at for s in [*one.history, *two.history]], 1.0) > 2


async def test_a_restarted_process_sees_the_previous_ones_starts(tmp_path: Path) -> None:
    clock = FakeClock()
    first = scheduler(budget(tmp_path / FILE_NAME, clock), clock)
    await asyncio.gather(*(first.acquire() for _ in range(2)))
    clock.now += 0.3  # quit, start again
    second = scheduler(budget(tmp_path / FILE_NAME, clock), clock)
    await asyncio.gather(*(second.acquire() for _ in range(2)))
    times = [s.at for s in [*first.history, *second.history]]
    assert max_in_window(times, 1.0) <= 2


def test_an_unsettled_start_counts_as_now_until_settled(tmp_path: Path) -> None:
    clock = FakeClock()
    a = budget(tmp_path / FILE_NAME, clock)
    b = budget(tmp_path / FILE_NAME, clock)
    args = {"burst": 2, "window": 1.15, "interval": 0.01}
    slow = a.try_start(settled=False, **args)
    other = a.try_start(settled=False, **args)
    assert slow.token and other.token
    clock.now += 5.0  # both are still connecting (TLS over a slow link)
    waiting = b.try_start(settled=True, **args)
    assert waiting.token is None and waiting.delay <= 0.05  # they may arrive any moment
    a.settle(slow.token)  # its headers left only now: the window runs from here
    clock.now += 1.0
    assert b.try_start(settled=True, **args).token is None
    clock.now += 0.2
    # `other` still counts as now, so exactly one more may start.
    assert b.try_start(settled=True, **args).token
    assert b.try_start(settled=True, **args).token is None


def test_a_dead_process_start_is_settled_when_noticed(tmp_path: Path) -> None:
    clock = FakeClock()
    alive = {"dead": False}
    a = budget(tmp_path / FILE_NAME, clock)
    b = budget(tmp_path / FILE_NAME, clock, alive=lambda pid: not alive["dead"])
    args = {"burst": 2, "window": 1.15, "interval": 0.01}
    assert a.try_start(settled=False, **args).token
    assert a.try_start(settled=False, **args).token
    alive["dead"] = True  # killed mid-request: nothing it sent can arrive after now
    noticed = clock.now
    assert b.try_start(settled=True, **args).token is None
    clock.now = noticed + 1.16
    assert b.try_start(settled=True, **args).token


def test_a_corrupt_file_is_rewritten_conservatively(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(b"{not json\x00\xff")
    clock = FakeClock()
    a = budget(path, clock)
    args = {"burst": 2, "window": 1.15, "interval": 1.0, "settled": True}
    with caplog.at_level(logging.WARNING):
        first = a.try_start(**args)
    assert "corrupt" in caplog.text
    # Unknown recent history: wait a full window rather than risk a third request.
    assert first.token is None and first.delay > 1.0
    clock.now += first.delay
    assert a.try_start(**args).token
    assert a.active
    json.loads(path.read_bytes())  # valid again


def test_a_wrongly_shaped_file_is_also_corrupt(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text(json.dumps({"sites": {"e621.net": {"starts": [["x"]], "tat": 0}}}))
    a = budget(path, FakeClock())
    assert a.try_start(burst=2, window=1.15, interval=1.0, settled=True).token is None
    assert a.active


async def test_an_unusable_file_falls_back_to_in_process_limits(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the budget's directory should be")
    clock = FakeClock()
    shared = budget(blocker / FILE_NAME, clock)
    sched = scheduler(shared, clock)
    with caplog.at_level(logging.WARNING):
        await asyncio.gather(*(sched.acquire() for _ in range(10)))
    assert not shared.active
    assert "keeps its own limits" in caplog.text
    assert caplog.text.count("keeps its own limits") == 1
    assert max_in_window([s.at for s in sched.history], 1.0) <= 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_an_unwritable_file_falls_back(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text("{}")
    path.chmod(0o400)
    shared = budget(path, FakeClock())
    assert shared.try_start(burst=2, window=1.15, interval=1.0, settled=True).token == ""
    assert not shared.active


def test_a_file_removed_underneath_is_recreated(tmp_path: Path) -> None:
    clock = FakeClock()
    a = budget(tmp_path / FILE_NAME, clock)
    b = budget(tmp_path / FILE_NAME, clock)
    args = {"burst": 2, "window": 1.15, "interval": 1.0, "settled": True}
    assert a.try_start(**args).token
    (tmp_path / FILE_NAME).unlink()
    assert a.try_start(**args).token  # recreates the file, with its own start...
    assert b.try_start(**args).token  # ...which b finds there, leaving one slot
    assert a.try_start(**args).token is None
    assert b.try_start(**args).token is None


def test_the_file_is_private_and_small(tmp_path: Path) -> None:
    clock = FakeClock()
    a = budget(tmp_path / "sub" / FILE_NAME, clock)
    for _ in range(200):
        grant = a.try_start(burst=2, window=1.15, interval=1.0, settled=True)
        clock.now += grant.delay or 0.01
    path = tmp_path / "sub" / FILE_NAME
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "sub").stat().st_mode & 0o777 == 0o700
    assert path.stat().st_size < 1000


def test_budget_dir_prefers_a_private_runtime_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert budget_dir() == runtime / "e621-tui"
    runtime.chmod(0o777)  # shared with others: not a place for our file
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert budget_dir() == tmp_path / "cache" / "e621-tui"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert budget_dir() == tmp_path / "cache" / "e621-tui"
