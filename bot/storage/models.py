"""The database tables (SQLModel).

Text that exists in several languages is a JSON object keyed by language code ({"en": ..., "fr": ...}),
so that Spanish (or any language) fits without a schema change. Controlled values are canonical keys
from data/vocabularies.json, rendered in the reader's language at answer time.
Partial dates are ISO strings of the precision known: "2018", "2018-09" or "2018-09-30".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, Table, UniqueConstraint
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Field, SQLModel, col

Localized = dict[str, str]


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The Core Table of a table model (for Core statements). SQLModel sets `__table__` on `table=True`
    classes without declaring it to type checkers; the mapper's local table is that same Table."""
    table = sa_inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def _json(nullable: bool = False) -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=nullable))


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Member(SQLModel, table=True):
    """A country or local government that is an OGP member."""

    id: str = Field(primary_key=True, max_length=80)  # slug, e.g. "france"
    name: Localized = _json()
    kind: str = Field(default="national", max_length=20)  # national | local


class ActionPlan(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=120)  # e.g. "france-2018-2020"
    member_id: str = Field(foreign_key="member.id", index=True)
    title: Localized = _json()
    start_year: int | None = None
    end_year: int | None = None
    cycle: int | None = None


class PolicyArea(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=80)
    label: Localized = _json()


class Institution(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=300)  # folded name, to reuse rows
    name: Localized = _json()


class Commitment(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=20)  # e.g. "FR0038"
    member_id: str = Field(foreign_key="member.id", index=True)
    action_plan_id: str | None = Field(default=None, foreign_key="actionplan.id", index=True)
    number: str | None = Field(default=None, max_length=20)  # its number in the plan, e.g. "9"
    title: Localized = _json()
    short_title: Localized = _json()
    status: str | None = Field(default=None, max_length=40)  # vocabulary "status"
    # Description, section by section (each per language).
    description: Localized = _json()  # the one-line description title / objective
    challenges: Localized = _json()
    ambitions: Localized = _json()
    roadmap: Localized = _json()
    ogp_principles: Localized = _json()
    description_full: Localized = _json()  # the whole description text, for search and fallback
    start: str | None = Field(default=None, max_length=10)
    end: str | None = Field(default=None, max_length=10)
    new_commitment: bool | None = None
    urls: Localized = _json()  # OGP page per language
    source_text: Localized = _json()  # the page text as retrieved, kept beside corrected data
    notes: list[str] = _json_list()  # editorial notes (corrections made to the source, ...)
    partial: bool = False  # imported from a truncated page
    identified_by: str | None = Field(default=None, max_length=200)  # how a page without id was placed
    retrieved_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class CommitmentInstitution(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("commitment_id", "institution_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: str = Field(foreign_key="commitment.id", index=True)
    institution_id: int = Field(foreign_key="institution.id", index=True)
    role: str = Field(max_length=10)  # lead | support
    position: int = 0


class CommitmentPolicyArea(SQLModel, table=True):
    commitment_id: str = Field(foreign_key="commitment.id", primary_key=True)
    policy_area_key: str = Field(foreign_key="policyarea.key", primary_key=True)
    position: int = 0


class Milestone(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("commitment_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: str = Field(foreign_key="commitment.id", index=True)
    number: str = Field(max_length=20)  # e.g. "9.2"
    position: int = 0
    text: Localized = _json()
    start: str | None = Field(default=None, max_length=10)
    end: str | None = Field(default=None, max_length=10)
    status: str | None = Field(default=None, max_length=40)  # vocabulary "completion"
    status_note: Localized = _json()  # the IRM sentence the status rests on
    status_source: str | None = Field(default=None, max_length=40)  # e.g. "irm_end_of_term"
    status_score: float | None = None  # similarity of the sentence to the milestone (0-100)


class IrmAssessment(SQLModel, table=True):
    """What the Independent Reporting Mechanism said about one commitment."""

    commitment_id: str = Field(foreign_key="commitment.id", primary_key=True)
    reports: list[Localized] = _json_list()  # report names, each per language
    verifiable: str | None = Field(default=None, max_length=40)  # yes_no or irm_state
    relevance: list[str] = _json_list()  # relevance keys, or an irm_state key
    ambition: str | None = Field(default=None, max_length=40)  # low/moderate/high or irm_state
    potential_impact: str | None = Field(default=None, max_length=40)
    completion: str | None = Field(default=None, max_length=40)  # the at-a-glance completion
    completion_midterm: str | None = Field(default=None, max_length=40)
    completion_end: str | None = Field(default=None, max_length=40)
    starred: str | None = Field(default=None, max_length=40)  # yes_no or irm_state
    early_results: str | None = Field(default=None, max_length=40)  # early_results or irm_state
    midterm_summary: Localized = _json()
    midterm_next_steps: Localized = _json()
    end_summary: Localized = _json()


class DatasetState(SQLModel, table=True):
    """One row: the version of the data, bumped by every successful load or refresh."""

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    format_version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)
    description: str | None = None


class DataRefresh(SQLModel, table=True):
    """The log of data loads: who, when, what, with which outcome; enough to roll back."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None
    actor: str = Field(default="cli", max_length=100)  # "cli", "startup", "telegram:<user id>"
    kind: str = Field(default="import", max_length=20)  # import | refresh | rollback | bundle
    sources: list[str] = _json_list()
    outcome: str = Field(default="running", max_length=20)  # running | applied | failed | dry_run
    error: str | None = None
    counts: dict[str, int] = _json()
    diff: list[dict[str, Any]] = _json_list()
    version_before: int | None = None
    version_after: int | None = None
    snapshot: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


Index("ix_commitment_plan_number", col(Commitment.action_plan_id), col(Commitment.number))


# -- Telegram front end state (bot.services.chatstate) -------------------------------------------------------------
# Kept apart from the dataset tables: those are wiped and rewritten on every refresh, so commitment ids
# here are plain strings, never foreign keys.


class UserPreference(SQLModel, table=True):
    """What a Telegram user chose, and whether they blocked the bot (so it stops writing to them)."""

    user_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    language: str | None = Field(default=None, max_length=5)  # "en" | "fr"; None: not chosen
    blocked: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class ChatState(SQLModel, table=True):
    """The conversation context of one chat (bot.core.types.Context as JSON), for follow-up questions."""

    chat_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    context: dict[str, Any] = _json()
    updated_at: datetime = Field(default_factory=utcnow)


class CallbackPayload(SQLModel, table=True):
    """A button action too long for Telegram's 64-byte callback_data, stored under a short content hash."""

    code: str = Field(primary_key=True, max_length=32)
    action: str = Field(max_length=20)
    lang: str | None = Field(default=None, max_length=5)
    args: list[str] = _json_list()
    issued_at: datetime = Field(default_factory=utcnow, index=True)  # last time a button carried it


# -- Followers and admins (bot.services.followers, bot.services.alerts, bot.services.admin) ---------------------------
# Like the front end's state: never touched by a refresh, targets are plain strings.


class Follow(SQLModel, table=True):
    """A user following a commitment, a member, an action plan or a policy area."""

    __table_args__ = (UniqueConstraint("user_id", "kind", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=BigInteger, index=True)  # also the private chat alerts go to
    kind: str = Field(max_length=20)  # commitment | member | action_plan | policy_area
    target: str = Field(max_length=120)  # "FR0038", "france", "france-2018-2020", "open_data"
    rhythm: str = Field(default="now", max_length=10)  # now | daily | weekly
    lang: str | None = Field(default=None, max_length=5)  # the user's language when they followed (fallback)
    created_at: datetime = Field(default_factory=utcnow)
    # The last-sent marker: the id of the last applied DataRefresh this follow is done with (its changes sent, or
    # nothing in it concerned the follow). Moved forward in the same transaction that queues the alert.
    last_refresh_id: int = Field(default=0, index=True)
    next_digest_at: datetime | None = None  # daily/weekly: when the next digest is due


class AlertLog(SQLModel, table=True):
    """One alert message to one user: queued with the markers it moves, then sent exactly once (or not at all)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=BigInteger, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    # pending (queued, never tried) -> sending (a request is out) -> sent | unconfirmed (timed out: maybe delivered,
    # never re-sent) | blocked (the user blocked the bot) | failed (refused for good, or too many errors).
    status: str = Field(default="pending", max_length=20, index=True)
    attempts: int = 0
    rhythm: str = Field(default="now", max_length=10)
    lang: str = Field(default="en", max_length=5)
    text: str = ""  # plain text, rendered in the user's language when queued
    buttons: list[list[Any]] = _json_list()  # [[follow id, label], ...]: one-tap unfollow buttons
    items: list[list[Any]] = _json_list()  # [[refresh id, commitment id], ...]: what it tells, for de-duplication
    refresh_to: int = 0  # the newest refresh it covers
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    sent_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)


class AdminAudit(SQLModel, table=True):
    """Admin commands refused to someone who is not an admin: who, what, when."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    command: str = Field(max_length=60)
    at: datetime = Field(default_factory=utcnow, index=True)
    outcome: str = Field(default="refused", max_length=20)


# -- The crawler of the OGP website (bot.services.crawl) --------------------------------------------------------------
# Like the front end's state: never touched by a refresh. Commitment ids are plain strings.


class CrawlRun(SQLModel, table=True):
    """One crawl of the OGP site, from its start to its end, across the processes that worked on it: one killed
    half-way is resumed by the next crawl of the same scope (its frontier is in CrawlPage)."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(default="cli", max_length=100)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    # running -> finished | failed; paused (stopped at --max-pages), interrupted (cancelled, or its process died
    # while running) and both resumable; abandoned (another crawl was started instead).
    status: str = Field(default="running", max_length=20, index=True)
    base_url: str = Field(max_length=300)
    members: list[str] = _json_list()  # slugs; empty: every member
    langs: list[str] = _json_list()
    refresh_ids: list[int] = _json_list()  # the DataRefresh lines of its batches (/history)
    counts: dict[str, int] = _json()
    error: str | None = Field(default=None, max_length=1000)


class CrawlPage(SQLModel, table=True):
    """One address of the OGP site: what the last download said (validators for conditional requests, a hash of
    the content, the links of a sitemap or listing) and its place in the current crawl's frontier."""

    __table_args__ = (Index("ix_crawlpage_run_state", "run_id", "state"),)

    url: str = Field(primary_key=True, max_length=1000)
    kind: str = Field(max_length=20)  # sitemap | member | listing | commitment
    lang: str = Field(default="en", max_length=5)
    member: str | None = Field(default=None, max_length=80)
    commitment: str | None = Field(default=None, max_length=20)
    run_id: int | None = None  # the crawl whose frontier it is in
    # pending | done (a sitemap or listing read) | unchanged | changed (applied) | failed | disallowed (robots.txt)
    state: str = Field(default="pending", max_length=20)
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    content_hash: str | None = Field(default=None, max_length=64)  # sha256 of the body last applied (read)
    links: list[str] = _json_list()  # what a sitemap, member or listing page led to (a 304 has no body to read)
    refresh_id: int | None = None  # the DataRefresh line that applied its content
    failure: dict[str, Any] = _json()  # {"message": msgid, "params": {...}} of its last failure
    fetched_at: datetime | None = None
