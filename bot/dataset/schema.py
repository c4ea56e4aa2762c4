"""The canonical JSON dataset format, as pydantic models.

These models are the format's definition: `python -m bot schema` writes the JSON Schema generated
from them (data/dataset.schema.json), and the loader validates every file with them. Documented in
data/README.md. Bump FORMAT_VERSION on any incompatible change.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

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


# -- What imported data may hold, for the people who open it elsewhere ----------------------------------------
# Documented in data/README.md ("Validation of what is imported"); every input format meets these checks: canonical
# JSON here (the models below), pages, HTML and CSV rows in bot/importing/pipeline.py (`screen_page`).

# The only hosts whose pages are stored as a commitment's sources (`urls`): OGP's site and its subdomains
# (www.opengovpartnership.org, fr.opengovpartnership.org, ...). A constant, not a setting: widening it is a code
# change that is reviewed. Only http and https addresses on these hosts are stored; any other is refused.
SOURCE_HOSTS: tuple[str, ...] = ("opengovpartnership.org",)
SOURCE_SCHEMES: tuple[str, ...] = ("https", "http")
# Characters no address needs, that break out of an HTML attribute or are read differently by browsers.
_URL_FORBIDDEN = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}]')

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): =, +, -, @, a tab or a carriage
# return first, and the full-width forms of the first four, which some spreadsheet programs take for them.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?$")


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take `text` for a formula: it starts (blanks aside) with one of
    FORMULA_PREFIXES, and is not a plain number (-3, +2, 2.5 stay values)."""
    if _PLAIN_NUMBER.match(text.strip()):
        return False
    return text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(FORMULA_PREFIXES)


def formula_problem(text: str) -> str | None:
    """Why `text` may not be a title or a name (it reads as a spreadsheet formula), or None."""
    if not starts_like_formula(text):
        return None
    return (f"{text[:60]!r} starts like a spreadsheet formula: titles and names may not start with "
            "=, +, -, @, a tab or a carriage return")


def source_url_problem(url: str) -> str | None:
    """Why `url` may not be stored as a commitment's source, or None: only http(s) addresses on SOURCE_HOSTS
    (and their subdomains), without user name, password or odd port."""
    shown = repr(url[:100])
    if _URL_FORBIDDEN.search(url):
        return f"{shown} is not a web address (spaces, quotes or control characters in it)"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"{shown} is not a web address"
    if parts.scheme.lower() not in SOURCE_SCHEMES:
        return f"{shown} is not an http(s) address: only pages of opengovpartnership.org are stored as sources"
    host = (parts.hostname or "").lower()
    if not any(host == allowed or host.endswith("." + allowed) for allowed in SOURCE_HOSTS):
        return (f"{shown} is not on opengovpartnership.org: only pages of OGP's site (and its subdomains) are "
                "stored as sources")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return f"{shown} carries a user name: not a source address"
    if port is not None and port not in (80, 443):
        return f"{shown} names a port ({port}): not a source address"
    return None


def _owner(info: ValidationInfo) -> str:
    """'commitment FR0038: ' when the commitment's id was read before this field (it comes first), else ''."""
    value = info.data.get("id") if info.data else None
    return f"commitment {value}: " if isinstance(value, str) and value else ""


def _refuse_formulas(value: dict[str, str], owner: str, at: str = "") -> dict[str, str]:
    """A localized title or name, refused when one of its texts reads as a spreadsheet formula. The message
    starts with the place inside the field ('.en: ...', '[1].fr: ...'), which the readers add to the path."""
    for lang, text in value.items():
        problem = formula_problem(text)
        if problem:
            raise ValueError(f"{at}.{lang}: {owner}{problem}")
    return value


def _check_names(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    return _refuse_formulas(value, _owner(info))


def _check_name_list(value: list[dict[str, str]], info: ValidationInfo) -> list[dict[str, str]]:
    for i, names in enumerate(value):
        _refuse_formulas(names, _owner(info), f"[{i}]")
    return value


def _check_sources(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    for lang, url in value.items():
        problem = source_url_problem(url)
        if problem:
            raise ValueError(f".{lang}: {_owner(info)}{problem}")
    return value


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
    _safe_titles = field_validator("title", "short_title")(_check_names)
    _sources = field_validator("urls")(_check_sources)

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

    _safe_institutions = field_validator("lead_institutions", "support_institutions")(_check_name_list)

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

    # Members, plans and areas are checked here rather than by their own models: the store reads them back
    # through those models, and data stored before these checks must still load (and export neutralised).
    @field_validator("members")
    @classmethod
    def _safe_member_names(cls, v: list[MemberRecord]) -> list[MemberRecord]:
        for i, member in enumerate(v):
            _refuse_formulas(member.name, f"member {member.id}: ", f"[{i}].name")
        return v

    @field_validator("action_plans")
    @classmethod
    def _safe_plan_titles(cls, v: list[ActionPlanRecord]) -> list[ActionPlanRecord]:
        for i, plan in enumerate(v):
            _refuse_formulas(plan.title, f"action plan {plan.id}: ", f"[{i}].title")
        return v

    @field_validator("policy_areas")
    @classmethod
    def _safe_area_labels(cls, v: list[PolicyAreaRecord]) -> list[PolicyAreaRecord]:
        for i, area in enumerate(v):
            _refuse_formulas(area.label, f"policy area {area.key}: ", f"[{i}].label")
        return v

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
