"""The key bar at the foot of every screen: the keys that work here, in one line.

Textual's `Footer` mounts a widget per key and mounts them all again whenever the keys change (a
focus move, a check_action), restyling each: a quarter of the cost of opening a screen, and
repaints on every such key over a slow link. This is one widget that draws one line of text and
repaints only when that text changes. It reads the same bindings (`Screen.active_bindings`,
`show=True`, the first binding of each action) and shows them as the footer did: the key in bold,
then its description; keys not available now are dimmed. A click on a key presses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

#: (key, what it shows, description, available now)
Entry = tuple[str, str, str, bool]


class KeyBar(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.entries: list[Entry] = []
        #: the columns each key takes on screen, for clicks: (start, end, key)
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        entries: list[Entry] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = self.app.get_key_display(binding)
            entries.append((binding.key, shown, binding.description, enabled))
        if entries != self.entries:  # most changes of focus change no key: nothing to redraw
            self.entries = entries
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for key, shown, description, enabled in self.entries:
            start = text.cell_len
            dim = Style(dim=not enabled)
            text.append(shown, key_style + dim)
            if description:
                text.append(" " + description, description_style + dim)
            self._spans.append((start, text.cell_len, key))
            text.append(" ")
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                enabled = next((e[3] for e in self.entries if e[0] == key), False)
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
