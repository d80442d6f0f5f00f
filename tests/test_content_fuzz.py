"""Whatever a content file holds, the parser answers with an Exercise or a ContentError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercises.errors import ContentError
from exercises.library import shipped_dir
from exercises.parser import parse_exercise

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID_STEP = "## S\n\n```step\nid: s\nkind: text\nfeeds: [wellbeing.impact]\n```\n\nWhy?\n"
SHIPPED = sorted(p.read_text(encoding="utf-8") for p in shipped_dir().glob("*.md"))

YAML_BITS = st.sampled_from(
    [
        "id",
        "title",
        "guide_step",
        "minutes",
        "modes",
        "source",
        "area",
        "steps",
        "order",
        ":",
        ": ",
        "\n",
        "  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "!x ",
        "<<: ",
        "'",
        '"',
        "#",
        "|",
        ">",
        "---",
        "...",
        "no",
        "yes",
        "1:30",
        "0o17",
        "2020-06-03",
        "~",
        "null",
        "keep-safe",
        "office",
        "phone",
        "3",
        "-1",
        "1e9",
        ".inf",
        "\t",
        "\ufeff",
        "\r\n",
        "\x00",
        "\u2028",
        "é",
        "%YAML 1.1",
        "? ",
    ]
)


def check(text: str) -> None:
    try:
        parse_exercise(text, "fuzz.md")
    except ContentError as exc:
        assert exc.line >= 1
        assert str(exc).startswith("fuzz.md:")


@FUZZ
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    check(text)


@FUZZ
@given(st.lists(YAML_BITS, max_size=40).map("".join), st.booleans())
def test_yamlish_front_matter(front: str, with_step: bool) -> None:
    check("---\n" + front + "\n---\n" + (VALID_STEP if with_step else ""))


@FUZZ
@given(st.lists(YAML_BITS, max_size=40).map("".join))
def test_yamlish_step_block(block: str) -> None:
    front = (
        "---\nid: f\ntitle: F\nguide_step: 1\narea: A\nminutes: 5\nmodes: [office]\n"
        "source: S\n---\n"
    )
    check(front + "## S\n\n```step\n" + block + "\n```\n\nWhy?\n")


@FUZZ
@given(st.sampled_from(SHIPPED), st.data())
def test_mutated_shipped_files(text: str, data: st.DataObject) -> None:
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "swap", "junk"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif action == "junk":
            lines[i] = lines[i] + data.draw(YAML_BITS)
        if not lines:
            lines = [""]
    check("\n".join(lines))
