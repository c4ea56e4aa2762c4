"""Question → Answer: understanding, then the renderer of the intent, in the reader's language."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from bot.common.textnorm import fold
from bot.core import aggregates, answers
from bot.core.answers import Reply
from bot.core.entities import without_ids
from bot.core.index import Index
from bot.core.language import choose, detect
from bot.core.search import rank
from bot.core.text import tokens
from bot.core.types import Answer, Button, Candidate, Context
from bot.core.understand import ABOUT_A_COMMITMENT, Understanding, understand

MAX_QUESTION = 4096  # Telegram's own limit; longer input is cut, never refused
# Understanding reads the first 1,000 characters: a question is never longer, and pasted essays must
# still be answered within the latency budget (typo correction is per word).
MAX_UNDERSTOOD = 1000
SEARCH_SHOWN = 8


def answer_question(index: Index, question: str, *, context: Context, lang: str | None,
                    preferred_lang: str | None, client_lang: str | None, default_lang: str) -> Answer:
    text = _clean(question)
    for_language = without_ids(text, index)
    detected = detect(for_language, tokens(for_language))
    forced = lang if lang in ("en", "fr") else None
    # A follow-up too short to tell ("and 9.3?") keeps the conversation's language.
    reply_lang = choose(detected, forced=forced, preferred=context.lang or preferred_lang, client=client_lang,
                        default=default_lang)
    if not text.strip():
        return _finish(index, question, Understanding("help", [], _empty_entities()), Reply(reply_lang), context,
                       render=_help)
    u = understand(index, text, context)
    return _finish(index, question, u, Reply(reply_lang), context)


def answer_list_page(index: Index, question: str, offset: int, *, lang: str) -> Answer:
    """The next page of a count's list ("More" button)."""
    u = understand(index, _clean(question), Context())
    reply = Reply(lang if lang in ("en", "fr") else "en")
    if u.intent == "count":
        _count(reply, index, u, offset=max(0, offset))
        return _answer(question, u, reply, Context())
    return _finish(index, question, u, reply, Context())


def answer_intent(index: Index, intent: str, commitment_id: str, milestone: str | None, *, lang: str,
                  context: Context) -> Answer:
    """An intent about a known commitment, without understanding any text (buttons, /commitment, deep links)."""
    from bot.core.entities import Entities

    u = Understanding(intent, [], Entities(words=[]), confidence=1.0)
    if intent in ABOUT_A_COMMITMENT:
        cid = _canonical_id(index, commitment_id)
        if cid is None:
            reply = Reply(lang if lang in ("en", "fr") else "en")
            _unknown_commitment(reply, commitment_id.strip()[:40])
            return _answer(question=commitment_id, u=u, reply=reply, context=context)
        u.commitment = cid
        c = index.commitments[cid]
        if milestone:
            if any(m.number == milestone for m in c.milestones):
                u.milestone = milestone
            else:
                u.missing_milestone = milestone
    return _finish(index, commitment_id, u, Reply(lang if lang in ("en", "fr") else "en"), context)


def _canonical_id(index: Index, text: str) -> str | None:
    from bot.core.entities import extract

    candidate = text.strip().upper()
    if candidate in index.commitments:
        return candidate
    found = extract(text, index)
    return found.commitment_ids[0] if found.commitment_ids else None


def _clean(question: str) -> str:
    """Printable text of bounded length: control and format characters (RTL marks, zero-width) removed."""
    import unicodedata

    # NFKC: full-width "ＦＲ００３８" and ligatures read as what they look like.
    text = unicodedata.normalize("NFKC", question[:MAX_UNDERSTOOD])
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def _empty_entities():  # type: ignore[no-untyped-def]
    from bot.core.entities import Entities

    return Entities(words=[])


def _finish(index: Index, question: str, u: Understanding, reply: Reply, context: Context,
            render=None) -> Answer:  # type: ignore[no-untyped-def]
    if render is not None:
        render(reply, index, u)
    elif u.intent in ABOUT_A_COMMITMENT:
        _about_commitment(reply, index, u)
    else:
        {"greeting": _greeting, "help": _help, "search": _search, "count": _count}.get(u.intent, _unknown)(
            reply, index, u)
    return _answer(question, u, reply, context)


def _answer(question: str, u: Understanding, reply: Reply, context: Context) -> Answer:
    candidates = [Candidate(cid, "") for cid in u.candidates]
    new_context = Context(commitment=u.commitment or (None if u.candidates else context.commitment),
                          milestone=u.milestone, lang=reply.lang, intent=u.intent, candidates=list(u.candidates))
    entities = {k: v for k, v in {
        "members": u.entities.members, "plans": u.plans, "policy_areas": u.entities.policy_areas,
        "unknown_ids": u.entities.unknown_ids, "from_context": u.from_context or None}.items() if v}
    return Answer(question=question, lang=reply.lang, intent=u.intent, text=reply.render(),
                  commitment=u.commitment, milestone=u.milestone, candidates=candidates,
                  confidence=round(u.confidence, 3), sources=list(reply.sources), buttons=reply.buttons,
                  context=new_context, entities=entities, chart=u.chart)


def _about_commitment(reply: Reply, index: Index, u: Understanding) -> None:
    t = reply.t
    if u.commitment is None:
        if u.candidates:
            _candidates(reply, index, u)
        elif u.entities.unknown_ids:
            _unknown_commitment(reply, u.entities.unknown_ids[0])
        else:
            reply.add(t._("Which commitment do you mean? Give its id (like FR0038) or words of its title, "
                          "for example: “who leads FR0038?”"))
            u.confidence = min(u.confidence, 0.3)
        return
    c = index.commitments[u.commitment]
    if u.missing_milestone:
        answers.missing_milestone(reply, index, c, u.missing_milestone)
        return
    milestone = next((m for m in c.milestones if m.number == u.milestone), None)
    if u.intent == "milestone_status":
        if milestone is None:
            answers.milestones(reply, index, c)
        else:
            answers.milestone_status(reply, index, c, milestone)
        return
    if u.intent == "dates" and milestone is not None:
        answers.dates(reply, index, c, milestone)
        return
    answers.RENDERERS[u.intent](reply, index, c)


def _unknown_commitment(reply: Reply, commitment_id: str) -> None:
    """An id the data does not have: how to find the commitment, in words every front end understands."""
    t = reply.t
    reply.add(t._("I do not know commitment {id}. Ids look like FR0038. To find a commitment by its subject, "
                  "ask for example “commitments about open data”.", id=commitment_id))


def _candidates(reply: Reply, index: Index, u: Understanding) -> None:
    t = reply.t
    reply.add(t._("Several commitments match. Which one do you mean?"))
    for cid in u.candidates:
        c = index.commitments[cid]
        plan = answers.plan_title(reply, index, c)
        reply.add(f"{cid} — {reply.text_of(c.title)}" + (f" ({plan})" if plan else ""))
        reply.buttons.append(Button(f"{cid} — {reply.text_of(c.title)}"[:60], "overview", (cid,)))


def _greeting(reply: Reply, index: Index, u: Understanding) -> None:
    t = reply.t
    from bot.core.lexicon import lexicon

    words = u.lang_words
    if any(words[i:i + len(p)] == list(p) for p in lexicon().thanks for i in range(len(words))):
        reply.add(t._("You're welcome! Ask me anything about OGP commitments."))
        return
    reply.add(t._("Hello! I answer questions about Open Government Partnership commitments, in English and "
                  "French."))
    reply.add(t._("Try: “status of FR0038 milestone 9.2?”, “who leads FR0038?” or “commitments about open "
                  "data”."))


def _help(reply: Reply, index: Index, u: Understanding) -> None:
    t = reply.t
    reply.add(t._("I answer questions about Open Government Partnership (OGP) commitments, with the OGP source."))
    reply.add(t._("Ask about one commitment by its id or words of its title: overview, status, milestones, "
                  "lead and supporting institutions, policy areas, ambition, verifiability, relevance to OGP "
                  "values, early results, dates, objectives, action plan, IRM reports."))
    reply.add(t._("Examples:"))
    for example in (t._("status of FR0038 milestone 9.2?"), t._("who leads FR0038?"),
                    t._("commitments about whistleblowers"), t._("how many commitments in France 2018-2020?")):
        reply.add(f"• {example}")
    reply.add(t._("Follow-ups work too: “and milestone 9.3?”, “who supports it?”."))
    reply.add(t._("Data: Open Government Partnership, opengovpartnership.org, licensed CC BY 4.0."))


def _unknown(reply: Reply, index: Index, u: Understanding) -> None:
    t = reply.t
    reply.add(t._("Sorry, I did not understand that. I answer questions about OGP commitments."))
    reply.add(t._("Try: “status of FR0038 milestone 9.2?”, “who leads FR0038?” or “commitments about open "
                  "data”. Type help for more."))


def _search(reply: Reply, index: Index, u: Understanding) -> None:
    t = reply.t
    hits = rank(index, u.content, areas=u.entities.policy_areas, members=u.entities.members, plans=u.plans)
    topic = _as_typed(u.question, u.content) or t.join([answers.label("policy_area", a, reply.lang)
                                           for a in u.entities.policy_areas])
    if not hits:
        reply.add(t._("I found no commitment about “{topic}”.", topic=topic))
        reply.add(t._("Try other words, or an id like FR0038."))
        u.intent = "search"
        u.confidence = 0.2
        return
    reply.add(t.ngettext("{n} commitment about “{topic}”:", "{n} commitments about “{topic}”:", len(hits),
                         topic=topic))
    for cid, _ in hits[:SEARCH_SHOWN]:
        c = index.commitments[cid]
        reply.add(f"{cid} — {reply.text_of(c.title)} ({answers.member_name(reply, index, c.member)})")
        reply.buttons.append(Button(f"{cid} — {reply.text_of(c.title)}"[:60], "overview", (cid,)))
    if len(hits) > SEARCH_SHOWN:
        _more_results(reply, index, u, topic, rest=len(hits) - SEARCH_SHOWN,
                      member=index.commitments[hits[0][0]].member)
        reply.buttons.append(Button(t._("More"), "search", (" ".join(u.content) or topic, str(SEARCH_SHOWN))))
    if len(hits) == 1:
        u.commitment = hits[0][0]


def _as_typed(question: str, words: list[str]) -> str:
    """Folded words ("donnees ouvertes") as the question spells them ("données ouvertes"); a word it does
    not spell so (corrected from a typo) stays as it is."""
    typed = {fold(w): w.lower() for w in re.findall(r"\w+", question)}
    return " ".join(typed.get(w, w) for w in words)


def _more_results(reply: Reply, index: Index, u: Understanding, topic: str, *, rest: int, member: str) -> None:
    """How many results are not listed, and how to narrow the question (the "More" button is Telegram's
    only: the console and the command line have none)."""
    t = reply.t
    if u.entities.members or u.plans:
        reply.add(t.ngettext("… and {n} more. Add words to the question to narrow the list.",
                             "… and {n} more. Add words to the question to narrow the list.", rest))
    else:
        example = t._("commitments about {topic} in {member}", topic=topic,
                      member=answers.member_name(reply, index, member))
        reply.add(t.ngettext("… and {n} more. Name a country to narrow the list, for example “{example}”.",
                             "… and {n} more. Name a country to narrow the list, for example “{example}”.", rest,
                             example=example))


def _count(reply: Reply, index: Index, u: Understanding, offset: int = 0) -> None:
    t = reply.t
    f = aggregates.read_filters(u)
    f.topic = [w for w in u.content if not _is_filter_word(w)]
    wants_chart = any(w in _spec_words("chart") for w in u.lang_words)
    comparing = any(w in _spec_words("compare") for w in u.lang_words)
    if wants_chart or (comparing and len(f.plans) >= 2):
        _breakdown(reply, index, u, f, chart=wants_chart)
        return
    scope, matching = aggregates.select(index, f)
    where = _scope_label(reply, index, f)
    if f.irm_assessed_only and not aggregates.assessed(scope, f):
        reply.add(t.ngettext("{where}: the IRM has published this for none of its {n} commitment.",
                             "{where}: the IRM has published this for none of its {n} commitments.", len(scope),
                             where=where))
    elif f.irm_assessed_only:
        basis = aggregates.assessed(scope, f)
        reply.add(_assessed_count(reply, f, where, count=len(matching), basis=len(basis)))
        if f.completion and basis:
            from collections import Counter

            levels = Counter(aggregates.completion_of(c) for c in basis)
            reply.add(t._("Completion levels: {levels}.", levels=", ".join(
                f"{answers.label('completion', key, reply.lang)} {t.number(levels[key])}"
                for key in ("complete", "substantial", "limited", "not_started", "no_evidence") if levels[key])))
        if len(basis) < len(scope):
            reply.add(t.ngettext("The IRM has not assessed the other one.", "The IRM has not assessed the other {n}.",
                                 len(scope) - len(basis)))
    else:
        reply.add(t.ngettext("{where}: {n} commitment.", "{where}: {n} commitments.", len(matching), where=where))
    page = matching[offset:offset + aggregates.PAGE]
    for c in page:
        reply.add(f"{c.id} — {reply.text_of(c.title)}")
    rest = len(matching) - offset - len(page)
    if rest > 0:
        reply.add(t._("… and {n} more.", n=t.number(rest)))
        reply.buttons.append(Button(t._("More"), "list", (u.question, str(offset + aggregates.PAGE))))
    _data_date(reply, index)
    u.confidence = max(u.confidence, 0.7)


def _breakdown(reply: Reply, index: Index, u: Understanding, f: aggregates.Filters, *, chart: bool) -> None:
    """Completion (or ambition) per action plan, in words; with a chart for front ends that can show one."""
    from bot.core.charts import LEVELS, ChartRequest, breakdown

    t = reply.t
    spec = aggregates._filters()
    metric = "ambition" if any(_has(u.lang_words, p) for p in spec["ambition_metric"]) else "completion"
    plans = f.plans or [p.id for m in f.members for p in index.member_plans(m)]
    if not plans:
        reply.add(t._("Which member or action plan? For example: “chart of France 2018-2020”."))
        u.confidence = 0.3
        return
    request = ChartRequest(tuple(plans), metric)
    kind = "ambition" if metric == "ambition" else "completion"
    for plan_id, counts in breakdown(index, request).items():
        total = sum(counts.values())
        parts = [f"{answers.label(kind, key, reply.lang)} {t.number(counts[key])}" for key in LEVELS[metric]
                 if counts[key]]
        if counts["unassessed"]:
            unassessed = t._("not assessed")
            parts.append(f"{unassessed} {t.number(counts['unassessed'])}")
        reply.add(t.ngettext("{plan}: {n} commitment — {levels}.", "{plan}: {n} commitments — {levels}.", total,
                             plan=reply.text_of(index.plans[plan_id].title), levels=", ".join(parts) or "—"))
    if chart:
        u.chart = request
    _data_date(reply, index)
    u.confidence = max(u.confidence, 0.7)


def _has(words: list[str], phrase: str) -> bool:
    target = tokens(phrase)
    return any(words[i:i + len(target)] == target for i in range(len(words) - len(target) + 1))


def _data_date(reply: Reply, index: Index) -> None:
    if index.data_as_of:
        reply.add(reply.t._("Data as of {date}.", date=reply.t.date(index.data_as_of)))


@functools.cache
def _spec_words(kind: str) -> frozenset[str]:
    """The words of one list of filters.json (built once: a long question asks for them per word)."""
    return frozenset(w for v in aggregates._filters()[kind] for w in tokens(v))


def _is_filter_word(word: str) -> bool:
    """Words of an aggregate question that filter or compare, not its topic."""
    return word in aggregates.filter_words() or word in _spec_words("compare") \
        or fold(word) in ("made", "make", "did", "ont", "ete", "fait", "there", "were")


def _scope_label(reply: Reply, index: Index, f: aggregates.Filters) -> str:
    """'France Action Plan 2018-2020', 'France', or 'All members', with the policy areas named."""
    t = reply.t
    if f.plans:
        label = t.join([reply.text_of(index.plans[p].title) for p in f.plans])
    elif f.members:
        label = t.join([answers.member_name(reply, index, m) for m in f.members])
    else:
        label = t._("All members")
    if f.policy_areas:
        label += " — " + t.join([answers.label("policy_area", a, reply.lang) for a in f.policy_areas])
    if f.lead:
        label += " — " + t._("led by “{lead}”", lead=f.lead)
    return label


def _assessed_count(reply: Reply, f: aggregates.Filters, where: str, *, count: int, basis: int) -> str:
    """'France Action Plan 2018-2020: 2 of the 14 commitments assessed by the IRM are starred.', with 'none of
    the…' for 0 and 'the only commitment assessed by the IRM…' when the IRM assessed one."""
    t = reply.t
    criteria = _criteria(reply, f, count)
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


def _criteria(reply: Reply, f: aggregates.Filters, count: int) -> list[Criterion]:
    t = reply.t

    def quoted(kind: str, key: str) -> str:
        return t._("“{value}”", value=answers.label(kind, key, reply.lang))

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


def search_page(index: Index, query: str, *, lang: str, limit: int, offset: int):  # type: ignore[no-untyped-def]
    from bot.core.entities import extract
    from bot.core.service import Hit, SearchPage

    found = extract(query, index)
    ids = list(found.commitment_ids)
    words = [w for i, w in enumerate(found.words) if i not in found.consumed]
    from bot.core.lexicon import lexicon

    words = [w for w in words if w not in lexicon().stopwords]
    ids += [cid for cid, _ in rank(index, words, areas=found.policy_areas, members=found.members) if cid not in ids]
    if not ids and words:
        from bot.core.understand import title_matches

        ids = [m.commitment for m in title_matches(index, words, members=[], plans=[]) if m.coverage >= 0.5]
    reply = Reply(lang if lang in ("en", "fr") else "en")
    hits = []
    for cid in ids[offset:offset + limit]:
        c = index.commitments[cid]
        hits.append(Hit(id=cid, title=reply.text_of(c.title), snippet=_card(reply, index, c),
                        url=answers.commitment_url(reply, c), score=1.0))
    return SearchPage(hits=hits, total=len(ids), offset=offset)


def _card(reply: Reply, index: Index, c) -> str:  # type: ignore[no-untyped-def]
    t = reply.t
    parts = [answers.plan_title(reply, index, c)]
    lead = answers.institution_names(reply, c.lead_institutions)
    if lead:
        parts.append(t._("Lead: {lead}", lead=lead[0]))
    key, _ = answers.completion(c)
    if key:
        parts.append(t._("Completion: {value}", value=answers.label("completion", key, reply.lang)))
    return " · ".join(p for p in parts if p)


def select_for_export(index: Index, query: str) -> list:  # type: ignore[type-arg]
    """The commitments a free-text query selects: aggregate filters, else a topic search, else all."""
    u = understand(index, _clean(query), Context())
    f = aggregates.read_filters(u)
    f.topic = [w for w in u.content if not _is_filter_word(w)]
    if f.members or f.plans or f.policy_areas or f.irm_assessed_only or f.lead or f.topic:
        return aggregates.select(index, f)[1]
    ids = list(u.entities.commitment_ids)
    if ids:
        return [index.commitments[i] for i in ids]
    return [index.commitments[i] for i in index.ids]
