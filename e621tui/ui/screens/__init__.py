"""Screens: the search grid, pools, sets, the feed and popular (grids), the post screen,
tag information, comments, the downloads view and the full-screen picture."""

from e621tui.ui.screens.base import NamedSource, PostSource, PostViewScreen
from e621tui.ui.screens.comments import CommentsScreen
from e621tui.ui.screens.downloads import DownloadsScreen
from e621tui.ui.screens.feed import FeedScreen
from e621tui.ui.screens.fullscreen import FullScreenView
from e621tui.ui.screens.grid_screen import GridScreen
from e621tui.ui.screens.pool import PoolScreen
from e621tui.ui.screens.popular import PopularScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.post_set import SetScreen
from e621tui.ui.screens.search import SearchScreen
from e621tui.ui.screens.tag_info import TagScreen

__all__ = [
    "CommentsScreen",
    "DownloadsScreen",
    "FeedScreen",
    "FullScreenView",
    "GridScreen",
    "NamedSource",
    "PoolScreen",
    "PopularScreen",
    "PostScreen",
    "PostSource",
    "PostViewScreen",
    "SearchScreen",
    "SetScreen",
    "TagScreen",
]
