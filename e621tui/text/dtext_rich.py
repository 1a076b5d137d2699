"""DText, the site's markup, rendered to a styled `rich.text.Text` (e621-api.md §21).

`render_dtext(source)` returns a `DTextRender`: the text, the links in it (with offsets, so a
view can offer them), how many spoilers there are and which sections. The source is never
read as Rich or Textual markup: every run of it becomes a plain string (through
`sanitize.clean`, so no escape sequence or control character reaches the terminal) with a
`Style` object attached. Spoilers stay hidden unless ``reveal_spoilers``; sections are
collapsed unless the source says ``expanded`` or ``expand_sections`` names them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from rich.text import Text

from e621tui.text.dtext_blocks import LINK_META, Seg
from e621tui.text.dtext_render import LinkDraft, Renderer
from e621tui.text.dtext_styles import DEFAULT_STYLES, DTextLink, DTextStyles, SectionInfo
from e621tui.text.dtext_tokens import MAX_QUOTE_BARS, MAX_SOURCE
from e621tui.text.sanitize import clean


@dataclass(frozen=True)
class DTextRender:
    """Rendered DText: the text and what a view may offer about it."""

    text: Text
    links: tuple[DTextLink, ...]
    spoilers: int
    """How many spoilers the body has (hidden ones show as a placeholder)."""
    sections: tuple[SectionInfo, ...]
    truncated: bool
    """True when the source was longer than ``max_len`` and was cut."""

    @property
    def plain(self) -> str:
        """The text without styles."""
        return self.text.plain

    def link_at(self, offset: int) -> DTextLink | None:
        """The link covering character ``offset`` of the text, if any."""
        return next((link for link in self.links if link.start <= offset < link.end), None)


def render_dtext(
    source: object,
    *,
    reveal_spoilers: bool = False,
    expand_sections: bool | Collection[int] = False,
    base_url: str = "https://e621.net",
    styles: DTextStyles = DEFAULT_STYLES,
    max_len: int = MAX_SOURCE,
) -> DTextRender:
    """Render DText to styled text (never markup; escapes and controls removed).

    Args:
        source: The DText (anything else is converted with ``str()``).
        reveal_spoilers: Show spoiler text instead of a placeholder.
        expand_sections: True to open every section, or the indexes (see `sections`) to
            open; ``[section,expanded]`` sections are always open.
        base_url: Site root used for relative links (``"x":/posts/1``).
        styles: The look of each element.
        max_len: Longer sources are cut here and a note says how much was left out.
    """
    text = source if isinstance(source, str) else str(source)
    text = text.replace("\r\n", "\n").replace("\r", " ").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    truncated = len(text) > max_len
    rest = len(text) - max_len
    if truncated:
        text = text[: max(0, max_len)]
    # Escape sequences go before parsing, so none can hide in a tag or a URL; every run
    # is cleaned again on output.
    text = clean(text, keep_newlines=True)
    links: list[LinkDraft] = []
    sections: list[SectionInfo] = []
    counters = [0, 0]
    renderer = Renderer(styles, reveal_spoilers, expand_sections, base_url, links, counters,
                         sections)  # fmt: skip
    renderer.run(text)
    if truncated:
        renderer.out.blank(0)
        renderer.out.add(Seg(f"… ({rest} more characters not shown)", styles.note, None), 0)
        renderer.out.end_line()
    rich_text, spans = renderer.out.assemble(styles.quote_bar, MAX_QUOTE_BARS)
    found = tuple(
        DTextLink(d.kind, d.target, d.label, *spans[i], ref_kind=d.ref_kind)
        for i, d in enumerate(links)
        if i in spans
    )
    return DTextRender(rich_text, found, counters[0], tuple(sections), truncated)


__all__ = ["LINK_META", "DTextLink", "DTextRender", "DTextStyles", "SectionInfo", "render_dtext"]
