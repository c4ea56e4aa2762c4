"""Move a canonical Dataset into the database and back.

The database always holds exactly one validated dataset: `write_dataset` replaces it in the caller's
transaction, so readers see the old data or the new, never a mix (PostgreSQL MVCC, SQLite WAL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from bot.common.textnorm import fold
from bot.common.vocab import vocabulary
from bot.dataset import lean as lean_records
from bot.dataset.lean import Dataset as LeanDataset
from bot.dataset.schema import (
    ActionPlanRecord,
    CommitmentRecord,
    Dataset,
    IrmRecord,
    MemberRecord,
    MilestoneRecord,
    PolicyAreaRecord,
)
from bot.storage.models import (
    ActionPlan,
    Commitment,
    CommitmentInstitution,
    CommitmentPolicyArea,
    DatasetState,
    Institution,
    IrmAssessment,
    Member,
    Milestone,
    PolicyArea,
    table_of,
    utcnow,
)

# Children first, so that deleting respects foreign keys.
_DATA_TABLES = (CommitmentPolicyArea, CommitmentInstitution, Milestone, IrmAssessment, Commitment,
                Institution, PolicyArea, ActionPlan, Member)

_COMMITMENT_COLUMNS = ("number", "title", "short_title", "status", "description", "challenges", "ambitions",
                       "roadmap", "ogp_principles", "description_full", "start", "end", "new_commitment",
                       "urls", "source_text", "notes", "partial", "identified_by", "retrieved_at")
_IRM_COLUMNS = tuple(IrmRecord.model_fields)
_MILESTONE_COLUMNS = ("number", "text", "start", "end", "status", "status_note", "status_source", "status_score")


def institution_key(name: dict[str, str]) -> str:
    """Rows are shared by commitments naming the same institution the same way."""
    return "|".join(f"{lang}={fold(name[lang])}" for lang in sorted(name))[:300]


def dataset_state(session: Session, *, lock: bool = False) -> DatasetState:
    """The version row, created when missing; `lock` serialises writers (SELECT ... FOR UPDATE)."""
    query = select(DatasetState).where(col(DatasetState.id) == 1)
    if lock:
        query = query.with_for_update()
        if session.get_bind().dialect.name == "sqlite":
            # SQLite ignores FOR UPDATE: a no-op write as the transaction's first statement takes the
            # database's write lock (other writers wait, busy_timeout) before anything is read.
            session.execute(update(DatasetState).where(col(DatasetState.id) == 1)
                            .values(version=col(DatasetState.version)))
    state = session.scalars(query).first()
    if state is None:  # migration 0004 creates it; a database emptied by hand may lack it
        try:
            with session.begin_nested():
                session.add(DatasetState(id=1, version=0))
        except IntegrityError:  # another writer created it first
            pass
        state = session.scalars(query).one()
    return state


def current_version(session: Session) -> int:
    row = session.execute(select(col(DatasetState.version)).where(col(DatasetState.id) == 1)).first()
    return int(row[0]) if row else 0


def _bulk(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """A Core insert of whole rows: the ORM's bulk insert splits rows by which values are empty, which at
    40,000 milestones on PostgreSQL meant some 20,000 statements instead of a few batches."""
    if rows:
        session.execute(insert(table_of(model)), rows)


def write_dataset(session: Session, dataset: Dataset, *, description: str | None = None) -> int:
    """Replace the stored data with `dataset` and bump the version; returns the new version.

    Runs in the caller's transaction: nothing is visible to others before it commits.
    """
    state = dataset_state(session, lock=True)
    for table in _DATA_TABLES:
        session.execute(delete(table))
    vocab = vocabulary()
    _bulk(session, Member, [{"id": m.id, "name": m.name, "kind": m.kind} for m in dataset.members])
    _bulk(session, ActionPlan, [{"id": p.id, "member_id": p.member, "title": p.title, "start_year": p.start_year,
                                 "end_year": p.end_year, "cycle": p.cycle} for p in dataset.action_plans])
    areas: dict[str, dict[str, str]] = {key: term.labels for key, term in vocab.terms.get("policy_area", {}).items()}
    for area in dataset.policy_areas:
        areas[area.key] = area.label
    used_areas = {a for c in dataset.commitments for a in c.policy_areas}
    _bulk(session, PolicyArea, [{"key": k, "label": areas[k]} for k in sorted(used_areas)])

    institutions: dict[str, int] = {}
    institution_rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for c in dataset.commitments:
        seen: set[tuple[int, str]] = set()
        for role, names in (("lead", c.lead_institutions), ("support", c.support_institutions)):
            for position, name in enumerate(names):
                key = institution_key(name)
                if key not in institutions:
                    institutions[key] = len(institutions) + 1
                    institution_rows.append({"id": institutions[key], "key": key, "name": name})
                if (institutions[key], role) not in seen:
                    seen.add((institutions[key], role))
                    links.append({"commitment_id": c.id, "institution_id": institutions[key], "role": role,
                                  "position": position})
    _bulk(session, Institution, institution_rows)
    now = utcnow()
    _bulk(session, Commitment, [{"id": c.id, "member_id": c.member, "action_plan_id": c.action_plan,
                                 "updated_at": now, **{k: getattr(c, k) for k in _COMMITMENT_COLUMNS}}
                                for c in dataset.commitments])
    _bulk(session, CommitmentInstitution, links)
    _bulk(session, CommitmentPolicyArea, [{"commitment_id": c.id, "policy_area_key": a, "position": i}
                                          for c in dataset.commitments for i, a in enumerate(c.policy_areas)])
    _bulk(session, Milestone, [{"commitment_id": c.id, "position": i,
                                **{k: getattr(m, k) for k in _MILESTONE_COLUMNS}}
                               for c in dataset.commitments for i, m in enumerate(c.milestones)])
    _bulk(session, IrmAssessment, [{"commitment_id": c.id, **c.irm.model_dump()} for c in dataset.commitments])
    state.version += 1
    state.updated_at = now
    state.description = description or dataset.description
    session.add(state)
    session.flush()
    return state.version


def read_dataset(session: Session, *, with_source_text: bool = True) -> Dataset:
    """The stored data as a canonical Dataset (for export, diffs and snapshots).

    Rows are read as plain tuples, not ORM objects: at 10,000 commitments that is the difference
    between seconds and hundreds of megabytes.
    """
    return _read(session, _CANONICAL, with_source_text=with_source_text)


def read_lean_dataset(session: Session) -> LeanDataset:
    """The stored data as light read-only records (bot.dataset.lean), without page source texts: what
    the in-memory search index keeps (a tenth of the pydantic records' memory)."""
    return _read(session, _LEAN, with_source_text=False)


_Milestone = TypeVar("_Milestone")
_Irm = TypeVar("_Irm")
_Commitment = TypeVar("_Commitment")
_Dataset = TypeVar("_Dataset")


@dataclass(frozen=True)
class _Makers(Generic[_Milestone, _Irm, _Commitment, _Dataset]):
    """What `_read` builds from the rows: the canonical records (bot.dataset.schema, constructed without
    validation: the database holds validated data) or the light ones (bot.dataset.lean). Each is called
    with the record's fields as keyword arguments."""

    milestone: Callable[..., _Milestone]
    irm: Callable[..., _Irm]
    commitment: Callable[..., _Commitment]
    dataset: Callable[..., _Dataset]


_CANONICAL = _Makers(MilestoneRecord.model_construct, IrmRecord.model_construct, CommitmentRecord.model_construct,
                     Dataset.model_construct)
_LEAN = _Makers(lean_records.Milestone, lean_records.Irm, lean_records.Commitment, lean_records.Dataset)


def _read(session: Session, make: _Makers[_Milestone, _Irm, _Commitment, _Dataset], *,
          with_source_text: bool) -> _Dataset:
    def rows(model: type[SQLModel], order: str | None = None) -> Any:
        """The rows of a table, streamed (never all held as a list at once)."""
        table = table_of(model)
        columns = [c for c in table.columns if with_source_text or c.name != "source_text"]
        query = select(*columns)
        if order:
            query = query.order_by(table.c[order])
        return session.execute(query)

    members = [MemberRecord(id=m.id, name=m.name, kind=m.kind) for m in rows(Member)]
    plans = [ActionPlanRecord(id=p.id, member=p.member_id, title=p.title, start_year=p.start_year,
                              end_year=p.end_year, cycle=p.cycle) for p in rows(ActionPlan)]
    vocab = vocabulary()
    extra_areas = [PolicyAreaRecord(key=a.key, label=a.label) for a in rows(PolicyArea)
                   if not vocab.has("policy_area", a.key)]
    names = {i.id: i.name for i in rows(Institution)}
    lead: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    support: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for link in rows(CommitmentInstitution):
        by_role = lead if link.role == "lead" else support
        by_role[link.commitment_id].append((link.position, names[link.institution_id]))
    areas: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for link in rows(CommitmentPolicyArea):
        areas[link.commitment_id].append((link.position, link.policy_area_key))
    milestones: dict[str, list[_Milestone]] = defaultdict(list)
    for m in rows(Milestone, order="position"):  # so each commitment's list is in order
        milestones[m.commitment_id].append(make.milestone(
            commitment=None, **{k: getattr(m, k) for k in _MILESTONE_COLUMNS}))
    irm = {a.commitment_id: a for a in rows(IrmAssessment)}
    commitments = []
    for c in rows(Commitment, order="id"):
        assessment = irm.get(c.id)
        commitments.append(make.commitment(
            id=c.id, member=c.member_id, action_plan=c.action_plan_id,
            **{k: getattr(c, k) for k in _COMMITMENT_COLUMNS if k != "source_text"},
            source_text=c.source_text if with_source_text else {},
            lead_institutions=[n for _, n in sorted(lead[c.id], key=lambda x: x[0])],
            support_institutions=[n for _, n in sorted(support[c.id], key=lambda x: x[0])],
            policy_areas=[k for _, k in sorted(areas[c.id])],
            milestones=milestones.pop(c.id, []),
            irm=make.irm(**{k: getattr(assessment, k) for k in _IRM_COLUMNS}) if assessment
            else make.irm(**{k: IrmRecord.model_fields[k].get_default(call_default_factory=True)
                             for k in _IRM_COLUMNS}),
        ))
    state = session.get(DatasetState, 1)
    return make.dataset(
        format="ogp-bot-dataset", format_version=1, generated_at=utcnow(),
        description=state.description if state else None,
        members=sorted(members, key=lambda m: m.id), action_plans=sorted(plans, key=lambda p: p.id),
        policy_areas=sorted(extra_areas, key=lambda a: a.key), commitments=commitments)
