"""docs/deploy-ssh.md, followed word for word, then a team of real users over a real sshd.

The guide's shell blocks are extracted and run in order, as root, with only its section 0 values
changed (temporary folders, throwaway group and account names, the test's own sshd on a free port,
reloaded by its pid file as a server without systemd is). The caseload is encrypted (section 3).
Then three real users log in with keys: two practitioners in the team group, who type the
passphrase, and an outsider. The admin's commands run on the encrypted caseload; a client a
practitioner holds is taken over and moved to a second "server" (a second caseload set up by the
same sections) and in there. The test removes its users, group, folders and sshd however it ends.
It needs root, tmux and OpenSSH: without them it is skipped locally and fails under CI.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.test_tmux_e2e import go_to_step, pick_exercises
from tests.tmux_session import ROOT, TmuxSession, process_alive, tmux_path

pytestmark = [pytest.mark.xdist_group("ssh"), pytest.mark.ssh]

GUIDE = ROOT / "docs" / "deploy-ssh.md"
SSHD = "/usr/sbin/sshd"
NEEDS = {
    "root": os.geteuid() == 0,
    "tmux": tmux_path() is not None,
    "useradd": shutil.which("useradd") is not None,
}
if not all(NEEDS.values()):
    missing = ", ".join(k for k, ok in NEEDS.items() if not ok)
    if os.environ.get("CI"):
        raise RuntimeError(f"the team server test must run in CI but lacks: {missing}")
    pytest.skip(f"needs {missing} (CI runs it as root: .ci/run)", allow_module_level=True)

KEEPALIVE = 2  # seconds; OpenSSH checks every second interval, and gives up at the 4th check


def frozen_link_factor() -> int:
    """The guide's promise for a frozen link, in KEEPALIVEs, from its own sshd settings: OpenSSH
    checks every second interval and ends the session at check ClientAliveCountMax + 1."""
    found = re.search(r"ClientAliveCountMax (\d+)", GUIDE.read_text("utf-8"))
    assert found, "the guide sets no ClientAliveCountMax"
    return 2 * (int(found.group(1)) + 1)


#: the release of a frozen link the guide promises (section 5), plus the test's polling
FROZEN_LINK_MAX = frozen_link_factor() * KEEPALIVE + 3
PASSPHRASE = "team caseload passphrase 26"
OTHER_PASSPHRASE = "the other server's passphrase"
TRANSFER_PASSPHRASE = "agreed by phone with the other team"
TAKEOVER_MINUTES = 1  # the shortest wait the config allows: the held client is held this long
ANSWER = "I would tell them it is not their fault"
PARTIAL = "kind words, then a cup of tea"


def guide_blocks() -> list[tuple[int, str]]:
    """(section number, shell text) of every ```sh block of the guide, in order."""
    text = GUIDE.read_text("utf-8")
    blocks, section = [], -1
    for chunk in re.split(r"(^## \d+\..*$)", text, flags=re.MULTILINE):
        heading = re.match(r"## (\d+)\.", chunk)
        if heading:
            section = int(heading.group(1))
            continue
        blocks += [(section, b) for b in re.findall(r"^```sh\n(.*?)^```", chunk, re.S | re.M)]
    return blocks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Team:
    base: Path
    suffix: str = field(default_factory=lambda: secrets.token_hex(2))
    port: int = field(default_factory=free_port)
    sshd: subprocess.Popen[bytes] | None = None
    log: list[str] = field(default_factory=list)

    @property
    def team(self) -> str:
        return f"wbteam{self.suffix}"

    @property
    def managers(self) -> str:
        return f"wbmgr{self.suffix}"

    @property
    def service(self) -> str:
        return f"wbdata{self.suffix}"

    def login(self, n: int) -> str:
        return f"wbprac{n}{self.suffix}"

    @property
    def outsider(self) -> str:
        return f"wbout{self.suffix}"

    @property
    def data(self) -> Path:
        return self.base / "srv"

    def values(self, **other: str) -> dict[str, str]:
        """Section 0 of the guide, as the test sets it (the only changes to the guide); `other`
        for the second server, or a section's own value (CLIENT, BUNDLE)."""
        return {
            "CHECKOUT": str(ROOT),
            "PREFIX": str(self.base / "opt"),
            "DATA": str(self.data),
            "CONFIG": str(self.base / "etc" / "config.toml"),
            "TEAM": self.team,
            "SERVICE": self.service,
            "ADMINS": "root",
            "PRACTITIONERS": f"{self.login(1)} {self.login(2)}",
            "MANAGER_GROUP": self.managers,
            "MANAGERS": self.login(2),
            "KEYS": str(self.base / "keys"),
            "KEEPALIVE": str(KEEPALIVE),
            "TAKEOVER_MINUTES": str(TAKEOVER_MINUTES),
            "PASSPHRASE_FILE": str(self.base / "etc" / "passphrase"),
            "SAR_DIR": str(self.base / "sar"),
            "TRANSFERS": str(self.base / "transfers"),
            "TRANSFER_PASSPHRASE_FILE": str(self.base / "etc" / "transfer-passphrase"),
            "SSHD_MAIN": str(self.base / "sshd_config"),
            "SSHD_DROPIN": str(self.base / "sshd_config.d" / "wellbeing.conf"),
            "RELOAD_SSHD": "hup",  # the test's own sshd, by its pid file: never the system's
            "SSHD_PID": str(self.base / "sshd.pid"),
            "CLIENT": "T1",
            **other,
        }

    def other_server(self) -> dict[str, str]:
        """The second "server": its own caseload, config, passphrase files and transfers."""
        other = self.base / "other"
        return {
            "DATA": str(other / "srv"),
            "CONFIG": str(other / "etc" / "config.toml"),
            "PASSPHRASE_FILE": str(other / "etc" / "passphrase"),
            "TRANSFERS": str(other / "transfers"),
            "TRANSFER_PASSPHRASE_FILE": str(other / "etc" / "transfer-passphrase"),
        }

    def secret(self, path: str, text: str) -> None:
        """What the guide asks the admin to put in a file first (as root, with an editor); its
        folders as root's usual umask (022) makes them, whatever this process's umask is."""
        for folder in reversed(Path(path).parents):
            if not folder.exists():
                folder.mkdir(mode=0o755)
                folder.chmod(0o755)
        Path(path).write_text(text + "\n", "utf-8")
        Path(path).chmod(0o600)

    def run_guide(self, sections: set[int], **other: str) -> None:
        """Run the guide's blocks of `sections` in order, each section in one shell after
        section 0 (a section's blocks may share a helper), tracing every command it runs."""
        blocks = guide_blocks()
        preamble = "\n".join(text for n, text in blocks if n == 0)
        env = {**os.environ, **self.values(**other), "DEBIAN_FRONTEND": "noninteractive"}
        env.pop("VIRTUAL_ENV", None)
        env["PS4"] = "+ "
        for number in sorted(sections - {0}):
            body = "\n".join(text for n, text in blocks if n == number)
            script = f"set -euo pipefail\n{preamble}\nset -x\n{body}"
            done = subprocess.run(  # as a root shell runs: umask 022, not this process's
                ["bash", "-c", script],
                capture_output=True,
                text=True,
                env=env,
                timeout=600,
                umask=0o022,
            )
            traced = [ln[2:] for ln in done.stderr.splitlines() if ln.startswith("+ ")]
            where = " (the other server)" if other.get("DATA") else ""
            self.log.append(f"section {number}{where}: exit {done.returncode}")
            self.log += [f"    {line}" for line in traced]
            assert done.returncode == 0, f"guide section {number} failed:\n{body}\n{done.stderr}"

    def keys(self) -> None:
        keys = self.base / "keys"
        keys.mkdir()
        for login in (self.login(1), self.login(2), self.outsider):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / login)],
                check=True,
                capture_output=True,
                timeout=30,
            )

    def sshd_config(self) -> None:
        """The system's sshd_config, on a private port, including the test's drop-in folder."""
        main = Path("/etc/ssh/sshd_config").read_text("utf-8")
        main = main.replace(
            "Include /etc/ssh/sshd_config.d/*.conf",
            f"Include {self.base}/sshd_config.d/*.conf",
        )
        head = f"Port {self.port}\nListenAddress 127.0.0.1\nPidFile {self.base}/sshd.pid\n"
        (self.base / "sshd_config").write_text(head + main, "utf-8")
        (self.base / "sshd_config.d").mkdir(exist_ok=True)

    def start_sshd(self) -> None:
        """The test's sshd, before the guide's section 5 writes its drop-in and reloads it."""
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        logfile = (self.base / "sshd.log").open("wb")
        self.sshd = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(self.base / "sshd_config")],
            stdout=logfile,
            stderr=logfile,
            stdin=subprocess.DEVNULL,
        )
        logfile.close()
        self.wait_listening(1)

    def wait_listening(self, starts: int) -> None:
        """Until sshd has started listening `starts` times (a reload by SIGHUP starts it again)."""
        assert self.sshd is not None
        end = time.monotonic() + 15
        while (self.base / "sshd.log").read_bytes().count(b"Server listening") < starts:
            assert self.sshd.poll() is None, self.sshd_log()
            assert time.monotonic() < end, self.sshd_log()
            time.sleep(0.05)

    def sshd_log(self) -> str:
        return (self.base / "sshd.log").read_text(errors="replace")

    def ssh(self, login: str, *extra: str, tty: bool = True) -> list[str]:
        return [
            "ssh",
            *(["-tt"] if tty else ["-T"]),
            "-i",
            str(self.base / "keys" / login),
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
            *extra,
            f"{login}@127.0.0.1",
        ]

    def as_team(self, *args: str, **other: str) -> subprocess.CompletedProcess[str]:
        """The guide's `as_team` helper (section 0), for the test's own checks."""
        v = self.values(**other)
        return subprocess.run(
            [
                "runuser",
                "-u",
                self.service,
                "--",
                "env",
                f"WELLBEING_CONFIG={v['CONFIG']}",
                f"WELLBEING_PASSPHRASE_FILE={v['PASSPHRASE_FILE']}",
                f"{v['PREFIX']}/venv/bin/wellbeing",
                "--data-dir",
                v["DATA"],
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )

    def app_pids(self, login: str) -> list[int]:
        """The app processes sshd started for `login`."""
        uid = int(subprocess.run(["id", "-u", login], capture_output=True, text=True).stdout)
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid != uid:
                    continue
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(a.endswith(b"/wellbeing") for a in argv) and process_alive(int(entry.name)):
                found.append(int(entry.name))
        return found

    def cleanup(self) -> None:
        if self.sshd is not None and self.sshd.poll() is None:
            self.sshd.terminate()
            try:
                self.sshd.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.sshd.kill()
        for login in (self.login(1), self.login(2), self.outsider):
            subprocess.run(["pkill", "-KILL", "-u", login], capture_output=True, check=False)
            subprocess.run(["userdel", "-r", login], capture_output=True, check=False)
        subprocess.run(["userdel", self.service], capture_output=True, check=False)
        subprocess.run(["groupdel", self.team], capture_output=True, check=False)
        subprocess.run(["groupdel", self.managers], capture_output=True, check=False)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def team() -> Iterator[Team]:
    base = Path(tempfile.mkdtemp(prefix="wbteam-", dir="/tmp"))
    base.chmod(0o755)  # the practitioners must reach the app and the caseload under it
    server = Team(base)
    try:
        server.keys()
        server.run_guide({1})  # installs OpenSSH and the app
        server.sshd_config()
        server.start_sshd()
        server.secret(server.values()["PASSPHRASE_FILE"], PASSPHRASE)
        server.run_guide({2, 3, 4, 5, 8})
        server.wait_listening(2)  # section 5 reloaded it (SIGHUP, as without systemd)
        subprocess.run(
            ["useradd", "--create-home", "--shell", "/bin/bash", server.outsider], check=True
        )
        home = Path(f"/home/{server.outsider}/.ssh")
        home.mkdir(mode=0o700)
        shutil.copy(base / "keys" / f"{server.outsider}.pub", home / "authorized_keys")
        shutil.chown(home, server.outsider, server.outsider)
        shutil.chown(home / "authorized_keys", server.outsider, server.outsider)
        yield server
    finally:
        server.cleanup()


def connect(tmux: TmuxSession, team: Team, login: str) -> int:
    # ssh under a shell: tmux resumes a pane's own process when it stops, so a client frozen
    # with SIGSTOP must not be the pane's process
    pid = tmux.start(["sh", "-c", shlex.join(team.ssh(login)) + "; exit"])
    try:
        tmux.wait_for("the client records are encrypted", timeout=40)
        tmux.type(PASSPHRASE)  # the practitioner types it (section 3)
        tmux.keys("Enter")
        tmux.wait_for("Wellbeing Guide", "Add client", timeout=40)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nsshd log:\n{team.sshd_log()}") from None
    return pid


def ssh_client(tmux: TmuxSession) -> int:
    """The ssh client's pid: the pane's process, or its child when a shell started it."""
    pid = tmux.pane_pid()
    for _ in range(3):
        if Path(f"/proc/{pid}/comm").read_text().strip() == "ssh":
            return pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        assert children, f"no ssh under pane process {pid}"
        pid = int(children[0])
    raise AssertionError("no ssh client in the pane")


def wait_no_app(team: Team, login: str, what: str, timeout: float) -> float:
    start = time.monotonic()
    while team.app_pids(login):
        assert time.monotonic() - start < timeout, (
            f"the app still runs after {what}; sshd log:\n{team.sshd_log()[-3000:]}"
        )
        time.sleep(0.1)
    return time.monotonic() - start


def add_client(tmux: TmuxSession, cid: str, name: str) -> None:
    """From the client list: add a client; the app opens them for editing (it holds them)."""
    tmux.keys("a")
    tmux.wait_for("Add a client")
    tmux.type(cid)
    tmux.settle()
    tmux.keys("Tab")
    tmux.settle()
    tmux.type(name)
    tmux.wait_for(name)
    tmux.keys("C-s")
    tmux.wait_for(f"{cid} · {name}", "New session")


def open_listed(tmux: TmuxSession, cid: str) -> None:
    """From the client list: find a client by its ID ( / ) and open it (Enter)."""
    tmux.wait_for(cid)
    tmux.keys("/")
    tmux.settle()
    tmux.type(cid)
    tmux.settle()
    tmux.keys("Enter")  # to the rows found
    tmux.settle()
    tmux.keys("Enter")


def test_the_guide_gives_a_working_team_server(team: Team) -> None:
    first, second = team.login(1), team.login(2)
    a, b, c = TmuxSession(), TmuxSession(), TmuxSession()
    try:
        # prac2 adds T2 and keeps it open: the client the admin takes over and moves at the end
        connect(b, team, second)
        add_client(b, "T2", "Held Client")
        assert (team.data / "clients" / "T2.holder").exists()

        # prac1 adds a client and starts a session; the files are the team's, encrypted
        connect(a, team, first)
        add_client(a, "T1", "Team Test")
        a.keys("n")
        a.wait_for("Order: none chosen yet")
        pick_exercises(a, "treat-a-friend")
        a.keys("C-s")
        a.wait_for("privacy check")
        for i in range(3):
            a.keys("Space")
            a.wait_until(lambda s, n=i + 1: s.count("✓") >= n, f"{i + 1} ticks")
            a.keys("Tab")
        a.keys("C-s")
        a.wait_for("How Would You Treat a Friend?", "not started")
        a.keys("Enter")
        a.wait_for("Step 1 of 6")
        a.settle()
        go_to_step(a, 2, 6, "A friend who is struggling")
        a.type(ANSWER)
        a.wait_for(ANSWER)
        time.sleep(1.0)
        client_file = team.data / "clients" / "T1.json"
        assert client_file.stat().st_gid == int(
            subprocess.run(
                ["getent", "group", team.team], capture_output=True, text=True
            ).stdout.split(":")[2]
        )
        assert oct(client_file.stat().st_mode & 0o777) == "0o660"
        assert client_file.read_bytes().startswith(b"WBGCRYPT")  # encrypted at rest
        assert oct((team.data / "keyinfo.json").stat().st_mode & 0o777) == "0o660"

        # prac2, in a second login, sees it read-only, named by login, with prac1's answers
        connect(c, team, second)
        open_listed(c, "T1")
        screen = c.wait_for("T1 · Team Test", "read-only")
        assert f"open for editing by {first}" in screen and "uid" not in screen
        c.kill()

        # prac1's link freezes: sshd ends the session within the guide's 8 x KEEPALIVE
        ssh_pid = ssh_client(a)
        os.kill(ssh_pid, signal.SIGSTOP)
        waited = wait_no_app(team, first, "a frozen link", timeout=FROZEN_LINK_MAX + 20)
        team.log.append(f"frozen link: app gone after {waited:.1f} s (KEEPALIVE={KEEPALIVE})")
        assert waited <= FROZEN_LINK_MAX, f"a frozen link took {waited:.1f} s to be released"
        promise = f"within {frozen_link_factor()} × `KEEPALIVE` seconds"
        assert promise in " ".join(GUIDE.read_text("utf-8").split()), "the guide says otherwise"
        assert not (team.data / "clients" / "T1.holder").exists(), "the lock was kept"
        os.kill(ssh_pid, signal.SIGKILL)
        a.kill()

        # prac1 reconnects and resumes where they were, able to edit
        a = TmuxSession()
        connect(a, team, first)
        open_listed(a, "T1")
        screen = a.wait_for("T1 · Team Test", "in progress")
        assert "read-only" not in screen
        a.keys("r")
        a.wait_for("How Would You Treat a Friend?")
        a.keys("Enter")
        a.wait_for("Step 2 of 6", ANSWER)
        go_to_step(a, 3, 6, "When I am struggling")
        a.type(PARTIAL)
        a.wait_for(PARTIAL)

        # a killed ssh client: the app is hung up and saves the partial answer
        ssh_pid = ssh_client(a)
        os.kill(ssh_pid, signal.SIGKILL)
        wait_no_app(team, first, "a killed client", timeout=20)
        a.kill()
        exported = team.data / "exports" / "T1-check.json"
        done = team.as_team("export", "T1", "-o", str(exported))
        assert done.returncode == 0, done.stderr
        answers = json.loads(exported.read_text())["records"]["answers"]
        assert {a["value"] for a in answers} >= {ANSWER, PARTIAL}

        admin_procedure(team)
        take_over_and_move(team, b)
    finally:
        a.kill()
        b.kill()
        c.kill()
        print("\n".join(team.log))


def admin_procedure(team: Team) -> None:
    """Section 7, run after the practitioners' work (in the guide's order), on the encrypted
    caseload; root is refused throughout, with a line naming who owns the caseload."""
    app = [f"{team.values()['PREFIX']}/venv/bin/wellbeing", "--data-dir", str(team.data)]
    env = {**os.environ, "WELLBEING_CONFIG": team.values()["CONFIG"]}
    for args in (["client", "list"], ["audit", "T1", "--verify"]):
        as_root = subprocess.run([*app, *args], capture_output=True, text=True, env=env, timeout=60)
        assert as_root.returncode == 1 and as_root.stderr.count("\n") == 1, as_root.stderr
        assert team.service in as_root.stderr and team.team in as_root.stderr
    team.run_guide({7})
    assert not (team.data / "clients" / "T1.json").exists()
    assert not list((team.data / "exports").glob("T1-*"))  # the exports went with the client
    assert (team.data / "audit" / "T1.jsonl").exists()  # the tombstone
    (kept,) = (team.base / "sar").glob("T1-subject-access-*.json")  # the default name, dated
    assert kept.with_name(kept.name + ".txt").exists()
    sar = json.loads(kept.read_text())
    assert sar["client_id"] == "T1" and sar["records"]["answers"]


def take_over_and_move(team: Team, holder: TmuxSession) -> None:
    """Section 9 on T2, which prac2 still holds: refused while held, taken over (audited; prac2's
    app saves and says so), sent out to the other server, and sections 2, 3 and 10 there."""
    refused = team.as_team("delete", "T2", "--yes")
    assert refused.returncode == 1 and f"open for editing by {team.login(2)}" in refused.stderr
    # the takeover is allowed once the client has been held TAKEOVER_MINUTES
    since = datetime.fromisoformat(
        json.loads((team.data / "clients" / "T2.holder").read_text())["since"]
    )
    allowed = since + timedelta(minutes=TAKEOVER_MINUTES, seconds=1)
    waited = max((allowed - datetime.now(UTC)).total_seconds(), 0.0)
    while datetime.now(UTC) < allowed:  # already past, unless this machine was quick
        time.sleep(0.2)
    team.log.append(f"takeover: waited {waited:.1f} s for T2 to be held {TAKEOVER_MINUTES} min")
    team.secret(team.values()["TRANSFER_PASSPHRASE_FILE"], TRANSFER_PASSPHRASE)
    team.run_guide({9}, CLIENT="T2", TO="the other server's team")
    holder.wait_for("Client T2 was handed over", team.service)
    trail = team.as_team("audit", "T2", "--json")
    assert trail.returncode == 0, trail.stderr
    actions = [json.loads(line)["action"] for line in trail.stdout.splitlines()]
    assert actions == ["transferred out"]  # erased here: the tombstone alone
    assert not (team.data / "clients" / "T2.json").exists()
    (bundle,) = (team.base / "transfers").glob("T2-transfer-*.bundle")
    assert bundle.stat().st_uid == int(
        subprocess.run(["id", "-u", team.service], capture_output=True, text=True).stdout
    )

    # the other server: set up by the same page (its own caseload and passphrases)
    other = team.other_server()
    team.secret(other["PASSPHRASE_FILE"], OTHER_PASSPHRASE)
    team.run_guide({2, 3}, **other)
    incoming = team.base / "incoming"  # where its admin put the bundle, as root
    incoming.mkdir(mode=0o700)
    copied = Path(shutil.copy(bundle, incoming))
    team.secret(other["TRANSFER_PASSPHRASE_FILE"], TRANSFER_PASSPHRASE)
    team.run_guide({10}, **other, BUNDLE=str(copied), CLIENT="T2")
    listed = team.as_team("client", "list", **other)
    assert listed.returncode == 0 and "Held Client" in listed.stdout, listed.stderr
    moved = Path(other["DATA"]) / "clients" / "T2.json"
    assert moved.read_bytes().startswith(b"WBGCRYPT")  # encrypted there, under its own key
    assert not list(Path(other["TRANSFERS"]).glob("*.bundle"))  # its copy removed
    trail = team.as_team("audit", "T2", "--json", **other)
    assert trail.returncode == 0, trail.stderr
    entries = [json.loads(line) for line in trail.stdout.splitlines()]
    actions = [e["action"] for e in entries]
    assert actions[-1] == "transferred in"  # the whole history came, the takeover in it
    (asked,) = [e for e in entries if e["action"] == "lock takeover requested"]
    assert (asked["ids"]["from"], asked["ids"]["by"]) == (team.login(2), team.service)
    assert "lock handed over" in actions


def as_login(team: Team, login: str, config: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`wellbeing ARGS` on the caseload as `login` (a real user), with the config `config`; the
    encrypted caseload unlocked from a passphrase file of their own (the terminal's stand-in)."""
    v = team.values()
    secret = Path(f"/home/{login}/.wellbeing-passphrase")
    if not secret.exists():
        secret.write_text(PASSPHRASE + "\n", "utf-8")
        secret.chmod(0o600)
        shutil.chown(secret, login, login)
    return subprocess.run(
        ["runuser", "-u", login, "--", "env", f"HOME=/home/{login}", f"WELLBEING_CONFIG={config}"]
        + [f"WELLBEING_PASSPHRASE_FILE={secret}"]
        + [f"{v['PREFIX']}/venv/bin/wellbeing", "--data-dir", v["DATA"], *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )


def test_the_team_file_alone_names_the_managers(team: Team) -> None:
    """Section 8: the manager (in the group the root-owned team file names) may list the team's
    follow-ups; a practitioner may not, even naming themselves in a config of their own."""
    team_file = team.data / "team.toml"
    st = team_file.lstat()
    assert st.st_uid == 0 and oct(st.st_mode & 0o777) == "0o640"
    system = team.values()["CONFIG"]
    manager, practitioner = team.login(2), team.login(1)
    done = as_login(team, manager, system, "review", "list")
    assert done.returncode == 0, done.stderr
    refused = as_login(team, practitioner, system, "review", "list")
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
    assert f"{practitioner} is not a treatment manager" in refused.stderr
    own = Path(f"/home/{practitioner}/wellbeing.toml")
    own.write_text(
        f'shared_group = true\nmanagers = ["{practitioner}"]\nmanager_group = "{team.team}"\n',
        "utf-8",
    )
    shutil.chown(own, practitioner, practitioner)
    refused = as_login(team, practitioner, str(own), "review", "list")
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
    assert "ignored on a shared data dir" in refused.stderr


def test_an_outsider_gets_no_shell(team: Team) -> None:
    done = subprocess.run(
        team.ssh(team.outsider, tty=False) + ["echo", "SHELL-OK"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 255 and "SHELL-OK" not in done.stdout
    assert done.stderr.strip().count("\n") == 0 and "Permission denied" in done.stderr


def test_a_command_on_the_ssh_line_is_refused(team: Team) -> None:
    for command in (["ls", "/"], ["cat", "/etc/passwd"]):
        done = subprocess.run(
            team.ssh(team.login(1), tty=False) + command,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 1
        assert "root:" not in done.stdout and "bin" not in done.stdout
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "runs Wellbeing Guide only" in lines[0], done.stderr


def test_port_forwarding_is_refused(team: Team) -> None:
    local = free_port()
    forward = subprocess.Popen(
        team.ssh(team.login(1), "-N", "-L", f"{local}:127.0.0.1:{team.port}", tty=False),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        end = time.monotonic() + 15
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", local), timeout=2)
                break
            except OSError:
                assert time.monotonic() < end, "the forwarding client never listened"
                time.sleep(0.1)
        conn.settimeout(5)
        try:
            got = conn.recv(100)
        except (TimeoutError, ConnectionResetError):
            got = b""
        conn.close()
        assert b"SSH-" not in got, "the forwarded port reached sshd"
    finally:
        forward.terminate()
        forward.wait(timeout=10)
