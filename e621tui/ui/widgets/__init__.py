"""Widgets: given values, they draw them and post messages (never the app or the Session)."""

from e621tui.ui.widgets.comment_view import CommentView
from e621tui.ui.widgets.downloads import DownloadRow
from e621tui.ui.widgets.grid import CellState, PostGrid
from e621tui.ui.widgets.image import ImageSource, ImageView
from e621tui.ui.widgets.post_details import PostContext, PostDetails
from e621tui.ui.widgets.statusbar import StatusBar, StatusFields
from e621tui.ui.widgets.taglist import TagList

__all__ = [
    "CellState",
    "CommentView",
    "DownloadRow",
    "ImageSource",
    "ImageView",
    "PostContext",
    "PostDetails",
    "PostGrid",
    "StatusBar",
    "StatusFields",
    "TagList",
]
