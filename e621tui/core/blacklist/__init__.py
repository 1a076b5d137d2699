"""The site's blacklist grammar, applied client-side (e621-api.md §9)."""

from e621tui.core.blacklist.rules import Blacklist, BlacklistRule

__all__ = ["Blacklist", "BlacklistRule"]
