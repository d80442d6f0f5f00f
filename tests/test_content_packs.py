"""A service extends content without touching Python: a pack adds an exercise and a plan section."""

from __future__ import annotations

from pathlib import Path

from exercises.library import load_library
from exercises.plan_templates import PLANS_DIR

EXERCISE = """---
id: walk-log
title: My walks
guide_step: 3
area: wellbeing
minutes: 5
modes: [office, phone]
source: Our service's own exercise
---

## Where I walked

```step
id: where
kind: text
feeds: [wellbeing.walking]
```

Where did you walk this week?
"""


def test_a_pack_can_add_a_plan_section_and_feed_it(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "plans").mkdir(parents=True)
    (pack / "walk-log.md").write_text(EXERCISE, "utf-8")
    # Without the section, the exercise is a problem naming the feeds line, and is left out.
    library = load_library([pack])
    assert library.get("walk-log") is None
    [problem] = library.problems
    assert problem.line == EXERCISE.splitlines().index("feeds: [wellbeing.walking]") + 1
    assert "unknown plan section 'wellbeing.walking'" in problem.message
    # The pack's own plan template adds the section: a content change only.
    template = (PLANS_DIR / "wellbeing.md").read_text("utf-8")
    template += (
        "\n## My walks\n\n```section\nid: wellbeing.walking\n"
        "empty: No walks yet.\n```\n\nWhere I walk to clear my head.\n"
    )
    (pack / "plans" / "wellbeing.md").write_text(template, "utf-8")
    library = load_library([pack])
    assert library.problems == ()
    assert library.get("walk-log") is not None
