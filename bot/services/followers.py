"""Follows: a user follows a commitment, a member, an action plan or a policy area, at a rhythm (at once, daily
or weekly digest). What they are told, and when, is bot.services.alerts; this module is who follows what.

Targets are named the way people write them: "FR0038", "France", "france-2018-2020", "France 2018-2020",
"open data", "données ouvertes", "datos abiertos". They are stored as plain keys (no foreign keys: the dataset
tables are replaced by every refresh, and one may follow a member whose commitments are not imported yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.common.i18n import localized, translator
from bot.common.textnorm import fold, slug
from bot.common.vocab import vocabulary
from bot.dataset.members import members
from bot.storage.db import session_scope
from bot.storage.models import DataRefresh, Follow

KINDS = ("commitment", "member", "action_plan", "policy_area")
RHYTHMS = ("now", "daily", "weekly")
PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# The words accepted after /follow ID, in each language the bot answers in (folded: "día" is "dia").
RHYTHM_WORDS = {"now": "now", "instant": "now", "immediately": "now", "maintenant": "now", "immediat": "now",
                "ahora": "now", "inmediato": "now", "inmediatamente": "now", "al-instante": "now",
                "daily": "daily", "day": "daily", "quotidien": "daily", "jour": "daily", "chaque-jour": "daily",
                "diario": "daily", "diaria": "daily", "dia": "daily", "cada-dia": "daily",
                "weekly": "weekly", "week": "weekly", "hebdo": "weekly", "hebdomadaire": "weekly",
                "semaine": "weekly", "semanal": "weekly", "semana": "weekly", "cada-semana": "weekly"}
MAX_FOLLOWS = 50  # per user: enough for a journalist's beat, not a way to mirror the whole dataset


class TooManyFollows(Exception):
    pass


@dataclass(frozen=True)
class Target:
    kind: str
    key: str


def parse_rhythm(word: str) -> str | None:
    return RHYTHM_WORDS.get(slug(word))


def resolve(index: Any, text: str) -> Target | None:
    """What `text` names, looked up in the in-memory index (bot.core.index.Index) and the vocabularies:
    a commitment id, an action plan (id or title), a policy area, a member (slug or any name)."""
    text = text.strip()
    if not text:
        return None
    upper = text.upper().replace(" ", "")
    if upper in index.commitments:
        return Target("commitment", upper)
    key = slug(text)
    if key in index.plans:
        return Target("action_plan", key)
    folded = fold(text)
    for plan in index.plans.values():
        if any(fold(title) == folded for title in plan.title.values()):
            return Target("action_plan", plan.id)
    area = vocabulary().lookup("policy_area", text, fuzzy=False)
    if area:
        return Target("policy_area", area)
    if key in index.members:
        return Target("member", key)
    known = members().get(key) or members().by_name(text)
    if known is not None:
        return Target("member", known.id)
    area = vocabulary().lookup("policy_area", text)
    return Target("policy_area", area) if area else None


def label(index: Any, target: Target, lang: str) -> str:
    """How a reader calls the target, in their language."""
    if target.kind == "commitment":
        record = index.commitments.get(target.key)
        title = (record.short_title.get(lang) or localized(record.title, lang)) if record else ""
        return f"{target.key} — {title}" if title else target.key
    if target.kind == "member":
        record = index.members.get(target.key)
        if record is not None and record.name:
            return localized(record.name, lang) or target.key
        known = members().get(target.key)
        return known.label(lang) if known else target.key
    if target.kind == "action_plan":
        plan = index.plans.get(target.key)
        return (localized(plan.title, lang) or target.key) if plan else target.key
    return vocabulary().label("policy_area", target.key, lang) or target.key


def short_label(target: Target, lang: str, member_names: dict[str, dict[str, str]] | None = None) -> str:
    """A button-sized name: the id of a commitment, the label of the rest (cut). Members are named as the data
    names them (`member_names`: id -> localized name), else as data/members.json does."""
    if target.kind == "commitment":
        return target.key
    if target.kind == "member":
        name = (member_names or {}).get(target.key) or {}
        known = members().get(target.key)
        text = localized(name, lang) or (known.label(lang) if known else target.key)
    elif target.kind == "policy_area":
        text = vocabulary().label("policy_area", target.key, lang) or target.key
    else:
        text = target.key
    return text if len(text) <= 30 else text[:29] + "…"


def rhythm_label(rhythm: str, lang: str) -> str:
    t = translator(lang)
    return {"now": t._("at once"), "daily": t._("daily digest"), "weekly": t._("weekly digest")}[rhythm]


def latest_refresh_id(session: Any) -> int:
    """The id of the last applied data change: what a new follow starts after (old changes are not news)."""
    return session.execute(select(func.max(DataRefresh.id)).where(col(DataRefresh.outcome) == "applied")).scalar() or 0


class FollowStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def follow(self, user_id: int, target: Target, rhythm: str, lang: str | None, now: datetime
               ) -> tuple[Follow, bool]:
        """(the follow, True when new). Following again changes the rhythm and keeps the marker: nothing
        already sent is sent again, nothing pending is lost."""
        if rhythm not in RHYTHMS or target.kind not in KINDS:
            raise ValueError(f"bad follow {target} {rhythm}")
        with session_scope(self.engine) as session:
            existing = session.execute(select(Follow).where(col(Follow.user_id) == user_id,
                                                            col(Follow.kind) == target.kind,
                                                            col(Follow.target) == target.key)).scalars().first()
            if existing is not None:
                if existing.rhythm != rhythm:
                    existing.rhythm = rhythm
                    existing.next_digest_at = now + PERIOD[rhythm] if rhythm in PERIOD else None
                existing.lang = lang or existing.lang
                session.add(existing)
                session.flush()
                return existing, False
            count = session.execute(select(func.count()).select_from(Follow)
                                    .where(col(Follow.user_id) == user_id)).scalar()
            if (count or 0) >= MAX_FOLLOWS:
                raise TooManyFollows
            follow = Follow(user_id=user_id, kind=target.kind, target=target.key, rhythm=rhythm, lang=lang,
                            created_at=now, last_refresh_id=latest_refresh_id(session),
                            next_digest_at=now + PERIOD[rhythm] if rhythm in PERIOD else None)
            session.add(follow)
            session.flush()
            return follow, True

    def unfollow(self, user_id: int, target: Target) -> bool:
        with session_scope(self.engine) as session:
            return session.exec(delete(Follow).where(col(Follow.user_id) == user_id, col(Follow.kind) == target.kind,
                                                     col(Follow.target) == target.key)).rowcount > 0

    def unfollow_id(self, user_id: int, follow_id: int) -> Follow | None:
        """Remove one of the user's own follows (a button press); None when it is gone or not theirs."""
        with session_scope(self.engine) as session:
            follow = session.get(Follow, follow_id)
            if follow is None or follow.user_id != user_id:
                return None
            session.delete(follow)
            return follow

    def following(self, user_id: int) -> list[Follow]:
        with session_scope(self.engine) as session:
            return list(session.execute(select(Follow).where(col(Follow.user_id) == user_id)
                                        .order_by(col(Follow.kind), col(Follow.target))).scalars())

    def find(self, user_id: int, text: str) -> Follow | None:
        """One of the user's follows named by its key as written ("FR0038", "france", "open_data")."""
        wanted = {text.strip().upper(), slug(text), text.strip().lower()}
        for follow in self.following(user_id):
            if follow.target in wanted or follow.target.upper() in wanted:
                return follow
        return None
