"""Treatment-manager oversight: every open follow-up across the team, the manager's review of
each, and the countersignature of a saved Keep Safe Plan version.

Who is a manager comes from the system, never from the user (issue 26). Always the login (the
OS's, never a name from a config or the environment), and:

- on a shared data dir (any not this login's own: see `store.team.is_private`), a member of the OS
  group named in the data dir's root-owned team file (`DATA_DIR/team.toml`, see `store.team`);
  `manager_group` and `managers` in a user's config are ignored there, and a team file that is not
  root's alone is refused, with one line, and nobody is a manager;
- on a private, single-user data dir, a member of the config's `manager_group` or a login in its
  `managers`: the only user of the data dir decides for themselves.

Every review and countersignature is audited on the client, kept in their record (and so in the
subject access export), and shown to the practitioner on the dashboard and on every export of the
plan.
"""

from __future__ import annotations

import grp
import pwd
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from store import team
from store.errors import StoreError
from store.ids import validate_client_id
from store.records import FollowUp, ManagerReview, PlanVersion
from store.text import clean_line
from tui.services.clients import disclosures
from tui.services.clients.access import OpenClient, open_client
from tui.services.clients.rows import list_clients
from tui.services.context import Context
from tui.services.dates import day
from tui.services.errors import UserError
from tui.services.repository import repository
from tui.services.writers import writer_of


def _member(login: str, group: str) -> bool:
    """Whether the OS puts `login` in `group` (as a member, or as its primary group)."""
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return False
    if login in entry.gr_mem:
        return True
    try:
        return pwd.getpwnam(login).pw_gid == entry.gr_gid
    except KeyError:
        return False


def refusal(ctx: Context, login: str | None = None) -> str | None:
    """None when `login` (the data dir's user: the OS login) is a treatment manager here, else
    why not, in one line."""
    login = login or repository(ctx).user
    config = ctx.config
    if team.is_private(ctx.data_dir):
        if login in config.managers or (
            config.manager_group and _member(login, config.manager_group)
        ):
            return None
        how = (
            f"a member of the group {config.manager_group}"
            if config.manager_group
            else "named as a manager in the config (manager_group or managers)"
        )
        return f"{login} is not a treatment manager here: only {how} may do this"
    ignored = (
        "; manager_group and managers in your config are ignored on a shared data dir"
        if config.manager_group or config.managers
        else ""
    )
    where = team.team_file(ctx.data_dir)
    try:
        group = team.manager_group(ctx.data_dir)
    except StoreError as exc:
        return f"{login} is not a treatment manager here: {exc}, so nobody is{ignored}"
    if group is None:
        return (
            f"{login} is not a treatment manager here: on a shared data dir only the group named "
            f"in {where} (root's) may do this, and there is no such file{ignored}"
        )
    if _member(login, group):
        return None
    return (
        f"{login} is not a treatment manager here: only a member of the group {group} "
        f"(named in {where}) may do this{ignored}"
    )


def is_manager(ctx: Context, login: str | None = None) -> bool:
    """Whether `login` (the data dir's user: the OS login) may review and countersign."""
    return refusal(ctx, login) is None


def require_manager(ctx: Context) -> str:
    login = repository(ctx).user
    why = refusal(ctx, login)
    if why is not None:
        raise UserError(why)
    return login


@dataclass(frozen=True)
class TeamFollowUp:
    client_id: str
    name: str
    follow_up: FollowUp
    #: the follow-up as the Keep Safe Plan words it: where, when, a disclosure's words in full
    #: (attributed to the client) and where it stands
    note: str = ""

    @property
    def age(self) -> int:
        return (date.today() - self.follow_up.opened_at.date()).days


def team_follow_ups(ctx: Context) -> list[TeamFollowUp]:
    """Every open follow-up across the data dir, oldest first (managers only). Only clients the
    register shows with an open follow-up are opened, read-only and audited as viewed."""
    require_manager(ctx)
    out: list[TeamFollowUp] = []
    for row in list_clients(ctx):
        if row.problem or not row.follow_ups:
            continue
        with repository(ctx).open(row.client_id, edit=False, audit_action="viewed") as cf:
            client = cf.client()
            who = disclosures.subject(client.gender)
            for f in cf.follow_ups():
                if not f.is_open:
                    continue
                words = disclosures.note(
                    f, ctx.library.get(f.exercise_id), disclosures.disclosed_answer(cf, f), who
                )
                out.append(TeamFollowUp(row.client_id, client.name, f, words))
    return sorted(out, key=lambda t: t.follow_up.opened_at)


def record_review(
    ctx: Context,
    client_id: str,
    follow_up_id: str,
    *,
    discussed_on: date,
    decision: str,
    action: str = "",
    shared_with: str = "",
) -> FollowUp:
    """A manager's review of one follow-up, kept on it and audited."""
    login = require_manager(ctx)
    if not clean_line(decision):
        raise UserError("a review needs the decision taken")
    if discussed_on > date.today():
        raise UserError("the discussion date cannot be in the future")
    cid = validate_client_id(client_id)
    with open_client(ctx, cid) as oc:
        writer = writer_of(oc)
        found = next((f for f in oc.follow_ups() if f.id == follow_up_id), None)
        if found is None:
            raise UserError(f"no follow-up {clean_line(follow_up_id)[:40]} for client {cid}")
        review = ManagerReview(
            discussed_on=discussed_on,
            decision=decision,
            action=action,
            shared=bool(clean_line(shared_with)),
            shared_with=shared_with,
            by=login,
        )
        reviewed = FollowUp.model_validate(
            {**found.model_dump(), "reviews": [*found.reviews, review]}
        )
        writer.review_follow_up(reviewed)
        return reviewed


def countersigned_kind(ctx: Context, kind: str | None = None) -> str:
    """The plan a countersignature is for: `kind`, when its template asks for one; when None,
    the one plan whose template does (the Keep Safe Plan). UserError otherwise."""
    from exercises.plan_templates import plan_templates

    signed = [t.kind for t in plan_templates(ctx.content_dirs) if t.countersigned]
    if kind is None and len(signed) == 1:
        return signed[0]
    if kind is not None and kind in signed:
        return kind
    if kind is None:
        raise UserError(f"say which plan to countersign (one of: {', '.join(signed) or 'none'})")
    raise UserError(f"the {kind} plan is not countersigned (only: {', '.join(signed) or 'none'})")


def countersign(
    ctx: Context, client_id: str, number: int, confirm: Callable[[str], bool] | None = None
) -> PlanVersion:
    """A manager's countersignature on a saved plan version (the command line): of the plan
    whose template asks for one (the Keep Safe Plan).

    With `confirm`, it is asked the question naming the version (`countersign_question`) once
    every check has passed, and nothing changes unless it says yes (a UserError then)."""
    login = require_manager(ctx)
    kind = countersigned_kind(ctx)
    with open_client(ctx, validate_client_id(client_id)) as oc:
        if confirm is not None:
            try:
                version = writer_of(oc).countersignable(kind, number, login)
            except StoreError as exc:
                raise UserError(str(exc)) from None
            plan = _plan_name(ctx, kind)
            if not confirm(countersign_question(oc.client().name, version, plan)):
                raise UserError(f"version {number} of the {plan} was not countersigned")
        return countersign_open(oc, number, kind)


def _plan_name(ctx: Context, kind: str) -> str:
    from exercises.plan_templates import plan_names

    return plan_names(ctx.content_dirs).get(kind, kind)


def countersign_question(name: str, version: PlanVersion, plan: str = "Keep Safe Plan") -> str:
    """What is asked before a countersignature, naming the version, its client, who saved it and
    when."""
    return clean_line(
        f"Countersign version {version.number} of {name}'s {plan}, saved by "
        f"{clean_line(version.saved_by)[:40]} on {day(version.saved_at)}?"
    )


def countersign_open(oc: OpenClient, number: int, kind: str | None = None) -> PlanVersion:
    """The same, on a client open in the app (its lock is already held). `kind`: a plan whose
    template asks for a countersignature (default: the one that does)."""
    require_manager(oc.ctx)
    kind = countersigned_kind(oc.ctx, kind)
    writer = writer_of(oc)
    try:
        return writer.countersign_plan_version(kind, number, repository(oc.ctx).user)
    except StoreError as exc:
        raise UserError(str(exc)) from None


def review_words(review: ManagerReview) -> str:
    """A review as the practitioner reads it on the dashboard."""
    shared = f" Shared with {review.shared_with}." if review.shared else " Nothing shared."
    action = f" Action: {review.action}." if review.action else ""
    return clean_line(
        f"Reviewed by {review.by} (discussed {review.discussed_on:%d %b %Y}): "
        f"{review.decision.rstrip('.')}.{action}{shared}"
    )
