"""The DText renderer's one pass: tokens in, styled lines out (see `dtext_rich`).

(Over 400 lines on purpose: it is one pass over the tokens with one state; the blocks,
styles and tokens it uses already live in their own modules.)
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from rich.style import Style

from e621tui.text.dtext_blocks import InlineStack, LineOut, Seg, Table, layout_table
from e621tui.text.dtext_styles import DTextStyles, LinkKind, SectionInfo, color_style
from e621tui.text.dtext_tokens import (
    BULLETS,
    HEADER,
    INLINE_TAGS,
    LABEL_TAGS,
    LIST_ITEM,
    LITERAL_CLOSERS,
    MAX_INLINE_DEPTH,
    TABLE_TAGS,
    TOKEN,
    split_trailing,
)
from e621tui.text.sanitize import clean


@dataclass(frozen=True)
class LinkDraft:
    """A link found while rendering (its offsets are known only at the end)."""

    kind: LinkKind
    target: str
    label: str
    ref_kind: str | None = None


@dataclass
class Fold:
    """A hidden stretch (a collapsed section, a hidden spoiler) and same-kind tags inside it."""

    kind: str
    inline: bool = False
    nested: int = 0


class Renderer:
    """One pass over a DText source, writing styled lines into a `LineOut`."""

    def __init__(self, styles: DTextStyles, reveal: bool, expand: bool | Collection[int],
                 base_url: str, links: list[LinkDraft], counters: list[int],
                 sections: list[SectionInfo]) -> None:  # fmt: skip
        self.st = styles
        self.reveal = reveal
        self.expand = expand
        self.base_url = base_url.rstrip("/")
        self.links = links
        self.counters = counters  # [spoilers, sections seen]
        self.sections = sections
        self.out = LineOut()
        self.inline = InlineStack(MAX_INLINE_DEPTH)
        self.line_style: Style | None = None
        self.suppress: list[Fold] = []
        self.quote_depth = 0
        self.open_sections = 0
        self.table: Table | None = None
        self.at_line_start = True
        self.skip_nl = False
        self.hidden_text = False  # the current line has text we did not show

    # ---- output -----------------------------------------------------------------------

    def emit(self, text: str, style: Style | None = None, link: int | None = None) -> None:
        if self.suppress:
            self.hidden_text = self.hidden_text or bool(text)
            return
        safe = clean(text)
        if not safe:
            return
        self.skip_nl = False
        base = self.inline.style
        if self.line_style is not None:
            base = self.line_style + base
        final = base + style if style is not None else base
        seg = Seg(safe, final or None, link)
        if self.table is not None:
            self.table.add(seg)
        else:
            self.out.add(seg, self.quote_depth)

    def add_link(self, draft: LinkDraft) -> int | None:
        if self.suppress:
            return None
        self.links.append(draft)
        return len(self.links) - 1

    def end_line(self) -> None:
        self.out.end_line()
        self.line_style = None
        self.at_line_start = True

    def block_break(self) -> None:
        self.end_line()
        self.skip_nl = True

    def paragraph(self) -> None:
        """A blank line: unclosed inline tags and inline spoilers end here."""
        self.end_line()
        self.inline.clear()
        while self.suppress and self.suppress[-1].inline:
            self.suppress.pop()
        if not self.suppress and self.table is None:
            self.out.blank(self.quote_depth)

    # ---- the scan -----------------------------------------------------------------------

    def run(self, source: str) -> None:
        pos = 0
        while pos < len(source):
            if self.at_line_start and not self.suppress and self.table is None:
                pos = self.line_start(source, pos)
            match = TOKEN.search(source, pos)
            end = match.start() if match else len(source)
            if end > pos:
                self.text_run(source[pos:end])
            if match is None:
                break
            pos = self.token(source, match)
        if self.table is not None:
            self.flush_table()
        self.end_line()

    def text_run(self, chunk: str) -> None:
        if self.table is not None and self.table.current is None and not chunk.strip():
            return
        self.emit(chunk)
        if chunk and not self.suppress:
            self.at_line_start = False

    def line_start(self, source: str, pos: int) -> int:
        header = HEADER.match(source, pos)
        if header:
            self.line_style = self.st.header
            self.at_line_start = False
            return header.end()
        bullet = LIST_ITEM.match(source, pos)
        if bullet:
            depth = len(bullet.group(1))
            self.emit("  " * (depth - 1) + BULLETS[(depth - 1) % len(BULLETS)] + " ")
            self.at_line_start = False
            return bullet.end()
        return pos

    def token(self, source: str, m: re.Match[str]) -> int:
        kind = m.lastgroup
        if m.group("nl") is not None:
            self.newline()
        elif m.group("wiki") is not None:
            self.wiki_link(m.group("wiki"), m.group("wiki_text"))
        elif m.group("search") is not None:
            query, _, label = m.group("search").partition("|")
            target = " ".join(query.lower().split())
            shown = label.strip() or query.strip()
            self.emit(shown, self.st.search_link, self.add_link(LinkDraft("search", target, shown)))
        elif m.group("link_text") is not None:
            return self.labelled_link(m)
        elif m.group("angle") is not None:
            self.url_link(m.group("angle"), None)
        elif m.group("bare") is not None:
            url, trailing = split_trailing(m.group("bare"))
            self.url_link(url, None)
            self.emit(trailing)
        elif m.group("tick") is not None:
            self.emit("`")
        elif m.group("code") is not None:
            self.emit(re.sub(r"\\(.)", r"\1", m.group("code")), self.st.code)
        elif m.group("tag") is not None:
            return self.tag(source, m)
        elif m.group("ref_kind") is not None:
            self.reference(m.group("ref_kind"), m.group("ref_id"))
        elif kind == "anchor":
            pass  # `[#anchor]` is invisible
        if not self.suppress and m.group("nl") is None:
            self.at_line_start = False
        return m.end()

    def newline(self) -> None:
        if self.table is not None:
            if self.table.current is not None:
                self.emit(" ")
            return
        if self.skip_nl:
            self.skip_nl = False
            return
        if self.out.has_content or self.hidden_text:
            self.end_line()
            self.hidden_text = False
        else:
            self.paragraph()

    # ---- links --------------------------------------------------------------------------

    def wiki_link(self, target: str, label: str | None) -> None:
        title, _, _anchor = target.partition("#")
        shown = (label or "").strip() or target.strip()
        normalized = "_".join(title.strip().lower().split())
        if not normalized:  # `[[#anchor|label]]` links inside the page
            self.emit(shown)
            return
        self.emit(shown, self.st.wiki_link, self.add_link(LinkDraft("wiki", normalized, shown)))

    def absolute(self, url: str) -> str | None:
        if url.startswith("#"):
            return None
        if url.startswith("/"):
            return self.base_url + url
        return url

    def url_link(self, url: str, label: str | None) -> None:
        target = self.absolute(url)
        shown = label if label is not None else url
        if target is None:
            self.emit(shown)
            return
        index = self.add_link(LinkDraft("url", clean(target), clean(shown)))
        self.emit(shown, self.st.link, index)
        if label is not None and label != url:
            self.emit(" <", self.st.link_target, index)
            self.emit(target, self.st.link_target, index)
            self.emit(">", self.st.link_target, index)

    def labelled_link(self, m: re.Match[str]) -> int:
        label = LABEL_TAGS.sub("", m.group("link_text")).strip()
        if m.group("link_bracketed") is not None:
            self.url_link(m.group("link_bracketed"), label)
        else:
            url, trailing = split_trailing(m.group("link_url"))
            self.url_link(url, label)
            self.emit(trailing)
        self.at_line_start = False
        return m.end()

    def reference(self, kind: str, number: str) -> None:
        kind = " ".join(kind.lower().split())
        if kind == "thumb":
            kind = "post"
        shown = f"{'BUR' if kind == 'bur' else kind} #{number}"
        draft = LinkDraft("reference", number, shown, ref_kind=kind)
        self.emit(shown, self.st.reference, self.add_link(draft))

    # ---- tags ---------------------------------------------------------------------------

    def tag(self, source: str, m: re.Match[str]) -> int:
        name = m.group("tag").lower()
        closing = bool(m.group("close"))
        arg = m.group("arg") or ""
        if name in LITERAL_CLOSERS and not closing:
            return self.literal_block(source, m, name)
        if name in ("spoiler", "spoilers"):
            self.spoiler(closing)
        elif name == "section":
            if not self.section(closing, arg):
                self.emit(m.group(0))
        elif self.suppress:
            pass
        elif self.table is not None and name in TABLE_TAGS:
            self.table_tag(name, closing)
        elif name in INLINE_TAGS:
            if closing:
                if not self.inline.pop_to(name):
                    self.emit(m.group(0))
            else:
                attr = INLINE_TAGS[name]
                self.inline.push(name, getattr(self.st, attr) if attr else None)
        elif name == "color":
            if closing:
                if not self.inline.pop_to(name):
                    self.emit(m.group(0))
            else:
                self.inline.push(name, color_style(arg.lstrip("="), self.st))
        elif name == "quote":
            if not closing or self.quote_depth > 0:
                self.block_break()
                self.inline.clear()
                self.quote_depth += -1 if closing else 1
            else:
                self.emit(m.group(0))
        elif name == "table" and not closing:
            self.block_break()
            self.table = Table()
        elif name == "br" and not closing:
            self.end_line()
        else:
            self.emit(m.group(0))  # unknown or mismatched: literal
        return m.end()

    def literal_block(self, source: str, m: re.Match[str], name: str) -> int:
        closer = LITERAL_CLOSERS[name].search(source, m.end())
        stop = closer.start() if closer else len(source)
        after = closer.end() if closer else len(source)
        body = source[m.end() : stop]
        if self.suppress:
            return after
        if name == "nodtext":
            for n, line in enumerate(body.split("\n")):
                if n:
                    self.end_line()
                self.emit(line)
            return after
        self.block_break()
        if name == "ltable":
            self.ltable(body)
        else:
            lines = body.strip("\n").split("\n")
            for line in lines:
                self.emit(line if line else " ", self.st.code)
                self.end_line()
        self.block_break()
        return after

    def fold_tag(self, kind: str, closing: bool) -> None:
        """A spoiler or section tag met while hidden: track nesting, end the fold."""
        top = self.suppress[-1]
        if top.kind != kind:
            return
        if not closing:
            top.nested += 1
        elif top.nested:
            top.nested -= 1
        else:
            self.suppress.pop()
            if not top.inline:
                self.block_break()

    def spoiler(self, closing: bool) -> None:
        if self.suppress:
            self.fold_tag("spoiler", closing)
            return
        if closing:
            self.inline.pop_to("spoiler")
            return
        self.counters[0] += 1
        block = self.out.line_empty
        if self.reveal:
            self.inline.push("spoiler", self.st.spoiler_shown)
            return
        self.emit(" spoiler (hidden) " if block else " spoiler ", self.st.spoiler_hidden)
        if block:
            self.block_break()
        self.suppress.append(Fold("spoiler", inline=not block))

    def section(self, closing: bool, arg: str) -> bool:
        if self.suppress:
            self.fold_tag("section", closing)
            return True
        if closing:
            if not self.open_sections:
                return False
            self.open_sections -= 1
            self.block_break()
            return True
        options, _, title = arg.partition("=")
        index = self.counters[1]
        self.counters[1] += 1
        expanded = "expanded" in options.lower() or (
            self.expand is True or (not isinstance(self.expand, bool) and index in self.expand)
        )
        shown = clean(title).strip() or "section"
        self.sections.append(SectionInfo(index, shown, expanded))
        self.block_break()
        self.inline.clear()
        self.emit(("▾ " if expanded else "▸ ") + shown, self.st.section_title)
        self.block_break()
        if expanded:
            self.open_sections += 1
        else:
            self.suppress.append(Fold("section"))
        return True

    # ---- tables -------------------------------------------------------------------------

    def table_tag(self, name: str, closing: bool) -> None:
        table = self.table
        assert table is not None
        if name == "table" and closing:
            self.flush_table()
            self.block_break()
        elif name == "thead":
            table.in_head = not closing
        elif name == "tr":
            table.end_row() if closing else table.new_row()
        elif name in ("td", "th"):
            table.end_cell() if closing else table.new_cell(header=name == "th")

    def flush_table(self) -> None:
        table, self.table = self.table, None
        if table is None:
            return
        for line in layout_table(table, self.st):
            for seg in line:
                if not self.suppress:
                    self.out.add(seg, self.quote_depth)
            self.out.end_line()

    def ltable(self, body: str) -> None:
        table = Table()
        for n, line in enumerate(r for r in body.split("\n") if r.strip()):
            table.new_row()
            for cell in line.split("|"):
                table.new_cell(header=n == 0)
                child = Renderer(self.st, self.reveal, False, self.base_url, self.links,
                                  self.counters, self.sections)  # fmt: skip
                child.run(cell.strip())
                for seg in child.out.flat_segments():
                    table.add(seg)
                table.end_cell()
            table.end_row()
        self.table = table
        self.flush_table()


__all__ = ["LinkDraft", "Renderer"]
