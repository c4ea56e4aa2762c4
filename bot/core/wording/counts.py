"""Answers to counts and lists across commitments, and breakdowns of completion or ambition per action plan:
the scope, the basis of the count (what the IRM assessed), the list, and how fresh the data is."""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from bot.common.textnorm import fold
from bot.core import aggregates
from bot.core.charts import LEVELS, UNASSESSED, breakdown
from bot.core.facts import COMPLETION_LEVELS, completion_level
from bot.core.index import Index, plan_years, retrieval_span
from bot.core.lexicon import detail_words, lexicon
from bot.core.records import Commitment
from bot.core.text import tokens
from bot.core.types import Button, ChartRequest
from bot.core.understand import Understanding
from bot.core.wording import searches, units
from bot.core.wording.draft import Draft
from bot.core.wording.names import commitment_url, label, member_name, member_url


def count(draft: Draft, index: Index, u: Understanding, offset: int = 0) -> None:
    t = draft.t
    f = aggregates.read_filters(u, index)
    spec = lexicon().filters
    wants_chart = any(w in spec.chart_words for w in u.lang_words)
    comparing = any(w in spec.compare_words for w in u.lang_words)
    u.confidence = max(u.confidence, 0.7)
    if not _named_in_data(draft, index, u, f):
        return
    if u.unit != "commitments":  # "how many action plans …": plans or members, never commitments under their name
        units.count_units(draft, index, u, f)
        return
    if comparing and len(f.members) == 1 and not f.plans and lexicon().plan_words.intersection(u.lang_words):
        # "compare France's action plans": every plan of the member that has commitments in the data
        f.plans = sorted((p.id for p in index.plans.values()
                          if p.member == f.members[0] and index.mask(plans=[p.id]).any()),
                         key=lambda plan_id: (index.plans[plan_id].start_year or 0, plan_id))
    if wants_chart or (comparing and (len(f.plans) >= 2 or len(f.members) >= 2)):
        _breakdown(draft, index, u, f, chart=wants_chart)
        return
    if f.unaccounted:
        _cannot_filter(draft, u, f)
        return
    unknown = aggregates.unknown_institutions(index, f)
    if unknown:
        names = t.join([t._("“{word}”", word=w) for w in unknown])
        draft.add(t._("No commitment in my data is led or supported by an institution named {names}, so I give no "
                      "count for it. Ask “who leads FR0038?” to see how institutions are named.", names=names))
        u.confidence = 0.3
        return
    only_topic = (f.topic or f.topic_areas) and not (f.members or f.plans or f.policy_areas or f.conditions
                                                       or f.lead or f.support or f.share)
    if only_topic and not _asks_a_number(u):  # "which commitments are about X": the search's list, the same set
        u.intent = "search"
        searches.search(draft, index, u)
        return
    scope, matching = aggregates.select(index, f)
    where = _scope_label(draft, index, f)
    if f.near_plans:
        _near_plans(draft, index, u, f)
    if f.share:
        _share(draft, index, f, where, scope, matching)
    basis = aggregates.assessed(scope, f, index) if f.conditions else scope
    if f.conditions and not basis:
        draft.add(t.ngettext("{where}: none of its {n} commitment has a value for this.",
                             "{where}: none of its {n} commitments has a value for this.", len(scope), where=where)
                  if not f.irm_assessed_only else
                  t.ngettext("{where}: the IRM has published this for none of its {n} commitment.",
                             "{where}: the IRM has published this for none of its {n} commitments.", len(scope),
                             where=where))
    elif f.conditions:
        if not f.share:
            draft.add(_assessed_count(draft, f, where, count=len(matching), basis=len(basis)))
        if f.completion and basis:
            levels = Counter(completion_level(c) for c in basis)
            draft.add(t._("Completion levels: {levels}.", levels=", ".join(
                f"{label('completion', key, draft.lang)} {t.number(levels[key])}"
                for key in COMPLETION_LEVELS if levels[key])))
        _rest(draft, index, f, scope, basis)
    elif not f.share and _all_of_it(index, f, matching):
        draft.add(coverage(draft, index))  # the total says at once that it is the data's, not OGP's
    elif not f.share:
        draft.add(t.ngettext("{where}: {n} commitment.", "{where}: {n} commitments.", len(matching), where=where))
    page = matching[offset:offset + aggregates.PAGE]
    for c in page:
        draft.add(f"{c.id} — {draft.text_of(c.title)}")
    rest = len(matching) - offset - len(page)
    if rest > 0:
        draft.add(t._("… and {n} more.", n=t.number(rest)))
        draft.buttons.append(Button(t._("More"), "list", (u.question, str(offset + aggregates.PAGE))))
    _sources(draft, index, f, page)
    if not _everywhere(f):
        _data_date(draft, scope)
    elif f.share or not _all_of_it(index, f, matching):
        draft.add(covers(draft, index))


def _asks_a_number(u: Understanding) -> bool:
    """'how many', 'combien', 'number of', 'percentage': a figure, not only a list."""
    words = u.lang_words
    return any(tuple(words[i:i + len(p)]) == p for p in detail_words().figure for i in range(len(words)))


def _named_in_data(draft: Draft, index: Index, u: Understanding, f: aggregates.Filters) -> bool:
    """Countries that are no OGP member and members without data are named as such, never counted as 0; False
    when nothing is left to count."""
    t = draft.t
    for country in f.non_members:
        draft.add(t._("{country} is not a member of the Open Government Partnership: it has no OGP commitments.",
                      country=country))
    if f.missing_members:
        names = t.join([_member_label(draft, m) for m in f.missing_members])
        draft.add(t.ngettext("I don't have any commitments of {member} in my data ({n} commitment of {members} "
                             "members).",
                             "I don't have any commitments of {member} in my data ({n} commitments of {members} "
                             "members).",
                             len(index.ids), member=names, members=t.number(len(index.member_mask))))
        for m in f.missing_members:
            draft.source(member_url(index, m))
    if f.missing_plans:
        asked = "-".join(str(y) for y in u.entities.years or ())
        for m in f.missing_plans:
            plans = t.join([draft.text_of(p.title) for p in index.member_plans(m)])
            draft.add(t._("I have no action plan {years} of {member}; its plans in my data: {plans}.", years=asked,
                          member=_member_label(draft, m), plans=plans or "—"))
            draft.source(member_url(index, m))
        u.confidence = 0.5
        return False
    if (f.non_members or f.missing_members) and not f.members:
        if not f.missing_members:
            draft.add(t._("I have commitments of {members} members in my data.", members=t.number(
                len(index.member_mask))))
        u.confidence = 0.6
        return False
    return True


def _cannot_filter(draft: Draft, u: Understanding, f: aggregates.Filters) -> None:
    """Words that are no filter and no topic found in any commitment: no number that would ignore them."""
    t = draft.t
    words = t.join([t._("“{word}”", word=w) for w in _typed(u.question, f.unaccounted)])
    draft.add(t._("I cannot count by {words}: it is no filter I know, and no commitment is about it (in its title "
                  "or policy areas).", words=words))
    draft.add(t._("I can count and list commitments by member, action plan, policy area, lead or support "
                  "institution, status (active or inactive), the IRM's completion, ambition, potential impact, "
                  "verifiability, relevance to OGP values, early results and stars, and by topic (“about …”)."))
    u.confidence = 0.3


def _typed(question: str, words: list[str]) -> list[str]:
    typed = {fold(w): w for w in re.findall(r"\w+", question)}
    return [typed.get(w, w) for w in words]


def _near_plans(draft: Draft, index: Index, u: Understanding, f: aggregates.Filters) -> None:
    asked = "-".join(str(y) for y in u.entities.years or ())
    for plan_id in f.near_plans:
        plan = index.plans[plan_id]
        start, end = plan_years(plan)
        years = f"{start}-{end}" if end else str(start)
        draft.add(draft.t._("OGP has no plan of {member} for {asked}; I counted its plan {years} ({plan}).",
                            member=_member_label(draft, plan.member), asked=asked,
                            years=years, plan=draft.text_of(plan.title)))


def _share(draft: Draft, index: Index, f: aggregates.Filters, where: str, scope: list[Commitment],
           matching: list[Commitment]) -> None:
    """'France Action Plan 2018-2020: 53.3% (8 of the 15 commitments) have the ambition level “Low”.'"""
    t = draft.t
    if f.conditions:
        base, label_of_base = scope, where
        predicate = t.join([c.positive for c in _criteria(draft, f, len(matching))])
    else:  # the share of the member's (or plan's) commitments that are about the topic or in the areas
        base_filters = aggregates.Filters(members=f.members, plans=f.plans, lead=f.lead, support=f.support)
        base = aggregates.select(index, base_filters)[0]
        label_of_base = _scope_label(draft, index, base_filters)
        predicate = t.ngettext("is about {topic}", "are about {topic}", len(matching), topic=_topic_label(draft, f))
    if not base:
        draft.add(t._("{where}: no commitment to count.", where=label_of_base))
        return
    count = len(matching)
    draft.add(t.ngettext("{where}: {percent} ({count} of {n} commitment) {predicate}.",
                         "{where}: {percent} ({count} of the {n} commitments) {predicate}.", len(base),
                         where=label_of_base, percent=t.percent(count / len(base)), count=t.number(count),
                         predicate=predicate))
    if f.conditions:
        basis = aggregates.assessed(scope, f, index)
        if basis and len(basis) < len(scope):
            draft.add(_assessed_count(draft, f, where, count=count, basis=len(basis)) + " "
                      + t._("({percent} of them.)", percent=t.percent(count / len(basis))))


def _rest(draft: Draft, index: Index, f: aggregates.Filters, scope: list[Commitment],
          basis: list[Commitment]) -> None:
    """The commitments of the scope outside the basis: not assessed at all, or without this one value."""
    t = draft.t
    counted = {c.id for c in basis}
    rest = [c for c in scope if c.id not in counted]
    if not rest:
        return
    if f.irm_assessed_only and aggregates.with_any_irm(index, rest) == 0:
        draft.add(t.ngettext("The IRM has not assessed the other one.", "The IRM has not assessed the other {n}.",
                             len(rest)))
    elif f.irm_assessed_only:
        draft.add(t.ngettext("The other one has no rating for this.", "The other {n} have no rating for this.",
                             len(rest)))
    else:
        draft.add(t.ngettext("OGP gives no status for the other one.", "OGP gives no status for the other {n}.",
                             len(rest)))


def _member_label(draft: Draft, member_id: str) -> str:
    from bot.dataset.members import members

    known = members().get(member_id)
    return draft.text_of(known.name) if known else member_id


def _sources(draft: Draft, index: Index, f: aggregates.Filters, page: list[Commitment]) -> None:
    """The members' OGP pages, else the pages of the commitments listed."""
    members = f.members or sorted({p.member for plan in f.plans if (p := index.plans.get(plan))})
    if members and len(members) <= 3:
        for m in members:
            draft.source(member_url(index, m))
        return
    for c in page:
        draft.source(commitment_url(draft, c))


def _breakdown(draft: Draft, index: Index, u: Understanding, f: aggregates.Filters, *, chart: bool) -> None:
    """Completion (or ambition) per action plan, in words; with a chart for front ends that can show one."""
    t = draft.t
    spec = lexicon().filters
    metric = "ambition" if any(_has(u.lang_words, p) for p in spec.ambition_metric) else "completion"
    plans = f.plans or [p.id for m in f.members for p in index.member_plans(m)]
    if not plans:
        draft.add(t._("Which member or action plan? For example: “chart of France 2018-2020”."))
        u.confidence = 0.3
        return
    request = ChartRequest(tuple(plans), metric)
    kind = "ambition" if metric == "ambition" else "completion"
    if len(f.members) >= 2 and not f.plans:
        # Members compared ("which has more commitments, Tunisia or Senegal?"): each member's total first, most first.
        totals = {m: int(index.mask(members=[m]).sum()) for m in f.members}
        for m in sorted(totals, key=lambda m: -totals[m]):
            where = in_my_data(draft, index, member_name(draft, index, m), members=[m])
            draft.add(t.ngettext("{where}: {n} commitment.", "{where}: {n} commitments.", totals[m], where=where))
    for plan_id, counts in breakdown(index, request).items():
        total = sum(counts.values())
        parts = [f"{label(kind, key, draft.lang)} {t.number(counts[key])}" for key in LEVELS[metric]
                 if counts[key]]
        if counts[UNASSESSED]:
            unassessed = t._("not assessed")
            parts.append(f"{unassessed} {t.number(counts[UNASSESSED])}")
        plan = in_my_data(draft, index, draft.text_of(index.plans[plan_id].title), plans=[plan_id])
        draft.add(t.ngettext("{plan}: {n} commitment — {levels}.", "{plan}: {n} commitments — {levels}.", total,
                             plan=plan, levels=", ".join(parts) or "—"))
    if chart:
        u.chart = request
    _data_date(draft, aggregates.select(index, aggregates.Filters(plans=plans))[0])
    u.confidence = max(u.confidence, 0.7)


def _has(words: list[str], phrase: str) -> bool:
    target = tokens(phrase)
    return any(words[i:i + len(target)] == target for i in range(len(words) - len(target) + 1))


def _data_date(draft: Draft, scope: list[Commitment]) -> None:
    """When the counted records were retrieved from OGP (a range when they differ); nothing when no record says
    (the time they were loaded into the database is not how fresh they are)."""
    t = draft.t
    span = retrieval_span(scope)
    if span and span.first != span.last:
        draft.add(t._("Data retrieved from OGP between {start} and {end}.", start=t.date(span.first),
                      end=t.date(span.last)))
    elif span:
        draft.add(t._("Data as of {date}.", date=t.date(span.first)))


def coverage(draft: Draft, index: Index) -> str:
    """What the data covers, as the answer to a total, never to be taken for all of OGP: 'In my data: 97 commitments
    of 27 members, retrieved from OGP between 3 March 2025 and 28 November 2026.'"""
    t = draft.t
    n, members, span = len(index.ids), _members_phrase(draft, index), index.retrieved
    if span and span.first != span.last:
        return t.ngettext("In my data: {n} commitment of {members}, retrieved from OGP between {start} and {end}.",
                          "In my data: {n} commitments of {members}, retrieved from OGP between {start} and {end}.",
                          n, members=members, start=t.date(span.first), end=t.date(span.last))
    if span:
        return t.ngettext("In my data: {n} commitment of {members}, retrieved from OGP on {date}.",
                          "In my data: {n} commitments of {members}, retrieved from OGP on {date}.", n,
                          members=members, date=t.date(span.first))
    return t.ngettext("In my data: {n} commitment of {members}.", "In my data: {n} commitments of {members}.", n,
                      members=members)


def covers(draft: Draft, index: Index) -> str:
    """The same, closing a count over all members: 'My data covers 97 commitments of 27 members, …'."""
    t = draft.t
    n, members, span = len(index.ids), _members_phrase(draft, index), index.retrieved
    if span and span.first != span.last:
        return t.ngettext("My data covers {n} commitment of {members}, retrieved from OGP between {start} and {end}.",
                          "My data covers {n} commitments of {members}, retrieved from OGP between {start} and "
                          "{end}.", n, members=members, start=t.date(span.first), end=t.date(span.last))
    if span:
        return t.ngettext("My data covers {n} commitment of {members}, retrieved from OGP on {date}.",
                          "My data covers {n} commitments of {members}, retrieved from OGP on {date}.", n,
                          members=members, date=t.date(span.first))
    return t.ngettext("My data covers {n} commitment of {members}.", "My data covers {n} commitments of {members}.",
                      n, members=members)


def _members_phrase(draft: Draft, index: Index) -> str:
    return draft.t.ngettext("{n} member", "{n} members", len(index.member_mask))


def in_my_data(draft: Draft, index: Index, name: str, *, members: list[str] | None = None,
               plans: list[str] | None = None) -> str:
    """A member's or plan's name, with "(in my data)" unless the data has all of its commitments: a count of
    what the data holds is not OGP's total."""
    if index.whole(members=members, plans=plans):
        return name
    return draft.t._("{name} (in my data)", name=name)


def _everywhere(f: aggregates.Filters) -> bool:
    """A count over all members (no member or plan named)."""
    return not f.members and not f.plans


def _all_of_it(index: Index, f: aggregates.Filters, matching: list[Commitment]) -> bool:
    """The count is of every commitment of the data ("how many commitments does OGP have?")."""
    return _everywhere(f) and not f.conditions and len(matching) == len(index.ids)


def _scope_label(draft: Draft, index: Index, f: aggregates.Filters) -> str:
    """'France Action Plan 2018-2020', 'France (in my data)', or 'In my data' (all members: never "all of OGP"), with
    the policy areas, topic and institutions named."""
    t = draft.t
    if f.plans:
        scope = in_my_data(draft, index, t.join([draft.text_of(index.plans[p].title) for p in f.plans]),
                           plans=f.plans)
    elif f.members:
        scope = in_my_data(draft, index, t.join([member_name(draft, index, m) for m in f.members]),
                           members=f.members)
    else:
        scope = t._("In my data")
    if f.excluded_members:
        scope += " — " + t._("except {members}", members=t.join([member_name(draft, index, m)
                                                                  for m in f.excluded_members]))
    if f.policy_areas:
        scope += " — " + t.join([label("policy_area", a, draft.lang) for a in f.policy_areas])
    if (f.topic or f.topic_areas) and not (f.share and not f.conditions):
        scope += " — " + t._("about {topic}", topic=_topic_label(draft, f))
    if f.lead:
        scope += " — " + t._("led by “{lead}”", lead=f.lead)
    if f.support:
        scope += " — " + t._("supported by “{institution}”", institution=f.support)
    return scope


def _topic_label(draft: Draft, f: aggregates.Filters) -> str:
    t = draft.t
    if f.policy_areas and not (f.topic or f.topic_areas):
        return t.join([t._("“{value}”", value=label("policy_area", a, draft.lang)) for a in f.policy_areas])
    if f.topic:
        return t._("“{topic}”", topic=" ".join(f.topic))
    return t.join([t._("“{value}”", value=label("policy_area", a, draft.lang)) for a in f.topic_areas], style="or")


def _assessed_count(draft: Draft, f: aggregates.Filters, where: str, *, count: int, basis: int) -> str:
    """'France Action Plan 2018-2020: 2 of the 14 commitments assessed by the IRM are starred.', with 'none of
    the…' for 0 and 'the only commitment assessed by the IRM…' when the IRM assessed one."""
    t = draft.t
    criteria = _criteria(draft, f, count)
    if not any((c.field in aggregates.ASSESSED_FIELDS or c.field == "status") and not c.unrated for c in f.conditions):
        return t.ngettext("{where}: {count} of {n} commitment {predicate}.",
                          "{where}: {count} of the {n} commitments {predicate}.", basis, where=where,
                          count=t.number(count), predicate=t.join([c.positive for c in criteria]))
    if not f.irm_assessed_only:  # the status only: the basis is the commitments whose status OGP gives
        predicate = t.join([c.positive for c in criteria]) if count else t.join([c.none for c in criteria])
        if count == 0:
            return t.ngettext("{where}: none of the {n} commitment with a known status {predicate}.",
                              "{where}: none of the {n} commitments with a known status {predicate}.", basis,
                              where=where, predicate=predicate)
        return t.ngettext("{where}: {count} of the {n} commitment with a known status {predicate}.",
                          "{where}: {count} of the {n} commitments with a known status {predicate}.", basis,
                          where=where, count=t.number(count), predicate=predicate)
    if basis == 1 and len(criteria) == 1:
        return t._("{where}: the only commitment assessed by the IRM {predicate}.", where=where,
                   predicate=criteria[0].positive if count else criteria[0].negative)
    if count == 0:
        return t.ngettext("{where}: none of the {n} commitment assessed by the IRM {predicate}.",
                          "{where}: none of the {n} commitments assessed by the IRM {predicate}.", basis,
                          where=where, predicate=t.join([c.none for c in criteria]))
    return t.ngettext("{where}: {count} of the {n} commitment assessed by the IRM {predicate}.",
                      "{where}: {count} of the {n} commitments assessed by the IRM {predicate}.", basis,
                      where=where, count=t.number(count), predicate=t.join([c.positive for c in criteria]))


def _unrated(draft: Draft, name: str, count: int) -> Criterion:
    """A field the IRM gave no value ("sans évaluation d'ambition")."""
    t = draft.t
    if name == "completion":
        return Criterion(t.ngettext("has no completion level from the IRM", "have no completion level from the IRM",
                                   count),
                         t._("lack a completion level from the IRM"), t._("has a completion level from the IRM"))
    if name == "ambition":
        return Criterion(t.ngettext("has no ambition rating from the IRM", "have no ambition rating from the IRM",
                                   count),
                         t._("lack an ambition rating from the IRM"), t._("has an ambition rating from the IRM"))
    if name == "potential_impact":
        return Criterion(t.ngettext("has no potential impact rating from the IRM",
                                   "have no potential impact rating from the IRM", count),
                         t._("lack a potential impact rating from the IRM"),
                         t._("has a potential impact rating from the IRM"))
    if name == "early_results":
        return Criterion(t.ngettext("has no early results rating from the IRM",
                                   "have no early results rating from the IRM", count),
                         t._("lack an early results rating from the IRM"),
                         t._("has an early results rating from the IRM"))
    return Criterion(t.ngettext("has no known status", "have no known status", count), t._("lack a known status"),
                     t._("has a known status"))


class Criterion(NamedTuple):
    """A filter of a count as a verb phrase, in the three forms a sentence may need."""

    positive: str  # agrees with the number of commitments it is said of
    none: str  # after "none of the…" (French negates the verb: « aucun … n'a atteint »)
    negative: str  # said of one commitment


def _criteria(draft: Draft, f: aggregates.Filters, count: int) -> list[Criterion]:
    t = draft.t

    def values(kind: str, keys: tuple[str, ...]) -> str:
        return t.join([t._("“{value}”", value=label(kind, k, draft.lang)) for k in keys], style="or")

    # Each "none" form is the English plural as a message of its own, so that French can negate it.
    criteria = []
    for c in f.conditions:
        kind = aggregates.FIELDS[c.field]
        if c.unrated:
            criteria.append(_unrated(draft, c.field, count))
        elif c.field == "completion":
            levels = values("completion", c.values)
            criteria.append(Criterion(
                t.ngettext("has reached the completion level {levels}", "have reached the completion level {levels}",
                           count, levels=levels),
                t._("have reached the completion level {levels}", levels=levels),
                t._("has not reached the completion level {levels}", levels=levels)))
        elif c.field == "starred" and c.values == ("yes",):
            criteria.append(Criterion(t.ngettext("is starred", "are starred", count), t._("are starred"),
                                      t._("is not starred")))
        elif c.field == "starred":
            criteria.append(Criterion(t.ngettext("has no star", "have no star", count),
                                      t._("are without a star"), t._("has a star")))
        elif c.field == "verifiable" and c.values == ("yes",):
            criteria.append(Criterion(t.ngettext("is verifiable", "are verifiable", count), t._("are verifiable"),
                                      t._("is not verifiable")))
        elif c.field == "verifiable":
            criteria.append(Criterion(t.ngettext("is unverifiable", "are unverifiable", count),
                                      t._("are unverifiable"), t._("can be verified")))
        elif c.field == "ambition":
            value = values(kind, c.values)
            criteria.append(Criterion(
                t.ngettext("has the ambition level {value}", "have the ambition level {value}", count, value=value),
                t._("have the ambition level {value}", value=value),
                t._("does not have the ambition level {value}", value=value)))
        elif c.field == "potential_impact":
            value = values(kind, c.values)
            criteria.append(Criterion(
                t.ngettext("has the potential impact {value}", "have the potential impact {value}", count,
                           value=value),
                t._("have the potential impact {value}", value=value),
                t._("does not have the potential impact {value}", value=value)))
        elif c.field == "early_results":
            value = values(kind, c.values)
            criteria.append(Criterion(
                t.ngettext("has early results rated {value}", "have early results rated {value}", count,
                           value=value),
                t._("have early results rated {value}", value=value),
                t._("does not have early results rated {value}", value=value)))
        elif c.field == "relevance" and not c.negated and c.values == ("not_relevant",):
            criteria.append(Criterion(
                t.ngettext("is relevant to no OGP value", "are relevant to no OGP value", count),
                t._("are relevant to no OGP value"), t._("is relevant to an OGP value")))
        elif c.field == "relevance" and not c.negated and "not_relevant" not in c.values and len(c.values) > 2:
            criteria.append(Criterion(
                t.ngettext("is relevant to at least one OGP value", "are relevant to at least one OGP value", count),
                t._("are relevant to at least one OGP value"), t._("is relevant to no OGP value")))
        elif c.field == "relevance" and not c.negated:
            value = values(kind, c.values)
            criteria.append(Criterion(
                t.ngettext("is relevant to {value}", "are relevant to {value}", count, value=value),
                t._("are relevant to {value}", value=value), t._("is not relevant to {value}", value=value)))
        elif c.field == "relevance":
            value = values(kind, c.values)
            criteria.append(Criterion(
                t.ngettext("lacks relevance to {value}", "lack relevance to {value}", count, value=value),
                t._("lack relevance to {value}", value=value), t._("has relevance to {value}", value=value)))
        elif c.field == "status":
            value = values(kind, c.values)
            criteria.append(Criterion(
                t.ngettext("has the status {value}", "have the status {value}", count, value=value),
                t._("have the status {value}", value=value), t._("does not have the status {value}", value=value)))
        elif c.field == "assessed" and (c.values == ("yes",)) != c.negated:
            criteria.append(Criterion(
                t.ngettext("has been assessed by the IRM", "have been assessed by the IRM", count),
                t._("have been assessed by the IRM"), t._("was not assessed by the IRM")))
        elif c.field == "assessed":
            criteria.append(Criterion(
                t.ngettext("has not been assessed by the IRM", "have not been assessed by the IRM", count),
                t._("have not been assessed by the IRM"), t._("was assessed by the IRM")))
        elif c.field == "review" and not c.negated:
            value = values(kind, c.values)
            criteria.append(Criterion(
                t.ngettext("is at the IRM stage {value}", "are at the IRM stage {value}", count, value=value),
                t._("are at the IRM stage {value}", value=value),
                t._("is not at the IRM stage {value}", value=value)))
        else:
            value = values(kind, c.values)
            criteria.append(Criterion(
                t.ngettext("is past the IRM stage {value}", "are past the IRM stage {value}", count, value=value),
                t._("are past the IRM stage {value}", value=value),
                t._("is still at the IRM stage {value}", value=value)))
    return criteria
