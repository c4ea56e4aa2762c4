"""Answers to what a question asks beyond a field (bot.core.details): a quoted sentence of the commitment's texts
or of the IRM's, the IRM's next steps, or plainly what the data does not have, with what it does."""

from __future__ import annotations

from bot.core.index import Index
from bot.core.passages import Passage, answers_figure, best_passage, irm_findings, next_steps
from bot.core.records import Commitment
from bot.core.understand import Understanding
from bot.core.wording import Renderer, commitment, conversation, irm
from bot.core.wording.draft import Draft
from bot.core.wording.names import commitment_url, heading
from bot.core.wording.which import about


def _quoted(draft: Draft, words: list[str]) -> str:
    """“budget” and “phone”, quoted as the reader's language quotes."""
    return draft.t.join([draft.t._("“{value}”", value=w) for w in words])


def _where(draft: Draft, p: Passage) -> str:
    t = draft.t
    if p.field == "midterm_next_steps":
        return t._("The IRM recommended (next steps of its report):")
    if p.field == "end_summary" and p.score >= 1.0:
        return t._("The IRM concluded at the end of the action plan:")
    if p.from_irm and p.milestone:
        return t._("The IRM on milestone {number}:", number=p.milestone)
    if p.from_irm:
        return t._("The IRM wrote in its report:")
    if p.milestone:
        return t._("Milestone {number} reads:", number=p.milestone)
    return t._("The commitment's text reads:")


def _quote(draft: Draft, index: Index, c: Commitment, p: Passage) -> None:
    draft.add(heading(draft, index, c))
    draft.add(_where(draft, p))
    draft.add(draft.t._("“{value}”", value=p.text))
    if p.lang != draft.lang:
        draft.borrowed.add(p.lang)  # the note at the end names the language of the quote
    draft.source(commitment_url(draft, c))


def _in_reader_language(draft: Draft, c: Commitment, u: Understanding, chosen: Passage) -> Passage:
    """The same kind of sentence found again with the reader's language preferred (understanding does not know
    the answer's language)."""
    if chosen.field == "midterm_next_steps":
        return next_steps(c, draft.lang) or chosen
    if chosen.field in ("end_summary", "midterm_summary") and u.detail is not None and u.detail.kind == "irm_advice":
        return irm_findings(c, draft.lang) or chosen
    if u.detail is None or chosen.lang == draft.lang:
        return chosen  # already in the reader's language: looked for again, another sentence could win
    again = best_passage(c, u.detail.words, lang=draft.lang, prefer_irm=chosen.from_irm,
                         numeric=u.detail.figure)
    if again is None or again.from_irm != chosen.from_irm or again.lang != draft.lang:
        return chosen
    return again if not u.detail.figure or answers_figure(again, u.detail.figure) else chosen


def _quoting(fallback: Renderer) -> Renderer:
    """The renderer of an intent that may be answered by a quoted sentence (description, irm_reports)."""

    def answer(draft: Draft, index: Index, u: Understanding) -> None:
        detail = u.detail
        if detail is None or detail.passage is None or u.commitment is None:
            fallback(draft, index, u)
            return
        c = index.commitments[u.commitment]
        _quote(draft, index, c, _in_reader_language(draft, c, u, detail.passage))

    return answer


def overview(draft: Draft, index: Index, u: Understanding) -> None:
    """The commitment's card; first the words of the question that it leaves unanswered, if any."""
    detail = u.detail
    if detail is not None and detail.kind == "unexplained" and u.commitment is not None:
        draft.add(draft.t._("I did not understand {asked} in your question about {id}; here is what I know about "
                            "it.", asked=_quoted(draft, detail.words), id=u.commitment))
        u.confidence = min(u.confidence, 0.6)
    elif detail is not None and detail.kind == "unanswered" and u.commitment is not None:
        draft.add(draft.t._("No sentence of what I have on {id} answers that; here is what I know about it.",
                            id=u.commitment))
        u.confidence = min(u.confidence, 0.6)
    about(commitment.overview)(draft, index, u)


description = _quoting(about(commitment.description))
irm_reports = _quoting(about(irm.irm_reports))


def unknown(draft: Draft, index: Index, u: Understanding) -> None:
    """Not understood; or, about a known commitment, what the data does not have, then what it does."""
    detail = u.detail
    t = draft.t
    if detail is not None and u.commitment is None and detail.kind == "missing_facet":
        draft.add(t._("I have no information on {asked}: OGP's data on commitments has no such field.",
                      asked=_quoted(draft, detail.words)))
        # What it can answer, not "I did not understand": the question was understood, the data lacks it.
        draft.add(t._("Try: “status of FR0038 milestone 9.2?”, “who leads FR0038?” or “commitments about open "
                      "data”. Type help for more."))
        return
    if detail is None or u.commitment is None:
        conversation.not_understood(draft, index, u)
        return
    c = index.commitments[u.commitment]
    asked = _quoted(draft, detail.words)
    draft.add(t._("I have no information on {asked} for {id}: OGP's data on commitments has no such field. "
                  "Here is what I know about it.", asked=asked, id=c.id))
    commitment.overview(draft, index, c)
    u.confidence = min(u.confidence, 0.4)
