"""How to put something right: a command to run, or, for a user without a shell, who to ask.

On a team server practitioners may log in to an account whose only program is the app (OpenSSH
`ForceCommand`; docs/deploy-ssh.md sets `WELLBEING_NO_SHELL=1` there). Telling them to run
`chmod` or `wellbeing init` is telling them to do what they cannot; every message that offers a
fix asks here which words fit.
"""

from __future__ import annotations

import os

NO_SHELL_ENV = "WELLBEING_NO_SHELL"


def has_shell() -> bool:
    """False under the team server's ForceCommand (the user can run nothing but the app)."""
    return os.environ.get(NO_SHELL_ENV, "").strip().lower() not in ("1", "yes", "true")


def remedy(command: str, ask: str) -> str:
    """ "run: COMMAND" for a user with a shell; "ask your admin to ASK" for one without."""
    return f"run: {command}" if has_shell() else f"ask your admin to {ask}"
