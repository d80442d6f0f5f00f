"""The Textual App: owns the context (config, store, content), the autosaver and open client files.

Screens ask the App only for what is app-wide (`screens.host.Host`: its state, opening a client);
they push the next screen themselves. The App imports the screens it shows itself (the first
screens, the dashboard a client opens on, the privacy cover, help and its dialogs); no screen
imports the App, so the arrows point one way.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel

from screens.too_small import MinimumSizeGuard
from store.errors import CorruptFile, StoreError
from tui.services.autosave import AutoSaver
from tui.services.context import Context

if TYPE_CHECKING:  # pydantic and the store load after the first frame, not before it
    from screens.dashboard import DashboardScreen
    from screens.host import Host
    from tui.services.clients.access import OpenClient
    from tui.services.timing import Clock
from tui.services.safe_text import one_line
from tui.services.yielding import make_way, note_input
from tui.shell import textual_compat as compat
from tui.shell.crash import record_crash
from tui.shell.cursor_rest import CursorRest
from tui.shell.key_gate import GatedApp
from tui.shell.launch import SIGNAL_SETTLE_SECONDS
from tui.shell.palette import NoBackDoors, WellbeingCommands
from tui.shell.terminal_guards import guard_escape_bursts, guard_input_decoding
from tui.shell.themes import DEFAULT_THEME, HIGH_CONTRAST

log = logging.getLogger(__name__)

#: how often the app looks for a colleague's request to take over a client it holds (a stat).
HANDOVER_POLL_SECONDS = 2.0
#: how long a colleague waits for the holder's app to hand over before giving up.
HANDOVER_WAIT_SECONDS = 15.0


class WellbeingApp(MinimumSizeGuard, NoBackDoors, GatedApp):
    CSS_PATH = "app.tcss"
    TITLE = "Wellbeing Guide"
    COMMANDS = App.COMMANDS | {WellbeingCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help"),
        # Textual's own palette binding, named as the help lists it (once, with its id)
        Binding(
            "ctrl+p",
            "command_palette",
            "Command palette",
            show=False,
            priority=True,
            id="app.command-palette",
        ),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("f6", "toggle_contrast", "High contrast", show=False, id="app.toggle-contrast"),
        Binding("f12", "lock", "Hide for privacy", show=False, id="app.lock"),
    ]

    def __init__(
        self,
        ctx: Context,
        *,
        low_bandwidth: bool = False,
        start_client: str | None = None,
        clock: Clock | None = None,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] | None = None,
    ):
        super().__init__()
        self.ctx = ctx
        self.low_bandwidth = low_bandwidth
        self.start_client = start_client
        self.clock = clock
        self.today = today
        #: the wall clock (UTC) of session times; tests give a fake one
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.saver = AutoSaver(
            ctx.config.autosave_seconds,
            max_delay=ctx.config.autosave_max_seconds,
            on_done=self._autosave_done,
        )
        self.client_files: dict[str, OpenClient] = {}
        #: clients being closed on a worker (their journal folded), by ID
        self._clients_closing: dict[str, threading.Event] = {}
        self._warnings: dict[int, set[str]] = {}
        self.save_errors = 0
        self._left_behind_cover = False
        #: (who, client) handed over, their notice not yet shown (under the privacy cover)
        self._handed_over: list[tuple[str, str]] = []
        self._warming = False
        self._dashboard: DashboardScreen | None = None
        #: the next look for a takeover request (`_look_for_takeovers`)
        self._takeover_look: asyncio.TimerHandle | None = None
        self.last_activity = time.monotonic()
        #: the cursor stops blinking when nobody types (on a slow link it never blinks)
        self.cursor_rest = (
            None if low_bandwidth else CursorRest(self, clock.now if clock else time.monotonic)
        )
        if low_bandwidth:
            self.animation_level = "none"
            self.add_class("-low-bandwidth")
        guard_input_decoding()
        guard_escape_bursts()

    # -- lifecycle --------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = (
            HIGH_CONTRAST.name if self.ctx.config.theme == "high-contrast" else DEFAULT_THEME
        )
        config = self.ctx.config
        shortest = min(m for m in (config.idle_minutes, config.phone_idle_minutes, 30) if m)
        self.set_interval(min(15.0, shortest * 30), self._check_idle, name="privacy-idle")
        self._look_for_takeovers()
        if self.ctx.config.keymap:  # e.g. {"exercise.back" = "alt+left"} under tmux's ctrl+b
            self.set_keymap(dict(self.ctx.config.keymap))
        if self.ctx.encrypted and "codec" not in self.ctx.__dict__:
            self._ask_passphrase()
        else:
            self._start()

    def _ask_passphrase(self) -> None:
        """An encrypted data dir: nothing is read until the passphrase opens it."""
        from screens.passphrase import PassphraseScreen
        from tui.services.privacy.unlock import unlock_with

        def unlocked(codec: object) -> None:
            if codec is None:
                self.exit()
                return
            self.ctx.unlock(codec)  # type: ignore[arg-type]
            self._start()

        def check(passphrase: str) -> object:
            """Runs in the passphrase screen's worker (scrypt is slow): the codec, or StoreError."""
            return unlock_with(self.ctx.data_dir, passphrase)

        self.push_screen(PassphraseScreen(check, where=str(self.ctx.data_dir)), unlocked)

    def _start(self) -> None:
        from screens.client_list import ClientListScreen

        self.push_screen(ClientListScreen())
        # The content and the store load once the list is on screen (the list calls warm_up),
        # or after a second at the latest: the first frame never waits for them.
        self.set_timer(1.0, self.warm_up, name="warm-up")
        if self.start_client:
            self.call_after_refresh(self.open_client, self.start_client)

    def warm_up(self) -> None:
        """Start loading what the first frame did without (once): content, pydantic, the store."""
        if not self._warming:
            self._warming = True
            self.run_worker(self._load_content, thread=True, name="content", group="content")

    def _load_content(self) -> None:
        """Parse the content off the UI thread, so the client list shows at once; then say what
        could not be loaded."""
        # Keys first: a practitioner already typing (a search, right after the first rows) is
        # answered before this takes the interpreter in turns with them; opening a client waits
        # on this, and then nothing makes way (`tui.services.yielding.taken`).
        make_way()
        import tui.services.clients.access  # noqa: F401 - the store, for the first client opened
        from screens.off_ui import back_on_ui

        make_way()
        problems = [*self.ctx.library.problems, *self.ctx.directory[1]]  # (library: file by file)
        # What is loaded by now lives as long as the app: keep the garbage collector from walking
        # it again and again (a full collection of it can stall the UI, even during a save).
        gc.freeze()
        back_on_ui(self, self._prebuild_dashboard)
        try:  # what killed saves left (launch leaves it for now); opening a client sweeps its own
            self.ctx.sweep_left_behind()
        except (OSError, StoreError):
            log.warning("temp files left by killed saves were not cleared", exc_info=True)
        if problems:
            back_on_ui(self, self._show_content_problems, problems)
        # last, behind what a first open waits for: the idle check's module, so its first look
        # (15 s in) does not import it while the practitioner sits at rest
        import screens.privacy  # noqa: F401

    def _prebuild_dashboard(self) -> None:
        """Build the dashboard, empty and off screen, while the practitioner reads the list: the
        first client then opens as fast as the next. (`_get_screen` mounts a screen without
        showing it: what `push_screen` does first, taken ahead of time.)"""
        from screens.dashboard import DashboardScreen

        if self._dashboard is not None or not self.is_running:  # (not while it exits)
            return
        self._dashboard = DashboardScreen()
        self.install_screen(self._dashboard, "dashboard")
        compat.prepare_screen(self, self._dashboard)

    def _show_content_problems(self, problems: list[object]) -> None:
        shown = "\n".join(one_line(p, 200) for p in problems[:4])
        more = f"\n(and {len(problems) - 4} more)" if len(problems) > 4 else ""
        self.notify(
            f"{shown}{more}\nThese are left out; the rest loads. "
            "`wellbeing content check` lists them all.",
            title=f"{len(problems)} content problem(s)",
            severity="warning",
            markup=False,
            timeout=20,
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.last_activity = time.monotonic()
            if self.cursor_rest is not None:
                self.cursor_rest.woken()
            note_input()  # background work makes way (tui.services.yielding)
        await super().on_event(event)  # keys through the gate (tui.shell.key_gate.GatedApp)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's notify; a warning is remembered with the screen it was about."""
        if severity == "warning":
            self._warnings.setdefault(id(self.screen), set()).add(message)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def pop_screen(self) -> AwaitComplete:
        """Leaving a screen takes its warnings with it: a stale one never sits over the next."""
        leaving = self.screen
        done = super().pop_screen()
        stale = self._warnings.pop(id(leaving), set())
        compat.dismiss_notifications(
            self, lambda shown: shown.severity == "warning" and shown.message in stale
        )
        return done

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """On a slow link a blinking cursor costs bytes every half second: stop it. Otherwise it
        blinks while someone types (`CursorRest`)."""
        if self.cursor_rest is not None:
            self.cursor_rest.focused(event.widget)
        elif hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def idle_window(self) -> float:
        """Minutes of no keys before the privacy cover (0: never): longer in a phone session,
        where reading prompts aloud and listening is not idleness."""
        config = self.ctx.config
        phone = any(getattr(screen, "phone", False) is True for screen in self.screen_stack)
        return config.phone_idle_minutes if phone else config.idle_minutes

    def _check_idle(self) -> None:
        from screens.privacy import PrivacyScreen

        window = self.idle_window()
        if not window or isinstance(self.screen, PrivacyScreen):
            return
        if any(getattr(w, "keeps_awake", False) for w in self.screen.query("*")):
            return  # a timed step is running: the cover never interrupts it
        if time.monotonic() - self.last_activity >= window * 60:
            self.lock_for_privacy()

    def lock_for_privacy(self) -> None:
        """Hide client data until the practitioner returns (the passphrase, if the data is encrypted)."""
        from screens.privacy import PrivacyScreen

        self.saver.flush()
        for widget in self.screen.query("*"):  # a running timer pauses, and says so on return
            pause = getattr(widget, "pause_for_cover", None)
            if callable(pause):
                pause()
        checker = self.ctx.check_passphrase if self.ctx.encrypted else None
        self.push_screen(
            PrivacyScreen(needs_passphrase=checker is not None, check_passphrase=checker),
            self._cover_lifted,
        )

    def on_unmount(self) -> None:
        if self._takeover_look is not None:
            self._takeover_look.cancel()
        self.shutdown()

    def leave_on_signal(self, signum: int) -> None:
        """A signal to go (a hang-up, SIGTERM, ctrl+\\), from the loop: what was typed before it
        lands in its field and is saved, then the app goes (`_leave`)."""
        self._leaving = asyncio.get_running_loop().create_task(self._leave(signum))

    async def _leave(self, signum: int) -> None:
        # keys read before the signal may still be on their way to their field (under load the
        # screen shows the words before the field has told the screen to save them): wait until
        # every message is handled and the key gate holds nothing, for SIGNAL_SETTLE_SECONDS at
        # most, then save everything and go
        loop = asyncio.get_running_loop()
        end = loop.time() + SIGNAL_SETTLE_SECONDS
        calm = 0
        while calm < 3 and loop.time() < end:
            await asyncio.sleep(0.01)
            calm = calm + 1 if self.key_gate.quiet() else 0
        self.shutdown()
        if signum == signal.SIGHUP:
            os._exit(128 + signum)  # no terminal left to restore
        self.exit(return_code=128 + signum)

    def shutdown(self) -> None:
        """Flush pending saves and release every client lock (also called on SIGHUP/SIGTERM)."""
        self.saver.stop()
        for cf in list(self.client_files.values()):
            cf.close(fold=False)  # quick: the journal keeps every change for the next open
        self.client_files.clear()

    def _handle_exception(self, error: Exception) -> None:
        """Log the traceback (no locals: they are client data) and exit with one line."""
        try:
            self.saver.flush()
        except Exception:
            pass
        message = record_crash(error)
        compat.mark_crashed(self, error)
        from rich.text import Text

        self.panic(Text(message))

    # -- saving -----------------------------------------------------------------------------------

    def _autosave_done(self, key: object, error: Exception | None) -> None:
        """Called on the saver's thread (or, flushing, on the loop's): hand over to the event
        loop without waiting for it (on exit the loop waits for this thread to end)."""
        self.call_later(self._saved_on_loop, key, error)

    def _saved_on_loop(self, key: object, error: Exception | None) -> None:
        from screens.messages import Saved

        if not self.screen_stack:  # the app is closing; the save itself has happened
            return
        if error is not None:
            self.save_errors += 1
            self.notify(f"Could not save: {error}", severity="error", markup=False, timeout=10)
        self.screen.post_message(Saved(key, error))

    # -- clients ----------------------------------------------------------------------------------

    def open_client(self, client_id: str) -> None:
        """Open a client (taking its lock) and show the dashboard; explain any problem."""
        from screens.dialogs.choice import ProblemScreen
        from tui.services.clients.access import open_client, takeover_offer

        try:
            oc = self.client_files.get(client_id.upper())
            if oc is None:
                self._wait_closed(client_id)
                oc = open_client(self.ctx, client_id)
        except CorruptFile as exc:
            self.push_screen(
                ProblemScreen(str(exc), offer=("Restore the backup" if exc.backup else None)),
                lambda restore: self._restore(client_id) if restore else None,
            )
            return
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=10)
            return
        offer = takeover_offer(self.ctx, oc) if oc.held_by else ""
        if offer:
            from screens.dialogs.choice import ConfirmScreen

            def answered(take: bool | None) -> None:
                if take:
                    oc.close()
                    self._take_over(client_id)
                else:
                    self._show_client(oc)

            self.push_screen(ConfirmScreen(offer), answered)
            return
        self._show_client(oc)

    def _show_client(self, oc: OpenClient) -> None:
        from screens.dashboard import DashboardScreen

        self.client_files[oc.client_id] = oc
        if oc.read_only:
            self.notify(oc.why_read_only(), severity="warning", markup=False, timeout=10)
        # One dashboard, built once and refilled for each client (building it costs more than
        # filling it); a second one only if it is already on the stack.
        screen = self._dashboard
        if screen is None or not screen.ready or screen in self.screen_stack:
            # (not yet mounted: built ahead of time a moment ago; pushing it now would mount it
            # a second time)
            screen = DashboardScreen(oc)
            if self._dashboard is None:
                self._dashboard = screen
                self.install_screen(screen, "dashboard")
        else:
            screen.show_client(oc)
        self.push_screen(screen, lambda _=None: self.close_client(oc.client_id))

    def _take_over(self, client_id: str) -> None:
        """Ask the holder's app to hand over, then open for editing once it has (it looks every
        two seconds); if it does not within the wait, say so and open read-only."""
        from tui.services.clients.access import open_client, request_takeover

        try:
            request_takeover(self.ctx, client_id)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Asked their app to hand the client over…", markup=False)
        deadline = time.monotonic() + HANDOVER_WAIT_SECONDS

        def attempt() -> None:
            try:
                oc = open_client(self.ctx, client_id)
            except StoreError as exc:
                timer.stop()
                self.notify(str(exc), severity="error", markup=False)
                return
            if not oc.read_only or time.monotonic() > deadline:
                timer.stop()
                if oc.read_only:
                    self.notify(
                        "Their app did not hand the client over (it may be frozen); "
                        "opened read-only.",
                        severity="warning",
                        markup=False,
                    )
                self._show_client(oc)
                return
            oc.close()

        timer = self.set_interval(0.5, attempt, name="take-over")

    def _look_for_takeovers(self) -> None:
        """Every `HANDOVER_POLL_SECONDS`, a look for a colleague's takeover request (a file that
        is not there, most looks): on the bare event loop, not a Textual timer, whose every tick
        runs the app's timer and message machinery (thirty idle instances on a server pay for
        each). Outside the App's handlers, as a timer's callback is: `_check_takeovers` waits
        for the app to be idle, which it never is inside one of its own handlers."""
        if compat.app_exiting(self) or not self.is_running:
            return  # (as a timer does not call back once the app is leaving; none scheduled)
        loop = asyncio.get_running_loop()
        self._takeover_look = loop.call_later(HANDOVER_POLL_SECONDS, self._look_for_takeovers)
        try:
            self._check_takeovers()
        except Exception as exc:  # a bug: reported and the app ends, as from a timer
            self._handle_exception(exc)

    def _check_takeovers(self) -> None:
        """A colleague asked for a client held here: save, hand it over, leave its screens.

        Only once the keys typed so far have landed in their fields (they are then saved with
        the rest); keys typed after the handover go to a notice that shows them as not saved,
        never to the client list beneath it."""
        asked = [
            (client_id, oc, who)
            for client_id, oc in list(self.client_files.items())
            if not oc.read_only and (who := oc.takeover_requested())
        ]
        if not asked or not self.key_gate.quiet():  # (the quiet look walks every widget)
            return  # keys on their way: they land first; looked at again at the next poll
        for client_id, oc, who in asked:
            self.saver.flush()
            oc.hand_over(who)
            self.client_files.pop(client_id, None)
            oc.close()
            self._handed_over.append((who, client_id))
            self._leave_client_screens(client_id)

    def _leave_client_screens(self, client_id: str) -> None:
        """Back to the client list from whatever showed the client, with the notice of each
        handover on top; under the privacy cover, once the practitioner is back (the cover never
        lifts by itself)."""
        from screens.client_list import ClientListScreen
        from screens.dialogs.handed_over import HandedOverScreen
        from screens.privacy import PrivacyScreen

        if any(isinstance(s, PrivacyScreen) for s in self.screen_stack):
            self._left_behind_cover = True
            return
        self.key_gate.hold()  # keys from now go to the notice, once it is up
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ClientListScreen):
            self.pop_screen()
        while self._handed_over:
            who, handed = self._handed_over.pop(0)
            self.push_screen(HandedOverScreen(who, handed))

    def _cover_lifted(self, _: object = None) -> None:
        if self._left_behind_cover:
            self._left_behind_cover = False
            self._leave_client_screens("")

    def close_client(self, client_id: str) -> None:
        """Give the client up, on a worker: closing folds its journal into its file
        (`store.fold`), which for a long history takes a moment the practitioner never waits for
        (opening the same client again waits for it)."""
        self.saver.flush()
        oc = self.client_files.pop(client_id, None)
        if oc is None:
            return
        closed = threading.Event()
        self._clients_closing[oc.client_id] = closed

        def close() -> None:
            try:
                oc.close()
            finally:
                closed.set()

        self.run_worker(close, thread=True, group="close-client")

    def _wait_closed(self, client_id: str) -> None:
        """Wait for a close of `client_id` still on its worker (its lock is still held)."""
        closing = self._clients_closing.pop(client_id.upper(), None)
        if closing is not None:
            closing.wait()

    def _restore(self, client_id: str) -> None:
        from tui.services.clients.access import restore_backup

        try:
            kept = restore_backup(self.ctx, client_id)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"Backup restored; the damaged file is kept as {Path(kept).name}", markup=False)
        self.open_client(client_id)

    # -- actions ----------------------------------------------------------------------------------

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_lock(self) -> None:
        self.lock_for_privacy()

    def action_toggle_contrast(self) -> None:
        self.theme = DEFAULT_THEME if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    async def action_quit(self) -> None:
        self.saver.flush()
        self.exit()


def _implements_host(app: WellbeingApp) -> Host:
    """mypy checks here that the App gives the screens all `screens.host.Host` promises."""
    return app
