"""Plans and worksheets as use cases: compile, save a version, export. One path for App and CLI.

Every export is audited before a byte leaves (kind and format only: a file name may hold a
name); if the audit log cannot be written, nothing is written or printed. Files leave through
`tui.services.privacy.outbox` (the one rule for where, the store's atomic writer, never over an existing
file unless told to).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from exercises.models import Reference
from exercises.plan_templates import PlanTemplate, PlanTraits, load_plan_template, plan_kinds
from store.records import Agreement, PlanEdit, PlanVersion
from store.text import clean_line
from tui.services.clients.access import OpenClient
from tui.services.context import Context
from tui.services.errors import UserError
from tui.services.export import Document, can_print, exporter, format_for, render_bytes
from tui.services.export.worksheet import worksheet_document
from tui.services.plans.compiler import Plan, PlanInputs, PlanItem, PlanStatus, day
from tui.services.plans.compiler import compile_plan as _compile
from tui.services.plans.document import default_layout, plan_document, plan_markdown
from tui.services.privacy import outbox
from tui.services.safe_text import one_line
from tui.services.writers import writer_of

EXPORT_MODE = outbox.MODE


def related_lines(ctx: Context, refs: list[Reference]) -> tuple[str, ...]:
    """Programme cross-references as documents list them: each once, naming the directory entry
    it points to where one matches ("... (in the directory: Horizon)")."""
    from tui.services.references import related_programmes

    interventions = ctx.directory[0]
    out: dict[str, None] = {}
    for related in related_programmes(refs, interventions):
        entry = related.entry
        where = f" (in the directory: {clean_line(entry.name)})" if entry is not None else ""
        out.setdefault(f"{related.text}{where}", None)
    return tuple(out)


def plan_references(ctx: Context, kind: str) -> tuple[str, ...]:
    """The programme materials the guide cross-references for the exercises that feed the `kind`
    plan (the Keep Safe Plan lists them)."""
    feeding = [
        e
        for e in ctx.library.exercises
        if any(f.startswith(kind + ".") for s in e.steps for f in s.feeds)
    ]
    return related_lines(ctx, [r for e in feeding for r in e.references])


def plan_template(ctx: Context, kind: str) -> PlanTemplate:
    """The template of the `kind` plan: ours, or the content packs' (ContentError when the
    content has no such plan, or its template is wrong)."""
    return load_plan_template(kind, ctx.content_dirs)


def traits_of(ctx: Context, kind: str) -> PlanTraits:
    """What the `kind` plan's template declares about it (countersigned, led by whom ...)."""
    return plan_template(ctx, kind).traits()


def known_kind(ctx: Context, kind: str) -> str:
    """`kind`, when the content has that plan (the records name only the plans there are);
    UserError otherwise. Checked wherever a plan record is written."""
    kinds = plan_kinds(ctx.content_dirs)
    if kind not in kinds:
        raise UserError(f"no plan kind {kind!r} (known: {', '.join(kinds)})")
    return kind


def compile_plan(oc: OpenClient, kind: str, today: date) -> Plan:
    """The `kind` plan as it stands now (a draft), audited as compiled (before anyone sees it)."""
    ctx = oc.ctx
    template = plan_template(ctx, kind)
    references = plan_references(ctx, kind)
    plan = _compile(
        kind,
        template,
        ctx.library,
        PlanInputs.from_client_file(oc),
        ctx.config,
        today,
        references=references,
    )
    oc.record("plan compiled", [kind])
    return plan


def save_version(
    oc: OpenClient,
    plan: Plan,
    *,
    agreement: Agreement,
    reason: str = "",
    review_on: date | None = None,
    by: str,
) -> PlanVersion:
    """Save the plan as the next numbered version, with the client's agreement and review date:
    the version keeps the plan itself, so every export of it says exactly what was saved."""
    oc.require_writable()
    known_kind(oc.ctx, plan.kind)
    number = max((v.number for v in oc.plan_versions(plan.kind)), default=0) + 1
    draft = plan.with_review(review_on).with_status(None)
    version = PlanVersion.model_validate(
        {
            "kind": plan.kind,
            "number": number,
            "saved_by": by,
            "markdown": plan_markdown(draft),
            "agreement": agreement,
            "agreement_reason": reason,
            "review_on": review_on,
            "content": draft.content(),
        }
    )
    writer_of(oc).add_plan_version(version)
    return version


def status_of(version: PlanVersion) -> PlanStatus:
    return PlanStatus(
        version=version.number,
        saved_on=version.saved_at.date(),
        saved_by=version.saved_by,
        agreement=version.agreement,
        reason=version.agreement_reason,
        review_on=version.review_on,
        countersigned_by=version.countersigned_by,
        countersigned_on=version.countersigned_at.date() if version.countersigned_at else None,
    )


def _same_plan(a: Plan, b: Plan) -> bool:
    skip = {"compiled_on", "status"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def as_saved(oc: OpenClient, plan: Plan) -> Plan:
    """`plan` marked as the latest saved version when it is that version unchanged (so an export
    of it says "Version 3, agreed"); otherwise a draft."""
    latest = max(oc.plan_versions(plan.kind), key=lambda v: v.number, default=None)
    if latest is not None and latest.content is not None:
        saved = Plan.from_content(latest.content, None, plan.traits)
        if _same_plan(saved, plan):
            return plan.with_status(status_of(latest))
    return plan.with_status(None)


def saved_plan(oc: OpenClient, kind: str, number: int | None = None) -> Plan | None:
    """Saved version `number` (the latest when None) as the plan it was, with its status; None
    when there is none, or it was saved before versions kept their plan (then only its
    Markdown exists: export a draft, or the Markdown)."""
    versions = oc.plan_versions(kind)
    if number is not None:
        versions = tuple(v for v in versions if v.number == number)
        if not versions:
            raise UserError(f"no saved version {number} of the {kind} plan for {oc.client_id}")
    if not versions:
        return None
    version = max(versions, key=lambda v: v.number)
    if version.content is None:
        return None
    return Plan.from_content(version.content, status_of(version), traits_of(oc.ctx, kind))


def reword(
    oc: OpenClient, plan: Plan, item: PlanItem, index: int, wording: str, *, by: str
) -> PlanEdit:
    """Keep the client's rewording of one item (`index` into its list, or -1 for its text) as a
    plan-level edit: the answer stays in the record as it was given."""
    oc.require_writable()
    known_kind(oc.ctx, plan.kind)
    original = item.text if index == -1 else item.items[index]
    if item.reworded and index in item.reworded:  # a new rewording of an already reworded item
        previous = next(
            (
                e
                for e in oc.plan_edits()
                if (e.kind, e.exercise_id, e.step_id, e.index)
                == (plan.kind, item.exercise_id, item.step_id, index)
            ),
            None,
        )
        if previous is not None:
            original = previous.original
    if not clean_line(wording):
        raise UserError("a rewording needs some words; leave it to keep the answer as it is")
    edit = PlanEdit.model_validate(
        {
            "kind": plan.kind,
            "exercise_id": item.exercise_id,
            "step_id": item.step_id,
            "index": index,
            "original": original,
            "wording": wording,
            "by": by,
        }
    )
    writer_of(oc).save_plan_edit(edit)
    return edit


def export_name(
    client_id: str,
    kind: str,
    fmt: str,
    on: date,
    *,
    layout: str = "standard",
    version: int | None = None,
) -> str:
    """The suggested file name: the client's ID first (so deletion finds it in `exports/`), then
    what tells two exports apart: kind, layout, version (or draft) and date."""
    return outbox.plan_name(client_id, kind, fmt, on, layout=layout, version=version)


def plan_export_name(oc: OpenClient, plan: Plan, fmt: str, on: date, layout: str | None) -> str:
    """The suggested file name of this plan as it is (a saved version, or a draft)."""
    version = plan.status.version if plan.status is not None else None
    layout = layout or layout_for(oc, plan.kind)
    return export_name(oc.client_id, plan.kind, fmt, on, layout=layout, version=version)


def check_destination(
    ctx: Context, path: Path, client_id: str | None, *, name: str = "", force: bool = False
) -> Path:
    """Where an export may go (`tui.services.privacy.outbox.destination`: the one rule for every file
    that leaves the data dir). Raises UserError (one line) otherwise."""
    return outbox.destination(ctx, path, name=name or "export", client_id=client_id, force=force)


def layout_for(oc: OpenClient, kind: str = "wellbeing") -> str:
    """The layout a plan is given by default: the client's plan follows the client's recorded
    needs (Easy Read, large print, or standard); a practitioner-led plan (the Keep Safe Plan) is
    the practitioner's document and follows the practitioner's own (`practitioner_layout` in
    the config)."""
    if traits_of(oc.ctx, kind).practitioner_led:
        return oc.ctx.config.practitioner_layout
    needs = oc.client().needs
    return default_layout(
        needs.literacy,
        bool(needs.learning_disability or needs.intellectual_disability),
        needs.accessibility,
    )


def export_plan(
    oc: OpenClient,
    plan: Plan,
    fmt: str | None,
    dest: Path | None,
    *,
    printed_on: date,
    layout: str | None = None,
    force: bool = False,
) -> Path | bytes:
    """The plan in `fmt` (None: the one `dest`'s name asks for) and `layout` (by default the one
    its reader's needs call for: the client's, or the practitioner's for the Keep Safe Plan),
    audited as exported first; written to `dest` (a file, or a folder to hold it under its
    default name) through the outbox, or returned as bytes for the caller to print when `dest`
    is None (never a PDF). An existing file is replaced only with
    `force` (`outbox.Exists` otherwise)."""
    fmt = format_for(fmt, dest)
    if dest is None and not can_print(fmt):
        raise UserError(f"a {exporter(fmt).words} cannot go to the terminal; give -o FILE")
    layout = layout or layout_for(oc, plan.kind)
    target = None
    if dest is not None:
        name = plan_export_name(oc, plan, fmt, printed_on, layout)
        target = outbox.destination(oc.ctx, dest, name=name, client_id=oc.client_id, force=force)
    data = render_bytes(plan_document(plan, printed_on=printed_on, layout=layout), fmt)

    def audit() -> None:  # before anything leaves; if the log cannot be written, nothing is output
        to = "file" if target else "stdout"
        oc.record("exported", [plan.kind], {"format": fmt, "to": to})

    if target is None:
        audit()
        return data
    return outbox.send_one(target, data, force=force, audit=audit)


def worksheet(
    ctx: Context,
    exercise_id: str,
    fmt: str | None,
    dest: Path | None,
    *,
    printed_on: date,
    force: bool = False,
) -> Path | bytes:
    """A blank worksheet of an exercise (nobody's data: not audited), written through the outbox
    (an existing file replaced only with `force`) or returned."""
    exercise = ctx.library.get(exercise_id)
    if exercise is None:
        raise UserError(f"no exercise '{one_line(exercise_id, 60)}' (see `wellbeing content list`)")
    fmt = format_for(fmt, dest)
    if dest is None and not can_print(fmt):
        raise UserError(f"a {exporter(fmt).words} cannot go to the terminal; give -o FILE")
    target = None
    if dest is not None:
        name = outbox.worksheet_name(exercise.id, fmt, printed_on)
        target = outbox.destination(ctx, dest, name=name, force=force)
    related = related_lines(ctx, list(exercise.references))
    doc: Document = worksheet_document(exercise, printed_on=day(printed_on), related=related)
    data = render_bytes(doc, fmt)
    return data if target is None else outbox.send_one(target, data, force=force)


def exports_of(ctx: Context, client_id: str) -> list[Path]:
    """The client's exports in the data dir's `exports/` folder (by the name rule above)."""
    folder = ctx.data_dir / "exports"
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    prefix = f"{client_id.upper()}-"
    return sorted(folder / n for n in names if n.upper().startswith(prefix))
