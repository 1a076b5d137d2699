"""Screens: the search grid, pools and sets (grids of a feed) and the post screen."""

from e621tui.ui.screens.base import NamedSource, PostSource, PostViewScreen
from e621tui.ui.screens.grid_screen import GridScreen
from e621tui.ui.screens.pool import PoolScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.post_set import SetScreen
from e621tui.ui.screens.search import SearchScreen

__all__ = [
    "GridScreen",
    "NamedSource",
    "PoolScreen",
    "PostScreen",
    "PostSource",
    "PostViewScreen",
    "SearchScreen",
    "SetScreen",
]
