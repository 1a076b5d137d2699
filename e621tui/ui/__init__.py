"""e621tui/ui."""
