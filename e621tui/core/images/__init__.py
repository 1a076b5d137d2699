"""e621tui/core/images."""
