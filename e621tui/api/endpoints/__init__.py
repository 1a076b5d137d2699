"""e621tui/api/endpoints."""
