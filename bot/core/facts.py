"""What the IRM's values mean, written once: which values are states of the review rather than assessments,
the levels of completion and ambition, and a commitment's most final completion level.

The keys come from data/vocabularies.json (bot.common.vocab), which lists each kind's levels from the lowest to
the highest.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.common.vocab import vocabulary
from bot.core.records import Commitment

# "pending_irm_review", "no_irm_data", "not_reviewed": where an assessment would be, but none.
IRM_STATES: tuple[str, ...] = tuple(vocabulary().keys("irm_state"))
# Highest first: "complete", "substantial", "limited", "not_started", "no_evidence".
COMPLETION_LEVELS: tuple[str, ...] = tuple(reversed(vocabulary().keys("completion")))
# Highest first: "high", "moderate", "low".
AMBITION_LEVELS: tuple[str, ...] = tuple(reversed(vocabulary().keys("ambition")))
# The ambition level of an IRM that rated the potential impact instead (older reports).
_AMBITION_OF_IMPACT = {"transformative": "high", "moderate": "moderate", "minor": "low", "none": "low"}


def is_assessed(value: str | None) -> bool:
    """A value the IRM gave (not empty, not a state such as "pending IRM review")."""
    return bool(value) and value not in IRM_STATES


class Completion(NamedTuple):
    """A commitment's most final completion, and where it comes from."""

    key: str | None  # a completion level, an IRM state (source "state"), or None (source "none")
    source: str  # "end" (end-of-term report), "midterm", "glance" (the OGP page's own), "state", "none"


def completion(c: Commitment) -> Completion:
    """The most final completion level the IRM gave: end of term, else mid-term, else the OGP page's own.
    Without one, the IRM state found in the same order (pending review, ...)."""
    values = ((c.irm.completion_end, "end"), (c.irm.completion_midterm, "midterm"), (c.irm.completion, "glance"))
    for key, source in values:
        if is_assessed(key):
            return Completion(key, source)
    for key, _ in values:
        if key:
            return Completion(key, "state")
    return Completion(None, "none")


def completion_level(c: Commitment) -> str | None:
    """The most final completion level the IRM gave, None when it gave none."""
    key, source = completion(c)
    return key if source not in ("state", "none") else None


def ambition_level(c: Commitment) -> str | None:
    """The IRM's ambition level, or the one its potential impact rating amounts to; None when it gave neither."""
    if c.irm.ambition in AMBITION_LEVELS:
        return c.irm.ambition
    return _AMBITION_OF_IMPACT.get(c.irm.potential_impact or "")
