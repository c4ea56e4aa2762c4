"""Which intent a question expresses: trigger phrases from data/nlu/intents.json, scored.

A phrase of n words matched in the question scores weight × (1 + 0.5 (n − 1)); an intent's score is
its best phrase plus a quarter of the others, so several cues reinforce each other.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from bot.core.lexicon import Trigger, lexicon


@dataclass
class IntentScores:
    scores: dict[str, float]
    positions: set[int]  # words that were trigger words

    def best(self, among: set[str] | None = None) -> tuple[str | None, float]:
        items = [(i, s) for i, s in self.scores.items() if among is None or i in among]
        if not items:
            return None, 0.0
        intent, score = max(items, key=lambda x: (x[1], -_PRIORITY.get(x[0], 99)))
        return intent, score

    def get(self, intent: str) -> float:
        return self.scores.get(intent, 0.0)


# Tie-break: the more specific question wins.
_PRIORITY = {name: rank for rank, name in enumerate([
    "count", "search", "milestone_status", "lead_institution", "support_institutions", "early_results",
    "verifiability", "relevance", "ambition", "irm_reports", "policy_areas", "dates", "milestones",
    "action_plan", "commitment_status", "description", "help", "commitment_overview", "greeting"])}


@functools.cache
def _by_first_word() -> dict[str, list[Trigger]]:
    table: dict[str, list[Trigger]] = defaultdict(list)
    for trigger in lexicon().triggers:
        first = trigger.words[0]
        table[first.rstrip("*") if first.endswith("*") else first].append(trigger)
    return table


@functools.cache
def _wildcards() -> list[Trigger]:
    return [t for t in lexicon().triggers if t.words[0].endswith("*")]


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def _matches_at(trigger: Trigger, words: list[str], start: int) -> bool:
    if start + len(trigger.words) > len(words):
        return False
    return all(_word_matches(p, words[start + k]) for k, p in enumerate(trigger.words))


def score(words: list[str], skip: set[int] | None = None) -> IntentScores:
    """Scores of the intents whose phrases occur in `words`, ignoring the positions in `skip` (words that
    named an entity, such as "plan" in "the 2018-2020 plan")."""
    skip = skip or set()
    per_intent: dict[str, list[float]] = defaultdict(list)
    positions: set[int] = set()
    table = _by_first_word()
    seen: set[tuple[str, tuple[str, ...], int]] = set()
    for start, word in enumerate(words):
        candidates = table.get(word, []) + [t for t in _wildcards() if _word_matches(t.words[0], word)]
        for trigger in candidates:
            key = (trigger.intent, trigger.words, start)
            if key in seen or not _matches_at(trigger, words, start) \
                    or skip.intersection(range(start, start + len(trigger.words))):
                continue
            seen.add(key)
            per_intent[trigger.intent].append(trigger.weight * (1 + 0.5 * (len(trigger.words) - 1)))
            positions.update(range(start, start + len(trigger.words)))
    scores = {}
    for intent, values in per_intent.items():
        values.sort(reverse=True)
        scores[intent] = values[0] + 0.25 * sum(values[1:])
    return IntentScores(scores, positions)
