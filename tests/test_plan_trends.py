"""Dashboard trends: found through `Step.trend`, readable without colour."""

from __future__ import annotations

from tests.plan_fixtures import S1, S2, FakeLibrary, answer, at, history
from tui.services.clients.trends import compute_trends, render_trends, trend_lines


def test_series_per_session() -> None:
    trends = compute_trends([S2, S1], history(), FakeLibrary())
    assert [(p.on.day, p.label, p.symbol, p.rank) for p in trends.levels] == [
        (3, "Amber", "▲", 1),
        (10, "Green", "●", 0),
    ]
    assert [(p.on.day, p.before, p.after) for p in trends.distress] == [(3, 8, 3), (10, 6, 2)]


def test_latest_answer_in_a_session_and_unknown_steps_are_ignored() -> None:
    extra = [
        answer(S2, "traffic-light", "today", "red", at(10, 11)),
        answer(S2, "gone", "today", "red", at(10, 12)),
    ]
    trends = compute_trends([S1, S2], history() + extra, FakeLibrary())
    assert [p.value for p in trends.levels] == ["amber", "red"]


def test_monochrome_lines_carry_words_and_numbers() -> None:
    lines = trend_lines([S1, S2], history(), FakeLibrary())
    assert lines[0] == "Traffic light by session: ▲ ●"
    assert "   3 Jun 2020  ▲ AMBER" in lines and "  10 Jun 2020  ● GREEN" in lines
    assert any("8 → 3  down 5" in line for line in lines)
    assert all(len(line) <= 60 for line in lines)


def test_nothing_recorded_says_so() -> None:
    assert render_trends(compute_trends([], [], FakeLibrary())) == [
        "Traffic light: not recorded yet.",
        "Distress around breathing: not recorded yet.",
    ]
