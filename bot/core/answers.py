"""Answers in the reader's language: short and exact first, then the detail, then the source.

Every sentence goes through gettext; controlled values are rendered from the vocabulary labels;
dates, numbers and lists are formatted with babel. When a text exists only in another language,
it is used and the answer says which language it is in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.common.i18n import SUPPORTED, Translator, translator
from bot.common.textnorm import strip_accents
from bot.common.vocab import vocabulary
from bot.core.index import Index, plan_years
from bot.core.textlang import written_in
from bot.core.types import Button
from bot.dataset.schema import CommitmentRecord, Dataset, MilestoneRecord

IRM_STATES = ("pending_irm_review", "no_irm_data", "not_reviewed")
OTHER_LANGUAGE = {"en": "fr", "fr": "en"}


@dataclass
class Reply:
    """An answer being written: lines, sources, buttons, and the other languages of texts it shows."""

    lang: str
    lines: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    borrowed: set[str] = field(default_factory=set)  # languages (other than `lang`) of texts shown

    @property
    def t(self) -> Translator:
        return answer_translator(self.lang)

    def add(self, line: str) -> None:
        if line:
            self.lines.append(line)

    def paragraph(self, text: str) -> None:
        """A text set apart by blank lines (a quoted summary)."""
        if text:
            self.lines += ["", text, ""]

    def text_of(self, texts: dict[str, str]) -> str:
        """The text written in the reader's language, else one in another language (the note names it).

        Texts are filed under the language of the page they come from, which is not always theirs
        (an English page gives a Spanish title): what counts is the language the text is written in."""
        fallback: tuple[str, str] | None = None
        for filed in dict.fromkeys((self.lang, OTHER_LANGUAGE.get(self.lang, "en"), *texts)):
            text = texts.get(filed)
            if not text:
                continue
            lang = written_in(text, filed, *(key for key, other in texts.items() if other == text and key != filed))
            if lang == self.lang:
                return text
            fallback = fallback or (text, lang)
        if fallback is None:
            return ""
        self.borrowed.add(fallback[1])
        return fallback[0]

    def source(self, url: str | None) -> None:
        if url and url not in self.sources:
            self.sources.append(url)

    def render(self) -> str:
        t = self.t
        lines = list(self.lines)
        if self.borrowed:
            languages = t.join([_in_language(t, lang) for lang in sorted(self.borrowed)])
            lines.append(t._("(Some of this text exists only {languages}.)", languages=languages))
        if self.sources:
            lines.append(t._("Source: {urls}", urls=" ".join(self.sources)))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# -- French elision -------------------------------------------------------------------------------------

_ELIDABLE = re.compile(r"\b(de|que|le|la|jusque|lorsque|puisque) \{(\w+)\}", re.IGNORECASE)


def starts_with_vowel_sound(value: str) -> bool:
    """'IE0014', 'UA0012', 'Irlande', 'HN0012' (read 'ache-enne'): yes; 'FR0038', 'Honduras', '2018': no.

    An id or acronym is read letter by letter, so H and Y (« ache », « i grec ») sound as vowels there;
    in a word they may not (le Honduras, le Yémen)."""
    word = value.lstrip("«“\"'( ")
    if not word:
        return False
    first = strip_accents(word[0]).lower()
    if first in "aeiou":
        return True
    read_as_letters = len(word) > 1 and (word[1].isupper() or word[1].isdigit())
    return first in "hy" and read_as_letters


def elide(template: str, params: dict[str, object]) -> str:
    """'Premiers résultats de {id}' with id='IE0014' → 'Premiers résultats d'{id}': "de", "que", "le", "la"
    before a value that starts with a vowel sound."""

    def one(match: re.Match[str]) -> str:
        value = params.get(match.group(2))
        if isinstance(value, str) and starts_with_vowel_sound(value):
            return f"{match.group(1)[:-1]}'{{{match.group(2)}}}"
        return match.group(0)

    return _ELIDABLE.sub(one, template)


class ElidingTranslator(Translator):
    """The French translator of answers: its templates elide before the values put into them."""

    def gettext(self, message: str, **params: object) -> str:
        text = super().gettext(message)
        return elide(text, params).format(**params) if params else text

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return elide(text, params).format(n=self.number(n), **params)


@functools.cache
def answer_translator(lang: str) -> Translator:
    return ElidingTranslator(lang) if lang == "fr" else translator(lang)


def _in_language(t: Translator, lang: str) -> str:
    """'in Spanish' / 'en espagnol': French repeats « en » before each language of a list."""
    names = {"en": t._("in English"), "fr": t._("in French"), "es": t._("in Spanish")}
    return names.get(lang, lang)


def label(kind: str, key: str | None, lang: str) -> str:
    """A vocabulary value in the reader's language (IRM states such as 'pending' included)."""
    if key is None:
        return ""
    vocab = vocabulary()
    if vocab.has("irm_state", key):
        return vocab.label("irm_state", key, lang)
    return vocab.label(kind, key, lang)


def heading(reply: Reply, index: Index, c: CommitmentRecord) -> str:
    return f"{c.id} — {reply.text_of(c.title)}"


def commitment_url(reply: Reply, c: CommitmentRecord) -> str | None:
    return c.urls.get(reply.lang) or c.urls.get("en") or next(iter(c.urls.values()), None)


def plan_title(reply: Reply, index: Index, c: CommitmentRecord) -> str:
    plan = index.plans.get(c.action_plan or "")
    return reply.text_of(plan.title) if plan else ""


def member_name(reply: Reply, index: Index, member_id: str) -> str:
    member = index.members.get(member_id)
    return reply.text_of(member.name) if member else member_id


def report_names(reply: Reply, index: Index, c: CommitmentRecord) -> list[str]:
    """The names of the IRM reports on a commitment, each in the reader's language when the data has it."""
    known = _report_names(index.dataset)
    return [reply.text_of(known.get(next(iter(r.values())), r)) for r in c.irm.reports
            if r and not _is_pending_report(r)]


def _is_pending_report(report: dict[str, str]) -> bool:
    return any(vocabulary().lookup("irm_state", text, fuzzy=False) for text in report.values())


_REPORT_NAMES: dict[int, tuple[Dataset, dict[str, dict[str, str]]]] = {}


def _report_names(dataset: Dataset) -> dict[str, dict[str, str]]:
    """Every name of an IRM report → the report's names by the language they are written in.

    One report has the same names on every commitment it covers, but a commitment's page may give only
    some of them: the French page of FR0040 gives "France Design Report 2018-2020" (its English name, left
    untranslated), the French page of FR0038 "Rapport de conception France 2018-2020". Names given together
    on one page are names of one report; a name that some page files under English is English."""
    cached = _REPORT_NAMES.get(id(dataset))
    if cached and cached[0] is dataset:
        return cached[1]
    reports = [r for c in dataset.commitments for r in c.irm.reports if r and not _is_pending_report(r)]
    english = {r["en"] for r in reports if r.get("en")}
    same: dict[str, str] = {}  # union-find: a name → a name of the same report

    def root(name: str) -> str:
        while same.setdefault(name, name) != name:
            name = same[name]
        return name

    for r in reports:
        first, *others = r.values()
        for other in others:
            same[root(other)] = root(first)
    by_language: dict[str, dict[str, str]] = {}
    for r in reports:
        names = by_language.setdefault(root(next(iter(r.values()))), {})
        for filed, name in sorted(r.items(), key=lambda item: item[0] != "en"):
            lang = "en" if name in english else written_in(name, filed)
            names.setdefault(lang, name)
    table = {name: by_language[root(name)] for name in same}
    _REPORT_NAMES.clear()
    _REPORT_NAMES[id(dataset)] = (dataset, table)
    return table


def institution_names(reply: Reply, institutions: list[dict[str, str]]) -> list[str]:
    return [reply.text_of(i) for i in institutions if i]


def completion(c: CommitmentRecord) -> tuple[str | None, str]:
    """The most final completion known, and where it comes from."""
    for key, source in ((c.irm.completion_end, "end"), (c.irm.completion_midterm, "midterm"),
                        (c.irm.completion, "glance")):
        if key and key not in IRM_STATES:
            return key, source
    for key in (c.irm.completion_end, c.irm.completion_midterm, c.irm.completion):
        if key:
            return key, "state"
    return None, "none"


def completion_sentence(reply: Reply, c: CommitmentRecord) -> str:
    t = reply.t
    key, source = completion(c)
    value = label("completion", key, reply.lang)
    if source == "end":
        return t._("Completion at the end of the action plan (IRM): {value}.", value=value)
    if source == "midterm":
        return t._("Completion at mid-term (IRM): {value}.", value=value)
    if source == "glance":
        return t._("Completion (IRM): {value}.", value=value)
    if source == "state":
        return t._("Completion: {value}.", value=value)
    return t._("The IRM has published no completion level for it.")


def irm_value_sentence(reply: Reply, kind: str, key: str | None, known: str, unknown: str) -> str:
    """`known` with {value} when the IRM gave a value; `unknown` when it did not or has not yet."""
    if key and key not in IRM_STATES:
        return known.format(value=label(kind, key, reply.lang))
    state = label("irm_state", key, reply.lang) if key else reply.t._("not assessed")
    return unknown.format(value=state)


# -- one renderer per intent --------------------------------------------------------------------------


def overview(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    reply.add(heading(reply, index, c))
    plan = plan_title(reply, index, c)
    if plan and c.number:
        reply.add(t._("Commitment {number} of {plan}.", number=c.number, plan=plan))
    elif plan:
        reply.add(t._("Part of {plan}.", plan=plan))
    lead = institution_names(reply, c.lead_institutions)
    if lead:
        reply.add(t._("Lead: {lead}.", lead=t.join(lead)))
    description = reply.text_of(c.description)
    if description:
        reply.add(description)
    facts = [completion_sentence(reply, c)]
    if c.irm.ambition and c.irm.ambition not in IRM_STATES:
        facts.append(t._("Ambition: {value}.", value=label("ambition", c.irm.ambition, reply.lang)))
    if c.irm.potential_impact and c.irm.potential_impact not in IRM_STATES:
        facts.append(t._("Potential impact: {value}.",
                         value=label("potential_impact", c.irm.potential_impact, reply.lang)))
    reply.add(" ".join(facts))
    if c.milestones:
        numbers = [m.number for m in c.milestones]
        reply.add(t.ngettext("{n} milestone: {numbers}.", "{n} milestones: {numbers}.", len(numbers),
                             numbers=t.join(numbers)))
        reply.buttons.append(Button(t._("Milestones"), "intent", ("milestones", c.id)))
    reply.buttons.append(Button(t._("Status"), "intent", ("commitment_status", c.id)))
    reply.buttons.append(Button(t._("Who leads it?"), "intent", ("lead_institution", c.id)))
    reply.source(commitment_url(reply, c))


def status(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    reply.add(t._("{subject}: {statement}", subject=heading(reply, index, c), statement=completion_sentence(reply, c)))
    if c.status:
        reply.add(t._("Status on the OGP page: {value}.", value=label("status", c.status, reply.lang)))
    done = [m for m in c.milestones if m.status]
    if done:
        reply.add(t._("Milestones: {list}.", list=t.join(
            [f"{m.number} {label('completion', m.status, reply.lang)}" for m in done])))
    irm_summary(reply, c)
    reports = report_names(reply, index, c)
    if reports:
        reply.add(t._("IRM reports: {reports}.", reports=t.join(reports)))
    reply.source(commitment_url(reply, c))


def irm_summary(reply: Reply, c: CommitmentRecord) -> None:
    """The IRM's summary of how the commitment went (end of term, else mid-term) as a quoted paragraph,
    without the completion line it starts with when the answer has already given that level."""
    t = reply.t
    for texts, source, sentence in (
            (c.irm.end_summary, t._("IRM end-of-term report"),
             t._("Completion at the end of the action plan (IRM): {value}.")),
            (c.irm.midterm_summary, t._("IRM mid-term report"), t._("Completion at mid-term (IRM): {value}."))):
        text = reply.text_of(texts)
        if not text:
            continue
        stated, excerpt = _summary_excerpt(text)
        if stated and stated != completion(c)[0]:
            reply.add(sentence.format(value=label("completion", stated, reply.lang)))
        if excerpt:
            reply.paragraph(t._("{source}: “{quote}”", source=source, quote=excerpt))
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
            return stated, _shorten_to_sentences(paragraph, limit)
    return stated, ""


def _is_heading(paragraph: str) -> bool:
    return "\n" not in paragraph and len(paragraph) <= 80 and not paragraph.rstrip().endswith((".", "!", "?", "…"))


def milestone_status(reply: Reply, index: Index, c: CommitmentRecord, m: MilestoneRecord) -> None:
    t = reply.t
    text = reply.text_of(m.text)
    title = f" — {_shorten(text, 160).rstrip('.;:')}" if text else ""
    if m.status:
        reply.add(t._("Milestone {number} of {id}{title}: {status}.", number=m.number, id=c.id, title=title,
                      status=label("completion", m.status, reply.lang)))
    else:
        reply.add(t._("Milestone {number} of {id}{title}: the IRM gave it no status of its own.",
                      number=m.number, id=c.id, title=title))
        reply.add(completion_sentence(reply, c))
    note = reply.text_of(m.status_note)
    if note:
        where = {"irm_end_of_term": t._("IRM end-of-term report"), "irm_midterm": t._("IRM mid-term report")}
        source = where.get(m.status_source or "") or t._("IRM")
        reply.add(t._("{source}: “{quote}”", source=source, quote=note))
    if m.start or m.end:
        reply.add(_dates_sentence(reply, m.start, m.end))
    reply.source(commitment_url(reply, c))


def missing_milestone(reply: Reply, index: Index, c: CommitmentRecord, number: str) -> None:
    t = reply.t
    numbers = [m.number for m in c.milestones]
    if numbers:
        reply.add(t._("{id} has no milestone {number}. Its milestones are {numbers}.", id=c.id, number=number,
                      numbers=t.join(numbers)))
    else:
        reply.add(t._("{id} has no milestones in the data I have.", id=c.id))
    reply.source(commitment_url(reply, c))


def milestones(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    if not c.milestones:
        reply.add(t._("{id} ({title}) has no milestones in the data I have.", id=c.id, title=reply.text_of(c.title)))
        reply.source(commitment_url(reply, c))
        return
    reply.add(t.ngettext("{id} ({title}) has {n} milestone:", "{id} ({title}) has {n} milestones:",
                         len(c.milestones), id=c.id, title=reply.text_of(c.title)))
    for m in c.milestones:
        line = f"{m.number} — {_shorten(reply.text_of(m.text), 200)}"
        if m.status:
            line += f" ({label('completion', m.status, reply.lang)})"
        reply.add(line)
        reply.buttons.append(Button(m.number, "milestone", (c.id, m.number)))
    reply.source(commitment_url(reply, c))


def lead_institution(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    names = institution_names(reply, c.lead_institutions)
    if names:
        reply.add(t.ngettext("{id} ({title}) is led by {names}.", "{id} ({title}) is led by {names}.", len(names),
                             id=c.id, title=reply.text_of(c.title), names=t.join(names)))
    else:
        reply.add(t._("The OGP page of {id} names no lead institution.", id=c.id))
    reply.source(commitment_url(reply, c))


def support_institutions(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    names = institution_names(reply, c.support_institutions)
    if names:
        reply.add(t.ngettext("{id} ({title}) is supported by {names}.", "{id} ({title}) is supported by {names}.",
                             len(names), id=c.id, title=reply.text_of(c.title), names=t.join(names)))
    else:
        reply.add(t._("The OGP page of {id} names no supporting institution.", id=c.id))
    lead = institution_names(reply, c.lead_institutions)
    if lead:
        reply.add(t._("Lead: {lead}.", lead=t.join(lead)))
    reply.source(commitment_url(reply, c))


def policy_areas(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    areas = [label("policy_area", key, reply.lang) for key in c.policy_areas]
    extra = {a.key: a.label for a in index.dataset.policy_areas}
    areas = [reply.text_of(extra[key]) if key in extra and label("policy_area", key, reply.lang) == key else area
             for key, area in zip(c.policy_areas, areas, strict=True)]
    if areas:
        reply.add(t._("Policy areas of {id} ({title}): {areas}.", id=c.id, title=reply.text_of(c.title),
                      areas=t.join(areas)))
    else:
        reply.add(t._("The OGP page of {id} lists no policy area.", id=c.id))
    reply.source(commitment_url(reply, c))


def ambition(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    title = reply.text_of(c.title)
    reply.add(irm_value_sentence(reply, "ambition", c.irm.ambition,
                                 t._("Ambition of {id} ({title}) according to the IRM: {{value}}.", id=c.id,
                                     title=title),
                                 t._("Ambition of {id} ({title}): {{value}}.", id=c.id, title=title)))
    if c.irm.potential_impact:
        reply.add(irm_value_sentence(reply, "potential_impact", c.irm.potential_impact,
                                     t._("Potential impact: {value}."), t._("Potential impact: {value}.")))
    reports = report_names(reply, index, c)
    if reports:
        reply.add(t._("IRM reports: {reports}.", reports=t.join(reports)))
    reply.source(commitment_url(reply, c))


def verifiability(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    key = c.irm.verifiable
    if key == "yes":
        reply.add(t._("Yes: the IRM found {id} ({title}) specific enough to be verifiable.", id=c.id,
                      title=reply.text_of(c.title)))
    elif key == "no":
        reply.add(t._("No: the IRM found {id} ({title}) not specific enough to be verifiable.", id=c.id,
                      title=reply.text_of(c.title)))
    else:
        reply.add(t._("Verifiable: {value} (IRM) for {id}.", id=c.id,
                      value=label("irm_state", key, reply.lang) if key else t._("not assessed")))
    reply.source(commitment_url(reply, c))


def relevance(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    values = [v for v in c.irm.relevance if v not in IRM_STATES]
    named = [label("relevance", v, reply.lang) for v in values if v not in ("relevant", "not_relevant")]
    title = reply.text_of(c.title)
    if "not_relevant" in values:
        reply.add(t._("No: the IRM found {id} ({title}) not relevant to OGP values.", id=c.id, title=title))
    elif named:
        reply.add(t._("Yes: the IRM found {id} ({title}) relevant to OGP values: {values}.", id=c.id, title=title,
                      values=t.join(named)))
    elif "relevant" in values:
        reply.add(t._("Yes: the IRM found {id} ({title}) relevant to OGP values.", id=c.id, title=title))
    else:
        state = [v for v in c.irm.relevance if v in IRM_STATES]
        reply.add(t._("Relevance to OGP values of {id}: {value}.", id=c.id,
                      value=label("irm_state", state[0], reply.lang) if state else t._("not assessed")))
    summary = reply.text_of(c.irm.midterm_summary)
    sentence = _sentence_with(summary, ("pertinent", "relevant"))
    if sentence:
        reply.add(t._("IRM: {summary}", summary=sentence))
    reply.source(commitment_url(reply, c))


def early_results(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    title = reply.text_of(c.title)
    reply.add(irm_value_sentence(
        reply, "early_results", c.irm.early_results,
        t._("Early results of {id} ({title}) — did it open government? {{value}}.", id=c.id, title=title),
        t._("Early results of {id} ({title}) — did it open government? {{value}}.", id=c.id, title=title)))
    if c.irm.starred == "yes":
        reply.add(t._("Starred: yes — it is a starred commitment."))
    elif c.irm.starred == "no":
        reply.add(t._("Starred: no — it was not starred."))
    elif c.irm.starred:
        reply.add(t._("Starred: not known yet ({value}).", value=label("irm_state", c.irm.starred, reply.lang)))
    else:
        reply.add(t._("Starred: not known — the data I have does not say whether {id} is starred.", id=c.id))
    reports = report_names(reply, index, c)
    if reports:
        reply.add(t._("IRM reports: {reports}.", reports=t.join(reports)))
    reply.source(commitment_url(reply, c))


def _dates_sentence(reply: Reply, start: str | None, end: str | None) -> str:
    t = reply.t
    if start and end:
        return t._("Start: {start}. End: {end}.", start=t.partial_date(start), end=t.partial_date(end))
    if start:
        return t._("Start: {start}.", start=t.partial_date(start))
    return t._("End: {end}.", end=t.partial_date(end))


def dates(reply: Reply, index: Index, c: CommitmentRecord, m: MilestoneRecord | None = None) -> None:
    t = reply.t
    if m is not None and (m.start or m.end):
        reply.add(t._("Milestone {number} of {id}:", number=m.number, id=c.id) + " " +
                  _dates_sentence(reply, m.start, m.end))
        reply.source(commitment_url(reply, c))
        return
    start = c.start or min((x.start for x in c.milestones if x.start), default=None)
    end = c.end or max((x.end for x in c.milestones if x.end), default=None)
    plan = index.plans.get(c.action_plan or "")
    first, last = plan_years(plan) if plan else (None, None)
    if start or end:
        subject = f"{c.id} ({reply.text_of(c.title)})"
        reply.add(t._("{subject}: {statement}", subject=subject, statement=_dates_sentence(reply, start, end)))
    elif plan and first and last:
        reply.add(t._("The data gives no start or end date for {id} ({title}) itself.", id=c.id,
                      title=reply.text_of(c.title)))
    else:
        reply.add(t._("The OGP page of {id} gives no dates.", id=c.id))
    if plan and first and last:
        reply.add(t._("{id} is part of {plan}, which runs from {start} to {end}.", id=c.id,
                      plan=reply.text_of(plan.title), start=first, end=last))
    reply.source(commitment_url(reply, c))


def description(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    reply.add(heading(reply, index, c))
    summary = reply.text_of(c.description)
    if summary:
        reply.add(t._("{label}: {text}", label=t._("Objective"), text=without_label(summary, "Objective")))
    ambitions = reply.text_of(c.ambitions)
    if ambitions:
        reply.add(_shorten(ambitions, 600))
    elif reply.text_of(c.challenges):
        reply.add(_shorten(reply.text_of(c.challenges), 600))
    elif reply.text_of(c.description_full) and not summary:
        reply.add(_shorten(reply.text_of(c.description_full), 600))
    reply.source(commitment_url(reply, c))


def action_plan(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    plan = index.plans.get(c.action_plan or "")
    if plan is None:
        reply.add(t._("I do not know which action plan {id} belongs to.", id=c.id))
    else:
        first, last = plan_years(plan)
        title = reply.text_of(plan.title)
        years = f" ({first}–{last})" if first and last and str(first) not in title else ""
        if c.number:
            reply.add(t._("{id} ({title}) is commitment {number} of {plan}{years}.", id=c.id,
                          title=reply.text_of(c.title), number=c.number, plan=title, years=years))
        else:
            reply.add(t._("{id} ({title}) is part of {plan}{years}.", id=c.id, title=reply.text_of(c.title),
                          plan=title, years=years))
        if plan.cycle:
            reply.add(t._("Action plan cycle: {cycle}.", cycle=plan.cycle))
    reply.source(commitment_url(reply, c))


def irm_reports(reply: Reply, index: Index, c: CommitmentRecord) -> None:
    t = reply.t
    reports = report_names(reply, index, c)
    if reports:
        reply.add(t.ngettext("IRM report covering {id} ({title}): {reports}.",
                             "IRM reports covering {id} ({title}): {reports}.", len(reports), id=c.id,
                             title=reply.text_of(c.title), reports=t.join(reports)))
    else:
        reply.add(t._("No IRM report covers {id} yet (pending IRM review).", id=c.id))
    reply.source(commitment_url(reply, c))


RENDERERS: dict[str, Callable[[Reply, Index, CommitmentRecord], None]] = {
    "commitment_overview": overview,
    "commitment_status": status,
    "milestones": milestones,
    "lead_institution": lead_institution,
    "support_institutions": support_institutions,
    "policy_areas": policy_areas,
    "ambition": ambition,
    "verifiability": verifiability,
    "relevance": relevance,
    "early_results": early_results,
    "dates": dates,
    "description": description,
    "action_plan": action_plan,
    "irm_reports": irm_reports,
}


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _shorten_to_sentences(text: str, limit: int) -> str:
    """Whole sentences up to `limit` characters, "…" when some were left out."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return f"{kept} …" if kept else _shorten(text, limit)


def without_label(text: str, msgid: str) -> str:
    """'Objective: Increased release…' → 'Increased release…': a text that starts with the label the answer
    puts before it (`msgid` in any language of the answers, singular or plural) loses its own."""
    names = "|".join(re.escape(translator(lang).gettext(msgid)) for lang in SUPPORTED)
    return re.sub(rf"^\s*(?:{names})s?\s*:\s*", "", text, flags=re.IGNORECASE) or text


def _sentence_with(text: str, words: tuple[str, ...]) -> str:
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if any(w in sentence.lower() for w in words):
            return sentence.strip()
    return ""
