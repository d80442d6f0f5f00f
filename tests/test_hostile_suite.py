"""Issue 7, point 5: the hostile-input cases the other suites do not already cover.

Already covered elsewhere (not repeated here): any text through the store, plain and encrypted
(test_store_hostile); fixed hostile answers in every export format and any text rendering without
control bytes (test_plan_hostile); hostile answers in every step editor and a 100 kB paste
(test_hostile_answers); parser fuzz (test_content_fuzz) and each front-matter error at its line
(test_content_parser); kill -9, two writers, corrupt files, hostile IDs (test_store_faults,
test_store_ids); a 0xA3 byte on stdin (test_terminal_input); the audit view (test_audit_view).

Here: any text from the store through the compiled plan into every format, checked to appear;
markup and escapes in every field the App shows, from a hand-edited client file, a hostile content
pack and a hostile directory folder; a 1 MB paste; LANG=C through `wellbeing plan`; hostile front
matter as the App loads it.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from textual import events
from textual.app import App

from exercises.models import StepKind
from exercises.plan_templates import load_plan_template
from store.client_file import ClientReader as ClientFile
from store.clients import Repository
from store.profile import Client
from store.records import Answer, FollowUp, Referral, Session
from store.text import clean_text
from tests.conftest import ROOT, cli_env
from tests.exercise_fixtures import (
    STEPS,
    ExerciseApp,
    exercise_of,
    new_session,
    open_client,
    settle,
)
from tests.plan_fixtures import CLIENT, S1, S2, FakeLibrary, history
from tests.raw_records import put_raw
from tui.services.config import Config
from tui.services.context import Context
from tui.services.export import render
from tui.services.plans.compiler import PlanInputs, compile_plan
from tui.services.plans.document import plan_document
from tui.services.repository import repository

TODAY = date(2020, 6, 12)

#: one string holding every kind of trouble a field can carry.
NASTY = (
    "[/] [@click=app.quit]q[/] [bold red]loud [link=http://x.test]l[/link] "
    "\x1b]0;pwned\x07 \x1b[2Jclr \x9b31m nul\x00 bel\x07 \u202eevil\u202c 漢字😀 <b>b</b>"
)
#: a name within the 120-character limit.
NAME = "[/] [@click=app.quit]q[/] \x1b]0;pwned\x07 [bold red]Jo \u202eevil\u202c 漢字😀"
#: what must never reach the terminal (Textual's own CSI styling is allowed, so not bare ESC).
RAW = ("\x00", "\x07", "\x1b]", "\x1b[2J", "\x9b", "\u202e", "\u202c", "pwned")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def terminal_output(app: App[Any]) -> str:
    """What a real terminal would receive for a full repaint of the current screen."""
    update = app.screen._compositor.render_update(full=True)
    assert update is not None
    return update.render_segments(app.console)


def screen_text(app: App[Any]) -> str:
    """The characters on screen, without styling (for checking text is shown literally)."""
    return re.sub(r"\x1b\[[0-9;:?]*[A-Za-z]", "", terminal_output(app))


def assert_clean(app: App[Any], where: str) -> None:
    output = terminal_output(app)
    for raw in RAW:
        assert raw not in output, (where, repr(raw))


# -- any text: store -> compiled plan -> every format ---------------------------------------------


class _Text(HTMLParser):
    """The text a browser would show (entities decoded, tags dropped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def html_text(page: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(page)
    return "".join(parser.parts), parser.tags


def md_text(md: str) -> str:
    from markdown_it import MarkdownIt

    out = []
    for tok in MarkdownIt("gfm-like").parse(md):
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
    return "".join(out)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def plan_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClientFile]:
    repo = Repository(tmp_path_factory.mktemp("plan") / "data", user="pat")
    repo.ensure()
    repo.add_client(CLIENT)
    cf = repo.open(CLIENT.id)
    cf.save_session(S1)
    cf.save_session(S2)
    for a in history():
        cf.save_answer(a)
    yield cf
    cf.close()


def plan_with(cf: ClientFile, text: str) -> tuple[str, Any]:
    """Save `text` as an answer, read it back from the file, compile the plan: (stored, doc)."""
    cf.save_answer(
        Answer(
            session_id=S2.id,
            exercise_id="treat-a-friend",
            step_id="friend",
            value=text,
            recorded_by="pat",
        )
    )
    with Repository(cf.paths.file.parent.parent, user="pat").read(CLIENT.id) as fresh:
        (answer,) = [a for a in fresh.answers(S2.id, "treat-a-friend") if a.step_id == "friend"]
        stored = answer.value
        plan = compile_plan(
            "wellbeing",
            load_plan_template("wellbeing"),
            FakeLibrary(),
            PlanInputs.from_client_file(fresh),
            Config(),
            TODAY,
        )
    return stored, plan_document(plan, printed_on=TODAY)


ANY_TEXT = st.text(max_size=120)
#: characters DejaVu Sans prints and pypdf extracts one for one (no right-to-left reordering).
PDF_TEXT = st.text(
    alphabet=st.characters(
        min_codepoint=0x21,
        max_codepoint=0x24F,
        exclude_categories=("Cc", "Cf", "Mn", "Zs", "Zl", "Zp"),
    )
    | st.sampled_from("ΑΒΓαβγΔλπЖжЯяЁё€£¥—–‘’“”•…"),
    min_size=1,
    max_size=60,
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=ANY_TEXT)
def test_any_stored_text_appears_cleaned_in_md_txt_html(plan_client: ClientFile, text: str) -> None:
    stored, doc = plan_with(plan_client, text)
    assert stored == clean_text(text)
    want = squash(stored)
    page = render(doc, "html")
    md = render(doc, "md")
    txt = render(doc, "txt")
    assert isinstance(page, str) and isinstance(md, str) and isinstance(txt, str)
    for fmt, out in (("html", page), ("md", md), ("txt", txt)):
        bad = CONTROL.search(out)
        assert bad is None, (fmt, bad)
    shown, tags = html_text(page)
    assert want in squash(shown)  # escaped: the browser shows the text, not tags
    assert "script" not in tags and tags.count("b") == 0
    assert want in squash(md_text(md))
    assert want.upper() in squash(txt).upper()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=PDF_TEXT)
def test_any_text_the_font_covers_appears_in_the_pdf(plan_client: ClientFile, text: str) -> None:
    stored, doc = plan_with(plan_client, text)
    data = render(doc, "pdf")
    assert isinstance(data, bytes)
    assert squash(stored) in squash(pdf_text(data))


# -- a hand-edited client file, a hostile pack and directory, through the App ---------------------

HOSTILE_EXERCISE = r"""---
id: hostile-pack
title: "[/] [@click=app.quit]q[/] \e]0;pwned\a [bold red]loud \e[2J"
pack: hostile
guide_step: 3
area: "[b]Area[/b]"
minutes: 5
modes: [office, phone]
summary: "[@click=app.quit]sum[/] \e]0;pwned\a"
source: "[link=http://x.test]src[/link]"
---

## [/] Step ESC]0;pwnedBEL

```step
id: pick
kind: choice
feeds: [wellbeing.kindness]
options:
  - {value: a, label: "[/] A \e]0;pwned\a", symbol: "[b]"}
  - {value: b, label: "[@click=app.quit]B[/]"}
```

Choose one. [@click=app.quit]not a link[/] <script>alert(1)</script> ESC[2Jcleared
""".replace("ESC", "\x1b").replace("BEL", "\x07")  # raw control bytes in the markdown body

RAW_HTML_EXERCISE = """---
id: raw-html
title: Raw HTML
guide_step: 3
area: Test
minutes: 5
modes: [office, phone, posted]
source: Written for the tests.
---

## Read this

```step
id: words
kind: text
feeds: [wellbeing.kindness]
```

<script>alert(1)</script>
<img src=x onerror=alert(2)>
<div onclick="x()">Click</div> and <b>bold</b> words.
"""

GOOD_EXERCISE = RAW_HTML_EXERCISE.replace("id: raw-html", "id: still-loads").replace(
    "title: Raw HTML", "title: Still loads"
)

BROKEN_FRONT = {
    "alias-bomb.md": 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a]\n'
    "c: &c [*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d]\n",
    "duplicate-keys.md": "id: dup\ntitle: One\ntitle: Two\n",
    "deep-flow.md": "id: deep\narea: " + "[" * 1000 + "]" * 1000 + "\n",
    "deep-block.md": "id: deeper\narea:\n"
    + "".join(f"{' ' * (i + 1)}k{i}:\n" for i in range(600))
    + " " * 601
    + "x\n",  # 600 levels of block mappings (1000 would pass 256 kB)
    "deep-seq.md": "id: deepest\narea:\n  " + "- " * 1000 + "x\n",
}


def _intervention(shipped: str) -> str:
    text = shipped.replace("id: choices-and-changes", "id: hostile-intervention")
    text = text.replace(
        "name: Choices and Changes",
        'name: "[/] [@click=app.quit]Int[/] \\e]0;pwned\\a [bold red]x"',
    )
    return text.replace("summary: One-to-one", 'summary: "[link=http://x.test]s[/link]" #')


@pytest.fixture(scope="module")
def hostile_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from exercises.interventions import shipped_dir

    pack = tmp_path_factory.mktemp("pack")
    (pack / "hostile.md").write_text(HOSTILE_EXERCISE, encoding="utf-8")
    (pack / "raw-html.md").write_text(RAW_HTML_EXERCISE, encoding="utf-8")
    (pack / "still-loads.md").write_text(GOOD_EXERCISE, encoding="utf-8")
    for name, front in BROKEN_FRONT.items():
        (pack / name).write_text(f"---\n{front}---\n\nbody\n", encoding="utf-8")
    (pack / "huge.md").write_text(
        "---\nid: huge\n---\n" + "x" * (5 * 1024 * 1024), encoding="utf-8"
    )
    (pack / "directory").mkdir()
    shipped = (shipped_dir() / "choices-and-changes.md").read_text(encoding="utf-8")
    (pack / "directory" / "hostile-intervention.md").write_text(
        _intervention(shipped), encoding="utf-8"
    )
    return pack


def hostile_context(data_dir: Path, pack: Path) -> Context:
    return Context(
        config=Config(
            practitioner_name="[/] pat \x1b]0;pwned\x07", privacy_check=False, idle_minutes=0
        ),
        data_dir=data_dir,
        content_dirs=[pack],
    )


def test_hostile_front_matter_is_one_line_per_file_and_the_rest_loads(
    hostile_pack: Path, tmp_path: Path
) -> None:
    library = hostile_context(tmp_path / "data", hostile_pack).library
    problems = {Path(p.path).name: p for p in library.problems}
    assert set(problems) == {*BROKEN_FRONT, "huge.md"}, [str(p) for p in library.problems]
    for name, problem in problems.items():
        message = str(problem)
        assert "\n" not in message and len(message) < 400, (name, message[:400])
        assert message.startswith(f"{problem.path}:{problem.line}: ") and problem.line >= 1
        assert name in message
    assert "anchors" in problems["alias-bomb.md"].message
    assert "duplicate key" in problems["duplicate-keys.md"].message
    assert problems["duplicate-keys.md"].line == 4
    for deep in ("deep-flow.md", "deep-block.md", "deep-seq.md"):
        assert 3 <= problems[deep].line <= 16, str(problems[deep])  # where the cap is passed
        assert "nested deeper" in problems[deep].message
    for good in ("hostile-pack", "raw-html", "still-loads", "breathing"):
        assert library.get(good) is not None, good


def test_raw_html_in_a_body_is_never_html_in_an_export(hostile_pack: Path, tmp_path: Path) -> None:
    from tui.services.export.worksheet import worksheet_document

    library = hostile_context(tmp_path / "data", hostile_pack).library
    for exercise_id in ("raw-html", "hostile-pack"):
        page = render(worksheet_document(library.get(exercise_id)), "html")  # type: ignore[arg-type]
        assert isinstance(page, str)
        _, tags = html_text(page)
        assert not {"script", "img", "b"} & set(tags), tags  # shown as text, never as elements
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert" not in page and "\x1b" not in page and "pwned" not in page


def seed_hostile_client(repo: Repository) -> tuple[ClientFile, Session]:
    """A client whose every shown field holds NASTY, written raw as a hand-edited file would."""
    repo.add_client(Client(id="H1", name="placeholder"))
    cf = repo.open("H1")
    session = Session(id="s1", practitioner="pat", planned=["hostile-pack", "raw-html"], notes="x")
    cf.save_session(session)
    cf.save_follow_up(FollowUp(id="f1", reason="placeholder", exercise_id="hostile-pack"))
    data = repo.data_dir
    client = {**cf.client().model_dump(mode="json"), "name": NAME, "order_type": NASTY}
    put_raw(data, "H1", "client", client)
    put_raw(
        data,
        "H1",
        "sessions",
        {**session.model_dump(mode="json"), "notes": NASTY + "\nsecond line"},
    )
    follow_up = cf.follow_ups()[0].model_dump(mode="json")
    put_raw(data, "H1", "follow_ups", {**follow_up, "reason": NASTY})
    for step_id, exercise_id in (
        ("friend", "treat-a-friend"),
        ("pick", "hostile-pack"),
        ("words", "raw-html"),
    ):
        put_raw(
            data,
            "H1",
            "answers",
            {
                **Answer(
                    session_id="s1",
                    exercise_id=exercise_id,
                    step_id=step_id,
                    value="placeholder",
                    recorded_by="pat",
                ).model_dump(mode="json"),
                "value": NASTY if step_id != "pick" else "a",
                "recorded_by": NASTY,
            },
        )
    return cf, cf.session("s1")  # type: ignore[return-value]


async def test_markup_and_escapes_in_every_displayed_field(
    hostile_pack: Path, tmp_path: Path
) -> None:
    from screens.audit_view import AuditScreen
    from screens.dashboard import DashboardScreen
    from screens.directory import DirectoryScreen, show_directory
    from screens.eligibility import EligibilityScreen, show_eligibility
    from screens.exercise import ExerciseScreen, run_exercise
    from screens.plan.screen import PlanScreen, show_plan
    from screens.session import SessionScreen, run_session
    from tui.shell.app import WellbeingApp

    ctx = hostile_context(tmp_path / "data", hostile_pack)
    repo = repository(ctx)
    cf, session = seed_hostile_client(repo)
    interventions, directory_problems = ctx.directory
    assert directory_problems == [] and "hostile-intervention" in {i.id for i in interventions}
    for item in interventions:
        cf.save_referral(
            Referral(intervention_id=item.id, decision="not_refer", reason=NASTY, recorded_by=NASTY)
        )
    cf.close()
    app = WellbeingApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert_clean(app, "client list")
        assert "[/] [@click=app.quit]q[/]" in screen_text(app)  # literal, not parsed
        problems = {Path(p.path).name for p in app.ctx.library.problems}
        assert problems == {*BROKEN_FRONT, "huge.md"}  # listed, and the app runs on
        assert app.ctx.library.get("hostile-pack") and app.ctx.library.get("still-loads")

        app.open_client("H1")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert_clean(app, "dashboard")
        assert "[bold red]loud" in screen_text(app)
        cf = app.client_files["H1"]

        show_eligibility(app, cf)
        await pilot.pause()
        assert isinstance(app.screen, EligibilityScreen)
        assert_clean(app, "eligibility")
        app.pop_screen()

        show_directory(app)
        await pilot.pause()
        assert isinstance(app.screen, DirectoryScreen)
        for _ in range(3):  # walk to the hostile intervention and past it
            await pilot.press("end")
            await pilot.pause()
            assert_clean(app, "directory")
        app.pop_screen()

        run_session(app, cf, cf.session("s1"))  # type: ignore[arg-type]
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert_clean(app, "session")
        assert "[bold red]loud" in screen_text(app)

        for exercise_id in ("hostile-pack", "raw-html"):
            run_exercise(app, cf, cf.session("s1"), exercise_id)  # type: ignore[arg-type]
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert_clean(app, exercise_id)
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert_clean(app, exercise_id)
            app.pop_screen()
            await pilot.pause()
        app.pop_screen()  # the session

        show_plan(app, cf, "wellbeing")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert_clean(app, "plan")
        assert app.screen.plan is not None
        app.pop_screen()

        log = repo.audit_log("H1")
        with log.path.open("a") as fh:
            fh.write(
                '{"time": "' + "\\u001b]0;pwned\\u0007" + '", "user": "[/]",'
                ' "action": "[@click=app.quit]x", "fields": ["\\u009b2J"]}\n'
            )
        app.push_screen(AuditScreen(log.entries(), log.verify(), client_id="H1"))
        await pilot.pause()
        assert_clean(app, "audit")
        assert "BROKEN" in screen_text(app)
        assert app.is_running  # no [@click=app.quit] ever became an action


# -- screens with many kinds of text --------------------------------------------------------------

#: a fixed list rather than hypothesis: a Pilot run per example is too slow to shrink.
SCREEN_TEXTS = [
    "\x00\x01\x02\x1f\x7f\x80\x9f",  # C0, DEL, C1
    "\x1b[31mred\x1b[0m \x1b]8;;http://x.test\x1b\\link\x1b]8;;\x1b\\ \x1bP+q\x1b\\ \x1bc",
    "\u202e\u2066\u2067\u2068\u2069\u200f\u200e\u061c mixed עברית and English",
    "ｗｉｄｅ 漢字テスト 😀👍🏽👨‍👩‍👧 e\u0301\u0301\u0301 Z\u0336\u0337",
    "[/] [@click=app.quit]x[/] [b] [link=x]y[/link] \\[escaped] $var ${x}",
    "\ufeff\u2028line\u2029sep\x85nel\r\ncrlf\rcr\ttab",
    "\U000e0041 tag chars, \ufffd replacement, \U0010fffd private, \U0001f3f4\U000e0067",
    "ا" * 300,  # long right-to-left, no spaces
]


@pytest.mark.parametrize("text", SCREEN_TEXTS, ids=range(len(SCREEN_TEXTS)))
async def test_nasty_text_in_an_answer_the_client_list_and_the_dashboard(
    tmp_path: Path, text: str
) -> None:
    from screens.client_list import ClientListScreen
    from screens.dashboard import DashboardScreen
    from tui.shell.app import WellbeingApp

    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(STEPS[StepKind.TEXT], STEPS[StepKind.LIST]), new_session(cf), cf)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(events.Paste(text))
        await settle(app, pilot)
        assert_clean(app, "answer editor")
        await pilot.press("ctrl+n")
        app.post_message(events.Paste(text))
        await settle(app, pilot)
        assert_clean(app, "list editor")
    hostile = {
        **cf.client().model_dump(mode="json"),
        "name": ("N " + text)[:120],
        "order_type": text,
    }
    put_raw(cf.ctx.data_dir, cf.client_id, "client", hostile)
    follow_up = {**FollowUp(id="f1", reason="r").model_dump(mode="json"), "reason": text}
    put_raw(cf.ctx.data_dir, cf.client_id, "follow_ups", follow_up)
    cf.close()
    shell = WellbeingApp(
        Context(config=Config(privacy_check=False, idle_minutes=0), data_dir=tmp_path)
    )
    async with shell.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(shell.screen, ClientListScreen)
        assert "cannot be read" not in screen_text(shell)
        assert_clean(shell, "client list")
        shell.open_client("T1")
        await pilot.pause()
        assert isinstance(shell.screen, DashboardScreen)
        assert_clean(shell, "dashboard")
        assert shell.is_running


# -- a 1 MB paste ------------------------------------------------------------------------------


async def test_a_one_megabyte_paste_is_refused_and_nothing_is_lost(tmp_path: Path) -> None:
    from textual.widgets import TextArea

    cf = open_client(tmp_path)
    app = ExerciseApp(exercise_of(STEPS[StepKind.TEXT]), new_session(cf), cf)
    megabyte = "Ä" * (1024 * 1024)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(events.Paste("what I typed first"))
        await settle(app, pilot)
        app.post_message(events.Paste(megabyte))
        await settle(app, pilot)
        notice = str(app.screen.query_one("#exercise-notice").render())
        assert (
            "Paste refused" in notice and str(len("what I typed first") + len(megabyte)) in notice
        )
        editor = app.screen.query(TextArea).first()
        assert editor.text == "what I typed first"
        assert_clean(app, "after the paste")
    assert [a.value for a in cf.answers()] == ["what I typed first"]


# -- LANG=C -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_lang_c_plan_prints_non_ascii_answers(tmp_path: Path, fmt: str) -> None:
    data = tmp_path / "data"
    repo = Repository(data, user="pat")
    repo.ensure()
    repo.add_client(Client(id="X1", name="Zoë Łukasz 李雷 🙂"))
    words = "£5 a week, naïve café, Ελληνικά, עברית, 日本語 🙂"
    with repo.open("X1") as cf:
        cf.save_session(Session(id="s1", practitioner="pat"))
        cf.save_answer(
            Answer(
                session_id="s1",
                exercise_id="treat-a-friend",
                step_id="friend",
                value=words,
                recorded_by="pat",
            )
        )
    env = cli_env(LANG="C", LC_ALL="C")
    for var in ("PYTHONUTF8", "PYTHONIOENCODING", "LC_CTYPE"):
        env.pop(var, None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui",
            "--data-dir",
            str(data),
            "plan",
            "X1",
            "--kind",
            "wellbeing",
            "--format",
            fmt,
        ],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, err
    assert "UnicodeEncodeError" not in err and "Traceback" not in err
    out = result.stdout.decode("utf-8")
    assert squash("naïve café, Ελληνικά") in squash(out) and "日本語" in out
