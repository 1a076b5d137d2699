"""e621tui/ui/actions."""
