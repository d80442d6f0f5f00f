"""Each private attribute of Textual the app touches (`tui/shell/textual_compat.py`) and each
private hook it overrides still exists: a Textual upgrade that renames one fails here, by name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual._compositor import Compositor
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from tui.shell import textual_compat as compat

COMPAT = Path(compat.__file__)

#: (owner, attribute): what each is read from in a running app (see `_owners`)
ATTRIBUTES = [
    ("pump", "_closed"),
    ("pump", "_closing"),
    ("pump", "_is_mounted"),
    ("pump", "_message_queue"),
    ("pump", "_pending_message"),
    ("pump", "_next_callbacks"),
    ("queue", "ready_event"),
    ("event", "_waiters"),
    ("screen", "_callbacks"),
    ("screen", "_layout_required"),
    ("screen", "_scroll_required"),
    ("screen", "_repaint_required"),
    ("screen", "_recompose_required"),
    ("screen", "_dirty_widgets"),
    ("animator", "_animations"),
    ("animator", "_scheduled"),
    ("pump", "_bindings"),
    ("app", "_exit"),
    ("app", "_return_code"),
    ("app", "_exception"),
    ("app", "_exception_event"),
    ("app", "_load_screen_css"),
    ("app", "_get_screen"),
    ("app", "_notifications"),
    ("app", "_unnotify"),
]

#: private methods the app overrides in its subclasses
HOOKS = [
    (App, "_handle_exception"),
    (Widget, "_on_key"),
    (Input, "_on_paste"),
    (TextArea, "_replace_via_keyboard"),
    (TextArea, "_watch_selection"),  # screens/steps/fields.py repaints a selection's rows in it
    (XTermParser, "_sequence_to_key_events"),
    (Compositor, "_get_renders"),  # tui/shell/partial_paint.py
    (Compositor, "_render_chops"),  # tests/test_partial_paint.py composes frames through it
]


class _Tiny(App[None]):
    BINDINGS = [Binding("ctrl+o", "noop", "Other")]

    def compose(self) -> ComposeResult:
        yield Static("x", id="x")


def _owners(app: App[None]) -> dict[str, Any]:
    pump = app.query_one("#x")
    queue: Any = pump._message_queue
    return {
        "pump": pump,
        "queue": queue,
        "event": queue.ready_event,
        "screen": app.screen,
        "animator": app.animator,
        "app": app,
    }


@pytest.mark.parametrize(("owner", "name"), ATTRIBUTES, ids=[f"{o}.{n}" for o, n in ATTRIBUTES])
async def test_private_attribute_exists(owner: str, name: str) -> None:
    app = _Tiny()
    async with app.run_test():
        target = _owners(app)[owner]
        assert hasattr(target, name), f"Textual no longer has {type(target).__name__}.{name}"


@pytest.mark.parametrize(("owner", "name"), HOOKS, ids=[f"{o.__name__}.{n}" for o, n in HOOKS])
def test_private_hook_exists(owner: type, name: str) -> None:
    assert callable(getattr(owner, name, None)), f"Textual no longer has {owner.__name__}.{name}"


def test_the_linux_driver_still_looks_up_its_decoder_and_parser() -> None:
    from textual.drivers import linux_driver

    for name in ("getincrementaldecoder", "XTermParser"):
        assert hasattr(linux_driver, name), f"Textual's linux_driver no longer uses {name}"


def test_every_screen_builds_its_compositor_by_that_name() -> None:
    """`set_screen_compositor` replaces `textual.screen.Compositor`; a screen built after it
    composes with the replacement (an upgrade that builds it otherwise fails here)."""
    from textual import screen

    from tui.shell.partial_paint import PartialCompositor

    compat.set_screen_compositor(PartialCompositor)
    assert isinstance(screen.Screen()._compositor, PartialCompositor)


def test_every_private_access_in_the_compat_module_is_checked() -> None:
    lines = COMPAT.read_text(encoding="utf-8").splitlines()
    code = "\n".join(line.split("#")[0] for line in lines if "noqa: SLF001" in line)
    used = set(re.findall(r"\.(_[a-z][a-z_]*)\b", code))
    assert len(used) > 10, "the compat module's private reads were not found"
    checked = {name for _owner, name in ATTRIBUTES}
    assert used - checked == set(), "compat reads an attribute no test checks"


async def test_the_readings_of_a_settled_app() -> None:
    """The accessors answer what they say on a real app: mounted, parked, nothing due."""
    app = _Tiny()
    async with app.run_test() as pilot:
        await pilot.pause()
        pump = app.query_one("#x")
        assert compat.pump_mounted(pump) and not compat.pump_closed(pump)
        assert not compat.pump_has_work(pump) and not compat.pump_callbacks_due(pump)
        assert compat.pump_parked(pump)
        assert not compat.screen_callbacks_due(app.screen)
        assert not compat.animating(app)
        assert "noop" in {binding.action for binding in compat.node_bindings(app)}
        pump.call_next(lambda: None)
        assert compat.pump_callbacks_due(pump)


async def test_a_dismissed_notification_goes_and_the_others_stay() -> None:
    app = _Tiny()
    async with app.run_test() as pilot:
        app.notify("stale", severity="warning")
        app.notify("fresh")
        await pilot.pause()
        compat.dismiss_notifications(app, lambda shown: shown.message == "stale")
        assert [shown.message for shown in app._notifications] == ["fresh"]


async def test_a_crash_keeps_the_first_error_and_exits_1() -> None:
    app = _Tiny()
    first, second = ValueError("first"), KeyError("second")
    with pytest.raises(ValueError, match="first"):
        async with app.run_test():
            compat.mark_crashed(app, first)
            compat.mark_crashed(app, second)
            app.panic("stopped")
    assert app.return_code == 1
