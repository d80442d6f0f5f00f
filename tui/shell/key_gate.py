"""Keys land where the practitioner is looking, even when they arrive in one burst.

On a slow SSH link typing arrives in bursts: `X123<Tab>Jamie Smith` can reach the app in one read.
Textual forwards each key to the widget focused *when the App reads the key*, but a Tab, an Enter,
a ctrl+n or a Backspace does its work only later, once it has bubbled back up to the bindings
(and its handlers have mounted a field and moved the focus to it). So the name landed in the
case-reference box, keys after ctrl+n reached a step whose field was not there yet, and in
`05<Backspace>4` the 4 went in first and was the character Backspace took away.

The gate makes a burst come out as the same keys typed slowly. A character typed into a field
(or Enter, a new line, in a text area) goes straight on: the field takes it at once, in order.
After any other key (Tab, Enter in a one-line field, Escape, Backspace, the arrows, a ctrl or F
key, a letter when no field has the focus: `r` resumes, `n` starts a session) the keys after it
are held until the app has *settled*: every message of every widget on every screen handled,
none being handled, no callback due, the screen laid out (`app_is_idle`; a repaint still due is not
waited for), and no worker that key started still running (a form saved off the UI thread).
Such a key that comes while keys before it are still on their way to their field waits with the
rest; so do keys that come while a screen the app put up by itself (a takeover's notice, the
privacy cover) is still being put up. Held keys then go on in order: a run of typed characters at
once, any other key on its own, the rest held again until the app has settled after it.

Settling is watched, never timed. A safety limit (`SAFETY_SECONDS`) lets held keys go if the app
never settles, say a widget that never finishes mounting; it is logged when it fires, as a defect.
Nothing is run early and nothing is reordered: a key is only ever delayed.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App

from tui.shell import partial_paint
from tui.shell import textual_compat as compat

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.widget import Widget

log = logging.getLogger(__name__)

#: held this long without the app settling, keys go on anyway (and the log says so): a guard
#: against a widget that never settles, not a timing the gate relies on
SAFETY_SECONDS = 10.0
#: how often a hold looks whether the app has settled (a look is cheap: no key waits for it)
POLL_SECONDS = 0.005
#: workers that run beside the practitioner, not for a key: a hold does not wait for them
BACKGROUND_WORKERS = frozenset({"content", "prepare-saves", "client-prefetch", "follow-holder"})


def typed_in_place(event: events.Key, focused: Widget | None) -> bool:
    """Whether the focused field takes `event` itself, at once: a character typed into a field,
    or Enter (a new line) in a text area. Keys like these go straight on, in order, to the same
    field. Any other key acts only once it has bubbled up to the bindings (Backspace, the arrows,
    Tab, ctrl+n, a letter on a list): the keys after it wait until it has."""
    from textual.widgets import Input, TextArea  # not at start-up: TextArea costs ~25 ms to import

    if isinstance(focused, TextArea):
        if focused.read_only:
            return False
        return event.is_printable or event.key == "enter"
    if isinstance(focused, Input):
        return event.is_printable
    return False


def _pump_idle(pump: MessagePump, *, dispatching: bool = False) -> bool:
    """A message pump with nothing to do: no message waiting, none being handled (its loop is
    parked on its empty queue), no callback due after the current message. `dispatching`: the
    pump is the one asking, from its own handler (that one message is not counted)."""
    if compat.pump_closed(pump):
        return True
    if not compat.pump_mounted(pump) or compat.pump_has_work(pump):
        return False
    if compat.pump_callbacks_due(pump):
        return False
    if dispatching:
        return True
    return compat.pump_parked(pump)


def _busy(app: App[Any], dispatching: bool) -> Iterator[MessagePump]:
    if not _pump_idle(app, dispatching=dispatching):
        yield app
    for screen in app.screen_stack:
        yield from (node for node in screen.walk_children(with_self=True) if not _pump_idle(node))
    # (a repaint still due is not waited for: nothing a key lands on depends on the terminal)
    if app.screen_stack and (
        compat.screen_callbacks_due(app.screen)  # due after its next refresh
        or compat.screen_layout_due(app.screen)  # its widgets not yet laid out
    ):
        yield app.screen
    if compat.animating(app):  # a scroll to the focused field still moving: the next key
        yield app  # must see where it ends (a burst scrolls as slow typing does)


def busy_nodes(app: App[Any], *, dispatching: bool = False) -> list[MessagePump]:
    """The App, screens and widgets with something still to do (empty: the app is idle).
    `dispatching`: asked from one of the App's own handlers."""
    return list(dict.fromkeys(_busy(app, dispatching)))


def app_is_idle(app: App[Any], *, dispatching: bool = False) -> bool:
    """Every message pump of the app idle: the App, every screen on the stack and every widget on
    them; the current screen owes no callback after its next refresh. (Stops at the first busy
    one.)"""
    return next(_busy(app, dispatching), None) is None


class KeyGate:
    """Holds the keys after one that acts through the bindings until the app has settled (see
    the module)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        #: keys (and pastes) held, in the order they were read
        self.held: deque[events.Key | events.Paste] = deque()
        self._holding = False
        #: events the gate let go, on their way through the App: they are not held again
        self._passing: list[events.Event] = []
        #: workers already running when the hold began (a hold waits only for new ones)
        self._workers: set[object] = set()
        self._since = 0.0
        self._screen: Screen[Any] | None = None
        self._timer: Any = None

    @property
    def holding(self) -> bool:
        return self._holding

    def key(self, event: events.Key | events.Paste) -> bool:
        """An event read from the terminal: True when it is held (the App must not forward it);
        otherwise the App forwards it, and a key not typed in place starts a hold."""
        for i, passing in enumerate(self._passing):
            if passing is event:  # let go by the gate: on it goes
                del self._passing[i]
                self._screen = self._current_screen()
                return False
        if self._holding:
            self.held.append(event)
            return True
        app = self.app
        mover = isinstance(event, events.Key) and not typed_in_place(event, app.focused)
        # the screen changed by itself (a takeover, the privacy cover) and is not ready yet
        moved = self._current_screen() is not self._screen
        if mover or moved:
            if not app_is_idle(app, dispatching=True):
                # keys before it are still on their way to their field (`text<ctrl+n>` in one
                # read), or the new screen is still being put up: it waits, and what follows
                self._hold()
                self.held.append(event)
                return True
            if mover:
                self._hold()  # it goes on; the keys after it wait until the app has settled
        self._screen = self._current_screen()
        return False

    def hold(self) -> None:
        """Hold the keys that come from now until the app has settled (a screen the app puts up
        by itself, e.g. after a takeover)."""
        self._hold()

    def discard(self) -> int:
        """Drop the keys held now (read with a key that closed a notice, before what comes next
        was seen); how many."""
        dropped = len(self.held)
        self.held.clear()
        return dropped

    def quiet(self) -> bool:
        """Nothing held and nothing on its way: a key typed so far has landed (for a check run
        from a timer, outside the App's handlers)."""
        return not self._holding and app_is_idle(self.app)

    def _current_screen(self) -> Screen[Any] | None:
        return self.app.screen if self.app.screen_stack else None

    def _hold(self) -> None:
        if not self._holding:
            self._since = time.monotonic()
        self._holding = True
        self._workers = {w for w in self.app.workers if not w.is_finished}
        if self._timer is None:
            self._timer = self.app.set_interval(POLL_SECONDS, self.check, name="key-gate")
        else:
            self._timer.resume()

    def _stop(self) -> None:
        self._holding = False
        if self._timer is not None:
            self._timer.pause()

    def _new_workers(self) -> list[Any]:
        return [
            w
            for w in self.app.workers
            if not w.is_finished and w not in self._workers and w.group not in BACKGROUND_WORKERS
        ]

    def check(self) -> None:
        """Look whether the app has settled (run by the gate's timer, outside the App's
        handlers); if so, let the held keys go on."""
        if not self._holding:
            return
        if not self.app.screen_stack:  # the app is closing (its last screen went): nothing
            self.held.clear()  # is left for the held keys
            self._stop()
            return
        busy = busy_nodes(self.app)
        workers = self._new_workers()
        if busy or workers:
            waited = time.monotonic() - self._since
            if waited < SAFETY_SECONDS:
                return
            log.warning(
                "key gate: the app did not settle in %.0f s; %d held key(s) let go. Still busy: %s",
                waited,
                len(self.held),
                ", ".join([*(repr(n) for n in busy[:5]), *(repr(w) for w in workers[:3])]),
            )
            self._let_go(len(self.held))
            return
        self._release()

    def _release(self) -> None:
        """The app has settled: let the leading typed characters go on at once, or the key that
        acts through the bindings on its own (what follows it is held until it has settled)."""
        count = 0
        for event in self.held:
            if isinstance(event, events.Key) and not typed_in_place(event, self.app.focused):
                if count == 0:
                    count = 1
                    self._let_go(count)
                    self._hold()
                    return
                break
            count += 1
        self._let_go(count)

    def _let_go(self, count: int) -> None:
        for _ in range(count):
            event = self.held.popleft()
            again: events.Key | events.Paste = (
                events.Key(event.key, event.character)
                if isinstance(event, events.Key)
                else events.Paste(event.text)
            )
            self._passing.append(again)
            self.app.post_message(again)
        if not self.held:
            self._stop()
        else:
            self._since = time.monotonic()


class GatedApp(App[None]):
    """An App whose keys go through a `KeyGate` and whose screens repaint only the widgets in
    the part that changed (`partial_paint`): the Wellbeing app, and the test apps that stand in
    for it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        partial_paint.install()  # before any screen is built: each builds its compositor then
        super().__init__(*args, **kwargs)
        self.key_gate = KeyGate(self)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self.key_gate.key(event):
                return  # held until the app has settled
        await super().on_event(event)
