"""A post's tags, grouped by category in the site's order, coloured by category."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from e621tui.api.models import Post
from e621tui.text.sanitize import one_line

#: Tags shown per category; the rest are counted ("… and 2700 more") so huge posts stay fast.
MAX_PER_CATEGORY = 300
#: Longest tag shown; longer ones end with "…".
MAX_TAG_LENGTH = 80


#: ESC and the 8-bit C1 controls, made visible before `one_line` could read them as sequences.
_INTRODUCERS_VISIBLE = {0x1B: "␛", **{code: "\ufffd" for code in range(0x80, 0xA0)}}


def shown_literally(text: str, max_len: int) -> str:
    """One safe line in which escape sequences stay visible (ESC drawn as ␛) instead of vanishing.

    Tags and sources are identifiers: a user should see exactly what is there, never have it
    silently shortened, and never have the terminal act on it.
    """
    return one_line(text.translate(_INTRODUCERS_VISIBLE), max_len)


def tag_text(
    post: Post,
    styles: dict[str, Style] | None = None,
    *,
    limit: int = MAX_PER_CATEGORY,
) -> Text:
    """The tag list as plain `Text` (never markup): a heading per category, one tag a line.

    Args:
        post: The post.
        styles: Style per category name, and ``"heading"`` for the headings.
        limit: At most this many tags per category; the rest are summarised.
    """
    styles = styles or {}
    heading = styles.get("heading", Style(bold=True))
    text = Text()
    groups = post.tags_by_category()
    if not groups:
        text.append("no tags", style=Style(dim=True))
        return text
    for n, (category, tags) in enumerate(groups):
        if n:
            text.append("\n")
        name = one_line(category, 30)
        style = styles.get(category, Style())
        text.append(f"{name.capitalize()} ({len(tags)})", style=heading + style)
        for tag in tags[:limit]:
            text.append("\n")
            text.append(shown_literally(tag, MAX_TAG_LENGTH), style=style)
        if len(tags) > limit:
            text.append(f"\n… and {len(tags) - limit} more", style=Style(dim=True, italic=True))
    return text


class TagList(Widget):
    """Renders `tag_text` for one post; colours come from component classes (themeable)."""

    COMPONENT_CLASSES = {
        "taglist--heading",
        "taglist--artist",
        "taglist--contributor",
        "taglist--copyright",
        "taglist--character",
        "taglist--species",
        "taglist--general",
        "taglist--meta",
        "taglist--lore",
        "taglist--invalid",
    }

    DEFAULT_CSS = """
    TagList { height: auto; width: 100%; }
    TagList > .taglist--heading { text-style: bold; }
    TagList > .taglist--artist { color: #f2ac08; }
    TagList > .taglist--contributor { color: #c0c0c0; }
    TagList > .taglist--copyright { color: #dd00dd; }
    TagList > .taglist--character { color: #00aa00; }
    TagList > .taglist--species { color: #ed5d1f; }
    TagList > .taglist--general { }
    TagList > .taglist--meta { color: $text-muted; }
    TagList > .taglist--lore { color: #808000; }
    TagList > .taglist--invalid { color: #ff3d3d; }
    """

    def __init__(self, post: Post | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.post = post
        self._text: Text | None = None

    def set_post(self, post: Post) -> None:
        """Show another post's tags."""
        self.post = post
        self._text = None
        self.refresh(layout=True)

    def _styles(self) -> dict[str, Style]:
        styles: dict[str, Style] = {}
        for name in self.COMPONENT_CLASSES:
            style = self.get_component_rich_style(name, partial=True)
            styles[name.removeprefix("taglist--")] = style
        return styles

    def render(self) -> Text:
        """The tags (built once per post, then reused for every repaint)."""
        if self.post is None:
            return Text()
        if self._text is None:
            self._text = tag_text(self.post, self._styles())
        return self._text

    def notify_style_update(self) -> None:
        """Rebuild with the new colours when the theme changes."""
        self._text = None
        super().notify_style_update()


__all__ = ["MAX_PER_CATEGORY", "MAX_TAG_LENGTH", "TagList", "shown_literally", "tag_text"]
