"""The team-server set-up of docs/deploy-ssh.md, for real: sshd with a ForceCommand, ssh in tmux.

A throwaway sshd listens on 127.0.0.1 on a free port with its own host key, an authorized user key
and `ForceCommand` running the app on a data dir of its own. The practitioner connects with `ssh`
inside tmux, records an answer, the connection is killed (the ssh client, not the server), they
connect again and find the answer and the resume point. Low-bandwidth mode must be on (sshd sets
SSH_CONNECTION): an idle session sends nothing.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.clients import Repository
from tests.test_tmux_e2e import cli, go_to_step, pick_exercises, write_config
from tests.tmux_session import ROOT, TmuxSession, process_alive, tmux_path, tmux_session

pytestmark = [pytest.mark.xdist_group("ssh"), pytest.mark.ssh]

SSHD = "/usr/sbin/sshd"
MISSING = [
    name
    for name, path in (
        ("sshd (openssh-server)", SSHD if os.access(SSHD, os.X_OK) else None),
        ("ssh (openssh-client)", shutil.which("ssh")),
        ("ssh-keygen", shutil.which("ssh-keygen")),
        ("tmux", tmux_path()),
    )
    if path is None
]
if MISSING:
    if os.environ.get("CI"):
        raise RuntimeError(f"missing {', '.join(MISSING)}, and CI must run the sshd test")
    pytest.skip(
        f"missing {', '.join(MISSING)} (CI installs them: .ci/run)", allow_module_level=True
    )

ANSWER = "Over the link: I would ring them"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_processes(data_dir: Path) -> list[int]:
    """Our app processes on `data_dir` (the ones sshd started for the test's connections)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tui" in argv and str(data_dir).encode() in argv and process_alive(int(entry.name)):
            pids.append(int(entry.name))
    return pids


class Sshd:
    """A throwaway sshd on loopback whose only command is the app (docs/deploy-ssh.md, 2)."""

    def __init__(self, base: Path, force_command: str):
        self.base = base
        self.port = free_port()
        self.user = getpass.getuser()
        self.host_key = base / "ssh_host_ed25519_key"
        self.user_key = base / "id_ed25519"
        self.log = base / "sshd.log"
        self.pidfile = base / "sshd.pid"
        for key in (self.host_key, self.user_key):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                check=True,
                capture_output=True,
                timeout=30,
            )
        authorized = base / "authorized_keys"
        shutil.copy(f"{self.user_key}.pub", authorized)
        authorized.chmod(0o600)
        self.config = base / "sshd_config"
        self.config.write_text(
            f"""\
Port {self.port}
ListenAddress 127.0.0.1
HostKey {self.host_key}
PidFile {self.pidfile}
AuthorizedKeysFile {authorized}
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
ForceCommand {force_command}
PermitTTY yes
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PermitUserRC no
""",
            encoding="utf-8",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        privsep = Path("/run/sshd")  # sshd refuses to start without its privilege separation dir
        if not privsep.is_dir():
            try:
                privsep.mkdir(mode=0o755, parents=True)
            except PermissionError:
                if os.environ.get("CI"):
                    raise
                pytest.skip("/run/sshd is missing and cannot be created without root")
        check = subprocess.run(
            [SSHD, "-t", "-f", str(self.config)], capture_output=True, text=True, timeout=30
        )
        assert check.returncode == 0, f"sshd rejects the config: {check.stderr}"
        log = self.log.open("wb")
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(self.config)],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        end = time.monotonic() + 15
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"sshd exited: {self.log.read_text(errors='replace')}")
            if b"Server listening" in self.log.read_bytes():
                return
            time.sleep(0.05)
        raise AssertionError(f"sshd did not start: {self.log.read_text(errors='replace')}")

    def ssh_command(self) -> list[str]:
        return [
            "ssh",
            "-tt",
            "-i",
            str(self.user_key),
            "-p",
            str(self.port),
            "-F",
            "/dev/null",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=ERROR",
            f"{self.user}@127.0.0.1",
        ]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[tuple[Sshd, Path]]:
    """sshd whose ForceCommand runs the app the way docs/deploy-ssh.md says, on its own data dir."""
    data = tmp_path / "data"
    config = write_config(tmp_path / "config.toml", privacy_check=False)
    env = {
        "PYTHONPATH": str(ROOT),
        "WELLBEING_CONFIG": str(config),
        "WELLBEING_STATE_DIR": str(tmp_path / "state"),
    }
    force = shlex.join(
        [
            "env",
            *(f"{k}={v}" for k, v in env.items()),
            sys.executable,
            "-m",
            "tui",
            "--data-dir",
            str(data),
        ]
    )
    server = Sshd(tmp_path, force)
    try:
        server.start()
        yield server, data
    finally:
        server.stop()
        for pid in app_processes(data):  # a session sshd left behind
            os.kill(pid, signal.SIGKILL)


def connect(tmux: TmuxSession, server: Sshd) -> int:
    pid = tmux.start(server.ssh_command())
    try:
        tmux.wait_for("S1", "Sam Over", timeout=30)
    except AssertionError as exc:
        log = server.log.read_text(errors="replace")
        raise AssertionError(f"{exc}\nsshd log:\n{log}") from None
    return pid


def drop_connection(tmux: TmuxSession, ssh_pid: int, data: Path) -> None:
    """Kill the ssh client (the link drops; sshd hangs up the app) and wait for the app to go."""
    os.kill(ssh_pid, signal.SIGKILL)
    end = time.monotonic() + 20
    while app_processes(data) or process_alive(ssh_pid):
        assert time.monotonic() < end, "the app did not exit after the connection dropped"
        time.sleep(0.05)
    tmux.run("kill-session", "-t", "main", check=False)


def wait_saved(data: Path, answer: str, timeout: float = 10.0) -> None:
    """Until the autosave has put `answer` in S1's file (read-only opens do not disturb the app)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with Repository(data).read("S1") as cf:
            if any(a.value == answer for a in cf.answers()):
                return
        time.sleep(0.1)
    raise AssertionError("the answer was not autosaved")


def test_ssh_forcecommand_answer_survives_a_dropped_connection(
    sshd: tuple[Sshd, Path], tmp_path: Path
) -> None:
    server, data = sshd
    cli(data, "client", "add", "S1", "--name", "Sam Over")
    with tmux_session() as tmux:
        ssh_pid = connect(tmux, server)
        tmux.keys("Enter")
        tmux.wait_for("S1 · Sam Over", "New session")
        tmux.keys("n")
        tmux.wait_for("Order: none chosen yet")
        pick_exercises(tmux, "treat-a-friend")
        tmux.keys("C-s")
        tmux.wait_for("How Would You Treat a Friend?", "not started")
        tmux.keys("Enter")
        tmux.wait_for("Step 1 of 6")
        # Low-bandwidth mode shows no running count and no "saving…" flicker: wait on the file.
        go_to_step(tmux, 2, 6, "A friend who is struggling")
        tmux.type(ANSWER)
        tmux.wait_for(ANSWER, "saved ✓")
        wait_saved(data, ANSWER)
        tmux.settle()

        # Low-bandwidth mode (on because sshd set SSH_CONNECTION): with the cursor in a text
        # field, an idle app sends nothing at all, not even a cursor blink.
        piped = tmp_path / "idle-output.bin"
        piped.touch()
        tmux.run("pipe-pane", "-t", "main", "-o", f"cat >> {shlex.quote(str(piped))}")
        time.sleep(3.0)
        tmux.run("pipe-pane", "-t", "main")
        idle = piped.read_bytes()
        assert idle == b"", f"{len(idle)} bytes sent while idle over SSH: {idle[:200]!r}"

        drop_connection(tmux, ssh_pid, data)
        assert not (data / "clients" / "S1.holder").exists(), "the hang-up left the client held"
        with Repository(data).read("S1") as cf:
            saved = {(a.exercise_id, a.step_id): a.value for a in cf.answers()}
        assert saved == {("treat-a-friend", "friend"): ANSWER}

        # Log in again: the answer is there and the exercise resumes at that step.
        ssh_pid = connect(tmux, server)
        tmux.keys("Enter")
        screen = tmux.wait_for("S1 · Sam Over", "in progress")
        assert "read-only" not in screen
        tmux.keys("r")
        tmux.wait_for("How Would You Treat a Friend?", "2 of 6 steps")
        tmux.keys("Enter")
        screen = tmux.wait_for("Step 2 of 6", "A friend who is struggling", ANSWER)
        (tmp_path / "resumed-over-ssh.txt").write_text(screen, encoding="utf-8")

        # Quitting the app ends the connection (ForceCommand: there is no shell behind it).
        tmux.keys("C-q")
        end = time.monotonic() + 15
        while process_alive(ssh_pid):
            assert time.monotonic() < end, "ssh still connected after the app quit"
            time.sleep(0.05)
