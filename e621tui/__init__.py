"""e621-tui: a keyboard-driven terminal browser for e621ng sites."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("e621-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

PROJECT_URL = "https://github.com/e621-tui/e621-tui"

__all__ = ["PROJECT_URL", "__version__"]
