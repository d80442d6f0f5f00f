"""Hostile input to the store: any text, 1 MB answers, files changed under us, bad files, LANG=C."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import crypto, keyinfo
from store import text as store_text
from store.client_file import ClientReader as ClientFile
from store.clients import Repository
from store.errors import CorruptFile, StoreError
from store.profile import Client
from store.records import Answer, Session
from store.text import clean_text, clean_value
from tests.cli_runner import run_cli
from tests.conftest import ROOT, cli_env

PASSPHRASE = "correct horse battery staple"


Key = tuple[crypto.EncryptedCodec, Path]


@pytest.fixture(scope="module")
def shared_key(tmp_path_factory: pytest.TempPathFactory) -> Key:
    """One key for the module (scrypt at full cost takes a tenth of a second per derivation)."""
    folder = tmp_path_factory.mktemp("key")
    return crypto.create_keyinfo(folder, PASSPHRASE), folder / keyinfo.KEYINFO


def make_repo(root: Path, key: Key | None) -> Repository:
    repo = Repository(root / "data", codec=key[0] if key else None)
    repo.ensure()
    if key is not None:  # the data dir shares the module's key file
        shutil.copy(key[1], repo.data_dir / keyinfo.KEYINFO)
    return repo


@pytest.fixture(params=["plain", "encrypted"])
def any_repo(request: pytest.FixtureRequest, tmp_path: Path, shared_key: Key) -> Repository:
    return make_repo(tmp_path, shared_key if request.param == "encrypted" else None)


@pytest.fixture
def opened(any_repo: Repository) -> Iterator[tuple[ClientFile, Session]]:
    any_repo.add_client(Client(id="X1", name="A"))
    cf = any_repo.open("X1")
    session = Session(practitioner="sam")
    cf.save_session(session)
    yield cf, session
    cf.close()


def answer(session: Session, value: object, step: str = "impact-thoughts") -> Answer:
    return Answer(
        session_id=session.id, exercise_id="identify", step_id=step, value=value, recorded_by="sam"
    )


# -- any text round-trips ------------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text())
def test_any_unicode_text_round_trips(
    opened: tuple[ClientFile, Session], text: str, any_repo: Repository
) -> None:
    cf, session = opened
    saved = cf.save_answer(answer(session, text))
    assert saved.value == clean_text(text)
    with any_repo.read("X1") as again:  # a fresh handle: really from the file
        assert again.latest_answers()[("identify", "impact-thoughts")].value == clean_text(text)


def _clean_every_time(value: str) -> str:
    """`clean_text` with both strips always run (it skips them when no control character is
    there, the cheap case of a long clean text)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = store_text._CONTROLS.sub("", store_text._ESCAPES.sub("", value))
    value = value.replace("\t", "    ").encode("utf-8", "replace").decode("utf-8")
    return unicodedata.normalize("NFC", value)


#: text that often holds the start of an escape sequence, and what follows one
ESCAPE_LIKE = st.text(
    st.sampled_from(
        ["\x1b", "\x9b", "\x9d", "\x90", "\x07", "\x9c", "[", "]", "0", ";", "m", "\r", "\t"]
    )
    | st.characters(),
)


@given(text=st.text() | ESCAPE_LIKE)
def test_clean_text_skips_the_strips_only_when_they_would_change_nothing(text: str) -> None:
    assert clean_text(text) == _clean_every_time(text)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    value=st.lists(st.text(max_size=40), max_size=5)
    | st.lists(
        st.dictionaries(st.sampled_from(["who", "how", "level"]), st.text(max_size=30), max_size=3),
        max_size=3,
    )
)
def test_list_and_table_answers_round_trip(
    opened: tuple[ClientFile, Session], value: object, any_repo: Repository
) -> None:
    cf, session = opened
    cf.save_answer(answer(session, value, step="concerns"))
    with any_repo.read("X1") as again:
        assert again.latest_answers()[("identify", "concerns")].value == clean_value(value)


def test_a_one_megabyte_answer_round_trips(
    opened: tuple[ClientFile, Session], any_repo: Repository
) -> None:
    cf, session = opened
    text = ("Ünïcødé and a long paste 李 " * 40_000)[: 1024 * 1024]
    cf.save_answer(answer(session, text))
    cf.save_answer(answer(session, text + " more"))
    with any_repo.read("X1") as again:
        assert again.latest_answers()[("identify", "impact-thoughts")].value == text + " more"
    assert any_repo.verify_audit("X1") == []


# -- files changed under an open client -----------------------------------------------------------


def test_client_file_replaced_by_garbage_while_open(
    opened: tuple[ClientFile, Session], any_repo: Repository
) -> None:
    cf, session = opened
    path = any_repo.path("X1")
    path.write_bytes(b"\x00\xffnot a client file")
    with pytest.raises(CorruptFile) as info:
        cf.answers()
    assert "\n" not in str(info.value)
    with pytest.raises(CorruptFile):
        cf.save_answer(answer(session, "typed"))
    assert path.read_bytes() == b"\x00\xffnot a client file"


def test_client_file_replaced_by_another_clients_while_open(
    opened: tuple[ClientFile, Session], any_repo: Repository
) -> None:
    cf, _ = opened
    repo = any_repo
    repo.add_client(Client(id="Y2", name="B"))
    other = repo.path("Y2").read_bytes()
    repo.path("X1").write_bytes(other)
    with pytest.raises(CorruptFile):  # plain: "holds client Y2"; encrypted: integrity check
        cf.client()
    assert repo.path("X1").read_bytes() == other


def test_client_file_removed_while_open(
    opened: tuple[ClientFile, Session], any_repo: Repository
) -> None:
    cf, session = opened
    path = any_repo.path("X1")
    path.unlink()
    with pytest.raises(StoreError, match="removed while it was open"):
        cf.client()
    with pytest.raises(StoreError, match="removed while it was open"):
        cf.save_answer(answer(session, "typed"))
    assert not path.exists()  # never re-created half-empty (it may have been erased on purpose)


# -- corrupt files of every kind ------------------------------------------------------------------

GOOD_RECORD = Client(id="X1", name="A").model_dump(mode="json")
CORRUPTIONS: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n",
    "truncated": json.dumps({"client": {"1": GOOD_RECORD}}).encode()[:40],
    "trailing garbage": json.dumps({"client": {"1": GOOD_RECORD}}).encode() + b"}garbage",
    "a JSON list": b"[1, 2, 3]",
    "a JSON string": b'"client"',
    "invalid UTF-8": b'{"client": {"1": {"name": "\xa3\xff"}}}',
    "NUL bytes": b"\x00" * 64,
    "tables not objects": b'{"client": [1, 2]}',
    "wrong schema: missing field": b'{"client": {"1": {"id": "X1"}}}',
    "wrong schema: unknown field": json.dumps(
        {"client": {"1": {**GOOD_RECORD, "surprise": True}}}
    ).encode(),
    "wrong schema: newer version": json.dumps(
        {"client": {"1": {**GOOD_RECORD, "schema_version": 99}}}
    ).encode(),
    "no profile": b'{"answers": {}}',
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupt_file_gives_one_clear_error_and_keeps_its_bytes(
    any_repo: Repository, cli, kind: str, tmp_path: Path
) -> None:
    any_repo.add_client(Client(id="X1", name="A"))
    path = any_repo.path("X1")
    plain = CORRUPTIONS[kind]
    codec = any_repo.codec
    blob = codec.encode(plain, path=path) if codec is not None else plain
    path.write_bytes(blob)
    with pytest.raises(CorruptFile) as info:
        any_repo.open("X1")
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    assert path.read_bytes() == blob
    env = cli_env()
    if codec is not None:
        passfile = tmp_path / "pass"
        passfile.write_text(PASSPHRASE)
        passfile.chmod(0o600)
        env = cli_env(WELLBEING_PASSPHRASE_FILE=str(passfile))
    result = run_cli(
        "--data-dir",
        str(any_repo.data_dir),
        "export",
        "X1",
        "-o",
        str(tmp_path / "out.json"),
        env=env,
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == blob


@pytest.mark.parametrize("damage", ["cut", "byte", "header"])
def test_damaged_ciphertext_is_one_clear_error(
    shared_key: Key, tmp_path: Path, damage: str
) -> None:
    repo = make_repo(tmp_path, shared_key)
    repo.add_client(Client(id="X1", name="A"))
    path = repo.path("X1")
    blob = bytearray(path.read_bytes())
    if damage == "cut":
        blob = blob[:30]
    elif damage == "byte":
        blob[-3] ^= 0x80
    else:
        blob[:8] = b"WBGCRYPX"
    path.write_bytes(bytes(blob))
    with pytest.raises(CorruptFile) as info:
        repo.open("X1")
    assert "\n" not in str(info.value)
    assert path.read_bytes() == bytes(blob)


# -- a read-only data dir ------------------------------------------------------------------------


def _run_read_only(data: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the CLI with `data` read-only: a read-only bind mount as root, chmod otherwise."""
    cmd = [sys.executable, "-m", "tui", "--data-dir", str(data), *args]
    if os.geteuid() != 0:
        for p in [data, *data.rglob("*")]:
            if p.is_dir():
                p.chmod(0o500)
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
            )
        finally:
            for p in [data, *data.rglob("*")]:
                if p.is_dir():
                    p.chmod(0o700)
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: cannot make a read-only data dir")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    full = ["unshare", "-m", "sh", "-c", script, "sh", str(data), *cmd]
    result = subprocess.run(full, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    if "mount" in result.stderr and result.returncode != 1:
        pytest.skip(f"cannot make a read-only mount here: {result.stderr.strip()}")
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["client", "add", "Y2", "--name", "B"],
        ["export", "X1", "-o", "{out}"],
        ["delete", "X1", "--yes"],
        ["retention"],
        ["init", "--encrypt"],
    ],
)
def test_read_only_data_dir_gives_a_one_line_error(
    repo: Repository, tmp_path: Path, args: list[str]
) -> None:
    repo.add_client(Client(id="X1", name="Secret Name"))
    before = {p: p.read_bytes() for p in repo.data_dir.rglob("*") if p.is_file()}
    out = tmp_path / "out.json"
    passfile = tmp_path / "pass"
    passfile.write_text(PASSPHRASE)
    passfile.chmod(0o600)
    env = cli_env(WELLBEING_PASSPHRASE_FILE=str(passfile))
    result = _run_read_only(repo.data_dir, *(a.format(out=out) for a in args), env=env)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert "Secret Name" not in result.stdout  # nothing shown unaudited
    assert {p: p.read_bytes() for p in repo.data_dir.rglob("*") if p.is_file()} == before


def test_listing_a_read_only_data_dir_works_and_changes_nothing(repo: Repository) -> None:
    """The list is read from the register (a cache it cannot write here): no record is opened,
    so there is nothing to audit, and nothing on disk changes."""
    repo.add_client(Client(id="X1", name="Secret Name"))
    before = {p: p.read_bytes() for p in repo.data_dir.rglob("*") if p.is_file()}
    result = _run_read_only(repo.data_dir, "client", "list", env=cli_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["X1", "Secret", "Name", "no", "sessions"]
    assert {p: p.read_bytes() for p in repo.data_dir.rglob("*") if p.is_file()} == before


# -- no locale -----------------------------------------------------------------------------------


def test_lang_c_with_non_ascii_answers(repo: Repository, cli_process, tmp_path: Path) -> None:
    cli = cli_process  # the locale is what this is about: real processes
    env = cli_env(LANG="C", LC_ALL="C")
    for var in ("PYTHONUTF8", "PYTHONIOENCODING", "LC_CTYPE"):
        env.pop(var, None)
    name = "Zoë Łukasz 李雷 🙂"
    added = cli("client", "add", "X1", "--name", name, env=env)
    assert added.returncode == 0, added.stderr
    text = "£5 a week, naïve café, Ελληνικά, עברית, 日本語 🙂\nsecond line"
    with repo.open("X1") as cf:
        session = Session(practitioner="sam")
        cf.save_session(session)
        cf.save_answer(answer(session, text))
    listed = subprocess.run(
        [sys.executable, "-m", "tui", "--data-dir", str(repo.data_dir), "client", "list"],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert name.encode("utf-8") in listed.stdout
    out = tmp_path / "x1.json"
    exported = cli("export", "X1", "-o", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert [a["value"] for a in data["records"]["answers"]] == [text]
    readable = out.with_name("x1.json.txt").read_bytes().decode("utf-8")
    assert all(line in readable for line in text.split("\n"))
    assert cli("audit", "X1", "--verify", env=env).returncode == 0


def test_a_pound_sign_byte_on_stdin_does_not_crash_delete(repo: Repository) -> None:
    repo.add_client(Client(id="X1", name="A"))
    with tempfile.TemporaryFile() as stdin:
        stdin.write(b"\xa3\n")
        stdin.seek(0)
        result = subprocess.run(
            [sys.executable, "-m", "tui", "--data-dir", str(repo.data_dir), "delete", "X1"],
            stdin=stdin,
            capture_output=True,
            text=True,
            env=cli_env(),
            cwd=ROOT,
            timeout=60,
        )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert repo.exists("X1")
