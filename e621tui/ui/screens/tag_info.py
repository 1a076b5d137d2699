"""A tag's page: its wiki text (DText), other names, post count, category and related tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from e621tui.api.errors import ApiError
from e621tui.api.models_text import RelatedTag
from e621tui.core.taginfo import TagInfo
from e621tui.text.dtext_rich import DTextRender, render_dtext
from e621tui.text.dtext_styles import CATEGORY_COLORS
from e621tui.ui.messages import StatusUpdated
from e621tui.ui.screens.search import SearchScreen
from e621tui.ui.widgets.footer import KeyFooter
from e621tui.ui.widgets.statusbar import StatusBar
from e621tui.ui.widgets.taglist import MAX_TAG_LENGTH, shown_literally

if TYPE_CHECKING:
    from e621tui.ui.app import E621App

#: Other names listed in the header at most.
MAX_OTHER_NAMES = 12


def _category_style(category: str | None) -> Style:
    color = CATEGORY_COLORS.get(category or "")
    return Style(color=color) if color else Style()


def title_text(info: TagInfo, *, followed: bool) -> Text:
    """``fox`` · species · 1234 posts · followed, then other names (plain `Text`)."""
    text = Text()
    text.append(shown_literally(info.name.replace("_", " "), MAX_TAG_LENGTH), style="bold")
    text.stylize(_category_style(info.category))
    if info.category:
        text.append(f"  {info.category}", style="dim")
    if info.exists:
        text.append(f" · {info.post_count} posts")
    else:
        text.append(" · no such tag on the site", style="italic")
    if followed:
        text.append(" · followed", style="bold")
    if info.redirected_from:
        shown = shown_literally(info.redirected_from, MAX_TAG_LENGTH)
        text.append(f" · (wiki redirected from {shown})", style="dim")
    names = info.other_names
    if names:
        text.append("\nother names: ", style="dim")
        listed = [shown_literally(n.replace("_", " "), 60) for n in names[:MAX_OTHER_NAMES]]
        text.append(", ".join(listed))
        if len(names) > MAX_OTHER_NAMES:
            text.append(f" and {len(names) - MAX_OTHER_NAMES} more", style="dim")
    return text


def related_prompt(tag: RelatedTag) -> Text:
    """One related tag: its name in its category's colour, the category and count."""
    text = Text(shown_literally(tag.name, MAX_TAG_LENGTH), style=_category_style(tag.category_name))
    extra = [tag.category_name] if tag.category_name else []
    if tag.count is not None:
        extra.append(str(tag.count))
    if extra:
        text.append("  " + " · ".join(extra), style="dim")
    return text


class TagScreen(Screen[None]):
    """Everything about one tag, loaded from the site (2–4 requests).

    Args:
        name: The tag.
    """

    HELP_WHERE = "tag"
    BINDINGS = [
        Binding("t", "search_tag", "Search it", id="tag.search", tooltip="Search this tag"),
        Binding(
            "a",
            "add_related(False)",
            "Add to search",
            id="tag.add_to_search",
            tooltip="Add the highlighted related tag to the search you came from",
        ),
        Binding(
            "minus",
            "add_related(True)",
            "Exclude",
            id="tag.exclude_from_search",
            tooltip="Add -tag (the highlighted related tag) to the search you came from",
        ),
        Binding(
            "v",
            "reveal_spoilers",
            "Spoilers",
            id="reveal_spoilers",
            tooltip="Show / hide the spoilers",
        ),
        Binding(
            "e",
            "expand_sections",
            "Sections",
            id="expand_sections",
            tooltip="Open / close the collapsed sections",
        ),
        Binding(
            "b",
            "follow",
            "Follow",
            id="follow",
            tooltip="Follow / unfollow this tag (its new posts go to the feed)",
        ),
        Binding("j", "scroll(1)", "Scroll", show=False, id="tag.scroll_down"),
        Binding("k", "scroll(-1)", "Scroll up", show=False, id="tag.scroll_up"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.tag_name = name
        self.info: TagInfo | None = None
        self.rendered: DTextRender | None = None
        self.reveal = False
        self.open_sections = False

    @property
    def e621_app(self) -> E621App:
        """The app, typed."""
        return cast("E621App", self.app)

    def compose(self) -> ComposeResult:
        """Title, wiki | related tags, status, footer."""
        yield Static(Text(f"{self.tag_name}  loading…"), id="tag-title")
        with Horizontal(id="tag-body"):
            with VerticalScroll(id="tag-wiki"):
                yield Static(Text(""), id="tag-wiki-text")
            with Vertical(id="tag-side"):
                yield Static(Text("Related tags", style="bold"), id="tag-related-title")
                yield OptionList(id="tag-related")
        yield StatusBar(self.e621_app.app_status(), id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Load the tag."""
        self.status_bar.set_fields(title=f"tag: {self.tag_name}", position="")
        self.query_one("#tag-related", OptionList).focus()
        self._load()

    @property
    def status_bar(self) -> StatusBar:
        """The status bar."""
        return self.query_one("#status", StatusBar)

    def on_status_updated(self, message: StatusUpdated) -> None:
        """The app's state changed: show it."""
        self.status_bar.show_app_status(message.status)

    @work(group="tag-info", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        try:
            info = await self.e621_app.session.discovery.tag_info(self.tag_name)
        except ApiError as exc:
            self.query_one("#tag-title", Static).update(Text(self.tag_name, style="bold"))
            self.query_one("#tag-wiki-text", Static).update(
                Text(f"could not load this tag: {exc}", style="italic")
            )
            self.e621_app.report(exc, f"loading the tag {self.tag_name}")
            return
        self.show_info(info)

    def show_info(self, info: TagInfo) -> None:
        """Fill the screen from a loaded `TagInfo`."""
        self.info = info
        self.tag_name = info.name
        self._show_title()
        self._show_wiki()
        related = self.query_one("#tag-related", OptionList)
        related.set_options(
            [Option(related_prompt(tag), id=f"rel:{n}") for n, tag in enumerate(info.related)]
        )
        related.highlighted = 0 if info.related else None
        title = self.query_one("#tag-related-title", Static)
        if info.related:
            title.update(Text(f"Related tags ({len(info.related)})", style="bold"))
        else:
            title.update(Text("No related tags known", style="italic"))
        self.refresh_bindings()

    def _show_title(self) -> None:
        if self.info is not None:
            followed = self.e621_app.discovery.is_followed(self.info.name)
            self.query_one("#tag-title", Static).update(title_text(self.info, followed=followed))

    def _show_wiki(self) -> None:
        info = self.info
        if info is None:
            return
        body = self.query_one("#tag-wiki-text", Static)
        missing = info.missing_wiki_text
        if missing is not None or info.wiki is None:
            self.rendered = None
            body.update(Text(missing or "There is no wiki page for this tag.", style="italic"))
            return
        self.rendered = render_dtext(
            info.wiki.body,
            reveal_spoilers=self.reveal,
            expand_sections=self.open_sections,
            base_url=self.e621_app.session.client.base_url,
        )
        text = self.rendered.text.copy()
        hints = []
        if self.rendered.spoilers:
            key = self.e621_app.discovery.key("reveal_spoilers", "v")
            hints.append(f"{key}: {'hide' if self.reveal else 'show'} spoilers")
        if any(not s.expanded for s in self.rendered.sections) or self.open_sections:
            key = self.e621_app.discovery.key("expand_sections", "e")
            hints.append(f"{key}: {'close' if self.open_sections else 'open'} sections")
        if hints:
            text.append("\n\n(" + " · ".join(hints) + ")", style="dim italic")
        body.update(text)

    # ---- actions -------------------------------------------------------------------------

    def highlighted_related(self) -> RelatedTag | None:
        """The related tag under the cursor, if any."""
        if self.info is None:
            return None
        index = self.query_one("#tag-related", OptionList).highlighted
        if index is None or index >= len(self.info.related):
            return None
        return self.info.related[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Related-tag keys need a related tag; spoiler and section keys need some."""
        if action == "add_related":
            return True if self.highlighted_related() is not None else None
        if action == "reveal_spoilers":
            return True if self.rendered is not None and self.rendered.spoilers else None
        if action == "expand_sections":
            rendered = self.rendered
            return True if rendered is not None and rendered.sections else None
        return True

    @on(OptionList.OptionHighlighted, "#tag-related")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#tag-related")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a related tag: search it in a new search screen on top."""
        if self.info is not None and event.option_index < len(self.info.related):
            await self.app.push_screen(SearchScreen(self.info.related[event.option_index].name))

    async def action_search_tag(self) -> None:
        """Search this tag in a new search screen on top (escape comes back here)."""
        await self.app.push_screen(SearchScreen(self.tag_name))

    def action_add_related(self, exclude: bool) -> None:
        """Add the highlighted related tag (or ``-tag``) to the search below and run it."""
        tag = self.highlighted_related()
        if tag is not None:
            self.e621_app.discovery.add_to_search(f"-{tag.name}" if exclude else tag.name)

    def action_reveal_spoilers(self) -> None:
        """Show or hide the wiki's spoilers."""
        self.reveal = not self.reveal
        self._show_wiki()

    def action_expand_sections(self) -> None:
        """Open or close the wiki's collapsed sections."""
        self.open_sections = not self.open_sections
        self._show_wiki()

    def action_follow(self) -> None:
        """Follow or unfollow this tag."""
        self.e621_app.discovery.toggle_follow(self.tag_name)
        self._show_title()

    def action_scroll(self, lines: int) -> None:
        """Scroll the wiki text."""
        wiki = self.query_one("#tag-wiki", VerticalScroll)
        wiki.scroll_to(y=wiki.scroll_target_y + lines, animate=False)


__all__ = ["TagScreen", "related_prompt", "title_text"]
