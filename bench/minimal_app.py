"""The baseline for startup: a minimal Textual app (Header, Markdown, Input, Footer)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input, Markdown

READY = "Minimal baseline ready"


class MinimalApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Markdown(f"# {READY}\n\nA plain Textual app, timed like the real one.")
        yield Input(placeholder="Type here")
        yield Footer()


if __name__ == "__main__":
    MinimalApp().run()
