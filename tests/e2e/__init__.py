"""End-to-end tests: the real program in a real terminal (tmux)."""
