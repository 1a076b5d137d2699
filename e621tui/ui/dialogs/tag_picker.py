"""Pick one tag (of a post, or of the followed ones) with a fuzzy filter."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from e621tui.api.models import Post
from e621tui.text.dtext_styles import CATEGORY_COLORS
from e621tui.ui.dialogs._base import FilterPicker, safe_text
from e621tui.ui.dialogs.fuzzy import fuzzy_rank
from e621tui.ui.widgets.taglist import MAX_TAG_LENGTH, shown_literally

TagChoice = tuple[str, str]
"""(tag name, category name or "")."""

#: Listed at most (a post with 3000 tags stays quick to filter).
MAX_CHOICES = 2000


def post_tag_choices(post: Post) -> list[TagChoice]:
    """A post's tags in the site's category order (artists first)."""
    return [(tag, category) for category, tags in post.tags_by_category() for tag in tags]


def _prompt(choice: TagChoice, positions: list[int], marked: bool) -> Text:
    name, category = choice
    text = Text("● " if marked else "  ")
    start = len(text)
    color = CATEGORY_COLORS.get(category)
    text.append(shown_literally(name, MAX_TAG_LENGTH), style=Style(color=color) if color else "")
    for position in positions:
        if position < MAX_TAG_LENGTH:
            text.stylize("bold underline", start + position, start + position + 1)
    if category:
        text.append(f"  {category}", style="dim")
    return text


class TagPicker(FilterPicker[str | None]):
    """Choose a tag: type to filter, up/down to move, enter to pick, escape to cancel.

    Args:
        choices: (tag, category) pairs in the order to list them.
        title: The dialog's title.
        marked: Tags shown with ● (e.g. the followed ones).
        placeholder: The filter's hint.
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    LIST_ID = "tags"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="tag_picker.up"),
        Binding("down", "move(1)", "Down", show=False, id="tag_picker.down"),
    ]

    def __init__(
        self,
        choices: list[TagChoice],
        *,
        title: str = "Pick a tag",
        marked: Collection[str] = (),
        placeholder: str = "filter the tags",
    ) -> None:
        super().__init__()
        first: dict[str, str] = {}
        for name, category in choices:
            first.setdefault(name, category)  # one row per tag (option ids are unique)
        self._choices: list[TagChoice] = list(first.items())[:MAX_CHOICES]
        self._marked = set(marked)
        self._title = title
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text(self._title), classes="dialog-title")
            yield Input(placeholder=self._placeholder, id="filter")
            yield OptionList(id="tags")
            yield Static(safe_text("↑↓ move · enter pick · escape cancel"), classes="dialog-hint")

    @property
    def visible_tags(self) -> list[str]:
        """The tags listed now, in order (for tests and callers)."""
        options = self.query_one("#tags", OptionList).options
        return [o.id.removeprefix("tag:") for o in options if o.id]

    def _fill(self, query: str) -> None:
        wanted = query.replace("_", " ")  # "red_f" and "red f" both find red_fox
        ranked = fuzzy_rank(wanted, self._choices, lambda choice: choice[0].replace("_", " "))
        options = [
            Option(_prompt(choice, positions, choice[0] in self._marked), id=f"tag:{choice[0]}")
            for choice, positions in ranked
        ]
        option_list = self.query_one("#tags", OptionList)
        option_list.set_options(options)
        option_list.highlighted = 0 if options else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one("#tags", OptionList).highlighted_option
        if option is not None and option.id:
            self.finish(option.id.removeprefix("tag:"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.finish(event.option.id.removeprefix("tag:"))


__all__ = ["TagChoice", "TagPicker", "post_tag_choices"]
