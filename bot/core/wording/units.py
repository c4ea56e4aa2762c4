"""Counts of action plans and of members ("how many action plans does France have?", "how many members are in
your data?"): the same structured query as a count of commitments, grouped by plan or by member, so that a
filter ("with starred commitments") narrows them the same way. Never a count of commitments under another name."""

from __future__ import annotations

from collections import Counter

from bot.core import aggregates
from bot.core.index import Index, plan_years
from bot.core.lexicon import lexicon
from bot.core.understand import Understanding
from bot.core.wording.draft import Draft
from bot.core.wording.names import member_name, member_url

LISTED = 12  # plans or members listed by name; the rest are counted


def count_units(draft: Draft, index: Index, u: Understanding, f: aggregates.Filters) -> None:
    """Answer a count of plans or members; f is the question's structured query."""
    t = draft.t
    unit_words = {w for phrases in lexicon().counted_units.values() for p in phrases for w in p}
    unit_words |= {"per", "par", "by", "each", "chaque", "most", "plus", "fewest", "moins"}  # "per member"
    f.unaccounted = [w for w in f.unaccounted if w not in unit_words]
    if f.unaccounted:
        words = t.join([t._("“{word}”", word=w) for w in f.unaccounted])
        draft.add(t._("I cannot count by {words}: it is no filter I know.", words=words))
        u.confidence = 0.3
        return
    _, matching = aggregates.select(index, f)
    narrowed = bool(f.conditions or f.topic or f.topic_areas or f.policy_areas or f.lead or f.support)
    if u.unit == "plans":
        per_plan = Counter(c.action_plan for c in matching if c.action_plan)
        plans = sorted((index.plans[p] for p in per_plan if p in index.plans),
                       key=lambda p: (p.member, plan_years(p)[0] or 0, p.id))
        where = t.join([member_name(draft, index, m) for m in f.members]) if f.members else None
        if narrowed:
            head = t.ngettext("{n} action plan in my data has commitments matching your question",
                              "{n} action plans in my data have commitments matching your question",
                              len(plans))
        else:
            head = t.ngettext("{n} action plan in my data", "{n} action plans in my data", len(plans))
        draft.add(t._("{where}: {count}.", where=where, count=head) if where else t._("{count}.", count=head))
        for plan in plans[:LISTED]:
            draft.add(t.ngettext("{plan} ({n} commitment)", "{plan} ({n} commitments)", per_plan[plan.id],
                                 plan=draft.text_of(plan.title)))
        rest = len(plans) - LISTED
    else:
        per_member = Counter(c.member for c in matching if c.member)
        members = sorted(per_member, key=lambda m: (-per_member[m], m))
        if narrowed:
            draft.add(t.ngettext("{n} member in my data has commitments matching your question.",
                                 "{n} members in my data have commitments matching your question.",
                                 len(members)))
        else:
            draft.add(t.ngettext("I have commitments of {n} OGP member in my data.",
                                 "I have commitments of {n} OGP members in my data.", len(members)))
        for m in members[:LISTED]:
            draft.add(t.ngettext("{member} ({n} commitment)", "{member} ({n} commitments)", per_member[m],
                                 member=member_name(draft, index, m)))
        rest = len(members) - LISTED
    if rest > 0:
        draft.add(t._("… and {n} more.", n=t.number(rest)))
    if not f.members:
        draft.add(t._("OGP itself has more: my data holds part of its commitments."))
    for m in f.members:  # the members' OGP pages list their plans; else OGP's list of members
        draft.source(member_url(index, m))
    if not f.members:
        draft.source(f"{index.site}/our-members/")
    u.confidence = max(u.confidence, 0.8)
