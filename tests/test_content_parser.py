"""The content parser: each error class is reported at the right line of the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.errors import ContentError
from exercises.frontmatter import MAX_BYTES, MAX_DEPTH, split_front_matter
from exercises.library import load_dirs
from exercises.models import StepKind
from exercises.parser import parse_exercise, render_html

FRONT = """\
---
id: sample
title: A sample
guide_step: 3
area: Emotions
minutes: 10
modes: [office, phone]
source: Written for the tests.
---
"""
#: the first line after FRONT.
BODY_LINE = 10

STEP = """\
## Name it

```step
id: name
kind: text
feeds: [wellbeing.impact]
```

What is the feeling called?
"""


def parse(text: str):
    return parse_exercise(text, "sample.md")


def error_of(text: str) -> ContentError:
    with pytest.raises(ContentError) as info:
        parse(text)
    assert str(info.value).startswith(f"sample.md:{info.value.line}: ")
    return info.value


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing needle, so tests do not hard-code numbers."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[nth - 1]


def test_a_valid_file_parses_with_real_lines() -> None:
    exercise = parse(FRONT + "\n" + STEP)
    step = exercise.steps[0]
    assert (exercise.id, step.id, step.kind, step.feeds) == (
        "sample",
        "name",
        StepKind.TEXT,
        ("wellbeing.impact",),
    )
    assert step.title == "Name it"
    assert step.body == "What is the feeling called?"
    assert step.line == BODY_LINE + 1
    assert exercise.path == "sample.md"


def test_duplicate_key_in_front_matter() -> None:
    text = FRONT.replace("area: Emotions\n", "area: Emotions\ntitle: Again\n") + STEP
    err = error_of(text)
    assert err.line == line_of(text, "title: Again")
    assert "duplicate key 'title'" in err.message and "first on line 3" in err.message


def test_duplicate_key_in_step_block() -> None:
    text = FRONT + STEP.replace("kind: text\n", "kind: text\nkind: list\n")
    err = error_of(text)
    assert err.line == line_of(text, "kind: list")
    assert "duplicate key 'kind'" in err.message


def test_alias_is_rejected() -> None:
    text = FRONT.replace("area: Emotions", "area: &a Emotions\nsummary: *a") + STEP
    err = error_of(text)
    assert err.line == line_of(text, "&a")
    assert "anchors" in err.message


def test_alias_bomb_is_rejected_without_expanding() -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: &d [*c,*c]\n'
    with pytest.raises(ContentError) as info:
        split_front_matter("---\n" + bomb + "---\n", "bomb.md")
    assert info.value.line == 2


def test_bare_alias_is_rejected() -> None:
    with pytest.raises(ContentError) as info:
        split_front_matter("---\nid: x\nb: *nothing\n---\n", "a.md")
    assert info.value.line == 3
    assert "alias" in info.value.message


def test_unclosed_front_matter() -> None:
    text = FRONT.rstrip("-\n") + "\n" + STEP.replace("```step", "```")
    err = error_of(text)
    assert err.line == 1
    assert "never closed" in err.message


def test_missing_front_matter() -> None:
    err = error_of(STEP)
    assert err.line == 1
    assert "must start with a '---'" in err.message


def test_unknown_step_kind() -> None:
    text = FRONT + "\n" + STEP.replace("kind: text", "kind: essay")
    err = error_of(text)
    assert err.line == line_of(text, "kind: essay")
    assert "unknown step kind 'essay'" in err.message


def test_missing_required_front_matter_field() -> None:
    text = FRONT.replace("source: Written for the tests.\n", "") + STEP
    err = error_of(text)
    assert err.line == 1
    assert "missing required field 'source'" in err.message


def test_missing_step_id() -> None:
    text = FRONT + "\n" + STEP.replace("id: name\n", "")
    err = error_of(text)
    assert err.line == line_of(text, "```step")
    assert "missing required field 'id'" in err.message


def test_invalid_value_points_at_its_key() -> None:
    text = FRONT.replace("minutes: 10", "minutes: 0") + STEP
    err = error_of(text)
    assert err.line == line_of(text, "minutes: 0")
    assert "minutes" in err.message


def test_unknown_step_field() -> None:
    text = FRONT + "\n" + STEP.replace("kind: text\n", "kind: text\ncolour: red\n")
    err = error_of(text)
    assert err.line == line_of(text, "colour: red")
    assert "unknown field 'colour'" in err.message


def test_field_of_another_kind() -> None:
    text = FRONT + "\n" + STEP.replace("kind: text\n", "kind: text\noptions: [A, B]\n")
    err = error_of(text)
    assert err.line == line_of(text, "options:")
    assert "does not apply to a text step" in err.message


def test_duplicate_step_id() -> None:
    text = FRONT + "\n" + STEP + "\n" + STEP.replace("## Name it", "## Again")
    err = error_of(text)
    assert err.line == line_of(text, "## Again")
    assert "duplicate step id 'name'" in err.message


def test_unknown_plan_section() -> None:
    text = FRONT + "\n" + STEP.replace("wellbeing.impact", "wellbeing.hobbies")
    err = error_of(text)
    assert err.line == line_of(text, "feeds:")
    assert "unknown plan section 'wellbeing.hobbies'" in err.message


def test_answerable_step_must_feed_a_section() -> None:
    text = FRONT + "\n" + STEP.replace("feeds: [wellbeing.impact]\n", "")
    err = error_of(text)
    assert err.line == line_of(text, "## Name it")
    assert "feeds" in err.message


def test_invalid_option() -> None:
    step = STEP.replace(
        "kind: text", "kind: choice\noptions:\n  - Yes\n  - value: Not A Slug\n    label: x"
    )
    text = FRONT + "\n" + step
    err = error_of(text)
    assert err.line == line_of(text, "options:")
    assert "must be a slug" in err.message


def test_duplicate_option() -> None:
    step = STEP.replace("kind: text", "kind: choice\noptions: [Same, same]")
    text = FRONT + "\n" + step
    err = error_of(text)
    assert err.line == line_of(text, "options:")
    assert "appears twice" in err.message


def test_rule_naming_unknown_column() -> None:
    step = STEP.replace(
        "kind: text",
        "kind: table\ncolumns: [Who]\nrules:\n  - {column: what, value: x, message: m}",
    )
    text = FRONT + "\n" + step
    err = error_of(text)
    assert err.line == line_of(text, "rules:")
    assert "unknown column 'what'" in err.message


def test_timed_step_without_patterns() -> None:
    text = FRONT + "\n" + STEP.replace("kind: text", "kind: timed")
    err = error_of(text)
    assert err.line == line_of(text, "## Name it")


def test_phase_seconds_out_of_range() -> None:
    step = STEP.replace(
        "kind: text",
        "kind: timed\npatterns:\n  - id: p\n    label: P\n    phases: [{label: In, seconds: 0}]",
    )
    text = FRONT + "\n" + step
    err = error_of(text)
    assert err.line == line_of(text, "patterns:")
    assert "seconds" in err.message


def test_text_before_first_step() -> None:
    text = FRONT + "\nSome stray words.\n\n" + STEP
    err = error_of(text)
    assert err.line == line_of(text, "stray")


def test_heading_without_step_block() -> None:
    text = FRONT + "\n## Lonely\n\nNo block here.\n"
    err = error_of(text)
    assert err.line == line_of(text, "## Lonely")
    assert "```step block" in err.message


def test_second_step_block_under_one_heading() -> None:
    text = FRONT + "\n" + STEP + "\n```step\nid: other\nkind: text\n```\n"
    err = error_of(text)
    assert err.line == line_of(text, "```step", nth=2)


def test_no_steps() -> None:
    err = error_of(FRONT)
    assert "no steps" in err.message


def test_read_step_cannot_feed() -> None:
    text = FRONT + "\n" + STEP.replace("kind: text", "kind: read")
    err = error_of(text)
    assert err.line == line_of(text, "feeds:")


def test_oversize_file() -> None:
    text = FRONT + "\n" + STEP + "x" * (MAX_BYTES + 1)
    err = error_of(text)
    assert err.line == 1
    assert "limit" in err.message


def test_nesting_depth_cap() -> None:
    deep = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    text = FRONT.replace("area: Emotions", f"area: {deep}") + STEP
    err = error_of(text)
    assert err.line == line_of(text, "area:")
    assert "nested deeper" in err.message


def test_yaml_tags_are_rejected() -> None:
    text = FRONT.replace("area: Emotions", "area: !!binary aGk=") + STEP
    assert error_of(text).line == line_of(text, "area:")


def test_yaml_syntax_error_line() -> None:
    text = FRONT.replace("area: Emotions", "area: [unclosed") + STEP
    err = error_of(text)
    assert line_of(text, "area:") <= err.line <= line_of(text, "source:")
    assert "invalid YAML" in err.message


def test_bom_and_crlf_are_tolerated() -> None:
    text = "\ufeff" + (FRONT + "\n" + STEP).replace("\n", "\r\n")
    exercise = parse(text)
    assert exercise.steps[0].line == BODY_LINE + 1
    assert "\r" not in exercise.steps[0].body


def test_crlf_keeps_error_lines() -> None:
    text = FRONT + "\n" + STEP.replace("kind: text", "kind: essay")
    err = error_of("\ufeff" + text.replace("\n", "\r\n"))
    assert err.line == line_of(text, "kind: essay")


def test_yaml_11_booleans_stay_strings() -> None:
    meta, _, _ = split_front_matter("---\na: no\nb: yes\nc: on\nd: true\ne: 1:30\n---\n", "x.md")
    assert meta == {"a": "no", "b": "yes", "c": "on", "d": True, "e": "1:30"}


def test_raw_html_is_not_rendered() -> None:
    text = FRONT + "\n" + STEP.replace("What is", "<script>alert(1)</script> What is")
    body = parse(text).steps[0].body
    html = render_html(body)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_body_starting_with_a_rule_is_not_front_matter() -> None:
    text = FRONT + "---\n\n" + STEP
    with pytest.raises(ContentError) as info:
        parse(text)
    assert info.value.line == line_of(text, "---", nth=3)


def test_broken_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(FRONT + "\n" + STEP, encoding="utf-8")
    (tmp_path / "bad.md").write_text(FRONT + "\n" + STEP.replace("text", "essay"), encoding="utf-8")
    (tmp_path / "latin1.md").write_bytes((FRONT + "caf\xe9\n").encode("latin-1"))
    (tmp_path / "README.md").write_text("# not an exercise\n", encoding="utf-8")
    library = load_dirs([tmp_path, tmp_path / "missing"])
    assert [e.id for e in library.exercises] == ["sample"]
    problems = {Path(p.path).name: p for p in library.problems}
    assert set(problems) == {"bad.md", "latin1.md", "missing"}
    assert problems["latin1.md"].line == BODY_LINE
    assert library.get("sample") is not None and library.get("nope") is None


def test_duplicate_exercise_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(FRONT + "\n" + STEP, encoding="utf-8")
    (tmp_path / "b.md").write_text(FRONT.replace("A sample", "B") + "\n" + STEP, encoding="utf-8")
    library = load_dirs([tmp_path])
    assert [e.title for e in library.exercises] == ["A sample"]
    (problem,) = library.problems
    assert Path(problem.path).name == "b.md"
    assert problem.line == 2
    assert "duplicate exercise id 'sample'" in problem.message


def test_library_order_and_packs(tmp_path: Path) -> None:
    def write(name: str, step: object, order: int, title: str, pack: str = "ours") -> None:
        front = (
            FRONT.replace("id: sample", f"id: {name}")
            .replace("guide_step: 3", f"guide_step: {step}\norder: {order}\npack: {pack}")
            .replace("A sample", title)
        )
        (tmp_path / f"{name}.md").write_text(front + "\n" + STEP, encoding="utf-8")

    write("k", "keep-safe", 0, "Aaa")
    write("b", 1, 2, "Aaa")
    write("a", 1, 1, "Zzz")
    write("c", 3, 0, "Mmm", pack="theirs")
    library = load_dirs([tmp_path])
    assert [e.id for e in library.exercises] == ["a", "b", "c", "k"]
    assert {k: [e.id for e in v] for k, v in library.by_pack().items()} == {
        "ours": ["a", "b", "k"],
        "theirs": ["c"],
    }


def test_the_documented_example_parses() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "content-format.md").read_text(
        encoding="utf-8"
    )
    example = doc.split("````markdown\n", 1)[1].split("````", 1)[0]
    exercise = parse_exercise(example, "calm-place.md")
    assert [s.kind.value for s in exercise.steps] == ["read", "text", "scale", "choice"]
