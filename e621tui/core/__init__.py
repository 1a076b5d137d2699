"""e621tui/core."""
