"""The strict YAML loader on libyaml's parser (C) reads every content file as the pure-Python one
does, and refuses what it refuses, on the same line (exercises/frontmatter.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import exercises.frontmatter as fm
from exercises.errors import ContentError

SHIPPED = sorted((Path(fm.__file__).parent).glob("**/*.md"))
HOSTILE = {
    "alias": "a: &x [1]\nb: *x\n",
    "anchor": "a: &x 1\n",
    "tag": "a: !!binary aGk=\n",
    "local tag": "a: !thing 1\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "deep": "a: " + "[" * 20 + "]" * 20 + "\n",
    "deeper than libyaml allows": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "long number": "a: " + "9" * 40 + "\n",
    "broken": "a: [1, 2\nb: 3\n",
    "tab": "a:\n\t- 1\n",
}


def _load(loader: type, text: str) -> object:
    saved = fm.StrictLoader
    fm.StrictLoader = loader
    try:
        return fm.load_yaml(text, "x.md", 2)
    finally:
        fm.StrictLoader = saved


def test_libyaml_is_what_loads_the_content() -> None:
    assert yaml.__with_libyaml__ and fm.StrictLoader is not fm.PureStrictLoader


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_reads_the_same(path: Path) -> None:
    text = fm.normalise(path.read_text("utf-8"))
    front = text.split("\n---\n", 1)[0].removeprefix("---\n")
    assert _load(fm.StrictLoader, front) == _load(fm.PureStrictLoader, front)


def test_scalars_and_a_merge_key_read_the_same() -> None:
    text = "a: no\nb: 1:30\nc: 017\nd: 2020-06-03\ne: 0x1f\nf: .inf\ng:\n  <<: {y: 2}\n"
    read = _load(fm.StrictLoader, text)
    assert read == _load(fm.PureStrictLoader, text)
    assert read == {
        "a": "no",
        "b": "1:30",
        "c": 17,
        "d": "2020-06-03",
        "e": 31,
        "f": float("inf"),
        "g": {"<<": {"y": 2}},
    }


@pytest.mark.parametrize("name", list(HOSTILE))
def test_both_refuse_the_same_on_the_same_line(name: str) -> None:
    refusals = []
    for loader in (fm.PureStrictLoader, fm.StrictLoader):
        with pytest.raises(ContentError) as caught:
            _load(loader, HOSTILE[name])
        refusals.append(caught.value.line)
        if name.startswith("deep"):  # libyaml's own depth cap is met first: said as ours
            assert "nested deeper than" in caught.value.message, caught.value.message
    assert refusals[0] == refusals[1]  # (libyaml words some syntax errors its own way)
