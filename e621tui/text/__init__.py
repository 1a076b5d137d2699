"""e621tui/text."""
