"""Questions about an action plan itself rather than one of its commitments ("quand se termine le plan d'action
2018-2020 de la France ?"): its years, from the plan's record, with the member's OGP page."""

from __future__ import annotations

from bot.core.index import Index, plan_years
from bot.core.understand import Understanding
from bot.core.wording.draft import Draft
from bot.core.wording.names import member_name, member_url


def plan_dates(draft: Draft, index: Index, u: Understanding) -> None:
    """The years of each plan the question names."""
    t = draft.t
    for plan_id in u.plans:
        plan = index.plans[plan_id]
        start, end = plan_years(plan)
        if start and end:
            draft.add(t._("{plan} runs from {start} to {end}.", plan=draft.text_of(plan.title), start=start, end=end))
        else:
            draft.add(t._("The data gives no years for {plan}.", plan=draft.text_of(plan.title)))
        draft.source(member_url(index, plan.member))
    members = sorted({index.plans[p].member for p in u.plans})
    names = t.join([member_name(draft, index, m) for m in members])
    draft.add(t._("Ask “{example}” for its commitments.", example=t._("commitments of {member}", member=names)))
    u.confidence = max(u.confidence, 0.8)
