"""Where the followed-tags feed left off: the newest seen post id per tag, per site.

Stored in ``follows_seen.json`` in the data dir: ``{"version": 1, "sites": {"e621.net":
{"fox": 5120001, …}}}``. Marks only move forward (a write keeps the larger id of what is on
disk and what is new), so instances sharing the file never undo each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from e621tui.core import jsonfile

FILE_NAME = "follows_seen.json"
VERSION = 1


def _site_marks(data: Any, site: str) -> dict[str, int]:
    if not isinstance(data, dict):
        return {}
    sites = data.get("sites")
    marks = sites.get(site) if isinstance(sites, dict) else None
    if not isinstance(marks, dict):
        return {}
    return {
        str(tag): int(value)
        for tag, value in marks.items()
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0
    }


def _with_marks(data: Any, site: str, marks: dict[str, int]) -> dict[str, Any]:
    """The file's value with this site's marks replaced (other sites kept)."""
    sites: dict[str, Any] = {}
    if isinstance(data, dict) and isinstance(data.get("sites"), dict):
        sites = dict(data["sites"])
    sites[site] = marks
    return {"version": VERSION, "sites": sites}


class SeenStore:
    """Newest seen post id per followed tag for one site (memory only without a path).

    Args:
        path: The JSON file (None keeps the marks in memory, e.g. without a data dir).
        site: The site's host; ids are only comparable within one site.
    """

    def __init__(self, path: Path | None, site: str) -> None:
        self.path = path
        self.site = site
        self._marks: dict[str, int] = {}
        self.reload()

    @classmethod
    def in_dir(cls, data_dir: Path | None, site: str) -> SeenStore:
        """The store in a data dir (memory only when there is none)."""
        return cls(data_dir / FILE_NAME if data_dir is not None else None, site)

    def reload(self) -> None:
        """Read the file again (another instance may have marked tags)."""
        if self.path is not None:
            self._marks = _site_marks(jsonfile.read(self.path), self.site)

    def get(self, tag: str) -> int | None:
        """The newest seen id for ``tag``, or None if it was never marked."""
        return self._marks.get(tag)

    def marks(self) -> dict[str, int]:
        """Every mark of this site."""
        return dict(self._marks)

    def mark(self, updates: Mapping[str, int]) -> None:
        """Move marks forward (never back) and save them."""
        wanted = {tag: int(value) for tag, value in updates.items() if int(value) >= 0}
        if not wanted:
            return
        if self.path is None:
            for tag, value in wanted.items():
                self._marks[tag] = max(value, self._marks.get(tag, -1))
            return

        def change(data: Any) -> Any:
            on_disk = _site_marks(data, self.site)
            for tag, value in wanted.items():
                on_disk[tag] = max(value, on_disk.get(tag, -1))
            return _with_marks(data, self.site, on_disk)

        self._marks = _site_marks(jsonfile.update(self.path, change), self.site)

    def forget(self, tags: Iterable[str]) -> None:
        """Drop the marks of tags no longer followed."""
        gone = set(tags)
        if not gone:
            return
        for tag in gone:
            self._marks.pop(tag, None)
        if self.path is None:
            return

        def change(data: Any) -> Any:
            kept = {t: v for t, v in _site_marks(data, self.site).items() if t not in gone}
            return _with_marks(data, self.site, kept)

        self._marks = _site_marks(jsonfile.update(self.path, change), self.site)


__all__ = ["FILE_NAME", "SeenStore"]
