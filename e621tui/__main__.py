"""``python -m e621tui``."""

from e621tui.cli import main

raise SystemExit(main())
