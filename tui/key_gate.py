"""Keys land where the practitioner is looking, even when they arrive in one burst.

On a slow SSH link typing arrives in bursts: `X123<Tab>Jamie Smith` can reach the app in one read.
Textual forwards each key to the widget focused *when the key is read*, and acts on a Tab only
once it has bubbled back up to the App's bindings, so the name landed in the case-reference box;
keys just after ctrl+n reached a step whose field was not mounted yet and were lost.

The gate: after a key that may move the focus or the screen (Tab, shift+Tab, Enter outside a text
area, Escape, a ctrl or F key, or any key while no text field has the focus: `r` resumes, `n`
starts a session), later keys are held until that key has been acted on and the focus has
settled: it moved, or a new screen focused a field, or every queue on the way is empty (an Enter
whose handler moves the focus from a message). Held keys then go on in order, through the gate
again. Nothing is run early and nothing is reordered: a key is only ever delayed.
"""

from __future__ import annotations

import re
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

#: the most a key is held (seconds): a key some widget swallows never reaches the App
HOLD_LIMIT = 0.3
#: holding while the keys before a focus-moving key land (no key of ours is awaited)
_DRAIN = object()
_MOVERS = re.compile(r"^(tab|shift\+tab|enter|escape|ctrl\+.+|f\d{1,2})$")


def moves_focus(event: events.Key, focused: Widget | None) -> bool:
    """Whether `event` may move the focus or the screen (typing into a field never does; Enter
    in a text area is a new line)."""
    from textual.widgets import Input, TextArea  # not at start-up: TextArea costs ~25 ms to import

    typing = isinstance(focused, (Input, TextArea))
    if event.key == "enter" and isinstance(focused, TextArea):
        return False
    if _MOVERS.match(event.key):
        return True
    return not typing and event.is_printable


class KeyGate:
    """Holds keys after one that may move the focus, until it has (see the module)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.held: deque[events.Key] = deque()
        self._key: object | None = None
        self._done = False
        self._since = 0.0
        self._focus: Widget | None = None
        self._screen: Screen[Any] | None = None
        self._timer: Any = None

    @property
    def holding(self) -> bool:
        return self._key is not None

    def key(self, event: events.Key) -> bool:
        """A key read from the terminal: True when it is held (the App must not forward it);
        otherwise the App forwards it, and a key that may move the focus starts a hold."""
        if self._key is not None:
            self.held.append(event)
            return True
        app = self.app
        if moves_focus(event, app.focused) and not self._quiet():
            # keys before it are still on their way to the field (`text<ctrl+n>` in one read):
            # they land first, then this key goes on (a priority binding would act at once)
            self._start(_DRAIN, done=True)
            self.held.append(event)
            return True
        if moves_focus(event, app.focused):
            self._start(event, done=False)
        return False

    def _start(self, key: object, *, done: bool) -> None:
        app = self.app
        self._key, self._done = key, done
        self._focus, self._screen = app.focused, app.screen
        self._since = time.monotonic()
        if self._timer is None:
            self._timer = app.set_interval(0.005, self.check, name="key-gate")
        else:
            self._timer.resume()

    def after_app(self, event: events.Key) -> None:
        """The App has dealt with `event`: forwarded it (it comes back to `acted_on` when it
        bubbles up), or acted on it at once (a priority binding)."""
        if event is self._key and not event.is_forwarded:
            self.acted_on(event)

    def acted_on(self, event: events.Key) -> None:
        """`event` reached the App's bindings: whatever it does has been started."""
        if event is self._key:
            self._done = True
            self.check()

    def check(self) -> None:
        if self._key is None:
            return
        if not self.app.screen_stack:  # the app is closing (its last screen went): nothing
            self._key = self._focus = self._screen = None  # is left for the held keys
            self.held.clear()
            if self._timer is not None:
                self._timer.pause()
            return
        if not self._settled():
            return
        self._key = None
        self._focus = self._screen = None
        if self._timer is not None:
            self._timer.pause()
        held, self.held = self.held, deque()
        for event in held:  # on through the App in order (and through the gate again)
            self.app.post_message(events.Key(event.key, event.character))

    def _settled(self) -> bool:
        app = self.app
        waited = time.monotonic() - self._since
        if waited >= HOLD_LIMIT:
            return True
        if not self._done:
            return False
        if app.screen is not self._screen:  # a new screen: once it has focused a field
            return app.screen.is_mounted and app.focused is not None and self._quiet(app_too=True)
        focused = app.focused
        if focused is not None and focused is not self._focus and _typing(focused):
            return True
        # the focus moved elsewhere (a step's old field removed, its new one not yet focused:
        # focusing is itself a message), or nowhere: once every queue, the App's too, is empty
        return self._quiet(app_too=True)

    def _quiet(self, *, app_too: bool = False) -> bool:
        """No message waiting between the focused widget and the screen (keys on their way to
        a field have landed; a handler that moves the focus from a message, e.g. an Enter's
        Submitted, has run), and with `app_too` none in the App's queue either (a focus change
        is a callback there). Deciding whether to hold a key, the App's own queue is left out:
        the keys behind it are there."""
        app = self.app
        node = app.focused or app.screen
        if node is None:
            return True
        pumps = [p for p in node.ancestors_with_self if app_too or p is not app]
        return all(p._message_queue.empty() for p in pumps)


def _typing(widget: Widget) -> bool:
    from textual.widgets import Input, TextArea

    return isinstance(widget, (Input, TextArea))


class GatedApp(App[None]):
    """An App whose keys go through a `KeyGate` (the Wellbeing app, and the test apps that
    stand in for it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_gate = KeyGate(self)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.key_gate.key(event):
                return  # held until the key before it has moved the focus
            await super().on_event(event)
            self.key_gate.after_app(event)
            return
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:  # noqa: RUF029 - Textual's async hook
        """A key bubbled up to the App's bindings. Textual calls this before App's own handler
        (which runs the bindings), so the gate hears of it just after."""
        self.call_later(self.key_gate.acted_on, event)

    def _on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.key_gate.check()
