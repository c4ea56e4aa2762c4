"""Follow-up questions: the ones that only make sense with the previous answer.

- After a count, a list or a search, a short question that refines it ("which of them have high ambition?",
  "lesquels sont pilotés par la HABG ?", "only the starred ones") keeps its scope and adds the new filters; one
  that swaps a part ("and in 2015-2017?", "et le Maroc ?", "et ceux de la Tunisie ?") replaces that part (a plan
  for a plan; a member for a member, and then the old member's plan goes too) and keeps the rest. The previous
  question's words (Context.scope) and the follow-up's are composed into one question, which the normal count
  or search path answers: whatever that path understands of a full question, it understands of a follow-up.
- After a milestone: "the next one", "le précédent", "the second one" move along the commitment's milestones;
  "is it done?" asks about that milestone; "and the commitment as a whole?" goes back to the commitment.

Cue words are in data/nlu/words.json ("followups"). A question that names its own commitment, or its own member
with the word "commitments", is a fresh question and starts anew.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from bot.core import aggregates
from bot.core.entities import Entities, extract
from bot.core.index import Index, split_id
from bot.core.intents import score
from bot.core.lexicon import lexicon
from bot.core.records import Commitment
from bot.core.search import rank
from bot.core.text import tokens
from bot.core.types import Answer, Context
from bot.core.understand import (
    ABOUT_A_COMMITMENT,
    STRONG_TITLE,
    Understanding,
    content_words,
    title_matches,
    understand,
)

SCOPE_INTENTS = ("count", "search")
MAX_FOLLOW_UP = 10  # words: a longer question is a question of its own
SHORT = 6  # words of a milestone move, or of a count that names no scope of its own
MAX_SCOPE_WORDS = 60  # stored words of a scope
MILESTONE_INTENTS = ("milestone_status", "dates")  # intents answered about one milestone
_YEAR_DIGITS = 4


def understand_turn(index: Index, question: str, context: Context) -> Understanding:
    """The question understood in the conversation: a follow-up of the previous answer, or a question of its own."""
    if context.scope or (context.milestone and context.intent in MILESTONE_INTENTS):
        found = extract(question, index)
        followed = _milestone_move(index, found, context) or _nth_of_the_list(index, found, context) \
            or _scope_follow_up(index, found, context) or _one_of_the_list(index, found, context)
        if followed is not None:
            return followed
    elif context.commitment and not context.milestone:
        followed = _commitment_move(index, extract(question, index), context)
        if followed is not None:
            return followed
    u = understand(index, question, context)
    _about_the_milestone(u, context)
    return u


def remember(index: Index, u: Understanding, answer: Answer) -> Answer:
    """What the answer's context keeps for follow-ups: the scope of a count or search, and the commitment of a
    list of one."""
    context = answer.context
    if u.intent in SCOPE_INTENTS and u.lang_words:
        context.scope = {"intent": u.intent, "words": list(u.lang_words[:MAX_SCOPE_WORDS])}
        if u.intent == "count" and not u.commitment and not u.candidates:
            only = _the_only_one(index, u)
            if only:
                context.commitment, context.milestone = only, None
    else:
        context.scope = None
    return answer


def _the_only_one(index: Index, u: Understanding) -> str | None:
    if u.chart is not None:
        return None
    _, matching = aggregates.select(index, aggregates.read_filters(u, index))
    return matching[0].id if len(matching) == 1 else None


# -- milestones --------------------------------------------------------------------------------------------


def _milestone_move(index: Index, found: Entities, context: Context) -> Understanding | None:
    """'the next one', 'le jalon précédent', 'the second one', 'and the commitment as a whole?' after an answer
    about a milestone of a commitment."""
    cid = context.commitment
    if not cid or cid not in index.commitments or not context.milestone or context.intent not in MILESTONE_INTENTS:
        return None
    whole = _spans(found.words, lexicon().followups.phrases("whole"))
    if found.commitment_ids or found.unknown_ids or found.members or found.milestone or found.plan_named \
            or len(found.words) > (MAX_FOLLOW_UP if whole else SHORT):
        return None
    c = index.commitments[cid]
    numbers = [m.number for m in c.milestones]
    cues = lexicon().followups
    words = found.words
    intent = context.intent
    if whole or _only_the_commitment(words):
        asked = "commitment_status" if intent == "milestone_status" else intent
        return _about(found, cid, None, asked if asked in ABOUT_A_COMMITMENT else "commitment_overview")
    at = numbers.index(context.milestone) if context.milestone in numbers else None
    target: str | None = None
    if _spans(words, cues.phrases("next")) and at is not None:
        target = numbers[at + 1] if at + 1 < len(numbers) else None
    elif _spans(words, cues.phrases("previous")) and at is not None:
        target = numbers[at - 1] if at > 0 else None
    else:
        position = found.milestone_position or _ordinal(words)
        if position is None and any(w in lexicon().latest_words for w in words) and numbers:
            position = len(numbers)
        if position is None:
            return None
        target = _milestone_at(c, numbers, position)
        if target is None:
            u = _about(found, cid, None, "milestone_status")
            u.missing_milestone = f"{c.number}.{position}" if c.number else str(position)
            return u
    # Past the last (or before the first) milestone: the list of the commitment's milestones.
    return _about(found, cid, target, intent if target else "milestones")


def _commitment_move(index: Index, found: Entities, context: Context) -> Understanding | None:
    """'the next one', 'le précédent' after an answer about a commitment (no milestone in view): the member's next
    (or previous) commitment in the data, by number (FR0048 → FR0049), asked the same way."""
    cid = context.commitment
    if not cid or cid not in index.commitments or found.commitment_ids or found.unknown_ids or found.members \
            or found.milestone or found.plan_named or len(found.words) > SHORT:
        return None
    cues = lexicon().followups
    step = 1 if _spans(found.words, cues.phrases("next")) else -1 if _spans(found.words, cues.phrases("previous")) \
        else 0
    if not step or _content_beyond_cues(found.words):
        return None
    member = index.commitments[cid].member
    siblings = sorted((c for c in index.commitments.values() if c.member == member),
                      key=lambda c: split_id(c.id) or (c.id, 0))
    at = [c.id for c in siblings].index(cid)
    if not 0 <= at + step < len(siblings):
        return None
    intent = context.intent if context.intent in ABOUT_A_COMMITMENT else "commitment_overview"
    return _about(found, siblings[at + step].id, None, intent)


def _content_beyond_cues(words: list[str]) -> bool:
    """Words beyond the cues ("the next one", "celui d'après"), stop words and 'commitment': "the next milestone" or
    "the next plan" is no commitment."""
    lex = lexicon()
    cue_words = {w for kind in ("next", "previous", "swap", "one") for p in lex.followups.phrases(kind) for w in p}
    return any(w not in cue_words and w not in lex.stopwords and w not in lex.commitment_words for w in words)


def _milestone_at(c: Commitment, numbers: list[str], position: int) -> str | None:
    if c.number and f"{c.number}.{position}" in numbers:
        return f"{c.number}.{position}"
    return numbers[position - 1] if 1 <= position <= len(numbers) else None


def _ordinal(words: list[str]) -> int | None:
    ordinals = lexicon().ordinals
    for word in words:
        n = int(word) if word.isdigit() and len(word) <= 2 else ordinals.get(word)
        if n:
            return n
    return None


def _only_the_commitment(words: list[str]) -> bool:
    """'and the commitment?': a swap cue and the word commitment, nothing else."""
    lex = lexicon()
    if not _starts_with(words, lex.followups.phrases("swap")):
        return False
    said = [w for w in words if w not in lex.stopwords or w in lex.commitment_words]
    swap_words = {w for p in lex.followups.phrases("swap") for w in p}
    return any(w in lex.commitment_words for w in said) \
        and all(w in lex.commitment_words or w in swap_words for w in said)


def _is_cue(word: str) -> bool:
    return word in lexicon().followups.every_word


def _about(found: Entities, cid: str, milestone: str | None, intent: str) -> Understanding:
    return Understanding(intent=intent, lang_words=found.words, entities=found, commitment=cid, milestone=milestone,
                         confidence=0.85, from_context=True)


def _about_the_milestone(u: Understanding, context: Context) -> None:
    """'and is it done?' right after an answer about a milestone: that milestone's status, not the commitment's."""
    if not context.milestone or context.intent not in MILESTONE_INTENTS or not u.from_context \
            or u.commitment != context.commitment or u.milestone or u.missing_milestone \
            or lexicon().commitment_words.intersection(u.lang_words):
        return
    if u.intent in ("commitment_status", "milestone_status"):
        u.intent, u.milestone = "milestone_status", context.milestone
    elif u.intent == "dates":
        u.milestone = context.milestone


# -- counts, lists and searches ----------------------------------------------------------------------------


@dataclass
class _Parts:
    """Which positions of a question's words name what."""

    members: set[int] = field(default_factory=set)
    plan: set[int] = field(default_factory=set)
    filters: dict[str, set[int]] = field(default_factory=dict)  # filters.json key → positions
    lead: int | None = None  # where "led by …" (or "supported by …") starts: the rest names the institution
    topic: set[int] = field(default_factory=set)  # the words of a topic to replace


def _scope_follow_up(index: Index, found: Entities, context: Context) -> Understanding | None:
    scope = context.scope
    if not scope or scope.get("intent") not in SCOPE_INTENTS or not scope.get("words"):
        return None
    if found.commitment_ids or found.unknown_ids or found.milestone or len(found.words) > MAX_FOLLOW_UP:
        return None
    lex = lexicon()
    words = found.words
    cues = lex.followups
    refine = _spans(words, cues.phrases("refine"))
    swap = _starts_with(words, cues.phrases("swap"))
    own_noun = any(w in lex.commitment_words for w in words)
    names_scope = bool(found.members or found.plan_named)
    parts = _parts(index, words)
    if own_noun and names_scope and not swap:
        return None  # "which Moroccan commitments are completed?": a question of its own
    cue_positions = set(refine) | set(range(swap))
    topic = _topic_positions(words, parts, found.consumed | cue_positions)
    previous = scope["words"]
    before = _parts(index, previous)
    if refine:
        pass
    elif swap:
        # "and in 2015-2017?", "et le Maroc ?", "and the completed ones?": a part to swap; "what about open
        # data?": after a search, another topic; after a count, its topic.
        if not (names_scope or parts.filters or parts.lead is not None or topic):
            return None
        if topic and scope["intent"] == "search":
            before.topic = set(_topic_positions(previous, before, set()))
    else:
        # "how many are active?", "quelle part est active ?": a count that names no scope of its own; "combien en
        # France ?" after a list about a topic: that topic in France (the member swapped in, the topic kept).
        if own_noun or len(words) > SHORT or (names_scope and topic):
            return None
        if not (score(words, skip=found.consumed).get("count") or parts.filters):
            return None
    composed = _compose(previous, before, words, parts, cue_positions)
    new_topic = bool(before.topic) and not parts.filters and parts.lead is None
    only_where = not topic and not parts.filters and parts.lead is None
    intent = scope["intent"] if scope["intent"] == "search" and (only_where or new_topic) else "count"
    u = understand(index, " ".join(composed), Context())
    if u.intent != intent:
        u.intent = intent
        u.commitment, u.candidates, u.milestone, u.missing_milestone, u.detail = None, [], None, None, None
    u.question = " ".join(composed)
    u.from_context = True
    u.confidence = max(u.confidence, 0.7)
    return u


def _one_of_the_list(index: Index, found: Entities, context: Context) -> Understanding | None:
    """'who leads the UK one?', 'celui des États-Unis est-il étoilé ?' after a list: the listed commitment of that
    member (a choice among them when it has several), not any of the member's commitments."""
    scope = context.scope
    if not scope or not scope.get("words") or found.commitment_ids or found.unknown_ids \
            or found.plan_named or len(found.words) > MAX_FOLLOW_UP:
        return None
    lex = lexicon()
    one = _spans(found.words, lex.followups.phrases("one"))
    if not found.members and not one:
        return None
    if any(w in lex.commitment_words for w in found.words) and not one:
        return None  # "which Moroccan commitments …": a question of its own
    scores = score(found.words, skip=found.consumed)
    asked, _ = scores.best(ABOUT_A_COMMITMENT)
    if asked is None and not one:
        return None
    shown = _as_listed(index, scope)
    if shown is None:
        return None
    listed = [cid for cid in shown if not found.members or index.commitments[cid].member in found.members]
    if not found.members:
        # "who supports the public contracts one?": the listed commitment whose title has those words
        cues = {found.words[i] for i in one}
        words = [w for w in content_words(found, scores) if w not in cues and not _is_cue(w)]
        titled = {m.commitment for m in title_matches(index, words, members=[], plans=[], limit=40)
                  if m.coverage >= STRONG_TITLE}
        listed = [cid for cid in listed if cid in titled]
    if not listed:
        return None
    u = _about(found, listed[0], None, asked or "commitment_overview")
    if len(listed) > 1:
        u.commitment, u.candidates, u.confidence = None, listed[:6], 0.4
    return u


def _nth_of_the_list(index: Index, found: Entities, context: Context) -> Understanding | None:
    """'who leads the first one?', 'qui pilote le premier ?', 'is the second one starred?' after a list: that
    commitment of the list as it was shown."""
    scope = context.scope
    lex = lexicon()
    if not scope or not scope.get("words") or found.commitment_ids or found.unknown_ids or found.members \
            or found.plan_named or len(found.words) > SHORT + 2:
        return None
    position = next((lex.ordinals[w] for w in found.words if w in lex.ordinals), None)
    if position is None or any(w in lex.commitment_words or w in lex.plan_words for w in found.words):
        return None  # "the first plan", "the second commitment of France": questions of their own
    shown = _as_listed(index, scope)
    if shown is None or not 1 <= position <= len(shown):
        return None
    asked, _ = score(found.words, skip=found.consumed).best(ABOUT_A_COMMITMENT)
    return _about(found, shown[position - 1], None, asked or "commitment_overview")


def _as_listed(index: Index, scope: dict[str, Any]) -> list[str] | None:
    """The commitments of the last answer in the order it listed them: a search by relevance, a count as selected;
    None when that answer listed no set (no scope, or words it could not filter on)."""
    previous = understand(index, " ".join(scope["words"]), Context())
    f = aggregates.read_filters(previous, index)
    if not f.narrows or f.unaccounted:
        return None
    if scope["intent"] == "search":
        ranked = [cid for cid, _ in rank(index, previous.content, areas=previous.entities.policy_areas,
                                         members=previous.entities.members, plans=previous.plans)]
        if ranked:
            return ranked
    return [c.id for c in aggregates.select(index, f)[1]]


def _compose(previous: list[str], before: _Parts, words: list[str], now: _Parts, cues: set[int]) -> list[str]:
    """The previous question's words with the parts the follow-up names replaced by the follow-up's words."""
    dropped: set[int] = set(before.topic)
    if now.members:
        dropped |= before.members | before.plan  # a new member: the old member's plan goes too
    if now.plan:
        dropped |= before.plan
    for key in now.filters:
        dropped |= before.filters.get(key, set())
    lead_part = list(range(before.lead, len(previous))) if before.lead is not None else []
    if now.lead is not None:
        dropped |= set(lead_part)
    kept = [i for i in range(len(previous)) if i not in dropped and i not in lead_part]
    at = min((i for i in dropped if i not in lead_part), default=None)
    cut = len([i for i in kept if at is not None and i < at]) if at is not None else len(kept)
    head = [previous[i] for i in kept[:cut]]
    tail = [previous[i] for i in kept[cut:]]
    added = [w for i, w in enumerate(words) if i not in cues]
    lead = [previous[i] for i in lead_part if now.lead is None]
    return head + added + tail + lead


def _parts(index: Index, words: list[str]) -> _Parts:
    lex = lexicon()
    parts = _Parts()
    for start, end in _phrase_spans(words, index.member_phrases):
        parts.members.update(range(start, end))
    plan_words = lex.plan_words | {"action", "national"}
    for i, word in enumerate(words):
        previous = words[i - 1] if i else ""
        following = words[i + 1] if i + 1 < len(words) else ""
        if _is_year(word) or (word.isdigit() and len(word) == 2 and _is_year(previous)):
            parts.plan.add(i)
        elif word in lex.plan_words or (word in ("action", "national") and following in lex.plan_words):
            parts.plan.add(i)
        elif (word in lex.ordinals or word in lex.latest_words) and following in plan_words:
            parts.plan.add(i)
    if not parts.plan.difference(i for i, w in enumerate(words) if w in plan_words):
        parts.plan = set()  # "plan" alone names no plan
    for start, end in _phrase_spans(words, _field_phrases()):
        parts.filters.setdefault(_field_phrases()[tuple(words[start:end])], set()).update(range(start, end))
    institution = _phrase_spans(words, dict.fromkeys(_institution_phrases(), ""))
    parts.lead = institution[0][0] if institution else None
    return parts


@functools.cache
def _field_phrases() -> dict[tuple[str, ...], str]:
    """The phrases of the values a count filters on (data/nlu/filters.json) → the field they are a value of."""
    spec = lexicon().filters
    # Both places of filters.json name values (a field in both keeps both: one must not hide the other).
    fields = [("completion", spec.completion), ("ambition", spec.ambition), ("potential_impact", spec.potential_impact),
              *spec.values.items()]
    table = {tuple(tokens(t)): name for name, keys in fields for texts in keys.values() for t in texts}
    table.update({tuple(tokens(t)): "starred" for t in spec.starred})
    return {phrase: name for phrase, name in table.items() if phrase}


@functools.cache
def _institution_phrases() -> tuple[tuple[str, ...], ...]:
    """'led by', 'soutenus par': the rest of the question names an institution."""
    spec = lexicon().filters
    return tuple(p for t in (*spec.lead_words, *getattr(spec, "support_words", [])) if (p := tuple(tokens(t))))


def _topic_positions(words: list[str], parts: _Parts, skipped: set[int]) -> list[int]:
    """The positions of the subject words: neither cue, stop word, scope, filter nor intent cue."""
    lex = lexicon()
    named = parts.members | parts.plan | {i for ps in parts.filters.values() for i in ps} | skipped
    if parts.lead is not None:
        named |= set(range(parts.lead, len(words)))
    cued = score(words, skip=named).positions
    skip = lex.stopwords | lex.commitment_words | lex.milestone_words | lex.plan_words | lex.filters.narrowing_words
    return [i for i, w in enumerate(words) if i not in named and i not in cued and w not in skip
            and not _is_cue(w) and not w.isdigit() and len(w) > 1]


def _is_year(word: str) -> bool:
    return len(word) == _YEAR_DIGITS and word.isdigit() and word[:2] in ("19", "20")


def _phrase_spans(words: list[str], phrases: dict[tuple[str, ...], str], max_len: int = 6) -> list[tuple[int, int]]:
    """Longest-first, non-overlapping (start, end) of the phrases in the words."""
    found: list[tuple[int, int]] = []
    taken: set[int] = set()
    for size in range(min(max_len, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            if taken.intersection(range(start, start + size)):
                continue
            if tuple(words[start:start + size]) in phrases:
                found.append((start, start + size))
                taken.update(range(start, start + size))
    return sorted(found)


def _spans(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> list[int]:
    """Positions of the words that are part of one of the phrases."""
    return sorted({i for start, end in _phrase_spans(words, dict.fromkeys(phrases, "")) for i in range(start, end)})


def _starts_with(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> int:
    """The length of the longest phrase the words start with (0 when none)."""
    return next((len(p) for p in phrases if tuple(words[:len(p)]) == p), 0)
