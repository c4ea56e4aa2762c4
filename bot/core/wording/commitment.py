"""Answers about one commitment: one renderer per intent (what the IRM assessed: bot.core.wording.irm), short
and exact first, then the detail, then the source. Controlled values are rendered from the vocabulary labels;
dates, numbers and lists are formatted with babel."""

from __future__ import annotations

from bot.core.facts import is_assessed
from bot.core.index import Index, plan_years
from bot.core.records import Commitment, Milestone
from bot.core.types import Button
from bot.core.wording.draft import Draft
from bot.core.wording.excerpts import shorten, without_label
from bot.core.wording.irm import completion_sentence, irm_summary
from bot.core.wording.names import commitment_url, heading, institution_names, label, plan_title, report_names


def overview(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    draft.add(heading(draft, index, c))
    plan = plan_title(draft, index, c)
    if plan and c.number:
        draft.add(t._("Commitment {number} of {plan}.", number=c.number, plan=plan))
    elif plan:
        draft.add(t._("Part of {plan}.", plan=plan))
    lead = institution_names(draft, c.lead_institutions)
    if lead:
        draft.add(t._("Lead: {lead}.", lead=t.join(lead)))
    description = draft.text_of(c.description)
    if description:
        draft.add(description)
    facts = [completion_sentence(draft, c)]
    if is_assessed(c.irm.ambition):
        facts.append(t._("Ambition: {value}.", value=label("ambition", c.irm.ambition, draft.lang)))
    if is_assessed(c.irm.potential_impact):
        facts.append(t._("Potential impact: {value}.",
                         value=label("potential_impact", c.irm.potential_impact, draft.lang)))
    draft.add(" ".join(facts))
    if c.milestones:
        numbers = [m.number for m in c.milestones]
        draft.add(t.ngettext("{n} milestone: {numbers}.", "{n} milestones: {numbers}.", len(numbers),
                             numbers=t.join(numbers)))
        draft.buttons.append(Button(t._("Milestones"), "intent", ("milestones", c.id)))
    draft.buttons.append(Button(t._("Status"), "intent", ("commitment_status", c.id)))
    draft.buttons.append(Button(t._("Who leads it?"), "intent", ("lead_institution", c.id)))
    draft.source(commitment_url(draft, c))


def status(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    draft.add(t._("{subject}: {statement}", subject=heading(draft, index, c), statement=completion_sentence(draft, c)))
    if c.status:
        draft.add(t._("Status on the OGP page: {value}.", value=label("status", c.status, draft.lang)))
    done = [m for m in c.milestones if m.status]
    if done:
        draft.add(t._("Milestones: {list}.", list=t.join(
            [f"{m.number} {label('completion', m.status, draft.lang)}" for m in done])))
    irm_summary(draft, c)
    reports = report_names(draft, index, c)
    if reports:
        draft.add(t._("IRM reports: {reports}.", reports=t.join(reports)))
    draft.source(commitment_url(draft, c))


def milestone_status(draft: Draft, index: Index, c: Commitment, m: Milestone) -> None:
    t = draft.t
    text = draft.text_of(m.text)
    title = f" — {shorten(text, 160).rstrip('.;:')}" if text else ""
    if m.status:
        draft.add(t._("Milestone {number} of {id}{title}: {status}.", number=m.number, id=c.id, title=title,
                      status=label("completion", m.status, draft.lang)))
    else:
        draft.add(t._("Milestone {number} of {id}{title}: the IRM gave it no status of its own.",
                      number=m.number, id=c.id, title=title))
        draft.add(completion_sentence(draft, c))
    note = draft.text_of(m.status_note)
    if note:
        where = {"irm_end_of_term": t._("IRM end-of-term report"), "irm_midterm": t._("IRM mid-term report")}
        source = where.get(m.status_source or "") or t._("IRM")
        draft.add(t._("{source}: “{quote}”", source=source, quote=note))
    if m.start or m.end:
        draft.add(_dates_sentence(draft, m.start, m.end))
    draft.source(commitment_url(draft, c))


def missing_milestone(draft: Draft, index: Index, c: Commitment, number: str) -> None:
    t = draft.t
    numbers = [m.number for m in c.milestones]
    if numbers:
        draft.add(t._("{id} has no milestone {number}. Its milestones are {numbers}.", id=c.id, number=number,
                      numbers=t.join(numbers)))
    else:
        draft.add(t._("{id} has no milestones in the data I have.", id=c.id))
    draft.source(commitment_url(draft, c))


def milestones(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    if not c.milestones:
        draft.add(t._("{id} ({title}) has no milestones in the data I have.", id=c.id, title=draft.text_of(c.title)))
        draft.source(commitment_url(draft, c))
        return
    draft.add(t.ngettext("{id} ({title}) has {n} milestone:", "{id} ({title}) has {n} milestones:",
                         len(c.milestones), id=c.id, title=draft.text_of(c.title)))
    for m in c.milestones:
        line = f"{m.number} — {shorten(draft.text_of(m.text), 200)}"
        if m.status:
            line += f" ({label('completion', m.status, draft.lang)})"
        draft.add(line)
        draft.buttons.append(Button(m.number, "milestone", (c.id, m.number)))
    draft.source(commitment_url(draft, c))


def lead_institution(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    names = institution_names(draft, c.lead_institutions)
    if names:
        draft.add(t.ngettext("{id} ({title}) is led by {names}.", "{id} ({title}) is led by {names}.", len(names),
                             id=c.id, title=draft.text_of(c.title), names=t.join(names)))
    else:
        draft.add(t._("The OGP page of {id} names no lead institution.", id=c.id))
    draft.source(commitment_url(draft, c))


def support_institutions(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    names = institution_names(draft, c.support_institutions)
    if names:
        draft.add(t.ngettext("{id} ({title}) is supported by {names}.", "{id} ({title}) is supported by {names}.",
                             len(names), id=c.id, title=draft.text_of(c.title), names=t.join(names)))
    else:
        draft.add(t._("The OGP page of {id} names no supporting institution.", id=c.id))
    lead = institution_names(draft, c.lead_institutions)
    if lead:
        draft.add(t._("Lead: {lead}.", lead=t.join(lead)))
    draft.source(commitment_url(draft, c))


def policy_areas(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    areas = [label("policy_area", key, draft.lang) for key in c.policy_areas]
    extra = {a.key: a.label for a in index.dataset.policy_areas}
    areas = [draft.text_of(extra[key]) if key in extra and label("policy_area", key, draft.lang) == key else area
             for key, area in zip(c.policy_areas, areas, strict=True)]
    if areas:
        draft.add(t._("Policy areas of {id} ({title}): {areas}.", id=c.id, title=draft.text_of(c.title),
                      areas=t.join(areas)))
    else:
        draft.add(t._("The OGP page of {id} lists no policy area.", id=c.id))
    draft.source(commitment_url(draft, c))


def _dates_sentence(draft: Draft, start: str | None, end: str | None) -> str:
    t = draft.t
    if start and end:
        return t._("Start: {start}. End: {end}.", start=t.partial_date(start), end=t.partial_date(end))
    if start:
        return t._("Start: {start}.", start=t.partial_date(start))
    return t._("End: {end}.", end=t.partial_date(end))


def dates(draft: Draft, index: Index, c: Commitment, m: Milestone | None = None) -> None:
    t = draft.t
    if m is not None and (m.start or m.end):
        draft.add(t._("Milestone {number} of {id}:", number=m.number, id=c.id) + " " +
                  _dates_sentence(draft, m.start, m.end))
        draft.source(commitment_url(draft, c))
        return
    start = c.start or min((x.start for x in c.milestones if x.start), default=None)
    end = c.end or max((x.end for x in c.milestones if x.end), default=None)
    plan = index.plans.get(c.action_plan or "")
    first, last = plan_years(plan) if plan else (None, None)
    if start or end:
        subject = f"{c.id} ({draft.text_of(c.title)})"
        draft.add(t._("{subject}: {statement}", subject=subject, statement=_dates_sentence(draft, start, end)))
    elif plan and first and last:
        draft.add(t._("The data gives no start or end date for {id} ({title}) itself.", id=c.id,
                      title=draft.text_of(c.title)))
    else:
        draft.add(t._("The OGP page of {id} gives no dates.", id=c.id))
    if plan and first and last:
        draft.add(t._("{id} is part of {plan}, which runs from {start} to {end}.", id=c.id,
                      plan=draft.text_of(plan.title), start=first, end=last))
    draft.source(commitment_url(draft, c))


def description(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    draft.add(heading(draft, index, c))
    summary = draft.text_of(c.description)
    if summary:
        draft.add(t._("{label}: {text}", label=t._("Objective"), text=without_label(summary, "Objective")))
    ambitions = draft.text_of(c.ambitions)
    if ambitions:
        draft.add(shorten(ambitions, 600))
    elif draft.text_of(c.challenges):
        draft.add(shorten(draft.text_of(c.challenges), 600))
    elif draft.text_of(c.description_full) and not summary:
        draft.add(shorten(draft.text_of(c.description_full), 600))
    draft.source(commitment_url(draft, c))


def action_plan(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    plan = index.plans.get(c.action_plan or "")
    if plan is None:
        draft.add(t._("I do not know which action plan {id} belongs to.", id=c.id))
    else:
        first, last = plan_years(plan)
        title = draft.text_of(plan.title)
        years = f" ({first}–{last})" if first and last and str(first) not in title else ""
        if c.number:
            draft.add(t._("{id} ({title}) is commitment {number} of {plan}{years}.", id=c.id,
                          title=draft.text_of(c.title), number=c.number, plan=title, years=years))
        else:
            draft.add(t._("{id} ({title}) is part of {plan}{years}.", id=c.id, title=draft.text_of(c.title),
                          plan=title, years=years))
        if plan.cycle:
            draft.add(t._("Action plan cycle: {cycle}.", cycle=plan.cycle))
    draft.source(commitment_url(draft, c))


def milestone_asked(draft: Draft, index: Index, c: Commitment, m: Milestone | None) -> None:
    """The status of the milestone asked; the commitment's milestones when the question named none."""
    if m is None:
        milestones(draft, index, c)
    else:
        milestone_status(draft, index, c, m)
