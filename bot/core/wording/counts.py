"""Answers to counts and lists across commitments, and breakdowns of completion or ambition per action plan:
the scope, the basis of the count (what the IRM assessed), the list, and how fresh the data is."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from bot.core import aggregates
from bot.core.charts import LEVELS, UNASSESSED, breakdown
from bot.core.facts import COMPLETION_LEVELS, completion_level
from bot.core.index import Index
from bot.core.lexicon import lexicon
from bot.core.text import tokens
from bot.core.types import Button, ChartRequest
from bot.core.understand import Understanding
from bot.core.wording.draft import Draft
from bot.core.wording.names import label, member_name


def count(draft: Draft, index: Index, u: Understanding, offset: int = 0) -> None:
    t = draft.t
    f = aggregates.read_filters(u)
    spec = lexicon().filters
    wants_chart = any(w in spec.chart_words for w in u.lang_words)
    comparing = any(w in spec.compare_words for w in u.lang_words)
    if wants_chart or (comparing and len(f.plans) >= 2):
        _breakdown(draft, index, u, f, chart=wants_chart)
        return
    scope, matching = aggregates.select(index, f)
    where = _scope_label(draft, index, f)
    if f.irm_assessed_only and not aggregates.assessed(scope, f):
        draft.add(t.ngettext("{where}: the IRM has published this for none of its {n} commitment.",
                             "{where}: the IRM has published this for none of its {n} commitments.", len(scope),
                             where=where))
    elif f.irm_assessed_only:
        basis = aggregates.assessed(scope, f)
        draft.add(_assessed_count(draft, f, where, count=len(matching), basis=len(basis)))
        if f.completion and basis:
            levels = Counter(completion_level(c) for c in basis)
            draft.add(t._("Completion levels: {levels}.", levels=", ".join(
                f"{label('completion', key, draft.lang)} {t.number(levels[key])}"
                for key in COMPLETION_LEVELS if levels[key])))
        if len(basis) < len(scope):
            draft.add(t.ngettext("The IRM has not assessed the other one.", "The IRM has not assessed the other {n}.",
                                 len(scope) - len(basis)))
    else:
        draft.add(t.ngettext("{where}: {n} commitment.", "{where}: {n} commitments.", len(matching), where=where))
    page = matching[offset:offset + aggregates.PAGE]
    for c in page:
        draft.add(f"{c.id} — {draft.text_of(c.title)}")
    rest = len(matching) - offset - len(page)
    if rest > 0:
        draft.add(t._("… and {n} more.", n=t.number(rest)))
        draft.buttons.append(Button(t._("More"), "list", (u.question, str(offset + aggregates.PAGE))))
    _data_date(draft, index)
    u.confidence = max(u.confidence, 0.7)


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
    for plan_id, counts in breakdown(index, request).items():
        total = sum(counts.values())
        parts = [f"{label(kind, key, draft.lang)} {t.number(counts[key])}" for key in LEVELS[metric]
                 if counts[key]]
        if counts[UNASSESSED]:
            unassessed = t._("not assessed")
            parts.append(f"{unassessed} {t.number(counts[UNASSESSED])}")
        draft.add(t.ngettext("{plan}: {n} commitment — {levels}.", "{plan}: {n} commitments — {levels}.", total,
                             plan=draft.text_of(index.plans[plan_id].title), levels=", ".join(parts) or "—"))
    if chart:
        u.chart = request
    _data_date(draft, index)
    u.confidence = max(u.confidence, 0.7)


def _has(words: list[str], phrase: str) -> bool:
    target = tokens(phrase)
    return any(words[i:i + len(target)] == target for i in range(len(words) - len(target) + 1))


def _data_date(draft: Draft, index: Index) -> None:
    if index.data_as_of:
        draft.add(draft.t._("Data as of {date}.", date=draft.t.date(index.data_as_of)))


def _scope_label(draft: Draft, index: Index, f: aggregates.Filters) -> str:
    """'France Action Plan 2018-2020', 'France', or 'All members', with the policy areas named."""
    t = draft.t
    if f.plans:
        scope = t.join([draft.text_of(index.plans[p].title) for p in f.plans])
    elif f.members:
        scope = t.join([member_name(draft, index, m) for m in f.members])
    else:
        scope = t._("All members")
    if f.policy_areas:
        scope += " — " + t.join([label("policy_area", a, draft.lang) for a in f.policy_areas])
    if f.lead:
        scope += " — " + t._("led by “{lead}”", lead=f.lead)
    return scope


def _assessed_count(draft: Draft, f: aggregates.Filters, where: str, *, count: int, basis: int) -> str:
    """'France Action Plan 2018-2020: 2 of the 14 commitments assessed by the IRM are starred.', with 'none of
    the…' for 0 and 'the only commitment assessed by the IRM…' when the IRM assessed one."""
    t = draft.t
    criteria = _criteria(draft, f, count)
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


class Criterion(NamedTuple):
    """A filter of a count as a verb phrase, in the three forms a sentence may need."""

    positive: str  # agrees with the number of commitments it is said of
    none: str  # after "none of the…" (French negates the verb: « aucun … n'a atteint »)
    negative: str  # said of one commitment


def _criteria(draft: Draft, f: aggregates.Filters, count: int) -> list[Criterion]:
    t = draft.t

    def quoted(kind: str, key: str) -> str:
        return t._("“{value}”", value=label(kind, key, draft.lang))

    # Each "none" form is the English plural as a message of its own, so that French can negate it.
    criteria = []
    if f.completion:
        levels = t.join([quoted("completion", k) for k in f.completion], style="or")
        criteria.append(Criterion(
            t.ngettext("has reached the completion level {levels}", "have reached the completion level {levels}",
                       count, levels=levels),
            t._("have reached the completion level {levels}", levels=levels),
            t._("has not reached the completion level {levels}", levels=levels)))
    if f.starred:
        criteria.append(Criterion(t.ngettext("is starred", "are starred", count), t._("are starred"),
                                  t._("is not starred")))
    if f.ambition:
        value = quoted("ambition", f.ambition)
        criteria.append(Criterion(
            t.ngettext("has the ambition level {value}", "have the ambition level {value}", count, value=value),
            t._("have the ambition level {value}", value=value),
            t._("does not have the ambition level {value}", value=value)))
    if f.potential_impact:
        value = quoted("potential_impact", f.potential_impact)
        criteria.append(Criterion(
            t.ngettext("has the potential impact {value}", "have the potential impact {value}", count, value=value),
            t._("have the potential impact {value}", value=value),
            t._("does not have the potential impact {value}", value=value)))
    return criteria
