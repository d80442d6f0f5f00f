"""Text from outside is cleaned where it comes in (issue 26 item 6): a sealed bundle, a client file
edited by hand, a config, a content pack. Nothing they bring reaches the store, a message on the
terminal or an HTML export as a control character, an escape sequence or live markup."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from store.audit_chain import GENESIS, line_hash
from store.errors import StoreError
from store.relocation import transfer_payload
from store.transfer import seal
from tests.cli_runner import run_cli
from tui.services.config import Config
from tui.services.context import Context
from tui.services.demo import DEMO_ID, write_demo
from tui.services.privacy.transfer import transfer_in
from tui.services.repository import repository

PASS = "correct horse battery staple"
#: a title write (OSC 0), a clipboard write (OSC 52), an 8-bit CSI, a right-to-left override, NUL
HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x9b31m\u202e\x00"
#: what must never reach a terminal, the store or an export
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def context(path: Path) -> Context:
    return Context(config=Config(), data_dir=path)


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings(v))]
    return []


@pytest.fixture
def payload(tmp_path: Path) -> dict[str, Any]:
    """A real client's whole record, as a bundle carries it (the source keeps the client)."""
    ctx = context(tmp_path / "area-a")
    write_demo(ctx, today=date(2026, 11, 25))
    return transfer_payload(repository(ctx), DEMO_ID, source="area a")


def sealed(tmp_path: Path, payload: dict[str, Any]) -> Path:
    bundle = tmp_path / "hostile.bundle"
    bundle.write_bytes(seal(payload, PASS))
    bundle.chmod(0o600)
    return bundle


def from_before_digests(payload: dict[str, Any]) -> dict[str, Any]:
    """The bundle as a version that kept no record digests in its log would have made it (its
    chain made again without them): its record is checked by its chain alone."""
    prev, lines = GENESIS, []
    for raw in str(payload["audit"]).rstrip("\n").split("\n"):
        entry = json.loads(raw)
        entry.pop("record", None)
        entry["prev"] = prev
        line = json.dumps(entry, ensure_ascii=True, separators=(",", ":"))
        lines.append(line)
        prev = line_hash(line.encode("ascii"))
    payload["audit"] = "\n".join(lines) + "\n"
    payload["record"].pop("audit_salt", None)
    payload["record"]["audit_head"] = {"1": {"head": prev}}
    return payload


def test_a_bundle_whose_record_was_changed_after_it_was_made_is_refused(
    tmp_path: Path, payload: dict[str, Any]
) -> None:
    """Sealed again with the passphrase after hostile text was put in by hand: its log's digests
    say the app never wrote it. Refused in one clean line; nothing restored."""
    first = next(iter(payload["record"]["answers"].values()))
    first["value"] = f"my words{HOSTILE}"
    target = context(tmp_path / "area-b")
    with pytest.raises(StoreError) as caught:
        transfer_in(target, sealed(tmp_path, payload), PASS)
    message = str(caught.value)
    assert "changed outside the app" in message and "nothing was restored" in message
    assert not RAW.search(message) and "my words" not in message  # ids only, never a value
    assert not repository(target).path(DEMO_ID).exists()


def test_a_validly_sealed_bundle_with_hostile_text_is_cleaned_at_restore(
    tmp_path: Path, payload: dict[str, Any]
) -> None:
    """A bundle from before record digests (its chain holds, its record unchecked) carrying
    escapes, bidi overrides and NUL: cleaned as it comes in."""
    record = from_before_digests(payload)["record"]
    record["client"]["1"]["name"] = f"Sam{HOSTILE} Taylor"
    first = next(iter(record["answers"].values()))
    first["value"] = f"my words{HOSTILE}"
    target = context(tmp_path / "area-b")
    assert transfer_in(target, sealed(tmp_path, payload), PASS) == DEMO_ID

    with repository(target).read(DEMO_ID) as cf:
        assert cf.client().name == "Sam Taylor"
        assert all(not RAW.search(str(a.value)) for a in cf.answers())
    stored = json.loads(repository(target).path(DEMO_ID).read_text("utf-8"))
    assert [s for s in strings(stored) if RAW.search(s)] == []
    out = tmp_path / "sar.json"
    done = run_cli("export", DEMO_ID, "-o", str(out), "--data-dir", str(target.data_dir))
    assert done.returncode == 0, done.stderr
    assert not RAW.search(out.read_text("utf-8")) and "\\u001b" not in out.read_text("utf-8")


def test_an_unknown_key_in_a_bundle_never_puts_escapes_in_the_refusal(
    tmp_path: Path, payload: dict[str, Any]
) -> None:
    payload["record"]["client"]["1"][f"colour{HOSTILE}"] = 1
    target = context(tmp_path / "area-b")
    with pytest.raises(StoreError) as caught:
        transfer_in(target, sealed(tmp_path, payload), PASS)
    assert not RAW.search(str(caught.value)) and "\n" not in str(caught.value)
    assert not repository(target).path(DEMO_ID).exists()


def _hostile_file(data_dir: Path, how: str) -> None:
    path = data_dir / "clients" / f"{DEMO_ID}.json"
    for extra in ("summary", "journal", "bak"):
        (data_dir / "clients" / f"{DEMO_ID}.json.{extra}").unlink(missing_ok=True)
    doc = json.loads(path.read_text("utf-8"))
    if how == "forged id":
        doc["client"]["1"]["id"] = DEMO_ID + HOSTILE
    else:
        doc["client"]["1"][f"colour{HOSTILE}"] = 1
    path.write_text(json.dumps(doc), "utf-8")


@pytest.mark.parametrize("how", ["forged id", "unknown key"])
@pytest.mark.parametrize(
    "command",
    [
        ("client", "set", DEMO_ID, "name=Bob"),
        ("plan", DEMO_ID, "--kind", "wellbeing"),
        ("export", DEMO_ID, "-o", "{tmp}/sar.json"),
        ("eligibility", DEMO_ID),
        ("client", "list"),
    ],
)
def test_a_hostile_client_file_never_prints_raw_escapes(
    tmp_path: Path, how: str, command: tuple[str, ...]
) -> None:
    data = tmp_path / "data"
    write_demo(context(data), today=date(2026, 11, 25))
    _hostile_file(data, how)
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    done = run_cli(*args, "--data-dir", str(data))
    assert not RAW.search(done.stdout + done.stderr), (done.stdout + done.stderr)[:300]
    assert "Traceback" not in done.stderr
    if done.returncode:
        assert done.stderr.count("\n") == 1


def test_an_unknown_config_key_never_prints_raw_escapes(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('"colour\\u001b]52;c;ZXZpbA==\\u0007\\u202e" = 1\n', "utf-8")
    env = {**os.environ, "WELLBEING_CONFIG": str(config)}
    done = run_cli("client", "list", "--data-dir", str(tmp_path / "data"), env=env)
    assert done.returncode == 1 and "not a setting" in done.stderr
    assert not RAW.search(done.stderr) and done.stderr.count("\n") == 1


def test_every_cli_message_passes_through_the_one_cleaner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a command prints, to stdout or stderr, however it was made, is cleaned on its
    way to the terminal (here a service that prints hostile text itself)."""
    import sys

    def noisy(ctx: object) -> list[object]:
        print(f"a row{HOSTILE}")
        print(f"a warning{HOSTILE}", file=sys.stderr)
        sys.stdout.writelines([f"more{HOSTILE}\n"])
        return []

    monkeypatch.setattr("tui.services.clients.rows.list_clients", noisy)
    done = run_cli("client", "list", "--data-dir", str(tmp_path))
    assert "a row" in done.stdout and "a warning" in done.stderr and "more" in done.stdout
    assert not RAW.search(done.stdout + done.stderr)
    done = run_cli("plan", DEMO_ID, "--kind", f"no{HOSTILE}", "--data-dir", str(tmp_path))
    assert done.returncode == 2 and not RAW.search(done.stderr)
    done = run_cli("audit", f"X{HOSTILE}", "--data-dir", str(tmp_path))
    assert done.returncode and not RAW.search(done.stderr)


EVIL = "<img src=x onerror=alert(1)>"


def test_html_exports_escape_what_content_and_answers_bring(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "evil.md").write_text(
        f"""---
id: evil
title: Walks {EVIL}
guide_step: 3
area: wellbeing
minutes: 5
modes: [office, phone]
source: Ours {EVIL}
---

## Where {EVIL}

```step
id: where
kind: text
feeds: [wellbeing.concerns]
```

Where did you walk {EVIL}?

Guidance {EVIL} and <b>bold</b>.
""",
        "utf-8",
    )
    data = tmp_path / "data"
    sheet = tmp_path / "sheet.html"
    done = run_cli(
        "worksheet", "evil", "-o", str(sheet), "--content-dir", str(pack), "--data-dir", str(data)
    )
    assert done.returncode == 0, done.stderr
    html = sheet.read_text("utf-8")
    assert "<img" not in html and "<b>" not in html and html.count("&lt;img") >= 4

    ctx = context(data)
    write_demo(ctx, today=date(2026, 11, 25))
    assert (
        run_cli("client", "set", DEMO_ID, f"name=Sam {EVIL}", "--data-dir", str(data)).returncode
        == 0
    )
    plan = tmp_path / "plan.html"
    done = run_cli("plan", DEMO_ID, "--kind", "keep-safe", "-o", str(plan), "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    assert "<img" not in plan.read_text("utf-8") and "&lt;img" in plan.read_text("utf-8")


def test_a_content_packs_text_is_cleaned_by_the_parser(tmp_path: Path) -> None:
    from exercises.library import load_library

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "hostile.md").write_text(
        f"""---
id: hostile
title: Walks{HOSTILE}
guide_step: 3
area: wellbeing
minutes: 5
modes: [office, phone]
source: Ours{HOSTILE}
---

## Where{HOSTILE}

```step
id: where
kind: text
feeds: [wellbeing.concerns]
```

Where did you walk{HOSTILE}?
""",
        "utf-8",
    )
    library = load_library([pack])
    assert library.problems == ()
    exercise = library.get("hostile")
    assert exercise is not None
    dumped = exercise.model_dump_json()
    assert not RAW.search(json.loads(dumped).__repr__()) and "\\u001b" not in dumped
    assert not RAW.search(exercise.title + exercise.source + exercise.steps[0].title)


def test_a_character_yaml_refuses_is_a_content_problem_not_a_crash(tmp_path: Path) -> None:
    from exercises.library import load_library

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "odd.md").write_text("---\nid: odd\ntitle: A\ufffe\n---\n\nText.\n", "utf-8")
    library = load_library([pack])
    (problem,) = library.problems
    assert "invalid YAML" in problem.message and library.get("odd") is None
