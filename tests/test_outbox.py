"""Every file that leaves the data dir (issue 22 item 3): never over an existing file unless told
to, under a name that tells it apart, in the format its name asks for, by one rule of where."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from textual.app import App

from store.clients import Repository
from store.files import atomic_write, temp_files
from store.profile import Client
from store.records import Answer, Session
from tui.services.clients.access import open_client
from tui.services.config import Config
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.plans.service import compile_plan, save_version

CID = "X1"
NAME = "Morwenna Tregarthen-5d2c"
PRECIOUS = b"the only copy of something else"
TODAY = date.today().isoformat()


def seed(repo: Repository) -> None:
    repo.add_client(Client(id=CID, name=NAME))
    with repo.open(CID) as cf:
        session = Session(practitioner="sam")
        cf.save_session(session)
        cf.save_answer(
            Answer(
                session_id=session.id,
                exercise_id="treat-a-friend",
                step_id="friend",
                value="I would tell him it is not his fault.",
                recorded_by="sam",
            )
        )


@pytest.fixture
def seeded(repo: Repository) -> Repository:
    seed(repo)
    return repo


# -- never over an existing file --------------------------------------------------------------


WRITERS = {
    "plan": ["plan", CID, "--kind", "wellbeing", "-o", "{out}.md"],
    "plan-pdf": ["plan", CID, "--kind", "keep-safe", "-o", "{out}.pdf"],
    "worksheet": ["worksheet", "breathing", "-o", "{out}.txt"],
    "subject-access": ["export", CID, "-o", "{out}.json"],
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_writer_refuses_an_existing_file_and_force_replaces_it(
    seeded: Repository, cli, tmp_path: Path, writer: str
) -> None:
    args = [a.format(out=tmp_path / "out") for a in WRITERS[writer]]
    target = Path(args[args.index("-o") + 1])
    target.write_bytes(PRECIOUS)
    refused = cli(*args)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
    assert "exists: not replaced" in refused.stderr and str(target) in refused.stderr
    assert target.read_bytes() == PRECIOUS
    assert list(temp_files(target)) == []  # nothing half-written beside it
    forced = cli(*args, "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_bytes() != PRECIOUS
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_a_subject_access_export_refuses_when_only_its_text_file_exists(
    seeded: Repository, cli, tmp_path: Path
) -> None:
    out = tmp_path / "sar.json"
    beside = tmp_path / "sar.json.txt"
    beside.write_bytes(PRECIOUS)
    refused = cli("export", CID, "-o", str(out))
    assert refused.returncode == 1 and "sar.json.txt exists" in refused.stderr
    assert not out.exists() and beside.read_bytes() == PRECIOUS  # neither file written


def test_a_dangling_link_is_something_there(seeded: Repository, cli, tmp_path: Path) -> None:
    link = tmp_path / "plan.md"
    link.symlink_to(tmp_path / "nowhere")
    refused = cli("plan", CID, "--kind", "wellbeing", "-o", str(link))
    assert refused.returncode == 1 and "exists" in refused.stderr
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_the_writer_never_takes_a_name_taken_meanwhile(tmp_path: Path) -> None:
    """The check before writing can be overtaken (another process writes the same name in
    between): the store's writer claims the name only if it is still free."""
    from tui.services.privacy import outbox

    target = tmp_path / "plan.md"
    target.write_bytes(PRECIOUS)
    with pytest.raises(FileExistsError):
        atomic_write(target, b"new", replace=False)
    assert target.read_bytes() == PRECIOUS and list(temp_files(target)) == []
    with pytest.raises(outbox.Exists):
        outbox.send_one(target, b"new")
    fresh = tmp_path / "fresh.md"
    atomic_write(fresh, b"new", replace=False, mode=0o600)
    assert fresh.read_bytes() == b"new" and list(temp_files(fresh)) == []


# -- names that tell files apart ----------------------------------------------------------------


def test_default_names_carry_kind_layout_version_and_date(
    seeded: Repository, cli, tmp_path: Path
) -> None:
    """`-o FOLDER` writes under the default name: a standard PDF never replaces the Easy Read one,
    a saved version never the draft, nor one plan the other."""
    out = tmp_path / "out"
    out.mkdir()
    for layout in ("standard", "easy-read"):
        done = cli("plan", CID, "--kind", "wellbeing", "--layout", layout, "-o", str(out))
        assert done.returncode == 0, done.stderr
    done = cli("plan", CID, "--kind", "keep-safe", "--layout", "standard", "-o", str(out))
    assert done.returncode == 0, done.stderr
    ctx = Context(config=Config(), data_dir=seeded.data_dir)
    with open_client(ctx, CID) as oc:
        plan = compile_plan(oc, "wellbeing", date.today())
        save_version(oc, plan, agreement="agreed", by="sam")
    done = cli("plan", CID, "--kind", "wellbeing", "--layout", "standard", "-o", str(out))
    assert done.returncode == 0, done.stderr
    again = cli("plan", CID, "--kind", "wellbeing", "--layout", "standard", "-o", str(out))
    assert again.returncode == 1 and "exists" in again.stderr  # the same one twice: refused
    sheet = cli("worksheet", "breathing", "--format", "txt", "-o", str(out))
    assert sheet.returncode == 0, sheet.stderr
    sar = cli("export", CID, "-o", str(out))
    assert sar.returncode == 0, sar.stderr
    assert sorted(os.listdir(out)) == sorted(
        [
            f"X1-wellbeing-plan-standard-draft-{TODAY}.md",
            f"X1-wellbeing-plan-easy-read-draft-{TODAY}.md",
            f"X1-keep-safe-plan-standard-draft-{TODAY}.md",
            f"X1-wellbeing-plan-standard-v1-{TODAY}.md",
            f"worksheet-breathing-{TODAY}.txt",
            f"X1-subject-access-{TODAY}.json",
            f"X1-subject-access-{TODAY}.json.txt",
        ]
    )


def test_names_are_made_of_safe_pieces() -> None:
    from tui.services.privacy import outbox

    assert outbox.plan_name(
        "X1", "wellbeing", "pdf", date(2026, 12, 4), layout="large", version=3
    ) == ("X1-wellbeing-plan-large-v3-2026-12-04.pdf")
    assert outbox.worksheet_name("../../etc/passwd", "md", date(2026, 12, 4)) == (
        "worksheet-etc-passwd-2026-12-04.md"
    )


# -- the format the name asks for ---------------------------------------------------------------


def test_the_format_follows_the_file_name(seeded: Repository, cli, tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    done = cli("plan", CID, "--kind", "wellbeing", "-o", str(pdf))  # no --format
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    page = tmp_path / "plan.htm"
    assert cli("plan", CID, "--kind", "wellbeing", "-o", str(page)).returncode == 0
    assert page.read_text("utf-8").startswith("<!DOCTYPE html>")
    plain = tmp_path / "plan"  # no ending: Markdown, as before
    assert cli("plan", CID, "--kind", "wellbeing", "-o", str(plain)).returncode == 0
    assert plain.read_text("utf-8").startswith("**DRAFT")
    sheet = tmp_path / "sheet.pdf"
    assert cli("worksheet", "breathing", "-o", str(sheet)).returncode == 0
    assert sheet.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "extra", "says"),
    [
        ("plan.pdf", ["--format", "md"], "ends in .pdf but the format is md"),
        ("plan.txt", ["--format", "html"], "ends in .txt but the format is html"),
        ("plan.doc", [], "cannot tell the format from the name 'plan.doc'"),
    ],
)
def test_a_name_that_asks_for_another_format_is_refused(
    seeded: Repository, cli, tmp_path: Path, name: str, extra: list[str], says: str
) -> None:
    target = tmp_path / name
    refused = cli("plan", CID, "--kind", "wellbeing", "-o", str(target), *extra)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
    assert says in refused.stderr
    assert not target.exists()
    with seeded.read(CID) as cf:  # refused before anything was audited as exported
        assert "exported" not in [e["action"] for e in cf.audit.entries()]


def test_format_for() -> None:
    from tui.services.export import format_for

    assert format_for(None, None) == "md"
    assert format_for("txt", None) == "txt"
    assert format_for(None, Path("a.PDF")) == "pdf"
    assert format_for("md", Path("a.markdown")) == "md"
    with pytest.raises(UserError):
        format_for("pdf", Path("a.md"))


# -- one rule for where -------------------------------------------------------------------------


def test_one_rule_for_every_file_that_leaves(seeded: Repository, cli, tmp_path: Path) -> None:
    exports = seeded.data_dir / "exports"
    exports.mkdir(mode=0o700)
    # a client's documents in exports/ start with its ID (so deleting the client finds them)
    for args in (
        ["plan", CID, "--kind", "wellbeing", "-o", str(exports / "plan.md")],
        ["export", CID, "-o", str(exports / "sar.json")],
    ):
        refused = cli(*args)
        assert refused.returncode == 1 and f"starts with {CID}-" in refused.stderr, args
    assert cli("export", CID, "-o", str(exports / f"{CID}-sar.json")).returncode == 0
    # a worksheet names nobody: any name there
    assert cli("worksheet", "breathing", "-o", str(exports / "breathing.md")).returncode == 0
    # nothing anywhere else in the data dir
    for args in (
        ["plan", CID, "--kind", "wellbeing", "-o", str(seeded.data_dir / "audit" / "x.md")],
        ["worksheet", "breathing", "-o", str(seeded.data_dir / "x.md")],
        ["export", CID, "-o", str(seeded.clients_dir / "x.json")],
    ):
        refused = cli(*args)
        assert refused.returncode == 1 and "inside the data dir" in refused.stderr, args


def test_a_bundle_never_goes_in_the_exports_folder(seeded: Repository, tmp_path: Path) -> None:
    """Deleting the client (which transfer out does) removes what is in exports/ under its ID."""
    from tui.services.privacy.transfer import transfer_out

    ctx = Context(config=Config(), data_dir=seeded.data_dir)
    exports = seeded.data_dir / "exports"
    with pytest.raises(UserError, match="never goes inside the data dir"):
        transfer_out(ctx, CID, exports / f"{CID}-bundle", "correct horse battery", to="Kent")
    assert seeded.path(CID).exists()


# -- the app asks, naming the file --------------------------------------------------------------


class _Host(App[None]):
    def __init__(self, screen) -> None:  # noqa: ANN001
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)


async def _settle(app: App, pilot) -> None:  # noqa: ANN001
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_app_asks_before_replacing_an_export_naming_the_file(
    seeded: Repository, tmp_path: Path
) -> None:
    from textual.widgets import Input, Static

    from screens.dialogs.choice import ConfirmScreen
    from screens.plan.export import ExportDialog
    from screens.plan.screen import PlanScreen

    ctx = Context(config=Config(), data_dir=seeded.data_dir)
    exports = tmp_path / "exports"
    exports.mkdir()
    with open_client(ctx, CID) as oc:
        screen = PlanScreen("wellbeing", oc, "sam", exports, today=date.today())
        app = _Host(screen)
        async with app.run_test(size=(80, 24)) as pilot:
            await _settle(app, pilot)
            await pilot.press("e")
            assert isinstance(app.screen, ExportDialog)
            field = app.screen.query_one("#export-path", Input)
            # the name offered says what the file is, and follows the layout chosen
            assert field.value == str(exports / f"X1-wellbeing-plan-standard-draft-{TODAY}.pdf")
            await pilot.press("tab", "right", "space")  # Layout: Large print
            assert field.value.endswith(f"X1-wellbeing-plan-large-draft-{TODAY}.pdf")
            await pilot.press("shift+tab", "right", "space")  # Format: plain text
            assert field.value.endswith(f"X1-wellbeing-plan-large-draft-{TODAY}.txt")
            target = Path(field.value)
            target.write_bytes(PRECIOUS)
            await pilot.press("enter")
            await _settle(app, pilot)
            assert isinstance(app.screen, ConfirmScreen)  # asked, naming the file and where
            question = str(app.screen.query_one(".dialog-body", Static).render())
            assert target.name in question and str(exports) in question
            await pilot.press("n")
            await _settle(app, pilot)
            assert target.read_bytes() == PRECIOUS  # kept
            await pilot.press("e")
            await pilot.press("tab", "right", "space", "shift+tab", "right", "space", "enter")
            await _settle(app, pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await _settle(app, pilot)
            assert target.read_bytes() != PRECIOUS and b"MY WELLBEING PLAN" in target.read_bytes()


async def test_the_app_asks_before_replacing_a_worksheet(tmp_path: Path) -> None:
    from textual.widgets import Static

    from screens.dialogs.choice import ConfirmScreen
    from screens.plan.worksheets import WorksheetsScreen

    ctx = Context(config=Config(), data_dir=tmp_path / "data")
    exports = tmp_path / "exports"
    exports.mkdir()
    screen = WorksheetsScreen(ctx, exports, date.today())
    first = screen.exercises[0].id
    target = exports / f"worksheet-{first}-{TODAY}.pdf"
    target.write_bytes(PRECIOUS)
    app = _Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("enter", "enter")  # the first exercise, the name offered
        await _settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert target.name in str(app.screen.query_one(".dialog-body", Static).render())
        await pilot.press("n")
        await _settle(app, pilot)
        assert target.read_bytes() == PRECIOUS


def test_the_export_folder_is_made_when_first_named(seeded: Repository, cli) -> None:
    """As the SSH deployment guide runs it: `export ID -o DATA/exports` before the folder exists."""
    exports = seeded.data_dir / "exports"
    done = cli("export", CID, "-o", str(exports))
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(exports)) == [
        f"X1-subject-access-{TODAY}.json",
        f"X1-subject-access-{TODAY}.json.txt",
    ]
    assert oct(exports.stat().st_mode & 0o777) == "0o700"
    again = cli("export", CID, "-o", str(exports))
    assert again.returncode == 1 and "exists: not replaced" in again.stderr
