"""Who a step's text is for and whose words its answer is, said in one place.

The banner over a step and the note under a read step are both worded here, from the step alone
(its kind, `aloud` and `voice`) and how the session is held, so the two can never disagree: a text
for the practitioner alone is never offered to be read together or aloud, and a step with nothing
to answer never asks for the client's words to be typed.
"""

from __future__ import annotations

from exercises.models import Step, StepKind

READ_ONLY = "READ ONLY: this client is open elsewhere; answers are shown only."
FOR_YOU = "FOR YOU ONLY: guidance for you, not to be read to the client."
READ_ALOUD = "READ ALOUD: read the text below to the client."
READ_ALOUD_TYPING = "READ ALOUD to the client, then type what they say, in their words."
JUDGEMENT = "YOUR JUDGEMENT: recorded as the practitioner's, not the client's words."
PHONE_TYPING = "Phone session: type what the client says, in their words."
PHONE_TELLING = "Phone session: go through this with the client in your own words."


def for_practitioner(step: Step) -> bool:
    """A read step whose text is the practitioner's alone (never read to or with the client)."""
    return step.kind is StepKind.READ and step.voice == "practitioner"


def banner(step: Step, *, phone: bool, read_only: bool = False) -> str:
    """The line over the step ("" for none): what to do with it, and whose words go in."""
    if read_only:
        return READ_ONLY
    if for_practitioner(step):
        return FOR_YOU
    if step.kind is StepKind.READ:
        return (READ_ALOUD if step.aloud else PHONE_TELLING) if phone else ""
    if step.voice == "practitioner":
        return JUDGEMENT
    if phone:
        return READ_ALOUD_TYPING if step.aloud else PHONE_TYPING
    return ""


def read_note(step: Step, *, phone: bool) -> str:
    """What a read step asks of the practitioner, under its text."""
    if for_practitioner(step):
        return "Read this yourself, then go on to the next step."
    if step.aloud:
        return "Read the script aloud, then go on to the next step."
    if phone:
        return "Go through this with the client, then go on to the next step."
    return "Read this through together, then go on to the next step."
