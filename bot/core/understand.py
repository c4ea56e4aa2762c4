"""From a question (and the conversation so far) to what it asks: intent, commitment, milestone,
filters, candidates and a confidence. No wording here: bot.core.dispatch has the result worded."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from bot.core.details import Detail, asks_the_irm, missing_facets, read_detail
from bot.core.entities import Entities, expand_synonyms, extract, plans_matching
from bot.core.facts import IRM_STATES
from bot.core.index import Index
from bot.core.intents import IntentScores, score
from bot.core.language import detect
from bot.core.lexicon import detail_words, lexicon
from bot.core.records import Commitment
from bot.core.search import rank
from bot.core.text import features, features_of_word, tokens
from bot.core.types import ChartRequest, Context

ABOUT_A_COMMITMENT = {"commitment_overview", "commitment_status", "milestone_status", "milestones",
                      "lead_institution", "support_institutions", "policy_areas", "ambition", "verifiability",
                      "relevance", "early_results", "dates", "description", "action_plan", "irm_reports"}
# Which field a question is about, to prefer, among equally good title matches, the one that has it.
_FIELD_OF_INTENT = {
    "early_results": lambda c: c.irm.starred or c.irm.early_results,
    "ambition": lambda c: c.irm.ambition or c.irm.potential_impact,
    "verifiability": lambda c: c.irm.verifiable,
    "relevance": lambda c: c.irm.relevance,
    "commitment_status": lambda c: c.irm.completion_end or c.irm.completion_midterm or c.irm.completion,
    "milestones": lambda c: c.milestones,
    "irm_reports": lambda c: c.irm.reports,
}
_IRM_RATED = {"commitment_status", "ambition", "verifiability", "relevance", "early_results"}
_NAMED_FIELD = 1.5  # a field's own word at full weight ("verifiability", "achèvement"), not a word shared with others
STRONG_TITLE = 0.75  # share of the question's own words found in a commitment's names
WEAK_TITLE = 0.5


@dataclass
class Match:
    commitment: str
    coverage: float  # share of the question's content words found in the commitment's names
    precision: float  # share of the names' words the question used
    score: float


@dataclass
class Understanding:
    intent: str
    lang_words: list[str]
    entities: Entities
    commitment: str | None = None
    milestone: str | None = None
    candidates: list[str] = field(default_factory=list)
    confidence: float = 0.0
    content: list[str] = field(default_factory=list)  # the question's own words (topic)
    plans: list[str] = field(default_factory=list)
    from_context: bool = False
    question: str = ""
    chart: ChartRequest | None = None  # when the answer offers a chart
    missing_milestone: str | None = None  # asked for a milestone the commitment lacks
    detail: Detail | None = None  # what the question asks beyond a field (bot.core.details)
    unit: str = "commitments"  # what a count counts: "commitments", "plans" or "members"


def content_words(found: Entities, scores: IntentScores) -> list[str]:
    lex = lexicon()
    skip = lex.stopwords | lex.commitment_words | lex.milestone_words | lex.plan_words
    return [w for i, w in enumerate(found.words)
            if i not in found.consumed and i not in scores.positions and w not in skip
            and not w.isdigit() and len(w) > 1]


def title_matches(index: Index, words: list[str], *, members: list[str], plans: list[str],
                  limit: int = 8, area_words: dict[str, set[str]] | None = None) -> list[Match]:
    """Commitments whose title, short title or one-line description contain the question's words.

    Words that named a policy area ("lanceurs d'alerte") count as found in the commitments of that
    area: the vocabulary's labels bridge a French question and an English-only title.
    """
    if not words:
        return []
    area_words = area_words or {}
    translations = lexicon().alternatives
    # Candidates found with the words' equivalents in the other language too (English-only titles), but
    # ranked by the words as asked: a bilingual title must not win for having both languages' words.
    own = index.names.scores(features(words))
    hits = [(doc, float(own[doc])) for doc, _ in index.names.top(features([a for w in words for a in translations(w)]),
                                                                k=40)]
    if area_words:
        known = {doc for doc, _ in hits}
        position = index.position
        hits += [(position[cid], 0.0) for cid, _ in rank(index, [], areas=list(area_words), members=members,
                                                          plans=plans)[:40] if position[cid] not in known]
    matches = []
    for doc, bm25 in hits:
        cid = index.ids[doc]
        c = index.commitments[cid]
        if members and c.member not in members:
            continue
        if plans and c.action_plan not in plans:
            continue
        names = index.name_features[doc]
        bridged = {w for area, ws in area_words.items() if area in c.policy_areas for w in ws}
        direct = [w for w in words if any(f in names for a in translations(w) for f in features_of_word(a))]
        # A word found only through the policy area counts less than one in the title itself.
        found = len(direct) + 0.8 * len([w for w in words if w in bridged and w not in direct])
        coverage = found / len(words)
        name_size = max(1, len({f for f in names if not f.startswith("~")}))
        precision = min(1.0, found / name_size)
        matches.append(Match(cid, coverage, precision, coverage + 0.3 * precision + 0.01 * bm25))
    matches.sort(key=lambda m: (-m.score, m.commitment))
    return matches[:limit]


_SINGULAR = frozenset({"commitment", "engagement", "compromiso"})
_PLURAL = frozenset({"commitments", "engagements", "compromisos"})
_NAMES_COMMITMENTS = _SINGULAR | _PLURAL
_FOLLOW_UP = frozenset({"and", "et", "same", "idem", "also", "aussi", "pour", "for", "about", "y"})


def _same_question_again(found: Entities, words: list[str], context: Context) -> str | None:
    """'and US0072?', 'same for FR0037', 'et pour le Maroc ?': the previous question about another commitment
    or member. Only short questions with nothing else asked."""
    if not context.intent or set(words) - _FOLLOW_UP or len(found.words) > 6 \
            or not _FOLLOW_UP.intersection(found.words[:2]):
        return None
    if found.commitment_ids and context.intent in ABOUT_A_COMMITMENT - {"commitment_overview", "milestone_status"}:
        return context.intent
    if found.members and not found.commitment_ids and context.intent == "count":
        return "count"
    return None


DOMINANT = 1.5  # a topic names one commitment when its score beats the next one's by this factor


def _by_topic(index: Index, words: list[str], found: Entities, plans: list[str]
              ) -> tuple[str | None, list[str], float]:
    """A commitment asked about by what it does rather than its title ("who runs the EIG programme
    commitment?"): the search's best hit when it clearly leads, else the leading few to choose from."""
    hits = _topic_hits(index, words, found, plans)[:5] if words else []
    if not hits:
        if found.members and len(found.members) == 1:  # "Maroc : ambition de l'engagement sur …"
            ids = [cid for cid, c in index.commitments.items() if c.member == found.members[0]
                   and (not plans or c.action_plan in plans)]
            if 1 < len(ids) <= 6:
                return None, sorted(ids), 0.3
            if len(ids) == 1:
                return ids[0], [], 0.5
        return None, [], 0.0
    if len(hits) == 1 or hits[0][1] >= DOMINANT * hits[1][1]:
        return hits[0][0], [], 0.55
    close = [cid for cid, value in hits if value * DOMINANT >= hits[0][1]]
    return None, close, 0.35


def _milestone_choice(found: Entities, context: Context, index: Index) -> bool:
    """'and the second one?' after a list of milestones: the second milestone of that commitment."""
    if context.intent != "milestones" or not context.commitment or context.commitment not in index.commitments \
            or found.milestone or found.milestone_position or len(found.words) > 5:
        return False
    ordinals, latest = lexicon().ordinals, lexicon().latest_words
    for word in found.words:
        if word in latest:  # "le dernier est-il réalisé ?": the last milestone
            found.milestone_position = len(index.commitments[context.commitment].milestones)
            return found.milestone_position > 0
        n = int(word) if word.isdigit() and len(word) <= 2 else ordinals.get(word)
        if n:
            found.milestone_position = n
            return True
    return False


def _title_stems(c: Commitment) -> list[list[str]]:
    """The stems of the content words of each of the commitment's titles and short titles (any language)."""
    stopwords = lexicon().stopwords
    return [[features_of_word(w)[0] for w in tokens(title) if w not in stopwords and len(w) > 1]
            for title in (*c.title.values(), *c.short_title.values())]


def _whole_title_asked(index: Index, commitment_id: str, words: list[str]) -> bool:
    """Every content word of one of the commitment's titles (either language) is in the question."""
    asked = {f for w in words for f in features_of_word(w)}
    return any(len(stems) >= 2 and all(f in asked for f in stems)
               for stems in _title_stems(index.commitments[commitment_id]))


def _pick_by_field(index: Index, matches: list[Match], intent: str) -> list[Match]:
    has = _FIELD_OF_INTENT.get(intent)
    if not has:
        return matches
    kept = [m for m in matches if _known(has(index.commitments[m.commitment]))]
    return kept or matches


def _known(value: object) -> bool:
    if not value:
        return False
    if isinstance(value, list):
        return any(v not in IRM_STATES for v in value)
    return value not in IRM_STATES


def _candidate_choice(words: list[str], context: Context) -> str | None:
    """'the first one', '2', 'le deuxième' after a list of candidates."""
    if not context.candidates or len(words) > 4:
        return None
    ordinals = lexicon().ordinals
    for word in words:
        n = int(word) if word.isdigit() else ordinals.get(word)
        if n and 1 <= n <= len(context.candidates):
            return context.candidates[n - 1]
    return None


def _choose_intent(scores: IntentScores, found: Entities, has_topic: bool) -> str | None:
    """The intent asked, before knowing the commitment; None when nothing specific was asked."""
    if scores.get("count") and not found.commitment_ids:
        specific, specific_score = scores.best(ABOUT_A_COMMITMENT - {"commitment_overview"})
        one = _SINGULAR.intersection(found.words) and not _PLURAL.intersection(found.words)
        if not (one and specific and specific_score > scores.get("count")):
            return "count"  # not "list the milestones of the EIG commitment": one commitment's field
        return specific
    if scores.get("search") and not found.commitment_ids and has_topic:
        specific, specific_score = scores.best(ABOUT_A_COMMITMENT - {"commitment_overview"})
        if specific_score <= scores.get("search"):
            return "search"
    if not found.commitment_ids and _asks_for_a_list(found):
        return "count"
    specific, _ = scores.best(ABOUT_A_COMMITMENT - {"commitment_overview"})
    if specific == "irm_reports":
        # "has the IRM assessed the verifiability of CI0021?": the field the IRM assessed, when one is named
        rated, rated_score = scores.best(_IRM_RATED)
        specific = rated if rated and rated_score >= _NAMED_FIELD else specific
    if found.milestone or found.milestone_position:
        if specific in (None, "commitment_status", "milestones", "milestone_status", "description"):
            return "milestone_status"
    return specific


def _asks_for_a_list(found: Entities) -> bool:
    """'which France 2018-2020 commitments were starred?': a plural 'commitments' asked with which/list,
    about a member or a plan, or with a filter (completion, starred, ambition, lead)."""
    words = found.words
    plural = {"commitments", "engagements", "compromisos"}
    asking = {"which", "what", "list", "quels", "quelles", "lesquels", "liste", "lister", "cuales"}
    filters = lexicon().filters
    narrowing = filters.narrowing_words.intersection(words) - lexicon().stopwords
    if plural.intersection(words) and narrowing and not (asking | filters.share_words).intersection(words):
        return True  # "commitments led by the Treasury Board", "engagements pertinents pour la participation civique"
    if found.members and narrowing and _NAMES_COMMITMENTS.intersection(words) \
            and lexicon().existence_words.intersection(words):
        return True  # "does the United States have any starred commitment?": the member's starred ones, listed
    if not (plural.intersection(words) and (asking | filters.share_words).intersection(words)):
        return False
    return bool(found.members or found.plan_named or narrowing)


def understand(index: Index, question: str, context: Context) -> Understanding:
    found = extract(question, index)
    _ordinal_milestone(found)
    scores = score(found.words, skip=found.consumed)
    words = content_words(found, scores)
    plans = plans_matching(found, index, found.members[0] if found.members else None) if found.plan_named else []
    has_topic = bool(words or found.policy_areas)
    intent = _choose_intent(scores, found, has_topic) or _same_question_again(found, words, context) \
        or ("irm_reports" if asks_the_irm(found.words) else None)
    result = Understanding(intent=intent or "unknown", lang_words=found.words, entities=found, content=words,
                           plans=plans, question=question)
    if _facet_of_the_last_commitment(index, found, context, result):
        return result  # "what's its budget?" after FR0015: FR0015's budget, which the data does not have
    plural = bool(_PLURAL.intersection(found.words))
    if intent == "policy_areas" and plural and found.policy_areas and not found.commitment_ids:
        intent = result.intent = "count"  # "commitments in the access to information policy area": a list
    if intent is None and not found.commitment_ids and plural and has_topic and not found.number:
        # plural "commitments" with a topic: a list, not one title; with only a filter's values ("les engagements
        # transformateurs"), the count's list
        intent = result.intent = "count" if _only_filter_words(words) else "search"
    if intent == "search" and _only_filter_words(words):
        # "which French commitments in the 2018-2020 plan have high ambition?": a filter, not a topic "high"
        intent = result.intent = "count"
    if intent is None and not found.commitment_ids and not has_topic and not found.number \
            and (found.members or plans) and (plural or len(found.words) <= 3):
        intent = result.intent = "count"  # "engagements senegal", "uruguay commitments": the member's list
    if intent == "search" and any(m not in index.member_mask for m in found.members):
        intent = result.intent = "count"  # a list of a member without data: the count says it has none
    if intent in ("count", "search", None) and not found.commitment_ids and (unit := _counted_unit(found)):
        intent = result.intent = "count"
        result.unit = unit  # "how many action plans does France have?": plans, not commitments
        result.confidence = 0.8
        return result
    counted = intent == "count" and _counts_no_commitments(found, words, plans)
    if counted:
        intent = None  # "how many entrepreneurs worked in the EIG programme?": a figure of a text
    if intent in ("count", "search") and not found.commitment_ids \
            and (missing := _facets_no_text_has(index, found)):
        # "how much did Kenya spend on …", "which commitments got the most twitter mentions": a facet no record has
        # and no text speaks of; a count or a list would answer another question.
        result.intent, result.detail, result.confidence = "unknown", Detail("missing_facet", missing), 0.3
        return result
    if intent in ("count", "search"):
        result.confidence = min(0.95, 0.6 + 0.1 * scores.get(intent))
        return result

    # Which commitment?
    cid: str | None = None
    if found.commitment_ids:
        cid = found.commitment_ids[0]
        result.confidence = 0.95
    elif found.number and (plans or found.members):
        options = plans or [p.id for m in found.members for p in index.member_plans(m)]
        ids = sorted({index.by_plan_number[(p, found.number)] for p in options
                      if (p, found.number) in index.by_plan_number})
        if len(ids) == 1:
            cid, result.confidence = ids[0], 0.9
        elif ids:
            result.candidates = ids
    elif found.number and context.commitment is None and found.plan_named:
        ids = sorted({cid for (plan, number), cid in index.by_plan_number.items()
                      if number == found.number and plan in plans_matching(found, index, None)})
        if len(ids) == 1:
            cid, result.confidence = ids[0], 0.85
        elif ids:
            result.candidates = ids
    if cid is None and not result.candidates:
        chosen = _candidate_choice(found.words, context)
        if chosen:
            cid, result.confidence, result.from_context = chosen, 0.85, True
        elif _milestone_choice(found, context, index):
            intent = "milestone_status"
            words = [w for w in words if w not in lexicon().ordinals]  # "second" is no title word
    if cid is None and not result.candidates and words:
        matches = title_matches(index, words, members=found.members, plans=plans, area_words=found.area_words)
        strong = [m for m in matches if m.coverage >= STRONG_TITLE]
        if len(strong) > 1 and intent:
            # A cue word that is a word of one candidate's title names that one ("the Kenyan commitment on
            # beneficial ownership verification"), it does not ask for its field; else the one that has the field.
            cues = {features_of_word(found.words[i])[0] for i in scores.positions}
            titled = [m for m in strong
                      if cues & {f for stems in _title_stems(index.commitments[m.commitment]) for f in stems}]
            strong = titled if len(titled) == 1 else _pick_by_field(index, strong, intent)
        in_full = {index.commitments[m.commitment].member for m in strong if m.coverage >= 0.99}
        if intent is None and len(in_full) >= 2 and not found.members and not plans \
                and not _SINGULAR.intersection(found.words) and not scores.get("commitment_overview"):
            # "open science", "lobbying": a topic that commitments of several members carry in their names is a
            # list of them, not one picked for a slightly better score; titles of one member that differ by a word
            # ("zorblax registry") stay a choice to make.
            intent, strong, matches = "search", [], []
        if strong:
            best = strong[0]
            close = [m for m in strong if m.score >= best.score - 0.12]
            whole = [m for m in close if _whole_title_asked(index, m.commitment, words)] if len(close) > 1 else []
            if len(whole) == 1:  # the question spells out one title in full: that one, however long the others
                cid, result.confidence = whole[0].commitment, 0.85
            elif len(close) == 1 or (len(words) >= 2 and best.precision >= 0.99 and close[1].precision < 0.99):
                cid, result.confidence = best.commitment, min(0.9, 0.45 + 0.45 * best.coverage)
            else:
                result.candidates = [m.commitment for m in close[:6]]
                result.confidence = 0.4
        elif matches and matches[0].coverage >= WEAK_TITLE and (intent or len(words) <= 3):
            close = [m for m in matches if m.coverage >= WEAK_TITLE and m.score >= matches[0].score - 0.12]
            if len(close) == 1 and intent:
                cid, result.confidence = close[0].commitment, 0.55
            else:
                result.candidates = [m.commitment for m in close[:6]]
                result.confidence = 0.35
    singular = bool(_SINGULAR.intersection(found.words))
    wants_one = intent in ABOUT_A_COMMITMENT or (intent is None and bool(scores.get("commitment_overview"))
                                                 and singular)
    names_one = singular or not context.commitment
    if cid is None and not result.candidates and words and wants_one and names_one and not found.unknown_ids:
        cid, result.candidates, result.confidence = _by_topic(index, words, found, plans)
        intent = intent or "commitment_overview"
    if cid is None and len(result.candidates) == 1:  # one candidate is no choice to offer
        cid, result.candidates, result.confidence = result.candidates[0], [], max(result.confidence, 0.5)
    if cid is None and not result.candidates and not words and found.members \
            and (intent in ABOUT_A_COMMITMENT or (intent is None and singular)):
        # "qui pilote l'engagement du Burkina Faso ?": a member with one commitment, or a few to choose from
        cid, result.candidates, result.confidence = _by_topic(index, [], found, plans)
    if cid is None and not result.candidates and not found.unknown_ids and context.commitment \
            and context.commitment in index.commitments \
            and (intent in ABOUT_A_COMMITMENT or found.milestone or found.milestone_position):
        cid, result.from_context = context.commitment, True
        result.confidence = 0.8

    cued = intent is not None
    if intent is None:
        if cid:
            intent = "commitment_overview"
        elif result.candidates:
            intent = "commitment_overview"
        elif scores.get("help"):
            intent = "help"
        elif scores.get("greeting") and not words:
            intent = "greeting"
        elif found.unknown_ids and (scores.get("commitment_overview") or not words):
            intent = "commitment_overview"  # "tell me about US0100", or "US0100" alone: an id, said to be missing
        elif (words or found.policy_areas) and (hits := _topic_hits(index, words, found, plans)):
            named = _milestone_by_content(index, words, hits)
            if named:  # "has the EIG alumni network been created?": one milestone of one commitment
                intent, (cid, found.milestone) = "milestone_status", named
                result.confidence = 0.6
            elif found.policy_areas or found.members or lexicon().commitment_words.intersection(found.words) \
                    or _a_topic_of_its_own(index, words, hits):
                intent = "search"
            elif counted and (by_topic := _by_topic(index, _beyond_facets(words, found), found, plans))[0]:
                # "how many entrepreneurs worked in the EIG programme?": one commitment clearly leads the topic;
                # its texts may hold the figure (bot.core.details says so when they do not)
                cid, result.confidence = by_topic[0], by_topic[2]
                intent = "commitment_overview"
            else:
                intent = "unknown"
        elif plans and not words:
            intent = "count"  # "the second action plan of France": the plan and its commitments
        else:
            intent = "unknown"
    if intent == "milestone_status" and cid is None and found.milestone and not result.candidates:
        # "9.2" alone names a milestone number, not a commitment: ask which commitment.
        result.confidence = 0.3
    if cid and not found.milestone and not found.milestone_position \
            and lexicon().milestone_words.intersection(found.words) and intent in _STATUS_LIKE \
            and (named := _milestone_by_content(index, words, [(cid, 1.0)])):
        # "où en est le jalon sur le réseau des anciens EIG ?": the milestone its words describe
        intent, found.milestone = "milestone_status", named[1]
    if cid and not found.commitment_ids and not result.from_context and intent in ABOUT_A_COMMITMENT:
        intent = _without_title_cues(index, cid, found, scores, intent)
    if cid and intent in ABOUT_A_COMMITMENT:
        intent = _beyond_the_field(index, cid, found, words, intent, cued, result)
    elif cid is None and intent in ("unknown", "commitment_overview", "search") \
            and (missing := _facets_no_text_has(index, found)):
        # "email of the minister": a facet the data has no field for and never speaks of ("budget" is a topic of
        # commitments, "email" is not), so no commitment or search hit is matched on the other words.
        result.detail, result.candidates, intent = Detail("missing_facet", missing), [], "unknown"
    result.intent = intent
    result.commitment = cid
    if cid:
        _resolve_milestone(index.commitments[cid], found, result)
    if intent in ("greeting", "help"):
        result.confidence = 0.9
    elif intent == "search" and not result.confidence:
        result.confidence = 0.5
    elif intent == "unknown":
        result.confidence = 0.1
    return result


_STATUS_LIKE = frozenset({"commitment_status", "commitment_overview", "milestone_status", "milestones",
                          "description"})
LAST = -1  # milestone_position of "the last milestone"


def _ordinal_milestone(found: Entities) -> None:
    """'the second milestone', 'le deuxième jalon': a milestone by its place, like 'milestone 2'."""
    lex = lexicon()
    if found.milestone or found.milestone_position:
        return
    for i, word in enumerate(found.words[:-1]):
        if (word in lex.ordinals or word in lex.latest_words) and found.words[i + 1] in lex.milestone_words:
            found.milestone_position = lex.ordinals.get(word, LAST)
            found.consumed.update({i, i + 1})
            return


MILESTONE_WORDS_MIN = 2  # words of the question found in one milestone's text and in no other's


def _milestone_by_content(index: Index, words: list[str], hits: list[tuple[str, float]]) -> tuple[str, str] | None:
    """A topic that only one commitment has, said in the words of one of its milestones: (commitment,
    milestone number). Only words found in that milestone and in no other of the commitment's count (the
    programme's name is in all of them), and two are needed, so that a plain topic search stays a search."""
    if len(hits) != 1:
        return None
    commitment = index.commitments[hits[0][0]]
    asked = {features_of_word(a)[0]: w for w in words for a in lexicon().alternatives(w)}
    matched = []
    for m in commitment.milestones:
        stems = {features_of_word(t)[0] for text in m.text.values() for t in expand_synonyms(tokens(text))}
        matched.append((m.number, {asked[f] for f in stems if f in asked}))
    counts = [(len({w for w in ws if not any(w in other for n, other in matched if n != number)}), number)
              for number, ws in matched]
    counts.sort(reverse=True)
    if not counts or counts[0][0] < MILESTONE_WORDS_MIN or (len(counts) > 1 and counts[1][0] > 0):
        return None
    return commitment.id, counts[0][1]


def _without_title_cues(index: Index, cid: str, found: Entities, scores: IntentScores, intent: str) -> str:
    """A commitment named by its title: the title's own words are no cues ("which institutions lead the
    commitment on Reconciliation and Open Government?" asks who leads, not for early results)."""
    title = {f for stems in _title_stems(index.commitments[cid]) for f in stems}
    # In either language: "l'État" in "le laboratoire d'IA de l'État" is the "State" of "State AI Lab".
    titled = {i for i in scores.positions
              if any(features_of_word(a)[0] in title for a in lexicon().alternatives(found.words[i]))}
    # A cue word of the title next to a cue word that is not ("did the open science commitment open government?":
    # "open" is in the title, "government" is not) is part of a cue phrase the title does not hold.
    in_title = {i for i in titled
                if all(j in titled for j in (i - 1, i + 1) if j in scores.positions)}
    if not in_title:
        return intent
    rescored = score(found.words, skip=found.consumed | in_title)
    asked, _ = rescored.best(ABOUT_A_COMMITMENT - {"commitment_overview"})
    return asked or "commitment_overview"


def _topic_hits(index: Index, words: list[str], found: Entities, plans: list[str]) -> list[tuple[str, float]]:
    return rank(index, words, areas=found.policy_areas, members=found.members, plans=plans)


def _resolve_milestone(commitment: Commitment, found: Entities, result: Understanding) -> None:
    numbers = [m.number for m in commitment.milestones]
    wanted: str | None = None
    if found.milestone:
        wanted = found.milestone
    elif found.milestone_position:
        n = found.milestone_position if found.milestone_position != LAST else len(numbers)
        if commitment.number and f"{commitment.number}.{n}" in numbers:
            wanted = f"{commitment.number}.{n}"
        elif 1 <= n <= len(numbers):
            wanted = numbers[n - 1]
        else:
            wanted = f"{commitment.number}.{n}" if commitment.number else str(n)
    if wanted is None:
        return
    if wanted in numbers:
        result.milestone = wanted
    else:
        result.missing_milestone = wanted


_IRM_WORDS = frozenset({"irm", "mri", "mecanisme", "mechanism", "researcher", "chercheur", "evaluateur"})
# "unexplained" keeps the card asked for (a stray word does not make a question about FR0038 unanswerable);
# the answer names the words it did not understand.
_DETAIL_INTENT = {"missing_facet": "unknown", "unexplained": "commitment_overview", "unanswered": "commitment_overview",
                  "irm_advice": "irm_reports"}


def _beyond_the_field(index: Index, cid: str, found: Entities, words: list[str], intent: str, cued: bool,
                      result: Understanding) -> str:
    """The intent once every word of a question about one commitment is accounted for (bot.core.details)."""
    asks_irm = intent == "irm_reports" or bool(_IRM_WORDS.intersection(found.words))
    about_milestones = intent in ("milestone_status", "milestones") or bool(found.milestone or found.milestone_position)
    lang = detect(result.question, found.words) or "en"  # the question's own: its words are looked for in texts
    detail = read_detail(index, cid, found.words, words, lang=lang, cued=cued, asks_irm=asks_irm,
                         about_milestones=about_milestones,
                         named_by_words=not found.commitment_ids and not result.from_context)
    if detail is None:
        return intent
    result.detail = detail
    if detail.kind == "passage" and detail.passage is not None:
        return "irm_reports" if detail.passage.from_irm else "description"
    return _DETAIL_INTENT[detail.kind]


def _a_topic_of_its_own(index: Index, words: list[str], hits: list[tuple[str, float]]) -> bool:
    """Words asked with no cue, no member and no "commitments" ("open science", "who won the world cup?") are a
    topic only when some commitment's names hold every one of them; otherwise the question is not about OGP
    commitments, and a list of texts that happen to share a word would answer something else."""
    wanted = [{f for a in lexicon().alternatives(w) for f in features_of_word(a)} for w in words]
    return any(all(forms & set(index.name_features[index.position[cid]]) for forms in wanted) for cid, _ in hits[:20])


def _counts_no_commitments(found: Entities, words: list[str], plans: list[str]) -> bool:
    """'How many' asked of something that is not commitments: no member, plan, area or filter, no word for
    commitments, only words of a topic. The figure is in a commitment's texts, not in a count of commitments."""
    lex = lexicon()
    return bool(words) and not found.members and not plans and not found.policy_areas and not found.commitment_ids \
        and not (lex.commitment_words | _PLURAL).intersection(found.words) \
        and not (lex.filters.narrowing_words - lex.stopwords).intersection(found.words) \
        and not lex.filters.share_words.intersection(found.words)


# Words after which a unit word is what is counted or listed: "which countries have …", "number of commitments per
# member", "par pays".


def _facets_no_text_has(index: Index, found: Entities) -> list[str]:
    """The facets asked that the data has no field for and no text of it speaks of ("email", not "budget"), in any
    language ("presupuesto" is the texts' "budget")."""
    lex = lexicon()
    return [m for m in missing_facets(found.words)
            if not {a for w in m.split() for a in lex.alternatives(w)} & index.corpus_words]


def _only_filter_words(words: list[str]) -> bool:
    """Whether every content word is a value or a cue of a count's filter ("high", "ambition", "transformateurs")."""
    filter_words = _filter_words()
    return bool(words) and all(w in filter_words for w in words)


@functools.cache
def _filter_words() -> frozenset[str]:
    spec = lexicon().filters
    return spec.narrowing_words | {w for cues in spec.cues.values() for c in cues for w in tokens(c)}


def _beyond_facets(words: list[str], found: Entities) -> list[str]:
    """The topic words that are not part of a facet the data lacks ("people" of "how many people work at …"): a
    facet word must not pick a commitment ("Indigenous peoples")."""
    facet_words = {w for m in missing_facets(found.words) for w in m.split()}
    return [w for w in words if w not in facet_words]


_WHICH = (("which",), ("what",), ("quels",), ("quelles",))
_SUPERLATIVES = frozenset({"most", "fewest", "plus", "moins"})
_ONE_UNIT = frozenset({"member", "country", "membre", "plan", "pays"})  # "pays" is both: plural is "quels pays"


def _counted_unit(found: Entities) -> str | None:
    """What a count counts when it names no commitments: action plans or members (data/nlu/words.json)."""
    lex = lexicon()
    words = found.words

    def unit_at(i: int, *, singular: bool = True) -> str | None:
        return next((unit for unit, phrases in lex.counted_units.items()
                     for p in phrases if tuple(words[i:i + len(p)]) == p and (singular or p[-1] not in _ONE_UNIT)),
                    None)

    # Right after "how many" / "combien de", the unit is what is counted, whatever follows ("how many plans have
    # starred commitments?"); elsewhere only in a question that names no commitments. Without "how many" it is a
    # list or a comparison ("compare France's 2018-2020 and 2021-2023 plans"), of commitments.
    asks_number = False
    for phrase in (*detail_words().figure, *lex.unit_introducers):
        for i in range(len(words) - len(phrase) + 1):
            if tuple(words[i:i + len(phrase)]) == phrase:
                asks_number = True
                j = i + len(phrase)
                while j < len(words) and words[j] in lex.stopwords and not unit_at(j) \
                        and words[j] not in _NAMES_COMMITMENTS:
                    j += 1
                # "which country is that?" asks one commitment's member; "which countries", "per country" count
                # "which member" counts only with a superlative ("which member has the most commitments?")
                one_allowed = phrase not in _WHICH or bool(_SUPERLATIVES.intersection(words))
                if j < len(words) and (unit := unit_at(j, singular=one_allowed)):
                    return unit
    if not asks_number or (_NAMES_COMMITMENTS | lex.commitment_words).intersection(words):
        return None
    return next((unit for i in range(len(words)) if (unit := unit_at(i, singular=False))), None)


SHORT_FOLLOW_UP = 6  # words: "et combien ça coûte ?", "what's its budget?"


def _facet_of_the_last_commitment(index: Index, found: Entities, context: Context, result: Understanding) -> bool:
    """A short question that names nothing of its own and asks a facet the data lacks is about the conversation's
    commitment, not a topic search ("budget" is also a topic of commitments)."""
    if not context.commitment or context.commitment not in index.commitments or found.commitment_ids \
            or found.members or found.plan_named or len(found.words) > SHORT_FOLLOW_UP:
        return False
    missing = missing_facets(found.words)
    if not missing:
        return False
    result.intent, result.commitment, result.from_context = "unknown", context.commitment, True
    result.detail, result.confidence = Detail("missing_facet", missing), 0.3
    return True

