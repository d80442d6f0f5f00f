"""`wellbeing init|audit|export|delete|retention`: encryption at rest and data protection duties.

- ``init [--encrypt]`` makes the data dir; with ``--encrypt`` it sets up a key (passphrase twice, or
  ``WELLBEING_PASSPHRASE_FILE``) and encrypts any existing client files in place, client by client.
- ``audit ID [--verify]`` prints a client's audit trail, or checks its hash chain.
- ``export ID -o FILE`` writes everything held on one client (subject access): FILE as JSON and
  FILE.txt as readable text, with the audit trail and a list of entries naming other people.
- ``delete ID [--yes]`` erases a client, leaving an audit tombstone with no content.
- ``retention`` lists clients with no activity within the configured retention period.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import crypto
from store.errors import StoreError
from store.ids import validate_client_id
from store.repository import ClientFile, Repository, os_user
from store.storage import AtomicJSONStorage, atomic_write, backup_path
from tui.services.audit_entries import format_entry
from tui.services.context import Context, make_context
from tui.services.errors import UserError
from tui.services.safe_text import terminal_safe
from tui.services.unlock import read_passphrase, unlock_with

if TYPE_CHECKING:
    from exercises.library import Library
    from exercises.models import Step

EXPORT_FORMAT = "wellbeing-guide-subject-access"

#: words in a step's id, title, column or plan section that mean its answer names other people.
PEOPLE_WORDS = re.compile(
    r"\b(who|whom|people|persons?|contacts?|names?|friends?|family|relatives?|partners?|"
    r"connections?|relationships?|neighbou?rs?|child|children|parents?|mother|father|mum|dad|"
    r"brothers?|sisters?|carers?|victims?|supports?)\b",
    re.IGNORECASE,
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    init = sub.add_parser("init", parents=[common], help="create the data dir, or encrypt it")
    init.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt at rest; existing client files are encrypted in place",
    )
    init.set_defaults(func=cmd_init)

    audit = sub.add_parser("audit", parents=[common], help="show or check a client's audit trail")
    audit.add_argument("id", metavar="ID")
    audit.add_argument(
        "--verify",
        action="store_true",
        help="check the hash chain: exit 0 if intact, 1 naming the first bad entry",
    )
    audit.add_argument("--json", action="store_true", help="print the entries as JSON lines")
    audit.set_defaults(func=cmd_audit)

    export = sub.add_parser(
        "export", parents=[common], help="everything held on a client, as FILE (JSON) and FILE.txt"
    )
    export.add_argument("id", metavar="ID")
    export.add_argument("-o", "--output", metavar="FILE", required=True)
    export.add_argument("--force", action="store_true", help="replace FILE and FILE.txt if present")
    export.set_defaults(func=cmd_export)

    delete = sub.add_parser(
        "delete", parents=[common], help="erase a client, leaving an audit tombstone"
    )
    delete.add_argument("id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(func=cmd_delete)

    retention = sub.add_parser(
        "retention", parents=[common], help="clients with no activity within the retention period"
    )
    retention.add_argument("--json", action="store_true", help="machine-readable output")
    retention.set_defaults(func=cmd_retention)


# -- init -----------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    ctx = make_context(args)
    data_dir = ctx.data_dir
    Repository(data_dir, allow_group=ctx.config.shared_group).ensure()
    if not args.encrypt:
        state = "encrypted" if crypto.is_encrypted(data_dir) else "not encrypted"
        print(f"data dir {data_dir} is ready ({state})")
        return 0
    crypto.disable_core_dumps()
    if crypto.is_encrypted(data_dir):
        if not crypto.plain_files(data_dir):
            raise UserError(f"data dir {data_dir} is already encrypted")
        codec = unlock_with(data_dir, read_passphrase(f"Passphrase for {data_dir}: "))
    else:
        passphrase = read_passphrase("New passphrase: ", confirm=True)
        codec = crypto.create_keyinfo(data_dir, passphrase)
    try:
        done = crypto.encrypt_in_place(data_dir, codec)
    except OSError as exc:
        raise UserError(
            f"encryption stopped: {exc.strerror or exc}; run `wellbeing init --encrypt` again"
        ) from None
    left = crypto.plain_files(data_dir)
    if left:
        raise UserError(f"{len(left)} files are still plain text (e.g. {left[0]}); run again")
    print(f"data dir {data_dir} is encrypted ({done} files encrypted now)")
    print("Keep the passphrase safe: without it the client files cannot be read by anyone.")
    return 0


# -- audit ----------------------------------------------------------------------------------------


def _audit_repo(ctx: Context) -> Repository:
    """A repository for reading audit logs only: they hold no values, so no passphrase is asked."""
    if not ctx.data_dir.is_dir():
        raise UserError(f"no data dir at {ctx.data_dir}")
    return Repository(ctx.data_dir, allow_group=ctx.config.shared_group)


def cmd_audit(args: argparse.Namespace) -> int:
    cid = validate_client_id(args.id)
    repo = _audit_repo(make_context(args))
    log = repo.audit_log(cid)
    if not log.exists():
        raise UserError(f"no audit log for client {cid} in {repo.data_dir}")
    if args.verify:
        problems = log.verify()
        if problems:
            more = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
            print(
                f"wellbeing: audit log of client {cid} is not intact: {problems[0]}{more}",
                file=sys.stderr,
            )
            return 1
        print(
            f"audit log of client {cid} is intact: {len(log.read_lines())} entries, "
            f"head {log.head()}"
        )
        return 0
    for entry in log.entries():
        if args.json:
            print(json.dumps(entry, ensure_ascii=True))
        else:
            print(format_entry(entry))
    if not args.json:
        print(f"head {log.head()}")
    return 0


# -- subject access export -------------------------------------------------------------------------


def _library(ctx: Context) -> Library | None:
    """Content, for step titles and the people check; the export works without it."""
    try:
        return ctx.library
    except Exception:  # noqa: BLE001 - a broken pack must not block a legal duty
        return None


def _words(text: str) -> str:
    return re.sub(r"[-_.]", " ", text)


def _names_people(*texts: str) -> bool:
    return any(PEOPLE_WORDS.search(_words(t)) for t in texts if t)


def _section_heading(section: str) -> str:
    from exercises.sections import plan_sections

    return plan_sections().get(section, "")


def redaction_review(
    tables: dict[str, list[dict[str, Any]]], library: Library | None
) -> list[dict[str, Any]]:
    """Records that may name other people (contacts, family, victims): review before release.

    A step is flagged when its id, title or a plan section it feeds speaks of people; a table
    column when its id or label does. Keep Safe (practitioner-only) answers, free-text notes and
    plans compiled from flagged answers are listed too. This is a reviewer's list, not a verdict.
    """
    out: list[dict[str, Any]] = []
    flagged_any = False
    for index, answer in enumerate(tables.get("answers", [])):
        ex_id, step_id = str(answer.get("exercise_id", "")), str(answer.get("step_id", ""))
        exercise = library.get(ex_id) if library is not None else None
        step: Step | None = exercise.step(step_id) if exercise is not None else None
        reasons = []
        texts = [step_id]
        if step is not None:
            texts += [step.title, *step.feeds, *(_section_heading(f) for f in step.feeds)]
        if _names_people(*texts):
            reasons.append("the step asks about other people")
        columns: list[str] = []
        value = answer.get("value")
        if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            labels = {c.id: c.label for c in step.columns} if step is not None else {}
            keys = sorted({str(k) for row in value for k in row})
            columns = [k for k in keys if _names_people(k, labels.get(k, ""))]
            if columns:
                reasons.append("columns naming people: " + ", ".join(columns))
        if exercise is not None and exercise.practitioner_only:
            reasons.append("practitioner-only (Keep Safe) assessment: check exemptions")
        if reasons:
            flagged_any = True
            out.append(
                {
                    "table": "answers",
                    "index": index,
                    "exercise": ex_id,
                    "step": step_id,
                    "step_title": step.title if step is not None else "",
                    "session": answer.get("session_id", ""),
                    "columns": columns,
                    "reason": "; ".join(reasons),
                }
            )
    for index, session in enumerate(tables.get("sessions", [])):
        if str(session.get("notes", "")).strip():
            out.append(
                {
                    "table": "sessions",
                    "index": index,
                    "session": session.get("id", ""),
                    "reason": "free-text session notes may name other people",
                }
            )
    for index, follow_up in enumerate(tables.get("follow_ups", [])):
        out.append(
            {
                "table": "follow_ups",
                "index": index,
                "follow_up": follow_up.get("id", ""),
                "reason": "a follow-up (disclosure or concern) may name other people",
            }
        )
    if flagged_any:
        for index, plan in enumerate(tables.get("plans", [])):
            out.append(
                {
                    "table": "plans",
                    "index": index,
                    "plan": plan.get("id", ""),
                    "reason": "compiled from answers that may name other people",
                }
            )
    return out


def subject_access(repo: Repository, cf: ClientFile, library: Library | None) -> dict[str, Any]:
    """Everything held on the client of `cf`, as one JSON-ready dict."""
    cid = cf.client_id
    cf.client()  # a file that cannot be read is an error, not an empty export
    tables = cf.raw_tables()
    previous = None
    bak = backup_path(repo.path(cid))
    if bak.exists():
        try:
            previous = AtomicJSONStorage(bak, codec=repo.codec, client_id=cid).read()
        except StoreError as exc:
            previous = {"unreadable": str(exc)}
    files = []
    for path in [*repo.client_files(cid), cf.audit.path]:
        if path.exists():
            files.append({"path": str(path), "bytes": path.stat().st_size})
    problems = cf.audit.verify()
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "client_id": cid,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generated_by": os_user(),
        "data_dir": str(repo.data_dir),
        "records": tables,
        "previous_saved_version": previous,
        "audit": cf.audit.entries(),
        "audit_intact": not problems,
        "audit_problems": [str(p) for p in problems],
        "files": files,
        "redaction_review": redaction_review(tables, library),
    }


def _value_lines(value: Any, indent: str = "    ") -> list[str]:
    if value is None or value == "" or value == []:
        return [f"{indent}(no answer)"]
    if isinstance(value, str):
        return [f"{indent}{line}" for line in value.split("\n")]
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict):
                out.append(f"{indent}- " + "; ".join(f"{k}: {v}" for k, v in item.items()))
            else:
                out.append(f"{indent}- {item}")
        return out
    if isinstance(value, dict):
        return [f"{indent}{k}: {v}" for k, v in value.items()]
    return [f"{indent}{value}"]


def _record_lines(record: dict[str, Any]) -> list[str]:
    out = []
    for key, value in record.items():
        if isinstance(value, str) and "\n" in value:
            out.append(f"  {key}:")
            out += _value_lines(value)
        elif isinstance(value, dict):
            out.append(f"  {key}: " + "; ".join(f"{k}={v}" for k, v in value.items()))
        else:
            out.append(f"  {key}: {value}")
    return out


def render_text(data: dict[str, Any], library: Library | None) -> str:
    """The export as readable text (UTF-8), section by section."""
    cid = data["client_id"]
    records: dict[str, list[dict[str, Any]]] = data["records"]
    lines = [
        f"SUBJECT ACCESS EXPORT: client {cid}",
        f"Generated {data['generated_at']} by {data['generated_by']} from {data['data_dir']}",
        "Everything Wellbeing Guide holds on this client: profile, sessions, answers, follow-ups,",
        "plans, the previous saved version, and the audit trail of who viewed and changed what.",
        "Entries listed under REDACTION REVIEW may name other people: review them before release.",
        "",
    ]

    def heading(title: str) -> None:
        lines.extend(["", title, "=" * len(title)])

    heading("PROFILE")
    for record in records.get("client", []):
        lines += _record_lines(record)
    heading(f"SESSIONS ({len(records.get('sessions', []))})")
    for record in records.get("sessions", []):
        lines.append(f"- session {record.get('id')}")
        lines += _record_lines({k: v for k, v in record.items() if k != "id"})
    heading(f"ANSWERS ({len(records.get('answers', []))})")
    for answer in records.get("answers", []):
        ex_id, step_id = answer.get("exercise_id", ""), answer.get("step_id", "")
        exercise = library.get(ex_id) if library is not None else None
        step = exercise.step(step_id) if exercise is not None else None
        title = f"{exercise.title if exercise else ex_id} / {step.title if step else step_id}"
        lines.append(f"- {title}  ({ex_id}/{step_id}, session {answer.get('session_id')})")
        lines.append(
            f"  recorded by {answer.get('recorded_by')} at {answer.get('updated_at')}"
            + ("; typed on the client's behalf" if answer.get("on_behalf") else "")
            + ("; marked as a disclosure" if answer.get("disclosure") else "")
        )
        lines += _value_lines(answer.get("value"))
    heading(f"FOLLOW-UPS ({len(records.get('follow_ups', []))})")
    for record in records.get("follow_ups", []):
        lines.append(f"- follow-up {record.get('id')}")
        lines += _record_lines({k: v for k, v in record.items() if k != "id"})
    heading(f"PLANS ({len(records.get('plans', []))})")
    for record in records.get("plans", []):
        lines.append(f"- {record.get('kind')} plan, version {record.get('number')}")
        lines += _record_lines({k: v for k, v in record.items() if k not in ("kind", "number")})
    others = {
        k: v
        for k, v in records.items()
        if k not in ("client", "sessions", "answers", "follow_ups", "plans")
    }
    for table, rows in others.items():
        heading(f"{table.upper()} ({len(rows)})")
        for record in rows:
            lines.append("-")
            lines += _record_lines(record)
    heading("PREVIOUS SAVED VERSION (backup)")
    previous = data.get("previous_saved_version")
    if previous is None:
        lines.append("  (none)")
    else:
        lines.append("  The state before the last save, kept for crash recovery:")
        lines += [
            f"  {line}" for line in json.dumps(previous, ensure_ascii=False, indent=2).split("\n")
        ]
    heading(f"AUDIT TRAIL ({len(data['audit'])} entries)")
    state = "intact" if data["audit_intact"] else "NOT intact: " + "; ".join(data["audit_problems"])
    lines.append(f"  chain {state}")
    lines += [f"  {format_entry(e)}" for e in data["audit"]]
    heading(f"REDACTION REVIEW ({len(data['redaction_review'])})")
    if not data["redaction_review"]:
        lines.append("  (nothing flagged)")
    for item in data["redaction_review"]:
        where = "/".join(str(item[k]) for k in ("exercise", "step") if item.get(k))
        cols = f" columns {', '.join(item['columns'])}" if item.get("columns") else ""
        lines.append(f"- {item['table']}[{item['index']}] {where}{cols}: {item['reason']}")
    lines += ["", "Files held:"] + [f"  {f['path']} ({f['bytes']} bytes)" for f in data["files"]]
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


def cmd_export(args: argparse.Namespace) -> int:
    cid = validate_client_id(args.id)
    ctx = make_context(args)
    out = Path(args.output).expanduser().absolute()
    txt = out.with_name(out.name + ".txt")
    for path in (out, txt):
        if (path.exists() or path.is_symlink()) and not args.force:
            raise UserError(f"{path} exists; choose another name or pass --force")
    if not out.parent.is_dir():
        raise UserError(f"no folder {out.parent} to write the export into")
    repo = ctx.repo
    library = _library(ctx)
    with repo.open(cid, edit=False) as cf:
        data = subject_access(repo, cf, library)
        try:
            atomic_write(out, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())
            atomic_write(txt, render_text(data, library).encode("utf-8"))
        except OSError as exc:
            raise UserError(f"cannot write the export: {exc.strerror or exc}") from None
        cf.record("exported", fields=["json", "text"])
    print(
        f"exported client {cid} to {out} and {txt} "
        f"({len(data['redaction_review'])} entries listed for redaction review)"
    )
    return 0


# -- deletion -------------------------------------------------------------------------------------


def cmd_delete(args: argparse.Namespace) -> int:
    cid = validate_client_id(args.id)
    ctx = make_context(args)
    repo = ctx.repo
    if not repo.client_files(cid):
        raise UserError(f"no client {cid} in {ctx.data_dir}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(f"not deleting client {cid} without confirmation: pass --yes")
        try:
            answer = input(
                f"Erase client {cid} and everything held on them? This cannot be undone."
                f" Type {cid} to confirm: "
            )
        except EOFError:
            answer = ""
        if answer.strip().upper() != cid:
            print(f"client {cid} was not deleted", file=sys.stderr)
            return 1
    try:
        removed = repo.delete_client(cid)
    except OSError as exc:
        raise UserError(
            f"deleting client {cid} stopped: {exc.strerror or exc}; run the command again"
        ) from None
    print(f"deleted client {cid}: {len(removed)} files removed; the audit log keeps a tombstone")
    return 0


# -- retention ------------------------------------------------------------------------------------


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def last_activity(cf: ClientFile) -> date:
    """The latest of creation, the last session and the order's end."""
    client = cf.client()
    days = [client.created_at.date(), *(s.date for s in cf.sessions())]
    if client.order_end is not None:
        days.append(client.order_end)
    return max(days)


def cmd_retention(args: argparse.Namespace) -> int:
    ctx = make_context(args)
    years = ctx.config.retention_years
    cutoff = years_before(date.today(), years)
    repo = ctx.repo
    rows, problems = [], []
    for cid in repo.client_ids():
        try:
            with repo.open(cid, edit=False, audit_action="retention checked") as cf:
                last = last_activity(cf)
                restricted = cf.client().restricted
        except StoreError as exc:
            problems.append(exc)
            continue
        if last < cutoff:
            rows.append({"id": cid, "last_activity": last.isoformat(), "restricted": restricted})
    if args.json:
        json.dump(
            {"retention_years": years, "cutoff": cutoff.isoformat(), "clients": rows},
            sys.stdout,
            indent=2,
        )
        print()
    elif not rows:
        print(f"no client is past the retention period ({years} years; nothing since {cutoff})")
    else:
        print(f"clients with no activity since {cutoff} (retention {years} years):")
        for row in rows:
            flag = "  restricted" if row["restricted"] else ""
            print(f"{row['id']:<12} last activity {row['last_activity']}{flag}")
    for exc in problems:
        print(f"wellbeing: {terminal_safe(str(exc))}", file=sys.stderr)
    return 1 if problems else 0
