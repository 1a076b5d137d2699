"""Writes that are never lost: the outbox (SQLite), the write service and optimistic state."""

from e621tui.core.writes.outbox import Outbox
from e621tui.core.writes.service import WriteService
from e621tui.core.writes.store import Action
from e621tui.core.writes.tracker import WriteTracker, describe

__all__ = ["Action", "Outbox", "WriteService", "WriteTracker", "describe"]
