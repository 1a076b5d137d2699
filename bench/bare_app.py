"""The yardstick: a bare Textual app (a header, a label, a footer), started like e621-tui."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Label

READY = "bench-ready"


class Bare(App[None]):
    """Nothing but what every Textual app pays for."""

    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        """A header, a label, a footer."""
        yield Header()
        yield Label(READY)
        yield Footer()


if __name__ == "__main__":
    Bare().run()
