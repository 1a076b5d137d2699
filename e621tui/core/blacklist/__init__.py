"""e621tui/core/blacklist."""
