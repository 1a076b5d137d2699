"""e621tui/core/writes."""
