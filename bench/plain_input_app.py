"""The baseline for terminal bytes: one plain Textual `Input`, cursor blink off (as in the app's
low-bandwidth mode)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input

READY = "Plain input ready"


class PlainInputApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(placeholder=READY, id="field")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()


if __name__ == "__main__":
    PlainInputApp().run()
