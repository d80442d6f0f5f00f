"""What a practitioner sees when keys come after a screen was taken away (issue 22), at 80x24:
the notice of a takeover with the keys typed after it, and the privacy cover that kept keys."""

from __future__ import annotations

import time

import pytest

from tests.test_screen_snapshots import SIZE, demo_app, open_demo, then
from tui.services.demo import DEMO_ID
from tui.shell.app import WellbeingApp


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def handed_over(app: WellbeingApp) -> None:
    """The notice as a takeover leaves it (the handover itself is tested elsewhere)."""
    app._handed_over.append(("sam on wellbeing-server", DEMO_ID))
    app._leave_client_screens(DEMO_ID)


def test_handed_over_notice_with_keys_typed_after(snap_compare) -> None:  # noqa: ANN001
    app = demo_app("snap-handed-over")
    keys = tuple("about my mum")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, handed_over, keys))


def test_privacy_cover_with_keys_typed_under_it(snap_compare) -> None:  # noqa: ANN001
    app = demo_app("snap-cover-keys")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(open_demo, "f12", ("a", "b")))
