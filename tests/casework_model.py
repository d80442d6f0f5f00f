"""A practitioner's week as a state machine: the services driven through random sequences, and
checked after every step against a plain in-memory model of the casework.

`Casework` adds clients and edits profiles; plans, begins and ends sessions (several on one day,
across days, with the clock moved forward and back); saves answers of every step kind, hostile
text included; marks disclosures and opens and closes follow-ups; saves, rewords and
countersigns plan versions and exports them; encrypts the data dir; has a colleague take a client
over; transfers clients out, in and back again; deletes; restores a backup after a file is
damaged; and starts afresh as a new process would. It calls the functions the App and the CLI
call (the CLI in-process, `tui.cli.main`), never the store behind their backs.

After every step (`check_the_casework`): every client opens and both plans compile; the audit
chain verifies; every answer the model holds is in the file, is the current answer where the
model says so, and is in the subject access export; nothing deleted or transferred out is left
under the data dir; the client register shows the same clients and names as the files; and no
command printed a traceback.

`tests/test_casework_model.py` runs it in `make test`; `make soak` runs it for longer.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

import store.client_writer
import store.locking
import store.records
import store.text
import tui.services.clients.access
from exercises.library import Library, load_library
from exercises.models import Exercise, Step, StepKind
from store.clients import Repository, os_user
from store.errors import CorruptFile, StoreError
from store.records import SessionMode
from store.text import clean_line, clean_value
from tests import cli_runner
from tui.services.clients import sessions as session_service
from tui.services.clients.access import add_client, open_client, read_client, request_takeover
from tui.services.clients.oversight import countersign
from tui.services.clients.profile import update_open_profile, update_profile
from tui.services.clients.rows import list_clients
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.plans import service as plan_service
from tui.services.plans.document import plan_markdown
from tui.services.privacy import audit_trail
from tui.services.privacy.subject_access import subject_access
from tui.services.repository import repository

LIBRARY: Library = load_library([])
PASSPHRASE = "correct horse battery staple"
TRANSFER_PASSPHRASE = "another long transfer phrase"
ME = "pat"
#: a second treatment manager (a login of its own): the author never countersigns
MANAGER = "mo"
COLLEAGUE = "sam"
TAKEOVER_MINUTES = 30
IDS = ("A1", "B22", "C333")
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

#: text a person might type, with what a hostile paste or a bad link brings
HOSTILE = st.sampled_from(
    [
        "[/]",
        "[@click=app.quit]quit[/]",
        "\x1b]0;owned\x07",
        "\x1b[31mred",
        "\u202egnp.exe",
        "\x9b31m",
        "\x00nul",
        "line one\nline two",
        "tab\there",
        "  ",
        "émoji 🙂 עברית 中文",
    ]
)
WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=24
)
TEXT = st.one_of(WORDS, HOSTILE, st.lists(st.one_of(WORDS, HOSTILE), max_size=3).map("".join))
NAMES = st.one_of(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ", min_size=1).filter(
        lambda s: bool(s.strip())
    ),
    st.tuples(st.sampled_from(["Jo", "Alex", "Sam Lee"]), HOSTILE).map("".join),
)
PROFILE_CHANGES = st.sampled_from(
    [
        {"gender": "male"},
        {"gender": "female"},
        {"date_of_birth": "14/3/1990"},
        {"date_of_birth": "1990-03-14"},
        {"rar_days": "20"},
        {"rar_days": "unknown"},
        {"needs_literacy": "some_difficulty"},
        {"ogrs3": "62"},
        {"gender": "nonsense"},  # refused, one line, nothing changed
    ]
)


def _step_kinds() -> list[tuple[Exercise, Step]]:
    return [(e, s) for e in LIBRARY.exercises for s in e.answerable_steps]


STEPS = _step_kinds()


@st.composite
def step_value(draw: st.DrawFn, step: Step) -> object:
    """A value as the step's widget would hand it to the save (see `exercises.models`)."""
    kind = step.kind
    if kind is StepKind.TEXT:
        return draw(TEXT)
    if kind is StepKind.LIST:
        return draw(st.lists(TEXT, max_size=4))
    if kind is StepKind.TABLE:
        row = st.fixed_dictionaries(
            {
                c.id: (
                    st.sampled_from([o.value for o in c.options])
                    if c.type == "choice" and c.options
                    else st.sampled_from(["2026-03-04", "2026-12-31"])
                    if c.type == "date"
                    else TEXT
                )
                for c in step.columns
            }
        )
        return draw(st.lists(row, max_size=3))
    if kind is StepKind.CHOICE:
        values = [o.value for o in step.options]
        if step.multiple:
            return draw(st.lists(st.sampled_from(values), unique=True, max_size=len(values)))
        return draw(st.sampled_from(values))
    if kind is StepKind.SCALE:
        return draw(st.integers(step.scale_min, step.scale_max))
    assert kind is StepKind.TIMED
    pattern = draw(st.sampled_from([p.id for p in step.patterns]))
    cycles = draw(st.integers(1, step.cycles))
    return {"pattern": pattern, "cycles": cycles, "completed": draw(st.integers(0, cycles))}


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)


# -- the clock --------------------------------------------------------------------------------


class Clock:
    """The wall clock the store and the services read, moved by the machine (never by sleeping)."""

    at = START


class _FakeDatetime(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Any:  # noqa: ANN401 - datetime.now's own signature
        moment = Clock.at
        return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)


#: modules whose `datetime.now` is the clock a practitioner's week runs on
CLOCKED = (store.records, store.locking, store.client_writer, tui.services.clients.access)


@contextmanager
def fake_clock() -> Iterator[None]:
    """The clock moved by the machine; and a command refused at once when the client it changes
    is held (the holder here is the app in this same process, which never lets go while the
    command waits: the 2 s a command waits for a lock would change nothing but the time)."""
    saved = [m.datetime for m in CLOCKED]  # type: ignore[attr-defined]
    held = store.locking.Locks.held
    Clock.at = START
    for m in CLOCKED:
        m.datetime = _FakeDatetime  # type: ignore[attr-defined]
    store.locking.Locks.held = _held_without_waiting  # type: ignore[method-assign]
    try:
        yield
    finally:
        store.locking.Locks.held = held  # type: ignore[method-assign]
        for m, old in zip(CLOCKED, saved, strict=True):
            m.datetime = old  # type: ignore[attr-defined]


def _held_without_waiting(
    self: store.locking.Locks, cid: str, timeout: float = 0.0
) -> store.locking.HeldLock:
    return store.locking.HeldLock(self, cid, 0.0)


# -- the command line, in-process ---------------------------------------------------------------


@dataclass
class Ran:
    code: int
    out: str
    err: str


def run_cli(*argv: str, env: dict[str, str] | None = None) -> Ran:
    """`wellbeing ARGV` in this process (`tests.cli_runner`): a user-caused error is one line and
    exit 1 or 2, and a traceback is never printed."""
    done = cli_runner.run_cli(*argv, env=env)
    ran = Ran(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in ran.err and "Traceback" not in ran.out, (argv, ran.err)
    if ran.code != 0:
        assert ran.err.count("\n") == 1 and ran.err.startswith("wellbeing: "), (argv, ran.err)
    return ran


# -- the model ----------------------------------------------------------------------------------


@dataclass
class MSession:
    id: str
    day: date


@dataclass
class MClient:
    """What the practitioner knows they recorded for one client."""

    name: str
    sessions: list[MSession] = field(default_factory=list)
    #: (session, exercise, step) -> the value as stored (cleaned)
    answers: dict[tuple[str, str, str], object] = field(default_factory=dict)
    #: (exercise, step) -> (session, value) of the last save: the current answer
    current: dict[tuple[str, str], tuple[str, object]] = field(default_factory=dict)
    open_follow_ups: set[str] = field(default_factory=set)
    closed_follow_ups: set[str] = field(default_factory=set)
    versions: dict[str, int] = field(default_factory=lambda: {"wellbeing": 0, "keep-safe": 0})
    countersigned: set[int] = field(default_factory=set)
    #: every value ever saved (a restored backup may bring back any of them)
    ever: set[str] = field(default_factory=set)


@dataclass
class MBundle:
    path: Path
    client_id: str
    client: MClient
    #: the machine's step when it was made (an erasure here after it refuses it: see below)
    made: int = 0


def snapshot(client: MClient) -> MClient:
    return MClient(
        name=client.name,
        sessions=list(client.sessions),
        answers=dict(client.answers),
        current=dict(client.current),
        open_follow_ups=set(client.open_follow_ups),
        closed_follow_ups=set(client.closed_follow_ups),
        versions=dict(client.versions),
        countersigned=set(client.countersigned),
        ever=set(client.ever),
    )


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Casework(RuleBasedStateMachine):
    """See the module."""

    bundles = Bundle("bundles")
    #: how many examples were started and steps checked in this process (`make soak` prints them)
    examples_run = 0
    steps_run = 0

    def __init__(self) -> None:
        super().__init__()
        Casework.examples_run += 1
        self.base = Path(tempfile.mkdtemp(prefix="casework-"))
        self.data = self.base / "data"
        self.outside = self.base / "out"
        self.outside.mkdir()
        (self.base / "pass").write_text(PASSPHRASE, "utf-8")
        (self.base / "transfer-pass").write_text(TRANSFER_PASSPHRASE, "utf-8")
        for p in (self.base / "pass", self.base / "transfer-pass"):
            p.chmod(0o600)
        config = self.base / "config.toml"
        config.write_text(
            f'practitioner_name = "{ME}"\nprivacy_check = false\n'
            f'managers = ["{os_user()}", "{MANAGER}"]\nmanager_group = ""\n'
            f"lock_takeover_minutes = {TAKEOVER_MINUTES}\n",
            "utf-8",
        )
        self.env = {
            "WELLBEING_CONFIG": str(config),
            "WELLBEING_STATE_DIR": str(self.base / "state"),
            "WELLBEING_DATA_DIR": str(self.data),
            "WELLBEING_PASSPHRASE_FILE": str(self.base / "pass"),
            "WELLBEING_TRANSFER_PASSPHRASE_FILE": str(self.base / "transfer-pass"),
        }
        self.saved_env = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        self.clock = fake_clock()
        self.clock.__enter__()
        self.clients: dict[str, MClient] = {}
        self.gone: dict[str, str] = {}  # client ID -> its name, erased or transferred out
        self.erased: dict[str, int] = {}  # client ID -> the step it was last deleted at
        self.encrypted = False
        self.held: tuple[str, Any] | None = None  # (client, OpenClient) the app has open
        self.exports = 0
        self.ctx = self.fresh_context()

    # -- plumbing -----------------------------------------------------------------------------

    def fresh_context(self, user: str = ME) -> Context:
        from tui.services.config import load_config

        ctx = Context(config=load_config(), data_dir=self.data)
        ctx.__dict__["library"] = LIBRARY  # content is not under test; loading it is slow
        if user != ME:
            repo = Repository(self.data, codec=ctx.codec, user=user)
            repo.ensure()
            ctx.__dict__["_repo"] = repo
        return ctx

    def today(self) -> date:
        return Clock.at.date()

    @contextmanager
    def opened(self, cid: str) -> Iterator[Any]:
        """The client as the app holds it, or opened for this one change (as a command does)."""
        if self.held is not None and self.held[0] == cid:
            yield self.held[1]
            return
        oc = open_client(self.ctx, cid)
        try:
            yield oc
        finally:
            oc.close()

    def live(self) -> list[str]:
        return sorted(self.clients)

    def with_sessions(self) -> list[str]:
        return [c for c in self.live() if self.clients[c].sessions]

    def with_open_follow_ups(self) -> list[str]:
        return [c for c in self.live() if self.clients[c].open_follow_ups]

    def with_keep_safe_versions(self) -> list[str]:
        return [c for c in self.live() if self.clients[c].versions["keep-safe"]]

    def teardown(self) -> None:
        try:
            if self.held is not None:
                self.held[1].close()
        finally:
            self.clock.__exit__(None, None, None)
            for k, v in self.saved_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            shutil.rmtree(self.base, ignore_errors=True)  # client records and passphrases

    # -- clients and profiles -------------------------------------------------------------------

    @initialize(cid=st.sampled_from(IDS), name=NAMES)
    def first_client(self, cid: str, name: str) -> None:
        self.add(cid, name)

    @rule(cid=st.sampled_from(IDS), name=NAMES)
    def add(self, cid: str, name: str) -> None:
        if cid in self.clients:
            try:
                add_client(self.ctx, cid, name)
            except StoreError as exc:
                assert "already exists" in str(exc)
                return
            raise AssertionError(f"{cid} was added twice")
        client = add_client(self.ctx, cid, name)
        assert client.name == clean_line(name)
        self.clients[cid] = MClient(name=client.name)
        self.gone.pop(cid, None)

    @precondition(lambda self: bool(self.clients))
    @rule(data=st.data(), change=PROFILE_CHANGES)
    def edit_profile(self, data: st.DataObject, change: dict[str, str]) -> None:
        cid = data.draw(st.sampled_from(self.live()))
        bad = change.get("gender") == "nonsense"
        try:
            if self.held is not None and self.held[0] == cid:  # in the app's profile form
                update_open_profile(self.held[1], change)
            else:  # `client set`
                update_profile(self.ctx, cid, change)
        except UserError as exc:
            assert bad, exc
            return
        assert not bad, "a bad value was accepted"

    # -- sessions -------------------------------------------------------------------------------

    @precondition(lambda self: bool(self.clients))
    @rule(
        data=st.data(),
        days=st.sampled_from([0, 0, 0, -1, 1, -7]),
        mode=st.sampled_from(list(SessionMode)),
        begin=st.booleans(),
    )
    def plan_session(self, data: st.DataObject, days: int, mode: SessionMode, begin: bool) -> None:
        cid = data.draw(st.sampled_from(self.live()))
        planned = data.draw(
            st.lists(st.sampled_from([e.id for e in LIBRARY.exercises]), max_size=3, unique=True)
        )
        day = self.today() + timedelta(days=days)
        with self.opened(cid) as oc:
            if oc.read_only:
                return
            session = session_service.plan_session(
                oc, practitioner=ME, mode=mode, planned=planned, rar_activity=True, on=day
            )
            if begin:
                session_service.begin_session(oc, session.id)
        self.clients[cid].sessions.append(MSession(session.id, day))

    @precondition(lambda self: bool(self.with_sessions()))
    @rule(data=st.data())
    def end_session(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(self.with_sessions()))
        sid = data.draw(st.sampled_from([s.id for s in self.clients[cid].sessions]))
        notes = data.draw(TEXT)
        with self.opened(cid) as oc:
            if oc.read_only:
                return
            session_service.save_notes(oc, sid, notes)
            ended = session_service.end_session(oc, sid)
        assert ended.notes == store.text.clean_text(notes)

    @rule(minutes=st.sampled_from([-3 * 24 * 60, -90, 31, 24 * 60, 3 * 24 * 60]))
    def move_clock(self, minutes: int) -> None:
        Clock.at += timedelta(minutes=minutes)

    # -- answers and follow-ups -----------------------------------------------------------------

    @precondition(lambda self: bool(self.with_sessions()))
    @rule(data=st.data(), disclosure=st.booleans())
    def save_answer(self, data: st.DataObject, disclosure: bool) -> None:
        cid = data.draw(st.sampled_from(self.with_sessions()))
        model = self.clients[cid]
        sid = data.draw(st.sampled_from([s.id for s in model.sessions]))
        exercise, step = data.draw(st.sampled_from(STEPS))
        value = data.draw(step_value(step))
        with self.opened(cid) as oc:
            if oc.read_only:
                with_refusal(
                    lambda: session_service.save_answer(
                        oc, oc.session(sid), exercise, step, value, disclosure=disclosure, by=ME
                    )
                )
                return
            session = oc.session(sid)
            assert session is not None, f"session {sid} of {cid} is gone"
            opened = session_service.save_answer(
                oc, session, exercise, step, value, disclosure=disclosure, by=ME
            )
            if opened is not None:
                model.open_follow_ups.add(opened.id)
            if disclosure:  # risk is never silent: a disclosure always has an open follow-up
                assert session_service.has_open_follow_up(oc, exercise.id, step.id)
        stored = clean_value(value)
        model.answers[(sid, exercise.id, step.id)] = stored
        model.current[(exercise.id, step.id)] = (sid, stored)
        model.ever.add(canonical(stored))

    @precondition(lambda self: bool(self.with_open_follow_ups()))
    @rule(data=st.data(), note_text=TEXT)
    def close_follow_up(self, data: st.DataObject, note_text: str) -> None:
        cid = data.draw(st.sampled_from(self.with_open_follow_ups()))
        model = self.clients[cid]
        fid = data.draw(st.sampled_from(sorted(model.open_follow_ups)))
        with self.opened(cid) as oc:
            if oc.read_only:
                return
            try:
                session_service.close_follow_up(
                    oc, fid, closed_on=self.today(), note=note_text, by=ME
                )
            except StoreError as exc:
                assert not clean_line(note_text), exc  # a note is required
                return
        assert clean_line(note_text), "a follow-up was closed without a note"
        model.open_follow_ups.discard(fid)
        model.closed_follow_ups.add(fid)

    # -- plans ----------------------------------------------------------------------------------

    @precondition(lambda self: bool(self.clients))
    @rule(
        data=st.data(),
        kind=st.sampled_from(["wellbeing", "keep-safe"]),
        agreement=st.sampled_from(["agreed", "not_agreed", "could_not_answer"]),
        reword=st.booleans(),
    )
    def save_plan_version(
        self, data: st.DataObject, kind: str, agreement: str, reword: bool
    ) -> None:
        cid = data.draw(st.sampled_from(self.live()))
        with self.opened(cid) as oc:
            if oc.read_only:
                return
            plan = plan_service.compile_plan(oc, kind, self.today())
            if reword:
                items = [i for s in plan.sections for i in s.items if i.items or i.text]
                if items:
                    item = items[0]
                    index = 0 if item.items else -1
                    plan_service.reword(oc, plan, item, index, data.draw(TEXT) + "x", by=ME)
                    plan = plan_service.compile_plan(oc, kind, self.today())
            version = plan_service.save_version(
                oc,
                plan,
                agreement=agreement,  # type: ignore[arg-type]
                reason="" if agreement == "agreed" else "asked for more time",
                review_on=self.today() + timedelta(days=28),
                by=ME,
            )
        model = self.clients[cid]
        model.versions[kind] += 1
        assert version.number == model.versions[kind]

    @precondition(lambda self: bool(self.with_keep_safe_versions()))
    @rule(data=st.data())
    def countersign(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(self.with_keep_safe_versions()))
        model = self.clients[cid]
        number = data.draw(st.integers(1, model.versions["keep-safe"]))
        if self.held is not None and self.held[0] == cid:
            return  # the command is refused while the app holds the client (checked elsewhere)
        ran = run_cli("countersign", cid, str(number))
        assert ran.code == 1, ran
        if number in model.countersigned:
            assert "countersigned already" in ran.err, ran
            return
        # this login saved every version here: its author never countersigns it (issue 26)
        assert "who saved it" in ran.err, ran
        signed = countersign(self.fresh_context(MANAGER), cid, number)
        assert signed.countersigned_by == MANAGER
        model.countersigned.add(number)

    @precondition(lambda self: bool(self.clients))
    @rule(
        data=st.data(),
        kind=st.sampled_from(["wellbeing", "keep-safe"]),
        fmt=st.sampled_from(["md", "txt", "html"]),
        draft=st.booleans(),
    )
    def export_plan(self, data: st.DataObject, kind: str, fmt: str, draft: bool) -> None:
        cid = data.draw(st.sampled_from(self.live()))
        self.exports += 1
        out = self.outside / f"plan-{self.exports}.{fmt}"
        which = ["--draft"] if draft else []
        ran = run_cli("plan", cid, "--kind", kind, *which, "--format", fmt, "-o", str(out))
        assert ran.code == 0, ran  # nothing saved yet: the draft
        text = out.read_text("utf-8")
        assert "\x1b" not in text and "\u202e" not in text

    # -- privacy: encryption, subject access ----------------------------------------------------

    @precondition(lambda self: not self.encrypted and self.held is None)
    @rule()
    def encrypt(self) -> None:
        ran = run_cli("init", "--encrypt")
        assert ran.code == 0, ran
        self.encrypted = True
        self.restart()

    @precondition(lambda self: bool(self.clients))
    @rule(data=st.data())
    def export_subject_access(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(self.live()))
        self.exports += 1
        out = self.outside / f"sar-{self.exports}.json"
        ran = run_cli("export", cid, "-o", str(out))
        assert ran.code == 0, ran
        dumped = out.read_text("utf-8")
        for value in self.clients[cid].answers.values():
            for s in strings_in(value):
                assert json.dumps(s, ensure_ascii=False)[1:-1] in dumped

    # -- the app holding a client, and a colleague taking it over -------------------------------

    @precondition(lambda self: bool(self.clients))
    @precondition(lambda self: self.held is None)
    @rule(data=st.data())
    def open_in_app(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(self.live()))
        oc = open_client(self.ctx, cid)
        assert not oc.read_only, oc.why_read_only()
        self.held = (cid, oc)

    @precondition(lambda self: self.held is not None)
    @rule()
    def close_in_app(self) -> None:
        assert self.held is not None
        self.held[1].close()
        self.held = None

    @precondition(lambda self: self.held is not None)
    @rule()
    def colleague_takes_over(self) -> None:
        """A colleague asks for a client the app has held a while; the app hands it over (as it
        does within seconds); the colleague changes it; the app can no longer save it."""
        assert self.held is not None
        cid, oc = self.held
        colleague = self.fresh_context(COLLEAGUE)
        theirs = open_client(colleague, cid)
        try:
            assert theirs.read_only, "two writers at once"
        finally:
            theirs.close()
        since = repository(colleague).held_since(cid)
        assert since is not None
        if Clock.at - since < timedelta(minutes=TAKEOVER_MINUTES):
            with_refusal(lambda: request_takeover(colleague, cid))
            return
        request_takeover(colleague, cid)
        assert oc.takeover_requested() == COLLEAGUE
        oc.hand_over(COLLEAGUE)
        assert oc.read_only
        with_refusal(lambda: session_service.save_notes(oc, "nothing", "typed after handing over"))
        with open_client(colleague, cid) as theirs:
            assert not theirs.read_only, theirs.why_read_only()
            update_open_profile(theirs, {"rar_days": "12"})
        oc.close()
        self.held = None

    # -- leaving: transfer, delete; damage and restore -----------------------------------------

    @precondition(lambda self: bool(self.clients))
    @rule(target=bundles, data=st.data(), where=TEXT)
    def transfer_out(self, data: st.DataObject, where: str) -> MBundle:
        cid = data.draw(st.sampled_from(self.live()))
        self.exports += 1
        out = self.outside / f"bundle-{self.exports}.wgt"
        to = clean_line(where) or "Another area"
        # `--to=`: a place that starts with "--" (hypothesis finds one) is the option's value
        ran = run_cli("transfer", "out", cid, "-o", str(out), f"--to={to}")
        if self.held is not None and self.held[0] == cid:
            assert ran.code == 1 and not out.exists(), ran
            return MBundle(out, cid, snapshot(self.clients[cid]), Casework.steps_run)  # not written
        assert ran.code == 0, ran
        model = self.clients.pop(cid)
        self.gone[cid] = model.name
        return MBundle(out, cid, snapshot(model), Casework.steps_run)

    @rule(bundle=consumes(bundles))
    def transfer_in(self, bundle: MBundle) -> None:
        ran = run_cli("transfer", "in", str(bundle.path))
        if not bundle.path.exists():
            assert ran.code == 1, ran
            return
        if bundle.client_id in self.clients:
            assert ran.code == 1 and "already" in ran.err, ran
            return
        if self.erased.get(bundle.client_id, -1) >= bundle.made:
            # the case was erased here after the bundle was made: an older copy never undoes it
            assert ran.code == 1 and "was deleted here" in ran.err, ran
            return
        assert ran.code == 0, ran
        self.clients[bundle.client_id] = snapshot(bundle.client)
        self.gone.pop(bundle.client_id, None)

    @precondition(lambda self: bool(self.clients))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(self.live()))
        ran = run_cli("delete", cid, "--yes")
        if self.held is not None and self.held[0] == cid:
            assert ran.code == 1, ran
            return
        assert ran.code == 0, ran
        self.gone[cid] = self.clients.pop(cid).name
        self.erased[cid] = Casework.steps_run

    @precondition(lambda self: bool(self.clients))
    @precondition(lambda self: self.held is None)
    @rule(data=st.data())
    def damage_and_restore(self, data: st.DataObject) -> None:
        """A disk fault leaves a client's file unreadable: it is named, never hidden, and the
        backup brings back a state the practitioner saved."""
        cid = data.draw(st.sampled_from(self.live()))
        path = repository(self.ctx).path(cid)
        path.write_bytes(b'{"client": {"1": ')
        try:
            with read_client(self.ctx, cid) as oc:
                oc.client()
        except CorruptFile as exc:
            assert "\n" not in str(exc)
        else:
            raise AssertionError("a damaged file opened")
        rows = {r.client_id: r for r in list_clients(self.ctx)}
        assert rows[cid].problem, "a damaged file was hidden from the list"
        repository(self.ctx).restore_backup(cid)
        self.resync(cid)

    def resync(self, cid: str) -> None:
        """After a restore, the model holds what the file holds: every value of it saved once."""
        model = self.clients[cid]
        with read_client(self.ctx, cid) as oc:
            answers = {(a.session_id, a.exercise_id, a.step_id): a.value for a in oc.answers()}
            for value in answers.values():
                assert canonical(value) in model.ever, "a restore brought back an unsaved value"
            model.answers = answers
            model.current = {k: (a.session_id, a.value) for k, a in oc.latest_answers().items()}
            model.sessions = [MSession(s.id, s.date) for s in oc.sessions()]
            model.open_follow_ups = {f.id for f in oc.follow_ups(open_only=True)}
            model.closed_follow_ups = {f.id for f in oc.follow_ups() if not f.is_open}
            versions = oc.plan_versions()
            model.versions = {
                k: max((v.number for v in versions if v.kind == k), default=0)
                for k in ("wellbeing", "keep-safe")
            }
            model.countersigned = {
                v.number for v in versions if v.kind == "keep-safe" and v.countersigned_by
            }

    @precondition(lambda self: self.held is None)
    @rule()
    def restart(self) -> None:
        """A new process: nothing cached, the data dir read again from disk."""
        self.ctx = self.fresh_context()

    # -- the caseload from the command line ------------------------------------------------------

    @rule()
    def list_from_the_command_line(self) -> None:
        listed = run_cli("client", "list", "--json")
        assert listed.code == 0, listed
        assert sorted(r["id"] for r in json.loads(listed.out)) == self.live()

    @rule()
    def due_from_the_command_line(self) -> None:
        due = run_cli("due", "--json")
        assert due.code == 0, due
        assert {item["client_id"] for item in json.loads(due.out)} <= set(self.live())

    # -- what must hold after every step --------------------------------------------------------

    @invariant()
    def check_the_casework(self) -> None:
        Casework.steps_run += 1
        ctx = self.ctx
        for cid, model in self.clients.items():
            with read_client(ctx, cid) as oc:
                assert oc.client().name == model.name
                stored = {(a.session_id, a.exercise_id, a.step_id): a for a in oc.answers()}
                for key, value in model.answers.items():
                    assert key in stored, f"{cid}: answer {key} is missing"
                    assert stored[key].value == value, f"{cid}: answer {key} changed"
                current = oc.latest_answers()
                for key, (sid, value) in model.current.items():
                    assert current[key].session_id == sid, f"{cid}: {key} is not the last saved"
                    assert current[key].value == value
                assert [s.id for s in oc.sessions()] == [
                    s.id for s in sorted(model.sessions, key=lambda s: s.day)
                ], f"{cid}: sessions out of order"
                assert {f.id for f in oc.follow_ups(open_only=True)} == model.open_follow_ups
                versions = oc.plan_versions()
                for kind, count in model.versions.items():
                    assert [v.number for v in versions if v.kind == kind] == list(
                        range(1, count + 1)
                    )
                signed = {
                    v.number for v in versions if v.kind == "keep-safe" and v.countersigned_by
                }
                assert signed == model.countersigned
                for kind in ("wellbeing", "keep-safe"):
                    plan = plan_service.compile_plan(oc, kind, self.today())
                    assert plan_markdown(plan)
                sar = json.dumps(subject_access(repository(ctx), oc, LIBRARY), ensure_ascii=False)
                for value in model.answers.values():
                    for s in strings_in(value):
                        assert json.dumps(s, ensure_ascii=False)[1:-1] in sar
        for cid in [*self.clients, *self.gone]:  # `audit --verify` (its service)
            assert audit_trail.verify(ctx, cid).problems == [], f"{cid}: the audit chain broke"
        self.nothing_of_the_gone_is_left()
        rows = list_clients(ctx)
        assert [r.problem for r in rows if r.problem] == []
        assert {r.client_id: r.name for r in rows} == {c: m.name for c, m in self.clients.items()}

    def nothing_of_the_gone_is_left(self) -> None:
        """An erased or transferred client leaves only its audit tombstone under the data dir: no
        file of theirs, no export, no line in the register, and their name in no file."""
        if not self.gone:
            return
        live_names = {m.name for m in self.clients.values()}
        files = [p for p in self.data.rglob("*") if p.is_file()]
        for cid, name in self.gone.items():
            theirs = [
                p
                for p in files
                if p.name.upper().startswith((f"{cid}.", f".{cid}.", f"{cid}-"))
                and p.parent.name != "audit"
            ]
            assert theirs == [], f"{cid} was erased but left {theirs}"
            if len(name) < 4 or any(name in n or n in name for n in live_names):
                continue
            needle = name.encode("utf-8")
            for p in files:
                if p.parent.name == "audit":
                    continue
                assert needle not in p.read_bytes(), f"{cid}'s name is still in {p}"


def with_refusal(change: Any) -> None:  # noqa: ANN401 - any service call
    """`change` must be refused with a one-line reason (the client is read-only here)."""
    try:
        change()
    except (StoreError, UserError) as exc:
        assert "\n" not in str(exc)
        return
    raise AssertionError("a change to a client held elsewhere was accepted")
