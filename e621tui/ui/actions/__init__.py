"""Controllers the app owns and its key bindings delegate to."""

from e621tui.ui.actions.account import AccountActions
from e621tui.ui.actions.downloads import DownloadActions
from e621tui.ui.actions.media import MediaActions
from e621tui.ui.actions.posts import PostActions

__all__ = ["AccountActions", "DownloadActions", "MediaActions", "PostActions"]
