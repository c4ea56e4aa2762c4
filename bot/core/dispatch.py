"""Question → Answer: understanding, then the renderer of the intent (one table), in the reader's language.

Also the other ways in: an intent about a known commitment (buttons, deep links), the next page of a count's
list, a page of search hits, and the commitments a query selects for export.
"""

from __future__ import annotations

import unicodedata

from bot.common.i18n import SUPPORTED
from bot.core import aggregates, followups
from bot.core.entities import Entities, extract, without_ids
from bot.core.index import Index
from bot.core.language import choose, detect
from bot.core.lexicon import lexicon
from bot.core.records import Commitment
from bot.core.search import rank
from bot.core.text import tokens
from bot.core.types import Answer, Candidate, Context, Hit, SearchPage
from bot.core.understand import ABOUT_A_COMMITMENT, Understanding, title_matches, understand
from bot.core.wording import Renderer, commitment, conversation, counts, details, irm, plans, searches
from bot.core.wording.draft import Draft
from bot.core.wording.names import commitment_url
from bot.core.wording.which import about, about_milestone, unknown_commitment

MAX_QUESTION = 4096  # Telegram's own limit; longer input is cut, never refused
# Understanding reads the first 1,000 characters: a question is never longer, and pasted essays must
# still be answered within the latency budget (typo correction is per word).
MAX_UNDERSTOOD = 1000

_COMMITMENT_DATES = about_milestone(commitment.dates)


def _dates(draft: Draft, index: Index, u: Understanding) -> None:
    """A commitment's (or milestone's) dates; an action plan's when the question names a plan and no commitment."""
    if u.commitment is None and not u.candidates and u.plans and not u.entities.unknown_ids:
        plans.plan_dates(draft, index, u)
    else:
        _COMMITMENT_DATES(draft, index, u)


# Each intent of the answer contract (bot.core.types.INTENTS) and the renderer that words its answer.
RENDERERS: dict[str, Renderer] = {
    "greeting": conversation.greeting,
    "help": conversation.help_text,
    "commitment_overview": details.overview,
    "commitment_status": about(commitment.status),
    "milestone_status": about_milestone(commitment.milestone_asked),
    "milestones": about(commitment.milestones),
    "lead_institution": about(commitment.lead_institution),
    "support_institutions": about(commitment.support_institutions),
    "policy_areas": about(commitment.policy_areas),
    "ambition": about(irm.ambition),
    "verifiability": about(irm.verifiability),
    "relevance": about(irm.relevance),
    "early_results": about(irm.early_results),
    "dates": _dates,
    "description": details.description,
    "action_plan": about(commitment.action_plan),
    "irm_reports": details.irm_reports,
    "search": searches.search,
    "count": counts.count,
    "unknown": details.unknown,
}




def answer_question(index: Index, question: str, *, context: Context, lang: str | None,
                    preferred_lang: str | None, client_lang: str | None, default_lang: str) -> Answer:
    text = _clean(question)
    for_language = without_ids(text, index)
    detected = detect(for_language, tokens(for_language))
    forced = lang if lang in SUPPORTED else None
    # A follow-up too short to tell ("and 9.3?") keeps the conversation's language.
    reply_lang = choose(detected, forced=forced, preferred=context.lang or preferred_lang, client=client_lang,
                        default=default_lang)
    if not text.strip():
        return _finish(index, question, Understanding("help", [], Entities(words=[])), Draft(reply_lang), context)
    u = followups.understand_turn(index, text, context)  # a follow-up of the previous answer, or understand()
    return _finish(index, question, u, Draft(reply_lang), context)


def answer_list_page(index: Index, question: str, offset: int, *, lang: str) -> Answer:
    """The next page of a count's list ("More" button)."""
    u = understand(index, _clean(question), Context())
    draft = Draft(_supported(lang))
    if u.intent == "count":
        counts.count(draft, index, u, offset=max(0, offset))
        return _answer(question, u, draft, Context())
    return _finish(index, question, u, draft, Context())


def answer_intent(index: Index, intent: str, commitment_id: str, milestone: str | None, *, lang: str,
                  context: Context) -> Answer:
    """An intent about a known commitment, without understanding any text (buttons, /commitment, deep links)."""
    u = Understanding(intent, [], Entities(words=[]), confidence=1.0)
    if intent in ABOUT_A_COMMITMENT:
        cid = _canonical_id(index, commitment_id)
        if cid is None:
            draft = Draft(_supported(lang))
            unknown_commitment(draft, commitment_id.strip()[:40], index)
            return _answer(question=commitment_id, u=u, draft=draft, context=context)
        u.commitment = cid
        c = index.commitments[cid]
        if milestone:
            if any(m.number == milestone for m in c.milestones):
                u.milestone = milestone
            else:
                u.missing_milestone = milestone
    return _finish(index, commitment_id, u, Draft(_supported(lang)), context)


def search_page(index: Index, query: str, *, lang: str, limit: int, offset: int) -> SearchPage:
    """Commitments matching words or an id, best first: ids named, then the topic search, else title words."""
    found = extract(query, index)
    ids = list(found.commitment_ids)
    words = [w for i, w in enumerate(found.words) if i not in found.consumed]
    words = [w for w in words if w not in lexicon().stopwords]
    ids += [cid for cid, _ in rank(index, words, areas=found.policy_areas, members=found.members) if cid not in ids]
    if not ids and words:
        ids = [m.commitment for m in title_matches(index, words, members=[], plans=[]) if m.coverage >= 0.5]
    draft = Draft(_supported(lang))
    hits = []
    for cid in ids[offset:offset + limit]:
        c = index.commitments[cid]
        hits.append(Hit(id=cid, title=draft.text_of(c.title), snippet=searches.card(draft, index, c),
                        url=commitment_url(draft, c), score=1.0))
    return SearchPage(hits=hits, total=len(ids), offset=offset)


def select_for_export(index: Index, query: str) -> list[Commitment]:
    """The commitments a free-text query selects: the count's structured query (filters and the one topic rule,
    the same set as a count, a list or a search), else the ids named, else all. Nothing when the query names
    only members without data or has words that are no filter and no topic."""
    u = understand(index, _clean(query), Context())
    f = aggregates.read_filters(u, index)
    if f.unaccounted or ((f.missing_members or f.non_members) and not f.members):
        return []
    if f.narrows:
        return aggregates.select(index, f)[1]
    ids = list(u.entities.commitment_ids)
    if ids:
        return [index.commitments[i] for i in ids]
    return [index.commitments[i] for i in index.ids]


def _supported(lang: str) -> str:
    return lang if lang in SUPPORTED else "en"


def _canonical_id(index: Index, text: str) -> str | None:
    candidate = text.strip().upper()
    if candidate in index.commitments:
        return candidate
    found = extract(text, index)
    return found.commitment_ids[0] if found.commitment_ids else None


def _clean(question: str) -> str:
    """Printable text of bounded length: control and format characters (RTL marks, zero-width) removed."""
    # NFKC: full-width "ＦＲ００３８" and ligatures read as what they look like.
    text = unicodedata.normalize("NFKC", question[:MAX_UNDERSTOOD])
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def _finish(index: Index, question: str, u: Understanding, draft: Draft, context: Context) -> Answer:
    RENDERERS.get(u.intent, conversation.not_understood)(draft, index, u)
    return followups.remember(index, u, _answer(question, u, draft, context))


def _answer(question: str, u: Understanding, draft: Draft, context: Context) -> Answer:
    candidates = [Candidate(cid, "") for cid in u.candidates]
    new_context = Context(commitment=u.commitment or (None if u.candidates else context.commitment),
                          milestone=u.milestone, lang=draft.lang, intent=u.intent, candidates=list(u.candidates))
    entities = {k: v for k, v in {
        "members": u.entities.members, "plans": u.plans, "policy_areas": u.entities.policy_areas,
        "unknown_ids": u.entities.unknown_ids, "from_context": u.from_context or None}.items() if v}
    return Answer(question=question, lang=draft.lang, intent=u.intent, text=draft.render(),
                  commitment=u.commitment, milestone=u.milestone, candidates=candidates,
                  confidence=round(u.confidence, 3), sources=list(draft.sources), buttons=draft.buttons,
                  context=new_context, entities=entities, chart=u.chart)
