"""The conversation itself: greeting (and thanks), help, and a question not understood."""

from __future__ import annotations

from bot.core.index import Index
from bot.core.lexicon import lexicon
from bot.core.understand import Understanding
from bot.core.wording.draft import Draft


def greeting(draft: Draft, index: Index, u: Understanding) -> None:
    t = draft.t
    words = u.lang_words
    if any(words[i:i + len(p)] == list(p) for p in lexicon().thanks for i in range(len(words))):
        draft.add(t._("You're welcome! Ask me anything about OGP commitments."))
        return
    draft.add(t._("Hello! I answer questions about Open Government Partnership commitments, in English, French "
                  "and Spanish."))
    draft.add(t._("Try: “status of FR0038 milestone 9.2?”, “who leads FR0038?” or “commitments about open "
                  "data”."))


def help_text(draft: Draft, index: Index, u: Understanding) -> None:
    t = draft.t
    draft.add(t._("I answer questions about Open Government Partnership (OGP) commitments, with the OGP source."))
    draft.add(t._("Ask about one commitment by its id or words of its title: overview, status, milestones, "
                  "lead and supporting institutions, policy areas, ambition, verifiability, relevance to OGP "
                  "values, early results, dates, objectives, action plan, IRM reports."))
    draft.add(t._("Examples:"))
    for example in (t._("status of FR0038 milestone 9.2?"), t._("who leads FR0038?"),
                    t._("commitments about whistleblowers"), t._("how many commitments in France 2018-2020?")):
        draft.add(f"• {example}")
    draft.add(t._("Follow-ups work too: “and milestone 9.3?”, “who supports it?”."))
    draft.add(t._("Data: Open Government Partnership, opengovpartnership.org, licensed CC BY 4.0."))


def not_understood(draft: Draft, index: Index, u: Understanding) -> None:
    t = draft.t
    draft.add(t._("Sorry, I did not understand that. I answer questions about OGP commitments."))
    draft.add(t._("Try: “status of FR0038 milestone 9.2?”, “who leads FR0038?” or “commitments about open "
                  "data”. Type help for more."))
