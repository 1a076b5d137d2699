"""e621-tui: a keyboard-driven terminal browser for e621ng sites."""

# The one place the version is written: hatchling reads it from here at build time
# ([tool.hatch.version] in pyproject.toml), so the installed metadata always agrees, and
# importing the package costs nothing (importlib.metadata took ~25-60 ms at start-up).
__version__ = "0.1.0"

PROJECT_URL = "https://github.com/e621-tui/e621-tui"

__all__ = ["PROJECT_URL", "__version__"]
