"""What admins are allowed and what they read: who is an admin, the audit of refused attempts, the refresh
history (/history), the dataset statistics (/stats) and what /rollback would undo. No Telegram here: the
handlers in handlers/admin.py call these and send the text.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from bot.common.i18n import N_, Translator, translator
from bot.core.facts import IRM_STATES
from bot.dataset.load import LoadResult, mark_interrupted
from bot.importing.summary import change_line
from bot.storage import datalock
from bot.storage.db import session_scope
from bot.storage.models import (
    ActionPlan,
    AdminAudit,
    Commitment,
    DataRefresh,
    DatasetState,
    Follow,
    IrmAssessment,
    Member,
    utcnow,
)

log = logging.getLogger(__name__)
PROCESS_STARTED = time.monotonic()  # this replica's uptime, for /stats
HISTORY_DEFAULT, HISTORY_MAX = 10, 30
STATS_MEMBERS = 25  # members listed by /stats (the largest first); the rest are counted
MAX_ROLLBACK_CHANGES = 30
KINDS = {"import": N_("import"), "refresh": N_("refresh"), "rollback": N_("rollback"), "bundle": N_("bundled data"),
         "crawl": N_("OGP crawl")}


def is_admin(admin_ids: frozenset[int], user_id: int | None) -> bool:
    return user_id is not None and user_id in admin_ids


def record_refusal(engine: Engine, user_id: int | None, command: str) -> None:
    """Someone who is not an admin tried an admin command: logged and kept (who, what, when)."""
    log.warning("admin command %r refused to user %s", command, user_id)
    with session_scope(engine) as session:
        session.add(AdminAudit(user_id=user_id, command=command[:60], at=utcnow()))


def refusals(engine: Engine, limit: int = 50) -> list[AdminAudit]:
    with session_scope(engine) as session:
        return list(session.execute(select(AdminAudit).order_by(col(AdminAudit.id).desc()).limit(limit))
                    .scalars())


# -- /history ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    id: int
    started_at: datetime
    actor: str
    kind: str
    outcome: str
    sources: list[str]
    counts: dict[str, int]
    version_before: int | None
    version_after: int | None
    error: str | None


# Snapshots and diffs are not read: they can be megabytes.
_COLUMNS = (col(DataRefresh.id), col(DataRefresh.started_at), col(DataRefresh.actor), col(DataRefresh.kind),
            col(DataRefresh.outcome), col(DataRefresh.sources), col(DataRefresh.counts),
            col(DataRefresh.version_before), col(DataRefresh.version_after), col(DataRefresh.error))


def history(engine: Engine, limit: int = HISTORY_DEFAULT) -> list[HistoryLine]:
    """The last data changes and attempts, newest first. Attempts still "running" while nobody holds the data
    lock belong to a process that died: they are marked interrupted first."""
    with session_scope(engine) as session:
        running = session.execute(select(func.count()).where(col(DataRefresh.outcome) == "running")).scalar()
    if running:
        try:
            with datalock.exclusive(engine):
                mark_interrupted(engine)
        except datalock.Busy:  # a change is running now: its line says so
            pass
    with session_scope(engine) as session:
        rows = session.execute(select(*_COLUMNS).order_by(col(DataRefresh.id).desc()).limit(limit))
        return [HistoryLine(*row) for row in rows]


def _kind(kind: str, t: Translator) -> str:
    return t._(KINDS[kind]) if kind in KINDS else kind


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _sources(sources: list[str], t: Translator) -> str:
    if len(sources) <= 3:
        return ", ".join(sources)
    return t._("{first} and {n} more", first=", ".join(sources[:2]), n=t.number(len(sources) - 2))


def render_history(lines: list[HistoryLine], lang: str) -> str:
    t = translator(lang)
    if not lines:
        return t._("No data change has been recorded yet.")
    out = [t._("The last {n} data changes, newest first:", n=t.number(len(lines)))]
    for line in lines:
        head = t._("#{id} {when} — {kind} by {actor}", id=line.id, when=_when(line.started_at),
                   kind=_kind(line.kind, t), actor=line.actor)
        if line.outcome == "applied":
            counts = {k: t.number(line.counts.get(k, 0)) for k in ("added", "changed", "removed")}
            body = t._("applied, version {before} → {after}: {added} added, {changed} changed, {removed} removed",
                       before=line.version_before, after=line.version_after, **counts)
        elif line.outcome == "running":
            body = t._("running now")
        elif line.outcome == "interrupted":
            body = t._("interrupted (the bot stopped before it finished), nothing changed")
        elif line.outcome == "unchanged":
            body = t._("nothing to change")
        else:
            reason = (line.error or "").splitlines()[0][:200] if line.error else ""
            body = t._("failed, nothing changed: {reason}", reason=reason) if reason else \
                t._("failed, nothing changed")
        out.append(f"{head}\n  {body}")
        if line.sources:
            out.append("  " + t._("sources: {sources}", sources=_sources(line.sources, t)))
    return "\n".join(out)


# -- /stats -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberCoverage:
    """What the data holds of one member: its commitments (per plan), how many have IRM data, when they were
    retrieved from OGP."""

    id: str
    name: dict[str, str]
    commitments: int
    with_irm: int
    first_retrieved: datetime | None
    last_retrieved: datetime | None
    plans: list[tuple[str, int]]  # (plan, commitments), the largest first


@dataclass
class Stats:
    version: int
    first_retrieved: datetime | None  # the oldest and newest retrieval of a record from OGP (not when it was loaded)
    last_retrieved: datetime | None
    commitments: int
    with_irm: int
    members: int
    plans: int
    by_member: list[MemberCoverage]  # the largest first
    last_change: HistoryLine | None
    last_applied: HistoryLine | None
    follows: int
    followers: int


# The IRM's fields: a commitment "has IRM data" when one of them holds a value the IRM gave (not a state such as
# "pending IRM review").
_IRM_VALUES = (col(IrmAssessment.verifiable), col(IrmAssessment.ambition), col(IrmAssessment.potential_impact),
               col(IrmAssessment.completion), col(IrmAssessment.completion_midterm),
               col(IrmAssessment.completion_end), col(IrmAssessment.starred), col(IrmAssessment.early_results),
               col(IrmAssessment.relevance))


def _has_irm_data(values: tuple[Any, ...]) -> bool:
    states = IRM_STATES
    return any(v not in states for value in values if value
               for v in (value if isinstance(value, list) else [value]))


def _coverage(session: Session, names: dict[str, dict[str, str]]) -> list[MemberCoverage]:
    """Per member, from one pass over the commitments (a few columns each, IRM values included)."""
    plans: dict[str, dict[str, int]] = {}
    irm: dict[str, int] = {}
    days: dict[str, list[datetime]] = {}
    query = (select(col(Commitment.member_id), col(Commitment.action_plan_id), col(Commitment.retrieved_at),
                    *_IRM_VALUES)
             .outerjoin(IrmAssessment, col(IrmAssessment.commitment_id) == col(Commitment.id)))
    for member, plan, retrieved, *values in session.execute(query):
        counts = plans.setdefault(member, {})
        counts[plan or ""] = counts.get(plan or "", 0) + 1
        irm[member] = irm.get(member, 0) + _has_irm_data(tuple(values))
        if retrieved is not None:
            days.setdefault(member, []).append(retrieved)
    out = [MemberCoverage(m, names.get(m, {}), sum(p.values()), irm[m], min(days.get(m, []), default=None),
                          max(days.get(m, []), default=None), sorted(p.items(), key=lambda x: (-x[1], x[0])))
           for m, p in plans.items()]
    return sorted(out, key=lambda m: (-m.commitments, m.id))


def stats(engine: Engine) -> Stats:
    with session_scope(engine) as session:
        state = session.get(DatasetState, 1)
        names = {m_id: name for m_id, name in session.execute(select(col(Member.id), col(Member.name)))}
        by_member = _coverage(session, names)
        follows, followers = session.execute(select(func.count(), func.count(func.distinct(Follow.user_id)))).one()
        plan_count = session.execute(select(func.count()).select_from(ActionPlan)).scalar() or 0
    last = history(engine, 1)
    applied = _last_applied(engine)
    firsts = [m.first_retrieved for m in by_member if m.first_retrieved]
    lasts = [m.last_retrieved for m in by_member if m.last_retrieved]
    return Stats(version=state.version if state else 0, first_retrieved=min(firsts, default=None),
                 last_retrieved=max(lasts, default=None), commitments=sum(m.commitments for m in by_member),
                 with_irm=sum(m.with_irm for m in by_member), members=len(names), plans=plan_count,
                 by_member=by_member, last_change=last[0] if last else None, last_applied=applied,
                 follows=follows or 0, followers=followers or 0)


def _last_applied(engine: Engine) -> HistoryLine | None:
    with session_scope(engine) as session:
        row = session.execute(select(*_COLUMNS).where(col(DataRefresh.outcome) == "applied")
                              .order_by(col(DataRefresh.id).desc()).limit(1)).first()
    return HistoryLine(*row) if row else None


def _outcome(outcome: str, t: Translator) -> str:
    words = {"applied": t._("applied"), "running": t._("running now"), "interrupted": t._("interrupted"),
             "unchanged": t._("nothing to change")}
    return words.get(outcome, t._("failed"))


def uptime_seconds() -> float:
    return time.monotonic() - PROCESS_STARTED


def _duration(seconds: float, t: Translator) -> str:
    minutes = int(seconds // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return t._("{days} d {hours} h", days=days, hours=hours)
    if hours:
        return t._("{hours} h {minutes} min", hours=hours, minutes=minutes)
    return t._("{minutes} min", minutes=minutes)


def render_stats(s: Stats, lang: str, *, uptime: float, index_version: int | None = None) -> str:
    t = translator(lang)
    out = [_version_line(s, t)]
    if index_version is not None and index_version != s.version:
        out.append(t._("This replica still answers from version {version} (rebuilding).", version=index_version))
    out.append(t._("{commitments} commitments ({with_irm} with IRM data), {members} members, {plans} action plans.",
                   commitments=t.number(s.commitments), with_irm=t.number(s.with_irm), members=t.number(s.members),
                   plans=t.number(s.plans)))
    for member in s.by_member[:STATS_MEMBERS]:
        out.append(_member_line(member, t))
    if len(s.by_member) > STATS_MEMBERS:
        rest = s.by_member[STATS_MEMBERS:]
        out.append(t._("… and {n} more members ({count} commitments).", n=t.number(len(rest)),
                       count=t.number(sum(m.commitments for m in rest))))
    shown = [(t._("Last data change:"), s.last_change)]
    if s.last_applied is not None and (s.last_change is None or s.last_applied.id != s.last_change.id):
        shown.append((t._("Last applied change:"), s.last_applied))
    for label, line in shown:
        if line is not None:
            out.append(t._("{label} #{id} {kind} by {actor}, {when}, {outcome}.", label=label, id=line.id,
                           kind=_kind(line.kind, t), actor=line.actor, when=_when(line.started_at),
                           outcome=_outcome(line.outcome, t)))
    out.append(t._("Follows: {follows}; people following: {users}.", users=t.number(s.followers),
                   follows=t.number(s.follows)))
    out.append(t._("Uptime of this replica: {uptime}.", uptime=_duration(uptime, t)))
    return "\n".join(out)


def _version_line(s: Stats, t: Translator) -> str:
    """The version, and how fresh the data is: when its records were retrieved from OGP (the oldest, the newest)."""
    first, last = s.first_retrieved, s.last_retrieved
    if first and last and first.date() != last.date():
        return t._("Dataset version {version}; records retrieved from OGP between {first} and {last}.",
                   version=s.version, first=t.date(first), last=t.date(last))
    if last:
        return t._("Dataset version {version}; records retrieved from OGP on {date}.", version=s.version,
                   date=t.date(last))
    return t._("Dataset version {version}; no record says when it was retrieved from OGP.", version=s.version)


def _member_line(m: MemberCoverage, t: Translator) -> str:
    """'• France: 36 commitments, 20 with IRM data, retrieved on Nov 28, 2026 (france-2018-2020: 15, …)'."""
    first, last = m.first_retrieved, m.last_retrieved
    irm = t.number(m.with_irm)
    if first and last and first.date() != last.date():
        figures = t.ngettext("{n} commitment, {irm} with IRM data, retrieved between {first} and {last}",
                             "{n} commitments, {irm} with IRM data, retrieved between {first} and {last}",
                             m.commitments, irm=irm, first=t.date(first, "medium"), last=t.date(last, "medium"))
    elif last:
        figures = t.ngettext("{n} commitment, {irm} with IRM data, retrieved on {date}",
                             "{n} commitments, {irm} with IRM data, retrieved on {date}", m.commitments, irm=irm,
                             date=t.date(last, "medium"))
    else:
        figures = t.ngettext("{n} commitment, {irm} with IRM data", "{n} commitments, {irm} with IRM data",
                             m.commitments, irm=irm)
    detail = ", ".join(f"{plan or '—'}: {t.number(n)}" for plan, n in m.plans)
    return f"• {m.name.get(t.lang) or m.name.get('en') or m.id}: {figures} ({detail})"


# -- /rollback --------------------------------------------------------------------------------------------------


def rollback_target(engine: Engine) -> HistoryLine | None:
    """The change /rollback would undo: the last applied one whose snapshot is kept (as bot.dataset.load.rollback
    chooses it)."""
    with session_scope(engine) as session:
        row = session.execute(select(*_COLUMNS).where(col(DataRefresh.outcome) == "applied")
                              .where(col(DataRefresh.snapshot).is_not(None))
                              .order_by(col(DataRefresh.id).desc()).limit(1)).first()
    return HistoryLine(*row) if row else None


def describe_change(line: HistoryLine, lang: str) -> str:
    t = translator(lang)
    return t._("#{id} ({kind} by {actor}, {when}; version {before} → {after})", id=line.id, kind=_kind(line.kind, t),
               actor=line.actor, when=_when(line.started_at), before=line.version_before, after=line.version_after)


def render_rollback(result: LoadResult, undone: HistoryLine, lang: str) -> str:
    t = translator(lang)
    counts: dict[str, Any] = {k: t.number(v) for k, v in result.counts.items()}
    out = [t._("Rolled back {change}. Data version {before} → {after}: {added} added back, {changed} changed back, "
               "{removed} removed.", change=describe_change(undone, lang), before=result.version_before,
               after=result.version_after, **counts)]
    lines: list[str] = []
    for change in result.changes:
        if change.kind == "added":
            lines.append(t._("{id}: added", id=change.commitment))
        elif change.kind == "removed":
            lines.append(t._("{id}: removed", id=change.commitment))
        else:
            lines.extend(change_line(change.commitment, f, t) for f in change.fields)
    out.extend(lines[:MAX_ROLLBACK_CHANGES])
    if len(lines) > MAX_ROLLBACK_CHANGES:
        out.append(t._("… and {n} more changes.", n=t.number(len(lines) - MAX_ROLLBACK_CHANGES)))
    return "\n".join(out)
