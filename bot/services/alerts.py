"""Alerts to followers: after a data change, each follower of a changed commitment (directly, or through its
member, action plan or policy area) gets one message of what changed, in their language.

Exactly once, with several replicas, restarts and timeouts, rests on two records:

- Follow.last_refresh_id, the *last-sent marker*: the last applied DataRefresh the follow is done with. A pass
  (`plan`) reads every applied refresh after the marker, so a pass that did not run (a restart, a crash, a
  refresh made by another replica or the CLI) is caught up by the next one: nothing is skipped.
- AlertLog, the outbox. A pass moves a user's markers *and* queues their message in one transaction, with a
  compare-and-set on each marker: of two replicas planning at once, one wins, the other queues nothing. Sending
  then claims the message (pending -> sending, compare-and-set again) before the request leaves, so it is sent
  by one replica only; a failure that proves it did not arrive (an HTTP error answer, no connection) puts it back
  to pending; a timeout (it may have arrived) ends it as "unconfirmed" and it is never sent again. The
  (refresh, commitment) pairs each message told are kept, so a digest never repeats what an instant alert said.

Daily and weekly follows are due at `next_digest_at` and collect every change since their marker; a due digest
with nothing to say sends nothing (no empty digests) and waits for its next slot. Users who blocked the bot are
suspended: their markers move on and nothing is queued for them until they come back.

The clock is a parameter (`now`), so tests run days of digests in milliseconds.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from bot.common.i18n import Translator, localized, translator
from bot.dataset.diff import CommitmentChange, FieldChange
from bot.dataset.load import decode_snapshot
from bot.dataset.members import members
from bot.importing.summary import HIDDEN, field_label, value_texts
from bot.services.followers import PERIOD, Target, latest_refresh_id, rhythm_label, short_label
from bot.storage.db import session_scope
from bot.storage.models import (
    AlertLog,
    Commitment,
    CommitmentPolicyArea,
    DataRefresh,
    Follow,
    Member,
    UserPreference,
    utcnow,
)

log = logging.getLogger(__name__)
MAX_COMMITMENTS = 15  # per message; the rest are counted ("… and 3 more")
MAX_FIELDS = 6  # changed fields shown per commitment
MAX_BUTTONS = 6
MAX_ATTEMPTS = 5  # sends that failed without reaching Telegram, before an alert is given up
MAX_TEXT = 3800  # under Telegram's 4,096 characters, with room for escaping


@dataclass
class Scope:
    """Where a commitment belongs, for follows of members, plans and policy areas."""

    members: set[str] = field(default_factory=set)
    plans: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Due:
    """A follow that a pass looks at (a plain copy: the pass spans several transactions)."""

    id: int
    user_id: int
    kind: str
    target: str
    rhythm: str
    lang: str | None
    last_refresh_id: int
    next_digest_at: datetime | None


@dataclass(frozen=True)
class Outgoing:
    """A queued alert, claimed by this process for sending."""

    id: int
    user_id: int
    lang: str
    text: str
    buttons: list[tuple[int, str]]
    attempts: int


# -- planning: which follows are due, what they are told ---------------------------------------------------------


def plan(engine: Engine, now: datetime, *, default_lang: str = "en") -> int:
    """Queue the alerts due at `now`; returns how many were queued. Safe to run anywhere, any time, at once."""
    with Session(engine) as session:
        latest = latest_refresh_id(session)
        due = [Due(f.id, f.user_id, f.kind, f.target, f.rhythm, f.lang, f.last_refresh_id, f.next_digest_at)
               for f in session.execute(select(Follow).where(or_(
                   (col(Follow.rhythm) == "now") & (col(Follow.last_refresh_id) < latest),
                   (col(Follow.rhythm) != "now") & (col(Follow.next_digest_at) <= now)))).scalars()]
        if not due:
            return 0
        users = {f.user_id for f in due}
        prefs = {u: (lang, blocked) for u, lang, blocked in session.execute(
            select(col(UserPreference.user_id), col(UserPreference.language), col(UserPreference.blocked))
            .where(col(UserPreference.user_id).in_(users)))}
        low = min(f.last_refresh_id for f in due)
        changes: dict[int, list[CommitmentChange]] = {
            rid: [CommitmentChange.from_json(c) for c in diff] for rid, diff in session.execute(
                select(col(DataRefresh.id), col(DataRefresh.diff)).where(col(DataRefresh.outcome) == "applied")
                .where(col(DataRefresh.id) > low).where(col(DataRefresh.id) <= latest).order_by(col(DataRefresh.id)))}
        broad = any(f.kind != "commitment" for f in due)
        scopes = _scopes(session, changes) if broad else {}
        session.rollback()
    by_user: dict[int, list[Due]] = defaultdict(list)
    for follow in due:
        by_user[follow.user_id].append(follow)
    queued = 0
    for user_id, follows in by_user.items():
        language, blocked = prefs.get(user_id, (None, False))
        lang = language or next((f.lang for f in follows if f.lang), None) or default_lang
        queued += _plan_user(engine, user_id, follows, changes, scopes, latest, now, lang, suspended=bool(blocked))
    return queued


def _matches(follow: Due, commitment: str, scopes: dict[str, Scope]) -> bool:
    if follow.kind == "commitment":
        return follow.target == commitment
    scope = scopes.get(commitment)
    if scope is None:
        return False
    return follow.target in {"member": scope.members, "action_plan": scope.plans, "policy_area": scope.areas}[
        follow.kind]


def _plan_user(engine: Engine, user_id: int, follows: list[Due], changes: dict[int, list[CommitmentChange]],
               scopes: dict[str, Scope], latest: int, now: datetime, lang: str, *, suspended: bool) -> int:
    items: dict[tuple[int, str], list[Due]] = {}
    rhythms: set[str] = set()
    for follow in follows:
        for rid, commitment_changes in changes.items():
            if rid <= follow.last_refresh_id:
                continue
            for change in commitment_changes:
                if _matches(follow, change.commitment, scopes):
                    items.setdefault((rid, change.commitment), []).append(follow)
                    rhythms.add(follow.rhythm)
    with session_scope(engine) as session:
        if items and not suspended:
            low = min(f.last_refresh_id for f in follows)
            told = session.execute(select(col(AlertLog.items)).where(col(AlertLog.user_id) == user_id)
                                   .where(col(AlertLog.refresh_to) > low)).scalars()
            for earlier in told:
                for rid, commitment in earlier:
                    items.pop((rid, commitment), None)
        for follow in follows:  # compare-and-set: of two replicas planning this user, one wins
            values: dict[str, Any] = {"last_refresh_id": latest}
            if follow.rhythm in PERIOD:
                values["next_digest_at"] = _next_slot(follow.next_digest_at or now, PERIOD[follow.rhythm], now)
            moved = session.exec(update(Follow).where(col(Follow.id) == follow.id)
                                 .where(col(Follow.last_refresh_id) == follow.last_refresh_id).values(**values))
            if moved.rowcount != 1:
                session.rollback()
                return 0
        if not items or suspended:
            return 0
        text, buttons = render(session, items, changes, lang, rhythm=_longest(rhythms))
        session.add(AlertLog(user_id=user_id, status="pending", rhythm=_longest(rhythms), lang=lang, text=text,
                             buttons=buttons, items=[[rid, c] for rid, c in sorted(items)], refresh_to=latest,
                             created_at=now))
    return 1


def _next_slot(due: datetime, period: Any, now: datetime) -> datetime:
    """The first slot after `now` on the follow's own grid (a digest keeps its hour of the day)."""
    while due <= now:
        due += period
    return due


def _longest(rhythms: set[str]) -> str:
    return "weekly" if "weekly" in rhythms else "daily" if "daily" in rhythms else "now"


def _scopes(session: Session, changes: dict[int, list[CommitmentChange]]) -> dict[str, Scope]:
    """Member, plans and policy areas of every changed commitment: from the stored data, from the diff itself
    (a commitment that moved belongs to both sides) and, for removed ones, from the data they were removed from."""
    ids = {c.commitment for cs in changes.values() for c in cs}
    scopes: dict[str, Scope] = {cid: Scope() for cid in ids}
    for cid, member, plan in session.execute(select(col(Commitment.id), col(Commitment.member_id),
                                                    col(Commitment.action_plan_id))
                                             .where(col(Commitment.id).in_(ids))):
        scopes[cid].members.add(member)
        if plan:
            scopes[cid].plans.add(plan)
    for cid, area in session.execute(select(col(CommitmentPolicyArea.commitment_id),
                                            col(CommitmentPolicyArea.policy_area_key))
                                     .where(col(CommitmentPolicyArea.commitment_id).in_(ids))):
        scopes[cid].areas.add(area)
    for rid, commitment_changes in changes.items():
        removed = {c.commitment for c in commitment_changes if c.kind == "removed"}
        for change in commitment_changes:
            for f in change.fields:
                _widen(scopes[change.commitment], f)
        if removed:
            _from_snapshot(session, rid, removed, scopes)
    for cid, scope in scopes.items():
        if not scope.members and (known := members().for_commitment(cid)) is not None:
            scope.members.add(known.id)
    return scopes


def _widen(scope: Scope, change: FieldChange) -> None:
    for value in (change.before, change.after):
        if not value:
            continue
        if change.field == "member":
            scope.members.add(value)
        elif change.field == "action_plan":
            scope.plans.add(value)
        elif change.field == "policy_areas":
            scope.areas.update(value)


def _from_snapshot(session: Session, refresh_id: int, removed: set[str], scopes: dict[str, Scope]) -> None:
    blob = session.execute(select(col(DataRefresh.snapshot)).where(col(DataRefresh.id) == refresh_id)).scalar()
    if blob is None:  # pruned (only the last ten are kept): the member still comes from the id's prefix
        return
    for record in decode_snapshot(blob).commitments:
        if record.id in removed:
            scope = scopes[record.id]
            scope.members.add(record.member)
            if record.action_plan:
                scope.plans.add(record.action_plan)
            scope.areas.update(record.policy_areas)


# -- the message ---------------------------------------------------------------------------------------------


def merge(changes: list[CommitmentChange]) -> CommitmentChange | None:
    """Several refreshes' changes of one commitment, oldest first, as one: each field from its first 'before'
    to its last 'after'; None when they cancel out (added, then removed; changed, then changed back)."""
    kind, fields = changes[0].kind, {f.field: f for f in changes[0].fields}
    for change in changes[1:]:
        if change.kind == "removed":
            kind, fields = ("gone" if kind == "added" else "removed"), {}
        elif change.kind == "added":
            kind, fields = ("changed" if kind == "removed" else "added"), {}
        elif kind == "added":
            continue  # still new to the reader: its changes since are part of it
        else:
            kind = "changed"
            for f in change.fields:
                first = fields.get(f.field)
                fields[f.field] = FieldChange(f.field, first.before if first else f.before, f.after)
    kept = [f for f in fields.values() if f.before != f.after]
    if kind == "gone" or (kind == "changed" and not kept and all(c.kind == "changed" for c in changes)):
        return None
    return CommitmentChange(changes[0].commitment, kind, sorted(kept, key=lambda f: f.field))


def render(session: Session, items: dict[tuple[int, str], list[Due]], changes: dict[int, list[CommitmentChange]],
           lang: str, *, rhythm: str) -> tuple[str, list[list[Any]]]:
    """(plain text, [[follow id, button label], ...]) of one alert telling `items` ((refresh, commitment) pairs,
    with the follows that asked for them)."""
    t = translator(lang)
    by_commitment: dict[str, list[CommitmentChange]] = defaultdict(list)
    for rid, commitment in sorted(items):
        by_commitment[commitment].extend(c for c in changes.get(rid, []) if c.commitment == commitment)
    titles = {cid: (short or {}, title or {}) for cid, short, title in session.execute(
        select(col(Commitment.id), col(Commitment.short_title), col(Commitment.title))
        .where(col(Commitment.id).in_(list(by_commitment))))}
    head = t._("What changed in what you follow:") if rhythm == "now" else \
        t._("Your {rhythm}: what changed in what you follow.", rhythm=rhythm_label(rhythm, lang))
    blocks: list[str] = []
    merged = [m for cid in sorted(by_commitment) if (m := merge(by_commitment[cid])) is not None]
    for change in merged[:MAX_COMMITMENTS]:
        blocks.append(_block(change, titles.get(change.commitment), t))
    if len(merged) > MAX_COMMITMENTS:
        blocks.append(t._("… and {n} more commitments.", n=t.number(len(merged) - MAX_COMMITMENTS)))
    foot = t._("/commitment ID gives the details; /following lists what you follow.")
    text = "\n\n".join([head, *blocks, foot])
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - len(foot) - 3].rsplit("\n", 1)[0] + "\n…\n\n" + foot
    follows = {f.id: f for fs in items.values() for f in fs}
    names = dict(session.execute(select(col(Member.id), col(Member.name)).where(
        col(Member.id).in_([f.target for f in follows.values() if f.kind == "member"]))).all())
    buttons = [[f.id, t._("Unfollow {name}", name=short_label(Target(f.kind, f.target), lang, names))]
               for f in sorted(follows.values(), key=lambda f: (f.kind != "commitment", f.target))][:MAX_BUTTONS]
    return text, buttons


def _hidden(name: str) -> bool:
    """Bookkeeping fields the import summary leaves out too ("milestones.9.2.status_score")."""
    parts = name.split(".")
    return f"{parts[0]}.{parts[-1]}" in HIDDEN


def _block(change: CommitmentChange, names: tuple[dict[str, str], dict[str, str]] | None, t: Translator) -> str:
    short, title = names or ({}, {})
    # The reader's language when the record has it (its short title first), else English, else any.
    name = short.get(t.lang) or title.get(t.lang) or short.get("en") or localized(title, t.lang)
    lines = [f"{change.commitment} — {name}" if name else change.commitment]
    if change.kind == "added":
        lines.append("• " + t._("new in the data"))
    elif change.kind == "removed":
        lines.append("• " + t._("removed from the data"))
    else:
        shown = [f for f in change.fields if not _hidden(f.field)]
        for f in shown[:MAX_FIELDS]:
            before, after = value_texts(f.field, f.before, f.after, t)
            lines.append("• " + t._("{field}: {before} → {after}", field=field_label(f.field, t), before=before,
                                    after=after))
        if len(shown) > MAX_FIELDS:
            lines.append("• " + t._("… and {n} more changes.", n=t.number(len(shown) - MAX_FIELDS)))
        if not shown:
            lines.append("• " + t._("updated"))
    return "\n".join(lines)


# -- the outbox ----------------------------------------------------------------------------------------------


def take_pending(engine: Engine, limit: int = 500) -> list[Outgoing]:
    """Claim queued alerts for sending (pending -> sending): each is claimed by one replica only."""
    with session_scope(engine) as session:
        ids = list(session.execute(select(col(AlertLog.id)).where(col(AlertLog.status) == "pending")
                                   .order_by(col(AlertLog.id)).limit(limit)).scalars())
        claimed = [i for i in ids if session.exec(
            update(AlertLog).where(col(AlertLog.id) == i).where(col(AlertLog.status) == "pending")
            .values(status="sending", attempts=col(AlertLog.attempts) + 1)).rowcount == 1]
        rows = session.execute(select(AlertLog).where(col(AlertLog.id).in_(claimed))
                               .order_by(col(AlertLog.id))).scalars()
        return [Outgoing(r.id, r.user_id, r.lang, r.text, [(int(b[0]), str(b[1])) for b in r.buttons], r.attempts)
                for r in rows]


def finish(engine: Engine, alert_id: int, status: str, *, message_id: int | None = None,
           error: str | None = None) -> str:
    """Record how a send ended: sent | unconfirmed | blocked | failed, or retry (back to pending, until
    MAX_ATTEMPTS). Returns the status stored."""
    with session_scope(engine) as session:
        alert = session.get(AlertLog, alert_id)
        if alert is None:
            return status
        if status == "retry":
            status = "failed" if alert.attempts >= MAX_ATTEMPTS else "pending"
        alert.status, alert.message_id, alert.error = status, message_id, (error or None) and error[:500]
        if status == "sent":
            alert.sent_at = utcnow()
        session.add(alert)
    if status not in ("sent", "pending"):
        log.info("alert %s to user %s: %s %s", alert_id, alert.user_id, status, error or "")
    return status


def alerts_of(engine: Engine, user_id: int) -> list[AlertLog]:
    with session_scope(engine) as session:
        return list(session.execute(select(AlertLog).where(col(AlertLog.user_id) == user_id)
                                    .order_by(col(AlertLog.id))).scalars())
