"""Light, read-only records with the fields of the canonical ones (bot.dataset.schema), for the in-memory
index: slotted dataclasses cost a tenth of the memory of pydantic instances, which matters at 10,000
commitments and 40,000 milestones. Build them only from validated data (the database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Localized = dict[str, str]
EMPTY: Localized = {}  # shared by every record without a text: read-only by contract


def _share_empty(record: DataclassInstance) -> None:
    """Empty dicts and lists are many (most fields of most records): let them all be one object."""
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        if isinstance(value, dict) and not value:
            setattr(record, name, EMPTY)


@dataclass(slots=True, kw_only=True)
class Milestone:
    def __post_init__(self) -> None:
        _share_empty(self)

    number: str
    commitment: str | None
    text: Localized
    start: str | None
    end: str | None
    status: str | None
    status_note: Localized
    status_source: str | None
    status_score: float | None


@dataclass(slots=True, kw_only=True)
class Irm:
    def __post_init__(self) -> None:
        _share_empty(self)

    reports: list[Localized]
    verifiable: str | None
    relevance: list[str]
    ambition: str | None
    potential_impact: str | None
    completion: str | None
    completion_midterm: str | None
    completion_end: str | None
    starred: str | None
    early_results: str | None
    midterm_summary: Localized
    midterm_next_steps: Localized
    end_summary: Localized


@dataclass(slots=True, kw_only=True)
class Commitment:
    def __post_init__(self) -> None:
        _share_empty(self)

    id: str
    member: str
    action_plan: str | None
    number: str | None
    title: Localized
    short_title: Localized
    status: str | None
    description: Localized
    challenges: Localized
    ambitions: Localized
    roadmap: Localized
    ogp_principles: Localized
    description_full: Localized
    start: str | None
    end: str | None
    new_commitment: bool | None
    lead_institutions: list[Localized]
    support_institutions: list[Localized]
    policy_areas: list[str]
    milestones: list[Milestone]
    irm: Irm
    urls: Localized
    retrieved_at: datetime | None
    source_text: Localized
    notes: list[str]
    partial: bool
    identified_by: str | None


@dataclass(slots=True, kw_only=True)
class Dataset:
    format: str
    format_version: int
    generated_at: datetime | None
    description: str | None
    members: list[Any]
    action_plans: list[Any]
    policy_areas: list[Any]
    commitments: list[Commitment]
