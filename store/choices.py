"""The fixed choices some profile facts take (`store.profile` uses and names them)."""

from __future__ import annotations

from enum import StrEnum


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    NON_BINARY = "non_binary"
    NOT_STATED = "not_stated"


class ProgrammeStage(StrEnum):
    PRE_GROUP = "pre_group"
    GROUP = "group"
    POST_GROUP = "post_group"


class Sentence(StrEnum):
    """What the client is serving: the routes the brochure's interventions name."""

    COMMUNITY_ORDER = "community_order"
    SUSPENDED_SENTENCE_ORDER = "suspended_sentence_order"
    LICENCE = "licence"
    POST_SENTENCE_SUPERVISION = "post_sentence_supervision"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"
