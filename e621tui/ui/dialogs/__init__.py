"""Dialogs: typed modal screens that always dismiss with a result (escape included)."""

from e621tui.ui.dialogs.blacklist import BlacklistEditor
from e621tui.ui.dialogs.confirm import ConfirmDialog
from e621tui.ui.dialogs.create_set import CreateSetDialog
from e621tui.ui.dialogs.edit_set import EditSetDialog
from e621tui.ui.dialogs.help import HelpDialog
from e621tui.ui.dialogs.login import LoginDialog
from e621tui.ui.dialogs.prompt import PromptDialog
from e621tui.ui.dialogs.search_recall import SearchRecall
from e621tui.ui.dialogs.set_picker import SetPicker
from e621tui.ui.dialogs.tag_picker import TagPicker
from e621tui.ui.dialogs.writes import WritesDialog

__all__ = [
    "BlacklistEditor",
    "ConfirmDialog",
    "CreateSetDialog",
    "EditSetDialog",
    "HelpDialog",
    "LoginDialog",
    "PromptDialog",
    "SearchRecall",
    "SetPicker",
    "TagPicker",
    "WritesDialog",
]
