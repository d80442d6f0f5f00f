"""Debounced saving on a background thread.

A keystroke schedules a save under a key (one per answer); another keystroke within the debounce
window replaces it, so a burst of typing costs one write; but steady typing never puts a save off
for longer than `max_delay` after the first unsaved keystroke (a kill or a power cut loses at most
that much). The writes run on one thread of their own, so
the event loop never waits on a disk. `flush()` runs everything pending at once: the App calls it on
exit, and the SIGHUP/SIGTERM handlers call it before the process goes, so a hang-up loses nothing that
was typed. Independent of Textual, so it is tested without a terminal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable

log = logging.getLogger(__name__)

SaveFn = Callable[[], None]
Listener = Callable[[Hashable, Exception | None], None]


class AutoSaver:
    def __init__(
        self,
        delay: float = 0.4,
        *,
        max_delay: float = 2.0,
        on_done: Listener | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.delay = delay
        self.max_delay = max(max_delay, delay)
        self.on_done = on_done
        self._clock = clock
        self._pending: dict[Hashable, tuple[float, SaveFn]] = {}
        #: when each pending key was first left unsaved (its save is due by then + max_delay)
        self._since: dict[Hashable, float] = {}
        self._cond = threading.Condition()
        self._io = threading.Lock()  # one write at a time, whether from the thread or flush()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="autosave", daemon=True)
        self._thread.start()

    def submit(self, key: Hashable, save: SaveFn, *, delay: float | None = None) -> None:
        """Schedule `save` for `key`, replacing any save pending under the same key."""
        with self._cond:
            if self._stopped:
                raise RuntimeError("autosaver is stopped")
            now = self._clock()
            since = self._since.setdefault(key, now)
            due = min(now + (self.delay if delay is None else delay), since + self.max_delay)
            self._pending[key] = (due, save)
            self._cond.notify()

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    def flush(self) -> list[Exception]:
        """Run every pending save now, in the calling thread. Returns the errors, if any."""
        with self._cond:
            items = list(self._pending.items())
            self._pending.clear()
            self._since.clear()
        return [e for e in (self._do(k, fn) for k, (_, fn) in items) if e is not None]

    def stop(self) -> list[Exception]:
        """Flush, then end the thread."""
        errors = self.flush()
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=5)
        return errors

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    if self._pending:
                        key, (due, fn) = min(self._pending.items(), key=lambda kv: kv[1][0])
                        wait = due - self._clock()
                        if wait <= 0:
                            del self._pending[key]
                            self._since.pop(key, None)
                            break
                        self._cond.wait(timeout=wait)
                    else:
                        self._cond.wait()
                else:
                    return
            self._do(key, fn)

    def _do(self, key: Hashable, fn: SaveFn) -> Exception | None:
        error: Exception | None = None
        with self._io:
            try:
                fn()
            except Exception as exc:  # reported to the listener, which tells the user
                log.exception("save failed for %r", key)
                error = exc
        if self.on_done is not None:
            try:
                self.on_done(key, error)
            except Exception:
                log.exception("save listener failed")
        return error
