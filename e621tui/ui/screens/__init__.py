"""Screens: the search grid, pools and sets (grids of a feed), the post screen, the
downloads view and the full-screen picture."""

from e621tui.ui.screens.base import NamedSource, PostSource, PostViewScreen
from e621tui.ui.screens.downloads import DownloadsScreen
from e621tui.ui.screens.fullscreen import FullScreenView
from e621tui.ui.screens.grid_screen import GridScreen
from e621tui.ui.screens.pool import PoolScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.post_set import SetScreen
from e621tui.ui.screens.search import SearchScreen

__all__ = [
    "DownloadsScreen",
    "FullScreenView",
    "GridScreen",
    "NamedSource",
    "PoolScreen",
    "PostScreen",
    "PostSource",
    "PostViewScreen",
    "SearchScreen",
    "SetScreen",
]
