"""Encryption at rest: no plain text on disk, wrong passphrase writes nothing, tampering caught."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store import crypto, keyinfo
from store.clients import Repository
from store.crypto import EncryptedCodec, UndecryptableFile
from store.errors import StoreError
from store.keyinfo import WrongPassphrase
from store.layout import is_encrypted
from store.profile import Client
from store.records import Answer, Session
from tests.conftest import ROOT, cli_env
from tui.services.errors import UserError
from tui.services.privacy.unlock import codec_for, passphrase_from_file, unlock_with

PASSPHRASE = "correct horse battery staple"
SECRET = "SECRET-ANSWER-7f3a Zoë’s brother Łukasz"
SECRET_B = "OTHER-CLIENT-ANSWER-19c2"


def write_secret(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def passfile(tmp_path: Path) -> Path:
    return write_secret(tmp_path / "pass", PASSPHRASE)


@pytest.fixture
def enc_repo(data_dir: Path) -> Repository:
    plain = Repository(data_dir)
    plain.ensure()
    codec = crypto.create_keyinfo(data_dir, PASSPHRASE)
    repo = Repository(data_dir, codec=codec)
    repo.ensure()
    return repo


def fill(repo: Repository, cid: str, text: str, saves: int = 3) -> None:
    repo.add_client(Client(id=cid, name=f"Client {cid}"))
    with repo.open(cid) as cf:
        session = Session(practitioner="sam")
        cf.save_session(session.model_copy(update={"notes": f"notes {text}"}))
        for i in range(saves):  # several saves, so a .bak of an earlier state exists
            cf.save_answer(
                Answer(
                    session_id=session.id,
                    exercise_id="identify",
                    step_id="impact-thoughts",
                    value=f"{text} {i}",
                    recorded_by="sam",
                )
            )
        cf.save_answer(
            Answer(
                session_id=session.id,
                exercise_id="connection-traffic-light",
                step_id="contacts",
                value=[{"who": text, "how": "phone"}],
                recorded_by="sam",
            )
        )


def needles(text: str) -> list[bytes]:
    """The ways a string could appear in a file: UTF-8, and JSON-escaped."""
    return [
        text.encode("utf-8"),
        json.dumps(text)[1:-1].encode("ascii"),
        text.split()[0].encode("ascii"),
    ]


def all_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_no_client_file_bak_or_temp_file_holds_plain_text(
    enc_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_temp: list[bytes] = []
    real_replace = os.replace

    def spying_replace(src: str | Path, dst: str | Path) -> None:
        if str(src).endswith(".tmp"):
            seen_temp.append(Path(src).read_bytes())
        real_replace(src, dst)

    monkeypatch.setattr("store.files.os.replace", spying_replace)
    fill(enc_repo, "X1", SECRET)
    assert seen_temp, "saves go through temp files"
    clients = enc_repo.clients_dir
    assert (clients / "X1.json.bak").exists()
    on_disk = [p.read_bytes() for p in enc_repo.data_dir.rglob("*") if p.is_file()]
    for blob in [*seen_temp, *on_disk]:
        for needle in needles(SECRET):
            assert needle not in blob
    for name in ("X1.json", "X1.json.bak"):
        assert (clients / name).read_bytes().startswith(crypto.MAGIC)
    with enc_repo.read("X1") as cf:  # and it all reads back
        assert cf.latest_answers()[("identify", "impact-thoughts")].value == f"{SECRET} 2"


def test_header_holds_version_kdf_params_salt_and_a_fresh_nonce(enc_repo: Repository) -> None:
    fill(enc_repo, "X1", SECRET, saves=1)
    info = json.loads((enc_repo.data_dir / "keyinfo.json").read_text())
    assert (info["kdf"], info["r"], info["p"]) == ("scrypt", 8, 1)
    assert 2 ** info["log2_n"] >= 2**15
    assert "key" not in info and PASSPHRASE not in json.dumps(info)
    nonces = []
    for name in ("X1.json", "X1.json.bak"):
        blob = (enc_repo.clients_dir / name).read_bytes()
        magic, version, kdf, log2_n, r, p, salt_len = crypto._HEADER.unpack_from(blob)
        assert (magic, version, kdf, r, p) == (crypto.MAGIC, 1, keyinfo.KDF_SCRYPT, 8, 1)
        assert 2**log2_n >= 2**15
        salt = blob[crypto._HEADER.size : crypto._HEADER.size + salt_len]
        assert salt == __import__("base64").b64decode(info["salt"])
        nonces.append(blob[crypto._HEADER.size + salt_len : crypto._HEADER.size + salt_len + 12])
    assert nonces[0] != nonces[1]
    assert (enc_repo.data_dir / "keyinfo.json").stat().st_mode & 0o777 == 0o600


def test_production_cost_cannot_be_lowered(data_dir: Path) -> None:
    data_dir.mkdir()
    with pytest.raises(StoreError, match="scrypt parameters"):
        crypto.create_keyinfo(data_dir, PASSPHRASE, log2_n=10)
    assert not is_encrypted(data_dir)


def test_wrong_passphrase_changes_no_byte_on_disk(
    enc_repo: Repository, data_dir: Path, tmp_path: Path, cli
) -> None:
    fill(enc_repo, "X1", SECRET)
    before = all_files(data_dir)
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        unlock_with(data_dir, "not the passphrase")
    wrong = write_secret(tmp_path / "wrong", "not the passphrase")
    env = cli_env(WELLBEING_PASSPHRASE_FILE=str(wrong))
    for args in (
        ["client", "list"],
        ["client", "add", "Y2", "--name", "B"],
        ["export", "X1", "-o", str(tmp_path / "out.json")],
        ["delete", "X1", "--yes"],
        ["retention"],
        ["init", "--encrypt"],
    ):
        result = cli(*args, env=env)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.count("\n") == 1
        assert "wrong passphrase" in result.stderr or "already encrypted" in result.stderr
        assert "Traceback" not in result.stderr
    assert all_files(data_dir) == before
    assert not (tmp_path / "out.json").exists()


def test_flipped_byte_is_detected_and_never_overwritten(enc_repo: Repository) -> None:
    fill(enc_repo, "X1", SECRET, saves=1)
    path = enc_repo.path("X1")
    good = path.read_bytes()
    for offset in (len(good) // 2, len(good) - 1, 9, 20):  # body, tag, version/kdf, salt
        bad = bytearray(good)
        bad[offset] ^= 0x01
        path.write_bytes(bytes(bad))
        with pytest.raises(UndecryptableFile) as info:
            enc_repo.open("X1")
        assert str(path) in str(info.value) and "\n" not in str(info.value)
        assert path.read_bytes() == bytes(bad)
    path.write_bytes(good)
    with enc_repo.open("X1") as cf:
        assert cf.client().id == "X1"


def test_a_file_swapped_between_clients_is_refused(enc_repo: Repository) -> None:
    fill(enc_repo, "X1", SECRET, saves=1)
    fill(enc_repo, "Y2", SECRET_B, saves=1)
    x1, y2 = enc_repo.path("X1"), enc_repo.path("Y2")
    y2_bytes = y2.read_bytes()
    x1.write_bytes(y2_bytes)  # Y2's file put in X1's place
    with pytest.raises(UndecryptableFile, match="swapped"):
        enc_repo.open("X1")
    with pytest.raises(UndecryptableFile):
        enc_repo.read("X1").answers()
    assert x1.read_bytes() == y2_bytes
    with enc_repo.read("Y2") as cf:  # the original is fine where it belongs
        assert cf.client().id == "Y2"


def test_temp_and_backup_names_decrypt_as_their_client_only(enc_repo: Repository) -> None:
    codec = enc_repo.codec
    assert isinstance(codec, EncryptedCodec)
    blob = codec.encode(b"{}", path=enc_repo.clients_dir / "X1.json")
    for name in (
        "X1.json.bak",
        ".X1.json.0a1b2c3d.tmp",
        ".X1.json.bak.0a1b2c3d.tmp",
        "X1.json.corrupt-20260101T000000Z",
    ):
        assert codec.decode(blob, path=enc_repo.clients_dir / name) == b"{}"
    for name in ("Y2.json", "Y2.json.bak", ".Y2.json.0a1b2c3d.tmp"):
        with pytest.raises(UndecryptableFile):
            codec.decode(blob, path=enc_repo.clients_dir / name)
    with pytest.raises(StoreError):
        codec.encode(b"{}", path=enc_repo.clients_dir / "keyinfo")


def test_restore_backup_works_encrypted(enc_repo: Repository) -> None:
    fill(enc_repo, "X1", SECRET, saves=2)
    enc_repo.path("X1").write_bytes(b"garbage")
    enc_repo.restore_backup("X1")
    with enc_repo.read("X1") as cf:
        assert cf.client().id == "X1"


def test_init_encrypt_converts_a_plain_data_dir_in_place(
    repo: Repository, data_dir: Path, passfile: Path, cli
) -> None:
    fill(repo, "X1", SECRET)
    fill(repo, "Y2", SECRET_B, saves=1)
    corrupt = repo.clients_dir / "X1.json.corrupt-20260101T000000Z"
    corrupt.write_bytes(b'{"broken ' + SECRET.encode())
    temp = repo.clients_dir / ".X1.json.deadbeef.tmp"
    temp.write_bytes(SECRET.encode())
    env = cli_env(WELLBEING_PASSPHRASE_FILE=str(passfile))
    result = cli("init", "--encrypt", env=env)
    assert result.returncode == 0, result.stderr
    assert is_encrypted(data_dir)
    for path in data_dir.rglob("*"):
        if path.is_file():
            for needle in [*needles(SECRET), *needles(SECRET_B)]:
                assert needle not in path.read_bytes(), path
    assert not temp.exists()
    codec = unlock_with(data_dir, PASSPHRASE)
    assert codec.decode(corrupt.read_bytes(), path=corrupt).endswith(SECRET.encode())
    with Repository(data_dir, codec=codec).read("Y2") as cf:
        assert cf.latest_answers()[("identify", "impact-thoughts")].value == f"{SECRET_B} 0"
    listed = cli("client", "list", env=env)
    assert listed.returncode == 0 and "X1" in listed.stdout
    again = cli("init", "--encrypt", env=env)
    assert again.returncode == 1 and "already encrypted" in again.stderr


def test_plain_file_left_in_an_encrypted_dir_is_named(enc_repo: Repository) -> None:
    fill(enc_repo, "X1", SECRET, saves=1)
    plain = enc_repo.path("X1")
    plain.write_bytes(b'{"client": {}}')
    with pytest.raises(UndecryptableFile, match="init --encrypt"):
        enc_repo.open("X1")
    assert plain.read_bytes() == b'{"client": {}}'


def test_codec_for_reads_the_passphrase_file(
    enc_repo: Repository, data_dir: Path, passfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert codec_for(data_dir.parent / "elsewhere") is None
    monkeypatch.setenv("WELLBEING_PASSPHRASE_FILE", str(passfile))
    codec = codec_for(data_dir)
    assert isinstance(codec, EncryptedCodec) and "key" not in repr(codec).lower().replace("n=", "")
    passfile.chmod(0o644)
    with pytest.raises(UserError, match="chmod 600"):
        passphrase_from_file(passfile)


def test_short_passphrase_is_refused(data_dir: Path) -> None:
    data_dir.mkdir()
    with pytest.raises(StoreError, match="too short"):
        crypto.create_keyinfo(data_dir, "short")
    assert not (data_dir / "keyinfo.json").exists()


def test_unlocking_disables_core_dumps(enc_repo: Repository, data_dir: Path) -> None:
    script = (
        "import resource, sys; from pathlib import Path; "
        "from tui.services.privacy.unlock import unlock_with; "
        f"unlock_with(Path(sys.argv[1]), {PASSPHRASE!r}); "
        "print(resource.getrlimit(resource.RLIMIT_CORE))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(data_dir)],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=60,
    )
    assert result.stdout.strip() == "(0, 0)", result.stderr


# -- the key, derived at launch beside the app's imports ---------------------------------------------


def test_the_key_is_scrypt_as_rfc_7914_gives_it() -> None:
    """The RFC's third test vector (its first 32 bytes: a key is 32), and cryptography's scrypt
    at the production cost, which derived the keys of every data dir encrypted before."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    rfc = keyinfo.KdfParams(salt=b"SodiumChloride", log2_n=14, r=8, p=1)
    assert rfc.derive("pleaseletmein") == bytes.fromhex(
        "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
    )
    params = keyinfo.KdfParams(salt=os.urandom(keyinfo.SALT_BYTES))
    before = Scrypt(salt=params.salt, length=32, n=2**params.log2_n, r=8, p=1)
    assert params.derive("Zoë’s passphrase") == before.derive("Zoë’s passphrase".encode())


def test_deriving_a_data_dirs_key_needs_no_cryptography(
    enc_repo: Repository, passfile: Path
) -> None:
    """What the app does on a thread while its modules load: the passphrase file read, the key
    derived. Importing `cryptography` there would take the interpreter from those imports."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tui.services.privacy.unlock import key_for\n"
        f"key = key_for(Path({str(enc_repo.data_dir)!r}))\n"
        "assert len(key.key) == 32 and key.key.hex() not in repr(key) and key.key.hex() not in str(key)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cryptography', 'filelock')))\n"
    )
    env = cli_env(WELLBEING_PASSPHRASE_FILE=str(passfile))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _bytes_under(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_app_unlocked_from_a_file_shows_the_list_or_refuses_a_wrong_passphrase(
    enc_repo: Repository, passfile: Path, tmp_path: Path
) -> None:
    """Launched with WELLBEING_PASSPHRASE_FILE: the right passphrase shows the client; a wrong
    one is one line, exit 1, and not one byte of the data dir changed."""
    from tests.pty_app import PtyApp

    fill(enc_repo, "X1", SECRET)
    data_dir = enc_repo.data_dir
    wrong = write_secret(tmp_path / "wrong", "not the passphrase")
    before = _bytes_under(data_dir)
    app = PtyApp(["--data-dir", str(data_dir)], env=cli_env(WELLBEING_PASSPHRASE_FILE=str(wrong)))
    try:
        app.proc.wait(timeout=60)
        app.read(0.3)
    finally:
        app.close()
    shown = app.output.decode("utf-8", "replace").strip()
    assert app.proc.returncode == 1
    assert shown.count("\n") == 0 and "wrong passphrase" in shown, shown
    assert _bytes_under(data_dir) == before

    app = PtyApp(
        ["--data-dir", str(data_dir)], env=cli_env(WELLBEING_PASSPHRASE_FILE=str(passfile))
    )
    try:
        assert app.wait_for(b"Client X1", timeout=60), app.output[-400:]
    finally:
        app.close()
