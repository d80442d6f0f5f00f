"""Roles come from the system, never from the user (issue 26).

On a shared data dir the treatment-manager role comes only from the OS group named in the data
dir's root-owned team file (`team.toml`); `managers` and `manager_group` in a user's config count
only on a private, single-user data dir; whether a data dir is shared is read from the data dir
itself. `wellbeing countersign` asks, naming the version, or needs `--yes`.

The team-file tests need root (a file of root's, another uid for one that is not); CI runs as root,
and fails them rather than skip them without it. The OS login here is root's (uid 0), a member of
its own primary group; other logins are faked by the Repository's `user`, as elsewhere.
"""

from __future__ import annotations

import grp
import os
import pwd
import sys
from datetime import date
from pathlib import Path

import pytest

from store import team
from store.clients import Repository
from tests.cli_runner import run_cli
from tests.pty_app import PtyApp
from tui.services.clients.access import open_client, read_client
from tui.services.clients.oversight import is_manager, refusal, team_follow_ups
from tui.services.config import Config
from tui.services.context import Context
from tui.services.dates import day
from tui.services.demo import DEMO_ID, write_demo
from tui.services.plans.service import compile_plan, save_version

ME = pwd.getpwuid(os.geteuid()).pw_name
MY_GROUP = grp.getgrgid(pwd.getpwuid(os.geteuid()).pw_gid).gr_name
NOBODY = 65534
TODAY = date(2026, 11, 25)


def context(data: Path, user: str, *, shared: bool = False, **config: object) -> Context:
    ctx = Context(
        config=Config(privacy_check=False, idle_minutes=0, shared_group=shared, **config),  # type: ignore[arg-type]
        data_dir=data,
    )
    ctx.__dict__["_repo"] = Repository(data, user=user, allow_group=shared)
    return ctx


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_demo(Context(config=Config(), data_dir=tmp_path / "data"), today=TODAY)
    return tmp_path / "data"


@pytest.fixture
def shared(data: Path) -> Path:
    """The data dir made a team's: group bits (2770), whatever any config says."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the team-file tests must run as root in CI")
        pytest.skip("needs root: a team file belongs to root")
    os.chmod(data, 0o2770)
    return data


def write_team_file(data: Path, group: str = MY_GROUP, mode: int = 0o644) -> Path:
    path = team.team_file(data)
    path.unlink(missing_ok=True)
    path.write_text(f'manager_group = "{group}"\n', "utf-8")
    os.chown(path, 0, 0)
    os.chmod(path, mode)
    return path


def config_env(tmp_path: Path, text: str, name: str = "config") -> dict[str, str]:
    config = tmp_path / f"{name}.toml"
    config.write_text(f"privacy_check = false\n{text}", "utf-8")
    return {**os.environ, "WELLBEING_CONFIG": str(config)}


# -- the attacks: a practitioner's own config on a shared data dir -------------------------------


def test_managers_in_a_user_config_give_no_role_on_a_shared_dir(
    shared: Path, tmp_path: Path
) -> None:
    me = context(shared, ME, shared=True, managers=(ME,))
    assert not is_manager(me)
    why = refusal(me)
    assert why is not None and "\n" not in why
    assert str(team.team_file(shared)) in why and "ignored on a shared data dir" in why
    env = config_env(tmp_path, f'shared_group = true\nmanagers = ["{ME}"]\n')
    out = run_cli("review", "list", "--data-dir", str(shared), env=env)
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "not a treatment manager" in out.stderr and "ignored" in out.stderr


def test_my_own_group_as_manager_group_in_my_config_gives_no_role(
    shared: Path, tmp_path: Path
) -> None:
    me = context(shared, ME, shared=True, manager_group=MY_GROUP)
    assert not is_manager(me)
    # nor beside a team file that names a group I am not in
    write_team_file(shared, group="wellbeing-no-such-group")
    assert not is_manager(me)
    assert "only a member of the group wellbeing-no-such-group" in (refusal(me) or "")
    env = config_env(tmp_path, f'shared_group = true\nmanager_group = "{MY_GROUP}"\n')
    out = run_cli("review", "list", "--data-dir", str(shared), env=env)
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "not a treatment manager" in out.stderr


def test_a_config_claiming_a_private_dir_does_not_make_a_shared_one_private(
    shared: Path,
) -> None:
    # `shared_group = false` in a config: the data dir's own bits still say it is shared
    assert not team.is_private(shared)
    ctx = Context(config=Config(managers=(ME,), shared_group=False), data_dir=shared)
    ctx.__dict__["_repo"] = Repository(shared, user=ME, allow_group=True)
    assert not is_manager(ctx)


# -- the team file -------------------------------------------------------------------------------


def test_the_root_owned_team_file_gives_its_group_the_role(shared: Path, tmp_path: Path) -> None:
    write_team_file(shared)
    me = context(shared, ME, shared=True)
    assert is_manager(me)
    (item,) = team_follow_ups(me)
    assert item.client_id == DEMO_ID
    assert not is_manager(context(shared, "pat", shared=True))  # a login not in the group
    env = config_env(tmp_path, "shared_group = true\n")
    out = run_cli("review", "list", "--data-dir", str(shared), env=env)
    assert out.returncode == 0 and DEMO_ID in out.stdout, out.stderr


def _not_roots(path: Path) -> None:
    os.chown(path, NOBODY, -1)


def _group_writable(path: Path) -> None:
    os.chmod(path, 0o664)


def _others_writable(path: Path) -> None:
    os.chmod(path, 0o646)


def _symlink(path: Path) -> None:
    elsewhere = path.parent.parent / "elsewhere.toml"
    os.replace(path, elsewhere)  # root's, 0644, naming my group: only the link is wrong
    path.symlink_to(elsewhere)


def _hard_link(path: Path) -> None:
    os.link(path, path.parent.parent / "second-name.toml")


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (_not_roots, "not root"),
        (_group_writable, "writable by group"),
        (_others_writable, "writable by others"),
        (_symlink, "symbolic link"),
        (_hard_link, "2 names"),
    ],
)
def test_a_team_file_not_roots_alone_is_refused_in_one_line(
    shared: Path, tmp_path: Path, spoil: object, said: str
) -> None:
    path = write_team_file(shared)
    spoil(path)  # type: ignore[operator]
    me = context(shared, ME, shared=True)
    assert not is_manager(me)
    why = refusal(me) or ""
    assert "\n" not in why and str(path) in why and said in why and "nobody is" in why, why
    env = config_env(tmp_path, "shared_group = true\n")
    out = run_cli("review", "list", "--data-dir", str(shared), env=env)
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert str(path) in out.stderr and said in out.stderr
    write_team_file(shared)  # the same words, root's alone: the role is back
    assert is_manager(me)


def test_a_team_file_that_says_more_or_less_is_refused(shared: Path) -> None:
    path = write_team_file(shared)
    me = context(shared, ME, shared=True)
    for text, said in (
        (f'manager_group = "{MY_GROUP}"\nmanagers = ["{ME}"]\n', "managers is not a team setting"),
        ("manager_group = 3\n", "names no manager_group"),
        ("manager_group = \n", "not valid TOML"),
    ):
        path.write_text(text, "utf-8")
        why = refusal(me) or ""
        assert not is_manager(me) and said in why and "\n" not in why, why


# -- a private, single-user data dir -------------------------------------------------------------


def test_on_a_private_dir_the_config_still_names_the_managers(data: Path) -> None:
    assert team.is_private(data)
    assert is_manager(context(data, "mo", managers=("mo",)))
    assert not is_manager(context(data, "pat", managers=("mo",)))
    assert is_manager(context(data, ME, manager_group=MY_GROUP))


def test_shared_or_private_is_read_from_the_data_dir(data: Path) -> None:
    assert team.is_private(data)
    for mode in (0o750, 0o705, 0o2770):
        os.chmod(data, mode)
        assert not team.is_private(data), oct(mode)
    os.chmod(data, 0o700)
    if os.geteuid() == 0:  # another login's private dir is not mine
        os.chown(data, NOBODY, -1)
        assert not team.is_private(data)
        os.chown(data, 0, -1)
    assert not team.is_private(data / "no-such-folder")


# -- `wellbeing countersign`: asked, naming the version, or --yes ----------------------------------


@pytest.fixture
def saved_by_pat(data: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """A Keep Safe Plan version saved by another login ("pat", as the audit log records it: the
    OS login of the saving process, stood in for here), so that this login may countersign it."""
    monkeypatch.setattr("store.audit.os_uid_user", lambda: (NOBODY, "pat"))
    with open_client(context(data, "pat"), DEMO_ID) as oc:
        plan = compile_plan(oc, "keep-safe", TODAY)
        number = save_version(oc, plan, agreement="agreed", by="pat").number
    monkeypatch.undo()
    return number


def signed(data: Path) -> dict[int, str]:
    with read_client(context(data, ME), DEMO_ID) as oc:
        return {v.number: v.countersigned_by for v in oc.plan_versions("keep-safe")}


def test_countersign_without_a_terminal_needs_yes(
    data: Path, tmp_path: Path, saved_by_pat: int
) -> None:
    env = config_env(tmp_path, f'managers = ["{ME}"]\n')
    n = str(saved_by_pat)
    out = run_cli("countersign", DEMO_ID, n, "--data-dir", str(data), env=env)
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "without confirmation: pass --yes" in out.stderr
    assert signed(data) == {saved_by_pat: ""}
    # a practitioner is refused as one first: no question for them, with or without --yes
    practitioner = config_env(tmp_path, "", "practitioner")
    out = run_cli("countersign", DEMO_ID, n, "--yes", "--data-dir", str(data), env=practitioner)
    assert out.returncode == 1 and "not a treatment manager" in out.stderr
    out = run_cli("countersign", DEMO_ID, n, "--yes", "--data-dir", str(data), env=env)
    assert out.returncode == 0, out.stderr
    assert signed(data) == {saved_by_pat: ME}


def test_countersign_on_a_terminal_asks_naming_the_version(
    data: Path, tmp_path: Path, saved_by_pat: int
) -> None:
    env = config_env(tmp_path, f'managers = ["{ME}"]\n')
    with read_client(context(data, ME), DEMO_ID) as oc:
        name = oc.client().name
        (version,) = oc.plan_versions("keep-safe")
    question = (
        f"Countersign version {saved_by_pat} of {name}'s Keep Safe Plan, saved by pat on "
        f"{day(version.saved_at)}? [y/N]"
    ).encode()
    args = ["countersign", DEMO_ID, str(saved_by_pat), "--data-dir", str(data)]
    for answer, code, after in (("n", 1, ""), ("y", 0, ME)):
        app = PtyApp(args, env=env, argv0=[sys.executable, "-m", "tui"])
        try:
            assert app.wait_for(question), app.output.decode("utf-8", "replace")
            app.send(f"{answer}\r")
            assert app.proc.wait(timeout=30) == code
        finally:
            app.close()
        assert signed(data) == {saved_by_pat: after}
