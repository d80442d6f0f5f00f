"""Nothing leaves through a back door (issue 26 item 7): every command the palette offers and every
key binding of the app, its screens and their widgets is on an explicit list of actions that write
nothing outside the store (or, as the plan export, only through its own audited path). Textual's
own "Screenshot" (an unencrypted SVG of the screen, with the client's answers, into ~/Downloads)
is neither offered nor run. A new binding or command fails here until it is judged and listed."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from textual.dom import DOMNode

import screens
from screens.dashboard import DashboardScreen
from tests.settling import settled
from tests.shell_fixtures import make_app, populate, wait_for
from tui.shell.palette import WellbeingCommands

#: Textual's system commands the palette may offer: none writes a file
SYSTEM_COMMANDS = {"Theme", "Quit", "Keys", "Maximize", "Minimize"}

#: every action a key or the palette may run; none writes outside the store except `export`
#: (the plan export: audited, through the outbox, refused inside the data dir)
ACTIONS = {
    *"add_client add_facts add_item add_row agree audit back browse cancel clear close".split(),
    *"close_follow_up command_palette compare control countersign decide detail digit".split(),
    *"directory dismiss due eligibility end end_session export find first focus_notes".split(),
    *"focus_next focus_previous gender go_on help help_quit home jump last leave lock".split(),
    *"move need new_session next nothing open_client plan profile quit quit_app".split(),
    *"redo referral refresh_plan reload remove_item remove_row resume review".split(),
    *"review_date reword run_selected save save_now search section select select_all".split(),
    *"select_line start submit take_offer team toggle_button toggle_contrast".split(),
    *"toggle_disclosure type undo unlock verdict_filter versions worksheets".split(),
    # moving about and editing text (the clipboard is the terminal's, never a file)
    *"copy copy_text cut paste delete_left delete_left_all delete_left_word delete_line".split(),
    *"delete_right delete_right_all delete_right_word delete_to_end_of_line_or_delete_line".split(),
    *"delete_to_start_of_line delete_word_left delete_word_right".split(),
    *"cursor_down cursor_left cursor_left_word cursor_line_end cursor_line_start".split(),
    *"cursor_page_down cursor_page_up cursor_right cursor_right_word cursor_up".split(),
    *"cursor_word_left cursor_word_right page_down page_left page_right page_up".split(),
    *"scroll_down scroll_end scroll_home scroll_left scroll_right scroll_up".split(),
    *"toggle show_overlay cursor_home cursor_end select_cursor pop_screen".split(),
    *"scroll_top scroll_bottom".split(),
}
#: what must never be bound or offered, whatever the list above says
NEVER = ("screenshot", "save_screenshot", "deliver_screenshot", "deliver_text", "deliver_binary")


def action_name(action: str) -> str:
    """`app.focus_next` -> `focus_next`; `plan('wellbeing')` -> `plan`."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


def our_classes() -> set[type[DOMNode]]:
    """Every screen, widget and the App in `screens` and `tui` (imported, so none is missed)."""
    modules = [
        importlib.import_module(m.name) for m in pkgutil.walk_packages(screens.__path__, "screens.")
    ]
    modules += [importlib.import_module(name) for name in ("tui.shell.app", "tui.shell.palette")]
    return {
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, DOMNode) and cls.__module__.startswith(("screens", "tui"))
    }


def test_every_binding_of_every_class_is_on_the_list() -> None:
    found: dict[str, set[str]] = {}
    classes = our_classes()
    assert len(classes) > 30  # the walk found the screens and their widgets
    for cls in classes:
        for bindings in cls._merge_bindings().key_to_bindings.values():
            for binding in bindings:
                found.setdefault(action_name(binding.action), set()).add(cls.__name__)
    assert "screenshot" not in found and not set(found) & set(NEVER)
    unknown = {a: sorted(c) for a, c in found.items() if a not in ACTIONS}
    assert unknown == {}, "judge these actions (do they write outside the store?) and list them"


async def test_the_palette_and_the_live_bindings_offer_nothing_that_writes_a_file(
    data_dir: Path,
) -> None:
    populate(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await pilot.press("enter")  # the first client: a screen with more commands
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await settled(app, pilot)
        for screen in app.screen_stack:
            system = [c.title for c in app.get_system_commands(screen)]
            assert "Screenshot" not in system and set(system) <= SYSTEM_COMMANDS, system
            provider = WellbeingCommands(screen)
            offered = [title for title, _, _ in provider._commands()]
            assert offered and not any("screenshot" in t.lower() for t in offered)
            live = {
                action_name(b.action)
                for node in (app, *screen.walk_children(with_self=True))
                for bs in node._bindings.key_to_bindings.values()
                for b in bs
            }
            assert live <= ACTIONS, sorted(live - ACTIONS)


async def test_the_screenshot_action_writes_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as Textual would (the action, or the palette's deferred delivery): no file anywhere."""
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    monkeypatch.setenv("HOME", str(out))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(out))
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await app.run_action("screenshot")
        app.action_screenshot(path=str(out))
        assert app.deliver_screenshot(path=str(out)) is None
        assert app.save_screenshot(path=str(out)) == ""
        await settled(app, pilot)
    assert list(out.rglob("*")) == []
