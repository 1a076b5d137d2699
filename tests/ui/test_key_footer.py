"""The key footer rebuilds only when the keys it shows change."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from e621tui.ui.widgets.footer import KeyFooter


class FooterApp(App[None]):
    BINDINGS = [Binding("n", "next", "Next page"), Binding("x", "other", "Other")]

    def __init__(self) -> None:
        super().__init__()
        self.next_enabled = True
        self.rebuilds = 0

    def compose(self) -> ComposeResult:
        yield Label("body")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "next" and not self.next_enabled else True

    def action_next(self) -> None:
        pass


async def test_same_keys_no_rebuild_changed_keys_rebuild() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        footer = app.query_one(KeyFooter)
        original = footer.recompose

        async def counting() -> None:
            app.rebuilds += 1
            await original()

        footer.recompose = counting  # type: ignore[method-assign]
        await pilot.pause(0.1)
        start = app.rebuilds
        for _ in range(5):  # five signals, nothing changed: no rebuild
            app.screen.refresh_bindings()
        await pilot.pause(0.2)
        assert app.rebuilds == start
        keys = {k.description: k.has_class("-disabled") for k in footer.query("FooterKey")}
        assert keys["Next page"] is False
        app.next_enabled = False  # greyed out: the footer must show it
        app.screen.refresh_bindings()
        app.screen.refresh_bindings()
        await pilot.pause(0.2)
        assert app.rebuilds == start + 1  # two signals in one frame: one rebuild
        keys = {k.description: k.has_class("-disabled") for k in footer.query("FooterKey")}
        assert keys["Next page"] is True and keys["Other"] is False
