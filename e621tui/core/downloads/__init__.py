"""The download queue: name templates, resumable verified downloads, progress events.

``session.downloads`` (a `DownloadService`) is the entry point: ``queue_posts``,
``queue_pool``, ``queue_set``, ``queue_search``; per-item ``pause``/``resume``/``cancel``/
``retry``; ``items()`` and ``summary()`` for views. Events: `DownloadsChanged` (coalesced
progress) and `BatchFinished`. Never imports textual.
"""

from __future__ import annotations

from e621tui.core.downloads.events import (
    BatchFinished,
    BatchSummary,
    DownloadEvent,
    DownloadsChanged,
    DownloadSummary,
    ItemView,
)
from e621tui.core.downloads.fetch import FetchError, FetchResult, StaticFetcher, partial_path
from e621tui.core.downloads.paths import PathEscape, inside, safe_component
from e621tui.core.downloads.plan import file_url, unavailable_reason
from e621tui.core.downloads.progress import format_bytes, format_duration
from e621tui.core.downloads.queue import DownloadQueue
from e621tui.core.downloads.service import (
    DownloadOptions,
    DownloadService,
    default_download_dir,
)
from e621tui.core.downloads.store import ItemState
from e621tui.core.downloads.templates import (
    DEFAULT_POOL_TEMPLATE,
    DEFAULT_TEMPLATE,
    FIELDS,
    BatchContext,
    NameTemplate,
    TemplateError,
    check_template,
    post_fields,
)

__all__ = [
    "DEFAULT_POOL_TEMPLATE",
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "BatchContext",
    "BatchFinished",
    "BatchSummary",
    "DownloadEvent",
    "DownloadOptions",
    "DownloadQueue",
    "DownloadService",
    "DownloadSummary",
    "DownloadsChanged",
    "FetchError",
    "FetchResult",
    "ItemState",
    "ItemView",
    "NameTemplate",
    "PathEscape",
    "StaticFetcher",
    "TemplateError",
    "check_template",
    "default_download_dir",
    "file_url",
    "format_bytes",
    "format_duration",
    "inside",
    "partial_path",
    "post_fields",
    "safe_component",
    "unavailable_reason",
]
