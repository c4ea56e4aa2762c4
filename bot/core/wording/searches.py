"""Answers to searches: the commitments about a topic, and the card of a search hit."""

from __future__ import annotations

import re

from bot.common.textnorm import fold
from bot.core.facts import completion
from bot.core.index import Index
from bot.core.records import Commitment
from bot.core.search import rank
from bot.core.types import Button
from bot.core.understand import Understanding
from bot.core.wording.draft import Draft
from bot.core.wording.names import institution_names, label, member_name, plan_title

SHOWN = 8  # results listed; the others are counted


def search(draft: Draft, index: Index, u: Understanding) -> None:
    t = draft.t
    hits = rank(index, u.content, areas=u.entities.policy_areas, members=u.entities.members, plans=u.plans)
    topic = _as_typed(u.question, u.content) or t.join([label("policy_area", a, draft.lang)
                                                        for a in u.entities.policy_areas])
    if not hits:
        draft.add(t._("I found no commitment about “{topic}”.", topic=topic))
        draft.add(t._("Try other words, or an id like FR0038."))
        u.intent = "search"
        u.confidence = 0.2
        return
    draft.add(t.ngettext("{n} commitment about “{topic}”:", "{n} commitments about “{topic}”:", len(hits),
                         topic=topic))
    for cid, _ in hits[:SHOWN]:
        c = index.commitments[cid]
        draft.add(f"{cid} — {draft.text_of(c.title)} ({member_name(draft, index, c.member)})")
        draft.buttons.append(Button(f"{cid} — {draft.text_of(c.title)}"[:60], "overview", (cid,)))
    if len(hits) > SHOWN:
        _more_results(draft, index, u, topic, rest=len(hits) - SHOWN,
                      member=index.commitments[hits[0][0]].member)
        draft.buttons.append(Button(t._("More"), "search", (" ".join(u.content) or topic, str(SHOWN))))
    if len(hits) == 1:
        u.commitment = hits[0][0]


def _as_typed(question: str, words: list[str]) -> str:
    """Folded words ("donnees ouvertes") as the question spells them ("données ouvertes"); a word it does
    not spell so (corrected from a typo) stays as it is."""
    typed = {fold(w): w.lower() for w in re.findall(r"\w+", question)}
    return " ".join(typed.get(w, w) for w in words)


def _more_results(draft: Draft, index: Index, u: Understanding, topic: str, *, rest: int, member: str) -> None:
    """How many results are not listed, and how to narrow the question (the "More" button is Telegram's
    only: the console and the command line have none)."""
    t = draft.t
    if u.entities.members or u.plans:
        draft.add(t.ngettext("… and {n} more. Add words to the question to narrow the list.",
                             "… and {n} more. Add words to the question to narrow the list.", rest))
    else:
        example = t._("commitments about {topic} in {member}", topic=topic,
                      member=member_name(draft, index, member))
        draft.add(t.ngettext("… and {n} more. Name a country to narrow the list, for example “{example}”.",
                             "… and {n} more. Name a country to narrow the list, for example “{example}”.", rest,
                             example=example))


def card(draft: Draft, index: Index, c: Commitment) -> str:
    """A search hit's snippet: plan, lead institution, completion."""
    t = draft.t
    parts = [plan_title(draft, index, c)]
    lead = institution_names(draft, c.lead_institutions)
    if lead:
        parts.append(t._("Lead: {lead}", lead=lead[0]))
    key, _ = completion(c)
    if key:
        parts.append(t._("Completion: {value}", value=label("completion", key, draft.lang)))
    return " · ".join(p for p in parts if p)
