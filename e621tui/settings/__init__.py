"""e621tui/settings."""
