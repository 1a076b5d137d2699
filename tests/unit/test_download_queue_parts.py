"""The queue's small parts: speed/ETA, summaries, the store's recovery, the lock."""

from __future__ import annotations

from pathlib import Path

from e621tui.core.downloads.events import BatchSummary, DownloadSummary, ItemView
from e621tui.core.downloads.lock import QueueLock
from e621tui.core.downloads.progress import RateMeter, eta, format_bytes, format_duration
from e621tui.core.downloads.store import DownloadStore, NewItem


def test_rate_meter_measures_over_a_window() -> None:
    meter = RateMeter(window=3.0)
    assert meter.speed(0.0) is None
    meter.add(0.0, 0)
    meter.add(0.1, 100)
    assert meter.speed(0.1) is None  # too little history
    for t in range(1, 11):
        meter.add(float(t), t * 1000)
    speed = meter.speed(10.0)
    assert speed is not None and 990 <= speed <= 1010
    meter.add(11.0, 10)  # restarted from zero
    assert meter.speed(11.0) is None


def test_eta_and_formats() -> None:
    assert eta(1000, 100.0) == 10.0
    assert eta(None, 100.0) is None and eta(10, None) is None and eta(10, 0.0) is None
    assert format_bytes(512) == "512 B"
    assert format_bytes(1536) == "1.5 KB"
    assert format_bytes(3 * 2**20) == "3.0 MB"
    assert format_duration(None) == "?"
    assert format_duration(65) == "1:05"
    assert format_duration(3723) == "1:02:03"


def test_summary_text() -> None:
    assert DownloadSummary().text() == "no downloads"
    busy = DownloadSummary(files=18, done=4, failed=1, queued=10, active=3, speed=2.2 * 2**20,
                           eta=42.0, bytes_total=10, bytes_done=5)  # fmt: skip
    assert busy.text() == "downloads 5/18 · 1 failed · 2.2 MB/s · 0:42 left"
    assert busy.running and busy.fraction == 0.5
    unknown = DownloadSummary(files=2, active=1, queued=1, speed=100.0, eta=3.0, unknown_sizes=1)
    assert "left" not in unknown.text()
    assert "waiting" in DownloadSummary(blocked="another e621-tui runs it").text()


def test_batch_summary_text() -> None:
    batch = BatchSummary(id=1, kind="pool", title="pool Lantern Road", files=15, done=14,
                         skipped=2, failed=1, cancelled=0, queued=0, active=0, paused=0,
                         left_out=0, planning=False)  # fmt: skip
    assert batch.finished
    assert batch.text() == "pool Lantern Road: 15 files, 12 saved, 2 already there, 1 failed"


def test_item_view_name_and_fraction() -> None:
    view = ItemView(id=1, batch_id=1, index=1, post_id=5, state="downloading", path=None,
                    bytes_done=50, bytes_total=200, speed=None, eta=None, skipped=False,
                    error=None, attempts=0)  # fmt: skip
    assert view.name == "#5" and view.fraction == 0.25


def test_store_recovers_interrupted_items_and_clears_history(tmp_path: Path) -> None:
    db = tmp_path / "d" / "downloads.sqlite3"
    store = DownloadStore(db, wall_clock=lambda: 1000.0)
    assert store.items() == [] and not db.exists()  # nothing written yet: no file
    items = [NewItem(post_id=1, index=1), NewItem(post_id=2, index=2)]
    batch = store.add_batch("posts", "2", root="/r", template="{id}", context={}, items=items)
    one, two = store.items(batch_id=batch)
    store.update(one.id, state="downloading", bytes_done=10)
    store.update(two.id, state="done")
    store.close()
    assert oct(db.stat().st_mode & 0o777) == "0o600"

    again = DownloadStore(db, wall_clock=lambda: 2000.0)
    assert again.recover() == 1
    assert [i.state for i in again.items()] == ["queued", "done"]
    assert again.items()[0].bytes_done == 10
    assert again.clear_finished() == 1
    assert [i.post_id for i in again.items()] == [1]
    again.update(one.id, state="cancelled")
    again.clear_finished()
    assert again.batches() == []


def test_one_queue_runner_per_data_folder(tmp_path: Path) -> None:
    first, second = QueueLock(tmp_path / "q.lock"), QueueLock(tmp_path / "q.lock")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()
    assert QueueLock(None).acquire()


def test_downloads_and_player_never_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, e621tui.core.downloads, e621tui.core.player, e621tui.core.session; "
        "assert 'textual' not in sys.modules; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
