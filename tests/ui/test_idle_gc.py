"""Full garbage collections run when the screen settled, not whenever CPython decides."""

from __future__ import annotations

import gc

from textual.app import App

from e621tui.ui.idle_gc import THRESHOLDS, IdleCollector


async def test_full_collections_run_after_the_screen_settles() -> None:
    before = gc.get_threshold()
    app: App[None] = App()
    async with app.run_test() as pilot:
        collector = IdleCollector(app, after=0.05, every=60.0, least=0.0)
        collector.start()
        assert gc.get_threshold() == THRESHOLDS  # the oldest generation: ours
        collector.soon()
        collector.soon()  # a second page turn pushes it back: still one collection
        await pilot.pause(0.3)
        assert collector.collections == 1
        collector.least = 60.0
        collector.soon()  # too soon after the last one: skipped
        await pilot.pause(0.2)
        assert collector.collections == 1
        collector.stop()
    assert gc.get_threshold() == before
