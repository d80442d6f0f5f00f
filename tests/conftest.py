"""Shared fixtures: every test gets its own data, config and state dirs, never the user's."""

from __future__ import annotations

import gc
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store.client_writer import ClientWriter
from store.clients import Repository
from store.keyinfo import KdfParams, normalise_passphrase
from store.profile import Client
from tests.cli_runner import ROOT, cli_env, run_cli, run_cli_process
from tests.fixed_dirs import release_fixed_dirs
from tests.warm_child import WarmServer

__all__ = ["ROOT", "cli_env"]


@pytest.fixture(autouse=True, scope="session")
def _no_needless_waits_in_this_process() -> Iterator[None]:
    """In the test process only: a data dir's key is derived once per passphrase and salt
    (scrypt is deterministic: the same inputs give the same key, a wrong passphrase still gives a
    wrong one; 0.1 s a key); the PDF maker's child is forked warm (`_warm_pdf_children`); and
    Pilot waits on the app instead of on the CPU clock (`_pilot_waits_on_the_app`); stylesheets
    are parsed once per text and theme (`_css_parsed_once`). Child
    processes (the app in tmux, over ssh, the kill -9 runs) derive keys for real."""
    real_derive = KdfParams.derive
    keys: dict[tuple[KdfParams, bytes], bytes] = {}

    def derive(self: KdfParams, passphrase: str) -> bytes:
        at = (self, normalise_passphrase(passphrase))
        if at not in keys:
            keys[at] = real_derive(self, passphrase)
        return keys[at]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(KdfParams, "derive", derive)
        _warm_pdf_children(patch)
        _pilot_waits_on_the_app(patch)
        _css_parsed_once(patch)
        yield


def _css_parsed_once(patch: pytest.MonkeyPatch) -> None:
    """Each App parses every stylesheet again (a quarter of a small Pilot test's CPU); in the test
    process the rules parsed from the same text, place and theme variables are parsed once and
    shared, as Textual shares them within one App (a rule set is not changed after its parse).
    An App that changes its variables (a theme) gets rules parsed with those."""
    from textual.css.stylesheet import Stylesheet

    real = Stylesheet._parse_rules
    parsed: dict[tuple[object, ...], list[Any]] = {}

    def parse_rules(
        self: Stylesheet,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[Any]:
        variables = tuple(sorted(getattr(self, "_variables", {}).items()))
        key = (css, read_from, is_default_rules, tie_breaker, scope, variables)
        if key not in parsed:
            parsed[key] = real(self, css, read_from, is_default_rules, tie_breaker, scope)
        return list(parsed[key])

    patch.setattr(Stylesheet, "_parse_rules", parse_rules)


def _pilot_waits_on_the_app(patch: pytest.MonkeyPatch) -> None:
    """Pilot's `press` and `pause` wait for the app by watching it, not by the CPU clock.

    Textual's Pilot waits after every key (and in `pause()`) until the process seems idle: it
    sleeps 20 ms at a time until a sleep passes with under 1 ms of CPU used, so every key costs
    at least 40 ms even when the app has long finished with it. For our app (it has a key gate)
    the wait is instead the tests' own settling condition (`tests.settling`): every message of
    every widget handled, the key gate holding nothing, no worker running, three looks in a row.
    Textual's own limit stays: no wait is longer than its `max_sleep`. Other apps keep Textual's."""
    import asyncio

    import textual.app
    import textual.pilot
    from textual._context import active_app

    from tests.settling import quiet

    real = textual.app.wait_for_idle

    async def wait_for_idle(min_sleep: float = 1 / 50, max_sleep: float = 1) -> None:
        app = active_app.get(None)
        if app is None or getattr(app, "key_gate", None) is None:
            return await real(min_sleep, max_sleep)
        loop = asyncio.get_running_loop()
        start = loop.time()
        calm = 0
        while True:
            await asyncio.sleep(0.001)
            elapsed = loop.time() - start
            if elapsed >= max_sleep:
                return None
            calm = calm + 1 if quiet(app) else 0
            if calm >= 3 and elapsed >= min_sleep:
                return None

    patch.setattr(textual.app, "wait_for_idle", wait_for_idle)
    patch.setattr(textual.pilot, "wait_for_idle", wait_for_idle)


#: the PDF maker the app starts (`tui.services.export.pdf_child`), as `python -m` runs it
PDF_CHILD = "tui.services.export.pdf_child"
RUN_PDF_CHILD = (
    f"import runpy\nrunpy.run_module({PDF_CHILD!r}, run_name='__main__', alter_sys=True)\n"
)


def _warm_pdf_children(patch: pytest.MonkeyPatch) -> None:
    """The PDF maker's child forked from a warm server (`tests.warm_child`) with fpdf2 and the
    app's modules imported, instead of a fresh interpreter importing them for every PDF: still
    its own process, given the document on stdin, its bytes and exit status read back, killed
    at the timeout. A test that swaps the child's interpreter (a failing, killed or hung child)
    gets a real process as before."""
    from tui.services.export import pdf_child

    python, real_run = sys.executable, subprocess.run

    def run(cmd: Any, *args: Any, **kw: Any) -> Any:  # noqa: ANN401 - subprocess.run's own
        if list(cmd) != [python, "-m", PDF_CHILD] or args:
            return real_run(cmd, *args, **kw)
        server = WarmServer.for_("pdf", [PDF_CHILD, "tui.services.export.pdf"])
        done = server.run(
            RUN_PDF_CHILD,
            [python],
            env=kw["env"],
            cwd=Path(kw["cwd"]),
            input=kw["input"],
            timeout=kw["timeout"],
        )
        return subprocess.CompletedProcess(cmd, done.returncode, done.stdout, done.stderr)

    shim = types.SimpleNamespace(**{**vars(subprocess), "run": run})
    patch.setattr(pdf_child, "subprocess", shim)

    # a child started ahead of its document would be a cold interpreter: here the warm server
    # serves it (the early start itself is tested from the command line, in its own process)
    def not_early() -> None:
        return None

    not_early.real = pdf_child.start_early  # type: ignore[attr-defined] # for the tests of it
    patch.setattr(pdf_child, "start_early", not_early)


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("env")
    monkeypatch.setenv("WELLBEING_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("WELLBEING_CONFIG", str(base / "config.toml"))
    monkeypatch.delenv("WELLBEING_DATA_DIR", raising=False)
    monkeypatch.delenv("WELLBEING_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def _free_fixed_dirs() -> Iterator[None]:
    yield
    release_fixed_dirs()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def repo(data_dir: Path) -> Repository:
    repo = Repository(data_dir)
    repo.ensure()
    return repo


@pytest.fixture
def client(repo: Repository) -> Client:
    return repo.add_client(Client(id="X123", name="Alex B"))


@pytest.fixture
def cli(data_dir: Path):  # noqa: ANN201 - returns a runner
    """`wellbeing --data-dir DATA ARGS`, run in this process (see `tests.cli_runner`)."""

    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None, data: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return run_cli(
            *(("--data-dir", str(data_dir)) if data else ()), *args, input=input, env=env
        )

    return run


@pytest.fixture
def cli_process(data_dir: Path):  # noqa: ANN201 - returns a runner
    """The same as `cli`, as a real `python -m tui` process (the entry point, locale, signals)."""

    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None, data: bool = True
    ) -> subprocess.CompletedProcess[str]:
        argv = (*(("--data-dir", str(data_dir)) if data else ()), *args)
        return run_cli_process(*argv, input=input, env=env)

    return run


@pytest.fixture
def tmp_home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


@pytest.fixture(autouse=True)
def _every_client_file_is_a_tinydb_file(tmp_path: Path) -> Iterator[None]:
    """After every test: each plain client file it left under its tmp dir opens in stock TinyDB
    (read-only, its own JSONStorage) with the records the store reads from it. A file a test
    damaged on purpose, or an encrypted one, is left alone."""
    yield
    from tinydb import TinyDB

    from store.client_storage import ClientStorage
    from store.errors import StoreError

    for path in tmp_path.rglob("clients/*.json"):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            ours = ClientStorage(path).read()
        except (StoreError, OSError, ValueError):
            continue  # damaged on purpose, encrypted, or not ours to read
        if ours is None:
            continue
        db = TinyDB(path, access_mode="r")
        try:
            theirs = {name: db.table(name).all() for name in db.tables()}
        finally:
            db.close()
        assert theirs == {n: list(t.values()) for n, t in ours.items()}, path


def pytest_configure(config: pytest.Config) -> None:
    """The collector runs a fourteenth as often in the test processes: each runs hundreds of apps,
    whose widgets and records make a young generation of thousands of objects a test, and with
    Python's thresholds (700, 10, 10) its collections took ~7% of their time (on a sample of the
    suite, 5,400 collections and 3.9 s of 59 s; with these, 300 and 1.5 s). The app's own
    processes, the terminal and subprocess tests among them, keep Python's."""
    gc.set_threshold(10_000, 10, 10)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that mostly wait on a tmux pane (seconds each, little CPU of their own) run one
    after another on one worker, as the ssh tests do on another: run beside each other they left
    the cores idle for a minute, every worker waiting on a pane."""
    for item in items:
        if item.get_closest_marker("terminal") is not None:
            item.add_marker(pytest.mark.xdist_group("terminal"))


@pytest.fixture
def held(data_dir: Path) -> Iterator[ClientWriter]:
    """Client X1, open for writing (its lock held) by prac1: the holder a colleague asks."""
    repo = Repository(data_dir, user="prac1")
    repo.ensure()
    repo.add_client(Client(id="X1", name="A"))
    writer = repo.open("X1")
    yield writer
    writer.close()
