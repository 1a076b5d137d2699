"""Settings and credentials (a leaf: imports nothing else of the app)."""
