"""Answers about what the IRM (Independent Reporting Mechanism) assessed of one commitment: completion,
ambition and potential impact, verifiability, relevance to OGP values, early results and its reports."""

from __future__ import annotations

import re

from bot.common.vocab import vocabulary
from bot.core.facts import IRM_STATES, completion, is_assessed
from bot.core.index import Index
from bot.core.records import Commitment
from bot.core.wording.draft import Draft
from bot.core.wording.excerpts import sentence_with, shorten_to_sentences
from bot.core.wording.names import commitment_url, label, report_names


def completion_sentence(draft: Draft, c: Commitment) -> str:
    t = draft.t
    key, source = completion(c)
    value = label("completion", key, draft.lang)
    if source == "end":
        return t._("Completion at the end of the action plan (IRM): {value}.", value=value)
    if source == "midterm":
        return t._("Completion at mid-term (IRM): {value}.", value=value)
    if source == "glance":
        return t._("Completion (IRM): {value}.", value=value)
    if source == "state":
        return t._("Completion: {value}.", value=value)
    return t._("The IRM has published no completion level for it.")


def irm_value_sentence(draft: Draft, kind: str, key: str | None, known: str, unknown: str) -> str:
    """`known` with {value} when the IRM gave a value; `unknown` when it did not or has not yet."""
    if is_assessed(key):
        return known.format(value=label(kind, key, draft.lang))
    state = label("irm_state", key, draft.lang) if key else draft.t._("not assessed")
    return unknown.format(value=state)


def irm_summary(draft: Draft, c: Commitment) -> None:
    """The IRM's summary of how the commitment went (end of term, else mid-term) as a quoted paragraph,
    without the completion line it starts with when the answer has already given that level."""
    t = draft.t
    for texts, source, sentence in (
            (c.irm.end_summary, t._("IRM end-of-term report"),
             t._("Completion at the end of the action plan (IRM): {value}.")),
            (c.irm.midterm_summary, t._("IRM mid-term report"), t._("Completion at mid-term (IRM): {value}."))):
        text = draft.text_of(texts)
        if not text:
            continue
        stated, excerpt = _summary_excerpt(text)
        if stated and stated != completion(c).key:
            draft.add(sentence.format(value=label("completion", stated, draft.lang)))
        if excerpt:
            draft.paragraph(t._("{source}: “{quote}”", source=source, quote=excerpt))
        return


_LABELLED_LINE = re.compile(r"^[^:\n]{1,40}?\s*:\s*(\S.*)$")
_SOURCES_HEADING = re.compile(r"^\s*sources?\s*:", re.IGNORECASE)


def _summary_excerpt(text: str, limit: int = 700) -> tuple[str | None, str]:
    """(the completion level a summary starts with, if it does; its first paragraph of prose, in whole
    sentences up to `limit` characters). Headings ("Context and objectives") and sources are skipped."""
    stated = None
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        first, _, rest = paragraph.strip().partition("\n")
        line = _LABELLED_LINE.match(first)
        if stated is None and line and (key := vocabulary().lookup("completion", line.group(1), fuzzy=False)):
            stated, paragraph = key, rest
        paragraph = paragraph.strip()
        if _SOURCES_HEADING.match(paragraph):
            break
        if paragraph and not _is_heading(paragraph):
            return stated, shorten_to_sentences(paragraph, limit)
    return stated, ""


def _is_heading(paragraph: str) -> bool:
    return "\n" not in paragraph and len(paragraph) <= 80 and not paragraph.rstrip().endswith((".", "!", "?", "…"))


def ambition(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    title = draft.text_of(c.title)
    draft.add(irm_value_sentence(draft, "ambition", c.irm.ambition,
                                 t._("Ambition of {id} ({title}) according to the IRM: {{value}}.", id=c.id,
                                     title=title),
                                 t._("Ambition of {id} ({title}): {{value}}.", id=c.id, title=title)))
    if c.irm.potential_impact:
        draft.add(irm_value_sentence(draft, "potential_impact", c.irm.potential_impact,
                                     t._("Potential impact: {value}."), t._("Potential impact: {value}.")))
    reports = report_names(draft, index, c)
    if reports:
        draft.add(t._("IRM reports: {reports}.", reports=t.join(reports)))
    draft.source(commitment_url(draft, c))


def verifiability(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    key = c.irm.verifiable
    if key == "yes":
        draft.add(t._("Yes: {id} ({title}) is verifiable: the IRM found it specific enough to verify.", id=c.id,
                      title=draft.text_of(c.title)))
    elif key == "no":
        draft.add(t._("No: {id} ({title}) is not verifiable: the IRM found it not specific enough to verify.", id=c.id,
                      title=draft.text_of(c.title)))
    else:
        draft.add(t._("Verifiable: {value} (IRM) for {id}.", id=c.id,
                      value=label("irm_state", key, draft.lang) if key else t._("not assessed")))
    draft.source(commitment_url(draft, c))


def relevance(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    values = [v for v in c.irm.relevance if v not in IRM_STATES]
    named = [label("relevance", v, draft.lang) for v in values if v not in ("relevant", "not_relevant")]
    title = draft.text_of(c.title)
    if "not_relevant" in values:
        draft.add(t._("No: the IRM found {id} ({title}) not relevant to OGP values.", id=c.id, title=title))
    elif named:
        draft.add(t._("Yes: the IRM found {id} ({title}) relevant to OGP values: {values}.", id=c.id, title=title,
                      values=t.join(named)))
    elif "relevant" in values:
        draft.add(t._("Yes: the IRM found {id} ({title}) relevant to OGP values.", id=c.id, title=title))
    else:
        state = [v for v in c.irm.relevance if v in IRM_STATES]
        draft.add(t._("Relevance to OGP values of {id}: {value}.", id=c.id,
                      value=label("irm_state", state[0], draft.lang) if state else t._("not assessed")))
    summary = draft.text_of(c.irm.midterm_summary)
    sentence = sentence_with(summary, ("pertinent", "relevant"))
    if sentence:
        draft.add(t._("IRM: {summary}", summary=sentence))
    draft.source(commitment_url(draft, c))


def early_results(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    title = draft.text_of(c.title)
    draft.add(irm_value_sentence(
        draft, "early_results", c.irm.early_results,
        t._("Early results of {id} ({title}) — did it open government? {{value}}.", id=c.id, title=title),
        t._("Early results of {id} ({title}) — did it open government? {{value}}.", id=c.id, title=title)))
    if c.irm.starred == "yes":
        draft.add(t._("Starred: yes — it is a starred commitment."))
    elif c.irm.starred == "no":
        draft.add(t._("Starred: no — it was not starred."))
    elif c.irm.starred:
        draft.add(t._("Starred: not known yet ({value}).", value=label("irm_state", c.irm.starred, draft.lang)))
    else:
        draft.add(t._("Starred: not known — the data I have does not say whether {id} is starred.", id=c.id))
    reports = report_names(draft, index, c)
    if reports:
        draft.add(t._("IRM reports: {reports}.", reports=t.join(reports)))
    draft.source(commitment_url(draft, c))


def irm_reports(draft: Draft, index: Index, c: Commitment) -> None:
    t = draft.t
    reports = report_names(draft, index, c)
    if reports:
        draft.add(t.ngettext("IRM report covering {id} ({title}): {reports}.",
                             "IRM reports covering {id} ({title}): {reports}.", len(reports), id=c.id,
                             title=draft.text_of(c.title), reports=t.join(reports)))
    else:
        draft.add(t._("No IRM report covers {id} yet (pending IRM review).", id=c.id))
    draft.source(commitment_url(draft, c))
