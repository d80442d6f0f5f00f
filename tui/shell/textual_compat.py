"""Every private attribute of Textual (and of asyncio beneath it) the app reads or writes.

Textual has no public way to ask whether a message pump is idle, whether an animation is still
running, which bindings a key taken by a field hides, or to mark the App as crashed with a message
of our own. What the app needs of those lives here and nowhere else (ruff's SLF001 is on for
product code; each access below is its one `noqa`), and `tests/test_textual_compat.py` checks
each attribute by name, so a Textual upgrade that renames one fails there, saying which.

The Linux driver's input decoder and xterm parser are module attributes it looks up when it
starts; `tui.shell.terminal_guards` replaces them through `set_driver_decoder` and
`set_driver_parser` here (the test checks both names, and `textual._xterm_parser`); every
screen's compositor is built from `textual.screen.Compositor`, which `set_screen_compositor`
replaces (`tui.shell.partial_paint`).

Private *hooks* the app overrides in subclasses (they are methods of ours, so not accessed here)
are checked by name in the same test: `App._handle_exception`, `Widget._on_key` (HandedOver),
`Input._on_paste`, `TextArea._replace_via_keyboard` and `TextArea._watch_selection` (step
fields), `XTermParser._sequence_to_key_events` (`tui.shell.terminal_guards`) and
`Compositor._get_renders` (`tui.shell.partial_paint`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import codecs

    from textual._compositor import Compositor
    from textual._xterm_parser import XTermParser
    from textual.app import App
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.message_pump import MessagePump
    from textual.notifications import Notification
    from textual.screen import Screen

# -- is a message pump idle (the key gate and the tests' settling) ------------------------------


def pump_closed(pump: MessagePump) -> bool:
    """The pump has closed, or is closing: it will handle nothing more."""
    return bool(pump._closed or pump._closing)  # noqa: SLF001 - no public "is closed"


def pump_mounted(pump: MessagePump) -> bool:
    return bool(pump._is_mounted)  # noqa: SLF001 - `is_mounted` exists only on Widget


def pump_has_work(pump: MessagePump) -> bool:
    """A message waits in the pump's queue, or one is being handled now."""
    queue: Any = pump._message_queue  # noqa: SLF001 - no public queue length
    return not queue.empty() or pump._pending_message is not None  # noqa: SLF001


def pump_callbacks_due(pump: MessagePump) -> bool:
    """A `call_next` callback is due after the current message."""
    return bool(pump._next_callbacks)  # noqa: SLF001 - no public view of call_next's list


def pump_parked(pump: MessagePump) -> bool:
    """The pump's loop waits on its empty queue (Textual's Queue; asyncio's Event below it)."""
    queue: Any = pump._message_queue  # noqa: SLF001 - no public queue
    return any(not waiter.done() for waiter in queue.ready_event._waiters)  # noqa: SLF001


def screen_callbacks_due(screen: Screen[Any]) -> bool:
    """The screen owes a callback after its next refresh (`call_after_refresh`)."""
    return bool(screen._callbacks)  # noqa: SLF001 - no public view of them


def screen_layout_due(screen: Screen[Any]) -> bool:
    """The screen owes a layout, a scroll or a recompose (done on its update timer, a sixtieth
    of a second later): where its widgets are, and which there are, is not settled yet."""
    return bool(
        screen._layout_required  # noqa: SLF001 - no public "update pending"
        or screen._scroll_required  # noqa: SLF001
        or screen._recompose_required  # noqa: SLF001
    )


def screen_repaint_due(screen: Screen[Any]) -> bool:
    """The screen owes a repaint: what is on the terminal is not yet what the widgets hold
    (nothing a key lands on depends on it)."""
    return bool(screen._repaint_required or screen._dirty_widgets)  # noqa: SLF001


def animating(app: App[Any]) -> bool:
    """An animation (a scroll, mostly) running or scheduled."""
    animator: Any = app.animator
    return bool(animator._animations or animator._scheduled)  # noqa: SLF001 - no public "busy"


# -- the palette ---------------------------------------------------------------------------------


def node_bindings(node: DOMNode) -> Iterator[Binding]:
    """A node's own bindings, merged with its bases' (`active_bindings` drops those whose key a
    focused field has taken; the palette still offers their actions)."""
    for _key, binding in node._bindings:  # noqa: SLF001 - no public per-node bindings map
        yield binding


# -- the Linux driver ----------------------------------------------------------------------------


def set_driver_decoder(factory: Callable[[str], Callable[..., codecs.IncrementalDecoder]]) -> bool:
    """The Linux driver builds its input decoder with `factory`; False where there is no such
    driver (not this platform)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:
        return False
    # not exported (the driver imports it by name from codecs), and codecs types it as overloaded
    linux_driver.getincrementaldecoder = factory  # type: ignore[attr-defined,assignment]
    return True


def set_driver_parser(parser: type[XTermParser]) -> bool:
    """The Linux driver parses input with `parser`; False where there is no such driver."""
    try:
        from textual.drivers import linux_driver
    except ImportError:
        return False
    # not exported: the driver imports it by name from textual._xterm_parser
    linux_driver.XTermParser = parser  # type: ignore[attr-defined]
    return True


def set_screen_compositor(compositor: type[Compositor]) -> None:
    """Every screen built from now on composes with `compositor` (a subclass of Textual's): the
    screen module builds one by this name in `Screen.__init__`."""
    from textual import screen

    # not exported: Screen.__init__ looks it up by name
    screen.Compositor = compositor  # type: ignore[attr-defined]


# -- the App -------------------------------------------------------------------------------------


def app_exiting(app: App[Any]) -> bool:
    """`exit()` was called: what a Textual timer looks at before it calls back (`Timer._tick`)."""
    return bool(app._exit)  # noqa: SLF001 - no public "exiting"; is_running stays True until shutdown


def mark_crashed(app: App[Any], error: Exception) -> None:
    """What Textual's `_handle_exception` records before it exits: return code 1, and the first
    error kept for `run_test` to raise again. The exit itself is `App.panic` (public)."""
    app._return_code = 1  # noqa: SLF001 - `exit(return_code=)` would post a graceful exit
    if app._exception is None:  # noqa: SLF001 - Pilot re-raises the first error
        app._exception = error  # noqa: SLF001
        app._exception_event.set()  # noqa: SLF001


def prepare_screen(app: App[Any], screen: Screen[Any]) -> None:
    """Load an installed screen's CSS and mount it without showing it: what `push_screen` does
    first, taken ahead of time (the dashboard is built while the list is read)."""
    app._load_screen_css(screen)  # noqa: SLF001 - no public "mount off screen"
    app._get_screen(screen)  # noqa: SLF001


def dismiss_notifications(app: App[Any], which: Callable[[Notification], bool]) -> None:
    """Take down the notifications shown now for which `which` is true."""
    for notification in list(app._notifications):  # noqa: SLF001 - no public list
        if which(notification):
            app._unnotify(notification)  # noqa: SLF001 - `clear_notifications` clears all
