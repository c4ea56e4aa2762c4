"""Questions about one commitment whose words go beyond its name and the field asked: account for every word.

A question about a commitment is read as: words that name the commitment (its id, its titles), a cue of the field
asked ("who leads"), filler ("could you tell me"), and what is left. What is left decides the answer:
- a facet the data has no field for ("budget", "phone number"): the bot says it does not have it, with what it
  does know, and never answers another field instead (intent "unknown", the commitment kept);
- the IRM's advice ("what does the IRM recommend?"): the IRM's next steps, quoted (intent "irm_reports");
- words found in a sentence of the commitment's texts or the IRM's ("how many entrepreneurs worked in the
  administration?"): that sentence, quoted (intent "description", or "irm_reports" when the IRM wrote it);
- words found nowhere, in a question that asked for no field: the bot says what it did not understand, with the
  commitment's card, instead of answering as if those words were not there.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from bot.core.entities import expand_synonyms
from bot.core.index import Index
from bot.core.lexicon import detail_words, lexicon
from bot.core.passages import (
    MIN_COVERAGE,
    Passage,
    answers_figure,
    best_passage,
    commitment_stems,
    irm_findings,
    next_steps,
    passage_stems,
    sentence_stems,
    specific,
    stems_of,
    units_of,
)
from bot.core.records import Commitment
from bot.core.text import features_of_word, tokens

# How sure a quoted sentence must be to replace the answer of a field that a cue asked for.
OVERRIDES_A_FIELD = 0.75
# Or this sure, when it holds at least HOLDS_ENOUGH things asked beyond the field.
MIN_SCORE_TO_OVERRIDE = 0.45
HOLDS_ENOUGH = 2


@dataclass
class Detail:
    """What the words beyond the commitment's name and the field asked ask for."""

    kind: str  # "missing_facet", "irm_advice", "passage", "unexplained", "unanswered"
    words: list[str] = field(default_factory=list)  # the words, as the question has them (folded)
    passage: Passage | None = None
    figure: str | None = None  # the question asks for a number: "figure" ("how many"), "year", "duration"


def _phrases_in(words: list[str], phrases: frozenset[tuple[str, ...]]) -> list[str]:
    """The phrases found in the words, each once, in the order of their first words."""
    by_first = _by_first_word(phrases)
    found = [" ".join(phrase) for i, word in enumerate(words) for phrase in by_first.get(word, ())
             if tuple(words[i:i + len(phrase)]) == phrase]
    return sorted(dict.fromkeys(found), key=lambda p: words.index(p.split()[0]))


@functools.cache
def _by_first_word(phrases: frozenset[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The phrases by their first word: a question is scanned once, not once per phrase."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        table.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(group) for word, group in table.items()}


def missing_facets(question_words: list[str]) -> list[str]:
    """The facets the question asks for that the data has no field for ("budget", "phone"); of two that share a
    word ("combien de personnes", "personnes travaillent"), the first."""
    kept: list[str] = []
    for phrase in _phrases_in(question_words, detail_words().missing_facets):
        if not any(set(phrase.split()) & set(k.split()) for k in kept):
            kept.append(phrase)
    return kept


def asks_the_irm(question_words: list[str]) -> bool:
    """Whether the question asks what the IRM recommends or concluded ("que recommande l'IRM pour la suite ?"):
    a question about a commitment's IRM reports, even with no other cue."""
    words = detail_words()
    return bool(_phrases_in(question_words, words.irm_advice) or _phrases_in(question_words, words.irm_findings))


def _held(texts: tuple[set[str], set[str]], passage: Passage, left: list[str], lang: str) -> tuple[int, int]:
    """(how many of the telling things asked the sentence holds, how many there are). The things asked are the
    words beyond the commitment's name, an abbreviation and the word written next to it as one ("EIG
    entrepreneurs"). A word that none of the commitment's texts has tells that part of the question goes
    unanswered, unless the texts are all in another language than the question's (then it may just be
    untranslated: "prévoit" asked of an English-only commitment)."""
    stems = passage_stems(passage)
    everywhere, langs = texts  # commitment_stems of the commitment
    units = _merged(units_of(list(dict.fromkeys(left))))
    telling = [u for u in units if lang in langs or any(stems_of(w) & everywhere for w in u)]
    return sum(1 for unit in telling if any(stems_of(w) & stems for w in unit)), len(telling)


def _answers(held: int, telling: int, passage: Passage, figure: str | None) -> bool:
    """Whether a sentence answers what was asked beyond the commitment's name: it holds at least half of the
    telling things asked (a sentence that only repeats the name, or shares one word of three, answers nothing
    asked); for "how many", more than half, and a figure: a figure of another population is a wrong number."""
    if figure:
        return 2 * held > telling and answers_figure(passage, figure)
    return held >= max(1, math.ceil(telling / 2))


def _merged(units: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Units sharing a stem made one: an abbreviation's expansion and the word written next to it."""
    out: list[tuple[str, ...]] = []
    for unit in units:
        stems = {features_of_word(w)[0] for w in unit}
        home = next((i for i, u in enumerate(out) if stems & {features_of_word(w)[0] for w in u}), None)
        if home is None:
            out.append(unit)
        else:
            out[home] = (*out[home], *unit)
    return out


def _name_stems(index: Index, commitment_id: str) -> set[str]:
    """Stems of the words that name a commitment: titles, short titles, id, member and plan names."""
    c = index.commitments[commitment_id]
    texts = [*c.title.values(), *c.short_title.values(), c.id, c.member or "", c.action_plan or ""]
    words = {w for text in texts for w in (*tokens(text), *expand_synonyms(tokens(text)))}
    # the words' equivalents in the other language: "lanceurs d'alerte" names "Whistleblower protection"
    return {features_of_word(a)[0] for w in words for a in lexicon().alternatives(w)}


def read_detail(index: Index, commitment_id: str, question_words: list[str], content: list[str], *,
                lang: str, cued: bool, asks_irm: bool, about_milestones: bool = False,
                named_by_words: bool = False) -> Detail | None:
    """What the question asks beyond the field (None: nothing; answer the field or the card as usual).

    question_words: every folded word of the question; content: its words that are neither entities, cues
    nor stop words; cued: a cue named the field asked; asks_irm: the question is about what the IRM wrote;
    about_milestones: a milestone question (only missing facets and the IRM's advice change its answer);
    named_by_words: the commitment was found by words of its name rather than its id or the conversation."""
    words = detail_words()
    c = index.commitments[commitment_id]
    named = _name_stems(index, commitment_id)
    # A facet word in the commitment's name is what it is about ("Citizen Budget"), not a facet asked for.
    missing = [m for m in missing_facets(question_words) if not all(stems_of(w) & named for w in m.split())]
    advice = next_steps(c, lang)
    if not missing and advice is not None and _phrases_in(question_words, words.irm_advice):
        return Detail("irm_advice", passage=advice)
    findings = irm_findings(c, lang)
    if not missing and findings is not None and _phrases_in(question_words, words.irm_findings):
        return Detail("irm_advice", passage=findings)
    if about_milestones and not missing:
        return None
    figure_words = {w for p in (*words.figure, *words.year, *words.duration) for w in p}
    left = [w for w in content if w not in words.filler and w not in figure_words
            and features_of_word(w)[0] not in named and not w.isdigit() and len(w) > 2]
    figure = ("year" if _phrases_in(question_words, words.year) else "duration"
              if _phrases_in(question_words, words.duration) else "figure" if _phrases_in(question_words, words.figure)
              else None)
    # The sentence is looked for with every asked word, the commitment's name words included: in its own texts
    # they are common, so they weigh little, but they still tell two sentences apart.
    asked = [w for w in content if w not in words.filler and w not in figure_words and not w.isdigit() and len(w) > 2]
    passage = best_passage(c, asked, lang=lang, prefer_irm=asks_irm, numeric=figure,
                           min_coverage=MIN_COVERAGE if cued else 0.0) if left else None
    texts = commitment_stems(c)
    held, telling = _held(texts, passage, left, lang) if passage is not None else (0, 0)
    if passage is not None and not _answers(held, telling, passage, figure):
        passage = None
    if passage is not None and held < telling - 1 and _phrases_in(question_words, words.definition):
        # "c'est quoi le kit d'innovation du ministère ?": a sentence without the thing named defines nothing asked
        # (one generic word may be missing: "project", "mentioned")
        passage = None
    if missing:
        # The texts may still speak of it ("the 2020 finance bill"): then they answer; else the data has no such field.
        # ("was it completed on time?" is not answered by any sentence with "time": two things asked, at least)
        if passage is not None and held >= HOLDS_ENOUGH \
                and any(stems_of(w) & passage_stems(passage) for m in missing for w in m.split()):
            return Detail("passage", asked, passage, figure)
        return Detail("missing_facet", missing)
    if not left:
        return None
    # A commitment found by words of its name: those words, as the user wrote them ("le laboratoire d'IA de
    # l'État" for "State AI Lab"), are its name, not a detail that could outweigh the field a cue asked for.
    # A field cue ("which ministry", "start") does not win over a sentence that holds two things or more of what
    # the question says beyond it ("… will open an innovation lab"): answering the field would ignore them.
    # Not a sentence of the commitment's own texts when the IRM's word is asked for.
    overrides = passage is not None and (passage.score >= OVERRIDES_A_FIELD
                                         or (held >= HOLDS_ENOUGH and passage.score >= MIN_SCORE_TO_OVERRIDE
                                             and (passage.from_irm or not asks_irm)))
    if passage is not None and (not cued or (overrides and not named_by_words)):
        return Detail("passage", asked, passage, figure)
    if not cued and passage is None:
        # Named first: the words none of its texts has ("women" in "how many EIG entrepreneurs were women?").
        absent = [w for w in left if not stems_of(w) & texts[0]]
        # Every word is in its texts, but no sentence holds enough of them: say so, not "did not understand".
        return Detail("unexplained", absent) if absent else Detail("unanswered", left)
    if not cued:
        return None
    # The one-line description is a name too, for this: the index finds commitments by it ("opening the
    # administration to new skills: who leads it?").
    described = {f for f in index.name_features[index.position[commitment_id]] if not f.startswith("~")}
    return _inside(c, asked, [w for w in left if features_of_word(w)[0] not in described], lang=lang,
                   asks_irm=asks_irm, figure=figure)


# A sentence answering about something inside the commitment must be at least this sure (its score also counts the
# commitment's common words, which weigh little: "when was the EIG programme created?" scores 0.36).
MIN_SCORE_INSIDE = 0.3


def _inside(c: Commitment, asked: list[str], left: list[str], *, lang: str, asks_irm: bool,
            figure: str | None) -> Detail | None:
    """A field cue with words naming something inside the commitment: "when was the EIG programme created?" asks
    when the programme was created, not the commitment's dates; "selon l'IRM, quels obstacles …" asks for the
    obstacles, not the status. Such words are in few of the commitment's sentences (a word in many names the
    commitment itself) and are no cue or filter word. A sentence holding at least half of them answers; without
    one, the field does (the caller's answer)."""
    cues = _cue_words()
    inside = [u for u in _merged(units_of(list(dict.fromkeys(left))))
              if not any(w in cues[0] or w.startswith(cues[1]) for w in u) and specific(c, u)]
    if not inside:
        return None
    # Looked for with every asked word (the commitment's common words tell its sentences apart: "the EIG programme,
    # created in 2016") and with those words only (they would otherwise pull toward any sentence about it): the
    # sentence holding more of them, the rarer on a tie.
    found = [p for words in (asked, [w for u in inside for w in u])
             if (p := best_passage(c, words, lang=lang, prefer_irm=asks_irm, numeric=figure, min_coverage=0.0))
             and p.score >= MIN_SCORE_INSIDE and (not figure or answers_figure(p, figure))]
    if not found:
        return None
    rarity = {unit: 1 / max(1, sum(1 for stems in sentence_stems(c) if any(stems_of(w) & stems for w in unit)))
              for unit in inside}

    def holds(p: Passage) -> tuple[int, float]:
        stems = passage_stems(p)
        held = [unit for unit in inside if any(stems_of(w) & stems for w in unit)]
        return len(held), sum(rarity[unit] for unit in held)

    passage = max(found, key=holds)
    if 2 * holds(passage)[0] < len(inside):
        return None
    return Detail("passage", asked, passage, figure)


@functools.cache
def _cue_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """The words of every cue phrase ("ministry" of "which ministry leads", "design" of "design report") and of
    every filter's values ("limited"): words the question's reading already accounts for. A wildcard's stem is a
    prefix ("evalu*"): (the words, the prefixes)."""
    lex = lexicon()
    # not the help's or greetings' ("how does it work" would make "work" a cue)
    triggers = [t for t in lex.triggers if t.intent not in ("help", "greeting")]
    words = {w for t in triggers for w in t.words if not w.endswith("*")} | lex.filters.every_word
    prefixes = {w.rstrip("*") for t in triggers for w in t.words if w.endswith("*") and len(w) > 3}
    return frozenset(words), tuple(sorted(prefixes))
