"""The import report as plain text in the reader's language (the CLI, and the admin's /import reply).

    Import applied: 2 added, 1 updated, 3 unchanged, 1 partial, 0 removed.
    FR0038 completion at end of term: (none) → substantial
"""

from __future__ import annotations

import json
from typing import Any

from bot.common.i18n import N_, Translator, translator
from bot.common.vocab import vocabulary
from bot.dataset.diff import FieldChange, shorten_pair
from bot.importing.pipeline import ImportReport

MAX_CHANGES = 40
MAX_VALUE = 70

# Dotted diff fields (language and milestone number taken out) -> how a reader calls them.
FIELD_LABELS = {
    "title": N_("title"), "short_title": N_("short title"), "status": N_("status"),
    "description": N_("description"), "description_full": N_("full description"), "challenges": N_("challenges"),
    "ambitions": N_("ambitions"), "roadmap": N_("road map"), "ogp_principles": N_("OGP principles"),
    "action_plan": N_("action plan"), "number": N_("number in the action plan"), "start": N_("start date"),
    "end": N_("end date"), "new_commitment": N_("new commitment"), "member": N_("member"),
    "lead_institutions": N_("lead institutions"), "support_institutions": N_("support institutions"),
    "policy_areas": N_("policy areas"), "urls": N_("source URL"), "partial": N_("partial page"),
    "identified_by": N_("identified by"), "irm.reports": N_("IRM reports"), "irm.verifiable": N_("verifiable"),
    "irm.relevance": N_("relevance to OGP values"), "irm.ambition": N_("ambition"),
    "irm.potential_impact": N_("potential impact"), "irm.completion": N_("completion"),
    "irm.completion_midterm": N_("completion at mid-term"), "irm.completion_end": N_("completion at end of term"),
    "irm.starred": N_("starred"), "irm.early_results": N_("early results"),
    "irm.midterm_summary": N_("IRM mid-term summary"), "irm.midterm_next_steps": N_("IRM next steps"),
    "irm.end_summary": N_("IRM end-of-term summary"), "milestones.text": N_("milestone {number}"),
    "milestones.start": N_("milestone {number} start"), "milestones.end": N_("milestone {number} end"),
    "milestones.status": N_("milestone {number} status"),
    "milestones.status_note": N_("milestone {number} IRM note"),
    "milestones.status_source": N_("milestone {number} note source"),
    "milestones.status_score": N_("milestone {number} note score"),
}
# Which vocabulary renders a field's keys.
VOCABULARY = {"status": "status", "policy_areas": "policy_area", "irm.verifiable": "yes_no",
              "irm.relevance": "relevance", "irm.ambition": "ambition", "irm.potential_impact": "potential_impact",
              "irm.completion": "completion", "irm.completion_midterm": "completion",
              "irm.completion_end": "completion", "irm.starred": "yes_no", "irm.early_results": "early_results",
              "milestones.status": "completion"}
LANGS = {"en", "fr", "es"}
# Bookkeeping a reader need not see: the note itself is listed when it changes.
HIDDEN = {"milestones.status_source", "milestones.status_score"}


def _split(name: str) -> tuple[str, str | None, str | None]:
    """'milestones.9.2.status_note.fr' -> ('milestones.status_note', '9.2', 'fr')."""
    parts = name.split(".")
    lang = parts.pop() if parts[-1] in LANGS and len(parts) > 1 else None
    if parts[0] == "milestones" and len(parts) > 2:
        return f"milestones.{parts[-1]}", ".".join(parts[1:-1]), lang
    return ".".join(parts), None, lang


def field_label(name: str, t: Translator) -> str:
    key, number, lang = _split(name)
    label = FIELD_LABELS.get(key)
    text = t._(label, number=number or "") if label else name
    return f"{text} ({lang})" if lang else text


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def value_text(name: str, value: Any, t: Translator) -> str:
    text = _full_text(name, value, t)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1].rstrip() + "…"


def value_texts(name: str, before: Any, after: Any, t: Translator) -> tuple[str, str]:
    """Both sides of a change, shortened around their first difference so that the change shows; written out
    (quotes, line breaks) when they read the same once their spacing is tidied."""
    old, new = _full_text(name, before, t), _full_text(name, after, t)
    if old == new:
        old, new = json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False)
    return shorten_pair(old, new, MAX_VALUE)


def _full_text(name: str, value: Any, t: Translator) -> str:
    if value is None or value == [] or value == "" or value == {}:
        return t._("(none)")
    key, _, _ = _split(name)
    kind = VOCABULARY.get(key)
    vocab = vocabulary()

    def one(v: Any) -> str:
        if kind and isinstance(v, str):
            term = vocab.term(kind, v) or vocab.term("irm_state", v)
            if term:
                return _first_lower(term.label(t.lang))
        if isinstance(v, dict):
            return str(v.get(t.lang) or v.get("en") or next(iter(v.values()), ""))
        if isinstance(v, bool):
            return t._("yes") if v else t._("no")
        return str(v)

    text = t.join([one(v) for v in value]) if isinstance(value, list) else one(value)
    return " ".join(text.split())


def change_line(commitment: str, change: FieldChange, t: Translator) -> str:
    before, after = value_texts(change.field, change.before, change.after, t)
    return t._("{id} {field}: {before} → {after}", id=commitment, field=field_label(change.field, t),
               before=before, after=after)


def render_summary(report: ImportReport, lang: str = "en", *, max_changes: int = MAX_CHANGES) -> str:
    """Counts, then field-by-field changes, partial records, identified legacy pages, refused files."""
    t = translator(lang)
    counts = report.counts
    applied = report.result is not None and report.result.version_after != report.result.version_before
    if report.dry_run:
        head = t._("Dry run, nothing was changed: {added} would be added, {updated} updated, {unchanged} "
                   "unchanged, {partial} partial, {removed} removed.")
    elif applied:
        head = t._("Import applied: {added} added, {updated} updated, {unchanged} unchanged, {partial} partial, "
                   "{removed} removed.")
    else:
        head = t._("Nothing to change: {unchanged} unchanged, {partial} partial.")
    lines = [head.format(**{k: t.number(v) for k, v in counts.items()})]
    if applied and report.result:
        lines.append(t._("Data version {before} → {after}.", before=report.result.version_before,
                         after=report.result.version_after))
    changes: list[str] = []
    for change in report.result.changes if report.result else []:
        if change.kind == "added":
            changes.append(t._("{id}: added", id=change.commitment))
        elif change.kind == "removed":
            changes.append(t._("{id}: removed", id=change.commitment))
        else:
            changes.extend(change_line(change.commitment, f, t) for f in change.fields
                           if _split(f.field)[0] not in HIDDEN)
    lines.extend(changes[:max_changes])
    if len(changes) > max_changes:
        lines.append(t._("… and {n} more changes.", n=t.number(len(changes) - max_changes)))
    if report.partial_records:
        lines.append(t._("Partial (truncated pages, to be completed by fuller ones): {ids}.",
                         ids=t.join(report.partial_records)))
    for name, commitment, how in report.identifications:
        lines.append(t._("{file}: identified as {id} ({how}).", file=name, id=commitment, how=how))
    for warning in report.member_warnings:  # a member data/members.json lacks, vouched for by its OGP address
        lines.append(t._("Warning: {warning}", warning=str(warning)))
    refused = [f for f in report.files if f.status == "refused"]
    if refused:
        lines.append(t._("Refused ({n}):", n=t.number(len(refused))))
        lines.extend(f"- {f.name}: {f.reason}" for f in refused)
    return "\n".join(lines)
