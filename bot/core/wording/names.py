"""Things named in the reader's language: vocabulary values, commitments, plans, members, institutions and
IRM reports."""

from __future__ import annotations

from bot.common.i18n import localized
from bot.common.vocab import vocabulary
from bot.core.index import Index
from bot.core.records import Commitment, Dataset
from bot.core.textlang import written_in
from bot.core.wording.draft import Draft
from bot.dataset.members import members


def label(kind: str, key: str | None, lang: str) -> str:
    """A vocabulary value in the reader's language (IRM states such as 'pending' included)."""
    if key is None:
        return ""
    vocab = vocabulary()
    if vocab.has("irm_state", key):
        return vocab.label("irm_state", key, lang)
    return vocab.label(kind, key, lang)


def heading(draft: Draft, index: Index, c: Commitment) -> str:
    return f"{c.id} — {draft.text_of(c.title)}"


def commitment_url(draft: Draft, c: Commitment) -> str | None:
    return localized(c.urls, draft.lang) or None


def plan_title(draft: Draft, index: Index, c: Commitment) -> str:
    plan = index.plans.get(c.action_plan or "")
    return draft.text_of(plan.title) if plan else ""


def member_url(index: Index, member_id: str) -> str:
    """The member's OGP page (on the configured OGP site)."""
    return f"{index.site}/members/{member_id}/"


def member_name(draft: Draft, index: Index, member_id: str) -> str:
    """The member's name in the reader's language: the dataset's, else the member directory's (data/members.json
    names every member in English, French and Spanish), else the dataset's in another language."""
    member = index.members.get(member_id)
    if member and member.name.get(draft.lang):
        return member.name[draft.lang]
    known = members().get(member_id)
    if known and known.name.get(draft.lang):
        return known.name[draft.lang]
    return draft.text_of(member.name) if member else member_id


def report_names(draft: Draft, index: Index, c: Commitment) -> list[str]:
    """The names of the IRM reports on a commitment, each in the reader's language when the data has it."""
    known = _report_names(index.dataset)
    return [draft.text_of(known.get(next(iter(r.values())), r)) for r in c.irm.reports
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


def institution_names(draft: Draft, institutions: list[dict[str, str]]) -> list[str]:
    return [draft.text_of(i) for i in institutions if i]

