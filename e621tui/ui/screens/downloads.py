"""The downloads view: overall and per-file progress, the queue, and control over it.

The app sends `DownloadsUpdated` (coalesced by the queue: a few times a second at most, never
per chunk); the screen then re-reads the queue and changes only the cells that changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, Static

from e621tui.core.downloads import BatchSummary, DownloadService, DownloadSummary, ItemView
from e621tui.text.sanitize import one_line
from e621tui.ui.messages import DownloadsUpdated
from e621tui.ui.styles import stylesheet
from e621tui.ui.widgets.downloads import DownloadRow, item_cells, overall_progress, summary_text
from e621tui.ui.widgets.footer import KeyFooter

#: Most files listed (the oldest finished ones first make way: `C` clears them).
MAX_ROWS = 2000
#: Batches listed above the table.
MAX_BATCH_LINES = 3
COLUMNS = ("state", "size", "file", "note", "batch")
HEADINGS = ("State", "Size", "File", "Note", "From")


class DownloadsScreen(Screen[None]):
    """Every queued file; the highlighted one is paused, cancelled or retried with a key.

    Args:
        downloads: The session's download service.
    """

    CSS_PATH = stylesheet("downloads.tcss")
    HELP_WHERE = "downloads"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="downloads.close", tooltip="Back to browsing"),
        Binding("p", "pause", "Pause/resume", id="downloads.pause", tooltip="Pause or resume"),
        Binding("c", "cancel", "Cancel", id="downloads.cancel", tooltip="Cancel this file"),
        Binding("r", "retry", "Retry", id="downloads.retry", tooltip="Retry this file"),
        Binding(
            "P", "pause_all", "Pause all", id="downloads.pause_all", tooltip="Pause / resume all"
        ),
        Binding(
            "R",
            "retry_failed",
            "Retry failed",
            id="downloads.retry_failed",
            tooltip="Retry every failed file",
        ),
        Binding(
            "C",
            "clear_finished",
            "Clear done",
            id="downloads.clear",
            tooltip="Forget finished files (they stay on disk)",
        ),
    ]

    def __init__(self, downloads: DownloadService) -> None:
        super().__init__()
        self.downloads = downloads
        self.views: dict[int, ItemView] = {}
        """The files listed, by item id, as last shown."""
        self._order: list[int] = []
        self._cells: dict[int, tuple[Text, ...]] = {}
        self._rows: dict[int, DownloadRow] = {}
        self._batch_titles: dict[int, str] = {}
        self._root = downloads.root

    # ---- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Summary and overall bar, batches, running files, the table, the footer."""
        with Vertical(id="downloads-head"):
            title = Text("Downloads", style="bold")
            title.append(f"  into {one_line(str(self.downloads.root), 200)}", style="dim")
            yield Static(title, id="downloads-title")
            yield Static(id="downloads-summary")
            yield ProgressBar(show_eta=False, id="downloads-overall")
            yield Static(id="downloads-batches")
        yield Vertical(id="downloads-running")
        table: DataTable[Text] = DataTable(cursor_type="row", id="downloads-table")
        yield table
        yield Static(id="downloads-empty")
        yield KeyFooter()

    @property
    def table(self) -> DataTable[Text]:
        """The list of files."""
        return self.query_one("#downloads-table", DataTable)

    def on_mount(self) -> None:
        """Fill in the queue as it is now, the cursor on the first file still to come."""
        table = self.table
        for heading, key in zip(HEADINGS, COLUMNS, strict=True):
            table.add_column(Text(heading), key=key)
        self.reload(self.downloads.summary())
        upcoming = next(
            (n for n, i in enumerate(self._order) if self.views[i].state != "done"), None
        )
        if upcoming is not None:
            table.move_cursor(row=upcoming, animate=False)
        table.focus()

    # ---- updates -------------------------------------------------------------------------

    def on_downloads_updated(self, message: DownloadsUpdated) -> None:
        """The queue changed: show it (only what changed is repainted)."""
        self.reload(message.summary)

    def reload(self, summary: DownloadSummary | None = None) -> None:
        """Re-read the queue and update the view."""
        service = self.downloads
        summary = summary if summary is not None else service.summary()
        batches = service.batches()
        self._batch_titles = {b.id: b.title for b in batches}
        self._show_summary(summary, batches)
        views = service.items(limit=MAX_ROWS)
        self._show_table(views)
        self._show_running([v for v in views if v.state == "downloading"])
        self.refresh_bindings()

    def _show_summary(self, summary: DownloadSummary, batches: list[BatchSummary]) -> None:
        failed = sum(b.failed for b in batches if b.finished)
        self.query_one("#downloads-summary", Static).update(summary_text(summary, failed))
        total, progress = overall_progress(summary)
        bar = self.query_one("#downloads-overall", ProgressBar)
        bar.update(total=total, progress=progress)
        bar.display = bool(summary.files)
        shown = [b for b in batches if not b.finished][-MAX_BATCH_LINES:]
        if len(shown) < MAX_BATCH_LINES:  # fill up with the newest finished ones
            done = [b for b in batches if b.finished]
            shown = (done[-(MAX_BATCH_LINES - len(shown)) :] if done else []) + shown
            shown.sort(key=lambda b: b.id)
        lines = Text()
        for batch in shown:
            if lines:
                lines.append("\n")
            style = "red" if batch.failed or batch.error else ("dim" if batch.finished else "")
            lines.append(one_line(batch.text(), 300), style=style)
        widget = self.query_one("#downloads-batches", Static)
        widget.update(lines)
        widget.display = bool(shown)

    def _show_table(self, views: list[ItemView]) -> None:
        table = self.table
        ids = [v.id for v in views]
        if ids[: len(self._order)] != self._order:
            # Something was cleared or a batch grew in the middle: start over, keep the cursor.
            keep = self.selected
            table.clear()
            self._order, self._cells = [], {}
            self._add_rows(views)
            if keep is not None and keep.id in self._cells:
                table.move_cursor(row=table.get_row_index(str(keep.id)), animate=False)
        else:
            for view in views[: len(self._order)]:
                if self.views.get(view.id) == view:
                    continue  # unchanged since the last look: nothing to redraw
                cells = self._cells_of(view)
                old = self._cells.get(view.id)
                if old != cells:
                    for column, (key, cell) in enumerate(zip(COLUMNS, cells, strict=True)):
                        if old is None or old[column] != cell:
                            table.update_cell(str(view.id), key, cell)
                    self._cells[view.id] = cells
            self._add_rows(views[len(self._order) :])
        self.views = {v.id: v for v in views}
        empty = self.query_one("#downloads-empty", Static)
        empty.update(Text("The queue is empty.", style="dim"))
        empty.display = not views
        table.display = bool(views)

    def _add_rows(self, views: list[ItemView]) -> None:
        for view in views:
            cells = self._cells_of(view)
            self.table.add_row(*cells, key=str(view.id))
            self._order.append(view.id)
            self._cells[view.id] = cells

    def _cells_of(self, view: ItemView) -> tuple[Text, ...]:
        return item_cells(view, self._batch_titles.get(view.batch_id, ""), self.shown_path(view))

    def shown_path(self, view: ItemView) -> str | None:
        """Where the file goes, inside the download folder (None before it is known)."""
        if view.path is None:
            return None
        path = Path(view.path)
        return str(path.relative_to(self._root)) if path.is_relative_to(self._root) else str(path)

    def _show_running(self, running: list[ItemView]) -> None:
        box = self.query_one("#downloads-running", Vertical)
        for item_id in [i for i in self._rows if i not in {v.id for v in running}]:
            self._rows.pop(item_id).remove()
        for view in running:
            row = self._rows.get(view.id)
            if row is None:
                row = self._rows[view.id] = DownloadRow(view)
                box.mount(row)
            else:
                row.show(view)
        box.display = bool(running)

    # ---- the highlighted file ------------------------------------------------------------

    @property
    def selected(self) -> ItemView | None:
        """The highlighted file, if any."""
        table = self.table
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.views.get(int(row_key.value or 0))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what the highlighted file (or the queue) does not allow."""
        if action in ("pause", "cancel", "retry"):
            view = self.selected if self.is_mounted else None
            if view is None:
                return None
            allowed = {
                "pause": view.state in ("queued", "downloading", "paused"),
                "cancel": view.state in ("queued", "downloading", "paused"),
                "retry": view.state in ("failed", "cancelled"),
            }
            return True if allowed[action] else None
        if action == "retry_failed":
            return True if any(v.state == "failed" for v in self.views.values()) else None
        return True

    def _say(self, text: str) -> None:
        self.notify(text, markup=False, timeout=3)

    def action_pause(self) -> None:
        """Pause the highlighted file, or resume it if it is paused."""
        view = self.selected
        if view is None:
            return
        if view.state == "paused":
            self.downloads.resume(view.id)
        elif self.downloads.pause(view.id):
            self._say(f"paused {view.name} (the part already here is kept)")
        self.reload()

    def action_cancel(self) -> None:
        """Cancel the highlighted file (its partial file is removed)."""
        view = self.selected
        if view is not None and self.downloads.cancel(view.id):
            self._say(f"cancelled {view.name}")
        self.reload()

    def action_retry(self) -> None:
        """Retry the highlighted failed or cancelled file."""
        view = self.selected
        if view is not None and self.downloads.retry(view.id):
            self._say(f"retrying {view.name}")
        self.reload()

    def action_pause_all(self) -> None:
        """Pause everything; when nothing runs any more, resume everything paused."""
        paused = self.downloads.pause_all()
        if paused:
            self._say(f"paused {paused} file(s); P resumes them")
        else:
            resumed = self.downloads.resume_all()
            self._say(f"resumed {resumed} file(s)" if resumed else "nothing to pause or resume")
        self.reload()

    def action_retry_failed(self) -> None:
        """Retry every failed file."""
        count = self.downloads.retry_failed()
        self._say(f"retrying {count} file(s)" if count else "nothing failed")
        self.reload()

    def action_clear_finished(self) -> None:
        """Forget finished and cancelled files (the files stay on disk)."""
        count = self.downloads.clear_finished()
        self._say(f"cleared {count} finished file(s)" if count else "nothing finished to clear")
        self.reload()

    def action_close(self) -> None:
        """Back to browsing."""
        self.dismiss(None)


__all__ = ["DownloadsScreen"]
