"""Subject access: everything held on one client, as JSON and as readable text.

The export covers the record, every copy of it the store keeps (the `.bak` and any corrupt copy
set aside), the audit trail (with a note for any line that cannot be read: a damaged log never
blocks the export), and a list of entries that may name other people, to review before release.
Written by the store's atomic writer, 0600, audited before it is written.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.clients import Repository, os_user
from store.copies import copies
from tui.services.context import Context
from tui.services.privacy import outbox
from tui.services.privacy.audit_entries import format_entry
from tui.services.repository import repository
from tui.services.safe_text import terminal_safe

if TYPE_CHECKING:
    from exercises.library import Library
    from exercises.models import Step
    from tui.services.clients.access import OpenClient

EXPORT_FORMAT = "wellbeing-guide-subject-access"

#: words in a step's id, title, column or plan section that mean its answer names other people.
PEOPLE_WORDS = re.compile(
    r"\b(who|whom|people|persons?|contacts?|names?|friends?|family|relatives?|partners?|"
    r"connections?|relationships?|neighbou?rs?|child|children|parents?|mother|father|mum|dad|"
    r"brothers?|sisters?|carers?|victims?|supports?)\b",
    re.IGNORECASE,
)


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


def subject_access(repo: Repository, oc: OpenClient, library: Library | None) -> dict[str, Any]:
    """Everything held on the client of `oc`, as one JSON-ready dict (reads the whole file)."""
    cid = oc.client_id
    oc.client()  # a file that cannot be read is an error, not an empty export
    tables = {name: [dict(d) for d in table.values()] for name, table in oc.document().items()}
    log = repo.audit_log(cid)
    kept: list[dict[str, Any]] = []
    for copy in copies(repo, cid):
        if copy.tables is not None:
            kept.append({"file": copy.path.name, "records": copy.tables})
        else:
            kept.append({"file": copy.path.name, "unreadable": copy.problem, "text": copy.text})
    files = []
    for path in [*repo.client_files(cid), log.path]:
        if path.exists():
            files.append({"path": str(path), "bytes": path.stat().st_size})
    problems = log.verify()
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "client_id": cid,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generated_by": os_user(),
        "data_dir": str(repo.data_dir),
        "records": tables,
        "copies": kept,
        "audit": log.entries(),
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
        "plans, every copy kept (the backup of the previous save, and any damaged copy set aside),",
        "and the audit trail of who viewed and changed what.",
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
            + ("; the practitioner's judgement" if answer.get("voice") == "practitioner" else "")
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
    heading(f"COPIES KEPT ({len(data['copies'])})")
    if not data["copies"]:
        lines.append("  (none)")
    for copy in data["copies"]:
        kind = "backup of the previous save" if copy["file"].endswith(".bak") else "damaged copy"
        lines.append(f"- {copy['file']} ({kind})")
        if "unreadable" in copy:
            lines.append(f"  cannot be read as a record: {copy['unreadable']}")
            if copy.get("text"):
                lines.append("  its text as held:")
                lines += [f"    {line}" for line in str(copy["text"]).split("\n")]
        else:
            dumped = json.dumps(copy["records"], ensure_ascii=False, indent=2)
            lines += [f"  {line}" for line in dumped.split("\n")]
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


def export_subject_access(
    ctx: Context, client_id: str, out: Path, *, force: bool
) -> tuple[Path, Path, int]:
    """Write FILE (JSON) and FILE.txt for one client through the outbox (an existing file is
    replaced only with `force`; a folder gets the default name); (json path, text path, entries
    to review)."""
    from tui.services.clients.access import read_client

    name = outbox.subject_access_name(client_id, date.today())
    out = outbox.destination(ctx, out, name=name, client_id=client_id, force=force)
    txt = outbox.destination(
        ctx, out.with_name(out.name + ".txt"), name=name, client_id=client_id, force=force
    )
    library = _library(ctx)
    with read_client(ctx, client_id) as oc:
        data = subject_access(repository(ctx), oc, library)
        json_bytes = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
        text_bytes = render_text(data, library).encode("utf-8")
        outbox.send(
            [(out, json_bytes), (txt, text_bytes)],
            force=force,
            audit=lambda: oc.record("exported", fields=["json", "text"]),
        )
    return out, txt, len(data["redaction_review"])
