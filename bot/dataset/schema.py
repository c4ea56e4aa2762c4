"""The canonical JSON dataset format, as pydantic models.

These models are the format's definition: `python -m bot schema` writes the JSON Schema generated
from them (data/dataset.schema.json), and the loader validates every file with them. Documented in
data/README.md. Bump FORMAT_VERSION on any incompatible change.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMAT_NAME = "ogp-bot-dataset"
FORMAT_VERSION = 1

COMMITMENT_ID = re.compile(r"^[A-Z]{2,6}[0-9]{2,5}$")
MILESTONE_NUMBER = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){0,3}$")
PARTIAL_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

LocalizedText = Annotated[dict[str, str], Field(description="Text per language code, e.g. {\"en\": ..., \"fr\": ...}")]


def _check_localized(value: dict[str, str] | None) -> dict[str, str]:
    value = value or {}
    for lang, text in value.items():
        if not LANGUAGE.match(lang):
            raise ValueError(f"{lang!r} is not a two-letter language code")
        if not isinstance(text, str):
            raise ValueError(f"the {lang!r} text is not a string")
    return {lang: text for lang, text in value.items() if text.strip()}


def _check_date(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not PARTIAL_DATE.match(value):
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MemberRecord(_Strict):
    id: str = Field(description="slug, e.g. france")
    name: LocalizedText
    kind: str = Field(default="national", description="national or local")

    _names = field_validator("name")(_check_localized)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(f"{v!r} is not a member slug (lower-case letters, digits, hyphens)")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in {"national", "local"}:
            raise ValueError(f"{v!r} is not a member kind (national or local)")
        return v


class ActionPlanRecord(_Strict):
    id: str = Field(description="slug, e.g. france-2018-2020")
    member: str
    title: LocalizedText
    start_year: int | None = Field(default=None, ge=1990, le=2100)
    end_year: int | None = Field(default=None, ge=1990, le=2100)
    cycle: int | None = Field(default=None, ge=1990, le=2100)

    _titles = field_validator("title")(_check_localized)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(f"{v!r} is not an action plan slug (lower-case letters, digits, hyphens)")
        return v


class PolicyAreaRecord(_Strict):
    key: str
    label: LocalizedText

    _labels = field_validator("label")(_check_localized)

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if not KEY.match(v):
            raise ValueError(f"{v!r} is not a vocabulary key (lower-case letters, digits, underscores)")
        return v


class MilestoneRecord(_Strict):
    number: str = Field(description="e.g. 9.2")
    commitment: str | None = Field(default=None, description="optional; must be the enclosing commitment")
    text: LocalizedText = Field(default_factory=dict)
    start: str | None = None
    end: str | None = None
    status: str | None = Field(default=None, description="vocabulary completion or irm_state")
    status_note: LocalizedText = Field(default_factory=dict, description="the IRM sentence the status rests on")
    status_source: str | None = Field(default=None, description="irm_end_of_term, irm_midterm or editorial")
    status_score: float | None = Field(default=None, ge=0, le=100)

    _texts = field_validator("text", "status_note")(_check_localized)
    _dates = field_validator("start", "end")(_check_date)

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, v: Any) -> Any:
        if isinstance(v, str) and not MILESTONE_NUMBER.match(v.strip()):
            raise ValueError(f"{v!r} is not a milestone number (like 9.2)")
        return v


class IrmRecord(_Strict):
    reports: list[LocalizedText] = Field(default_factory=list, description="IRM report names")
    verifiable: str | None = None
    relevance: list[str] = Field(default_factory=list)
    ambition: str | None = None
    potential_impact: str | None = None
    completion: str | None = None
    completion_midterm: str | None = None
    completion_end: str | None = None
    starred: str | None = None
    early_results: str | None = None
    midterm_summary: LocalizedText = Field(default_factory=dict)
    midterm_next_steps: LocalizedText = Field(default_factory=dict)
    end_summary: LocalizedText = Field(default_factory=dict)

    _texts = field_validator("midterm_summary", "midterm_next_steps", "end_summary")(_check_localized)

    @field_validator("reports")
    @classmethod
    def _reports(cls, v: list[dict[str, str]]) -> list[dict[str, str]]:
        return [_check_localized(r) for r in v]


# Which vocabulary each controlled IRM field takes; every one also accepts an irm_state key.
IRM_VOCABULARY = {
    "verifiable": "yes_no",
    "ambition": "ambition",
    "potential_impact": "potential_impact",
    "completion": "completion",
    "completion_midterm": "completion",
    "completion_end": "completion",
    "starred": "yes_no",
    "early_results": "early_results",
}


class CommitmentRecord(_Strict):
    id: str = Field(description="OGP commitment id, e.g. FR0038")
    member: str
    action_plan: str | None = None
    number: str | None = Field(default=None, description="its number in the action plan, e.g. 9")
    title: LocalizedText
    short_title: LocalizedText = Field(default_factory=dict)
    status: str | None = Field(default=None, description="vocabulary status")
    description: LocalizedText = Field(default_factory=dict)
    challenges: LocalizedText = Field(default_factory=dict)
    ambitions: LocalizedText = Field(default_factory=dict)
    roadmap: LocalizedText = Field(default_factory=dict)
    ogp_principles: LocalizedText = Field(default_factory=dict)
    description_full: LocalizedText = Field(default_factory=dict)
    start: str | None = None
    end: str | None = None
    new_commitment: bool | None = None
    lead_institutions: list[LocalizedText] = Field(default_factory=list)
    support_institutions: list[LocalizedText] = Field(default_factory=list)
    policy_areas: list[str] = Field(default_factory=list)
    milestones: list[MilestoneRecord] = Field(default_factory=list)
    irm: IrmRecord = Field(default_factory=IrmRecord)
    urls: LocalizedText = Field(default_factory=dict, description="OGP page per language")
    retrieved_at: datetime | None = None
    source_text: LocalizedText = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    partial: bool = False
    identified_by: str | None = None

    _texts = field_validator("title", "short_title", "description", "challenges", "ambitions", "roadmap",
                             "ogp_principles", "description_full", "urls", "source_text")(_check_localized)
    _dates = field_validator("start", "end")(_check_date)

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v: Any) -> Any:
        if isinstance(v, str) and not COMMITMENT_ID.match(v.strip()):
            raise ValueError(f"{v!r} is not a commitment id (like FR0038)")
        return v

    @field_validator("title")
    @classmethod
    def _has_title(cls, v: dict[str, str]) -> dict[str, str]:
        if not v:
            raise ValueError("a commitment needs a title in at least one language")
        return v

    @field_validator("lead_institutions", "support_institutions")
    @classmethod
    def _institutions(cls, v: list[dict[str, str]]) -> list[dict[str, str]]:
        names = [_check_localized(n) for n in v]
        if any(not n for n in names):
            raise ValueError("an institution needs a name in at least one language")
        return names

    @model_validator(mode="after")
    def _milestones_belong_here(self) -> CommitmentRecord:
        seen: set[str] = set()
        for i, milestone in enumerate(self.milestones):
            if milestone.commitment and milestone.commitment != self.id:
                raise ValueError(f"milestones[{i}] belongs to commitment {milestone.commitment}, not {self.id}")
            if self.number and "." in milestone.number and milestone.number.split(".")[0] != self.number:
                raise ValueError(f"milestones[{i}].number: {milestone.number!r} is a milestone of commitment "
                                 f"number {milestone.number.split('.')[0]}, not of {self.id} (number {self.number})")
            if milestone.number in seen:
                raise ValueError(f"milestones[{i}].number: {milestone.number!r} appears twice")
            seen.add(milestone.number)
        return self


class Dataset(_Strict):
    format: str = Field(default=FORMAT_NAME)
    format_version: int = Field(default=FORMAT_VERSION)
    generated_at: datetime | None = None
    description: str | None = None
    members: list[MemberRecord] = Field(default_factory=list)
    action_plans: list[ActionPlanRecord] = Field(default_factory=list)
    policy_areas: list[PolicyAreaRecord] = Field(default_factory=list,
                                                 description="areas beyond data/vocabularies.json")
    commitments: list[CommitmentRecord] = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _format(cls, v: str) -> str:
        if v != FORMAT_NAME:
            raise ValueError(f"{v!r} is not this format (expected {FORMAT_NAME!r})")
        return v

    @field_validator("format_version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v != FORMAT_VERSION:
            raise ValueError(f"format version {v} is not supported (this bot reads version {FORMAT_VERSION})")
        return v


def json_schema() -> dict[str, Any]:
    schema = Dataset.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "OGP Commitment Bot canonical dataset"
    return schema
