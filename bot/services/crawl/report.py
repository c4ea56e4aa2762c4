"""A crawl's progress and summary as text in the reader's language (the admin's message in Telegram, and the
command line in English).

    OGP crawl running… (resumed)
    Pages seen: 1,234 — fetched: 800
    Unchanged 700 · changed 90 · failed 10
    Time left: about 7 min
"""

from __future__ import annotations

import math

from bot.common.i18n import Translator, translator
from bot.importing.summary import change_line
from bot.services.crawl.progress import CrawlProgress, CrawlSummary

MAX_CHANGES = 40
MAX_FAILURES = 30
MAX_PARTIAL = 20
HIDDEN_MILESTONE_FIELDS = (".status_source", ".status_score")  # bookkeeping, as in /refresh's summary


def duration(seconds: float, t: Translator) -> str:
    """'about 40 s', 'about 7 min', 'about 2 h 5 min'."""
    seconds = max(0, math.ceil(seconds))
    if seconds < 60:
        return t._("about {seconds} s", seconds=seconds)
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return t._("about {minutes} min", minutes=minutes)
    return t._("about {hours} h {minutes} min", hours=minutes // 60, minutes=minutes % 60)


def counts_line(p: CrawlProgress, t: Translator) -> str:
    return t._("Unchanged {unchanged} · changed {changed} · failed {failed}", unchanged=t.number(p.unchanged),
               changed=t.number(p.changed), failed=t.number(p.failed))


def render_progress(p: CrawlProgress, lang: str, *, over: bool = False) -> str:
    """The figures so far (`over`: the last ones, the summary follows)."""
    t = translator(lang)
    if over:
        head = t._("OGP crawl over: the summary follows.")
    else:
        head = t._("OGP crawl running… (resumed)") if p.resumed else t._("OGP crawl running…")
    lines = [head,
             t._("Pages seen: {seen} — fetched: {fetched}", seen=t.number(p.seen), fetched=t.number(p.fetched)),
             counts_line(p, t)]
    if p.batches and not over:
        lines.append(t.ngettext("{n} batch applied so far", "{n} batches applied so far", p.batches))
    if over:
        pass
    elif p.eta_seconds is None:
        lines.append(t._("Time left: not known yet"))
    else:
        lines.append(t._("Time left: {time}", time=duration(p.eta_seconds, t)))
    return "\n".join(lines)


def progress_line(p: CrawlProgress) -> str:
    """One line for the command line (English, like its other output)."""
    left = f", about {duration(p.eta_seconds, translator('en')).removeprefix('about ')} left" \
        if p.eta_seconds is not None else ""
    return (f"crawl: {p.seen} seen, {p.fetched} fetched ({p.unchanged} unchanged, {p.changed} changed, "
            f"{p.failed} failed){left}")


def render_summary(s: CrawlSummary, lang: str) -> str:
    """The head line by outcome, the figures, the data changes (like /refresh's summary), the failures."""
    t = translator(lang)
    p = s.progress
    if s.error is not None:
        return t._("OGP crawl not run: {reason}", reason=f"{s.error.source}: {s.error.reason(t)}")
    if s.status == "paused":
        lines = [t._("OGP crawl paused at the page limit: the next crawl goes on from here.")]
    elif s.status == "interrupted":
        lines = [t._("OGP crawl interrupted: the next crawl goes on from here.")]
    else:
        lines = [t._("OGP crawl finished.")]
    if s.resumed:
        lines.append(t._("(It went on with the crawl that had stopped before.)"))
    lines.append(t._("Pages seen: {seen} — fetched: {fetched}", seen=t.number(p.seen), fetched=t.number(p.fetched)))
    lines.append(counts_line(p, t))
    if p.disallowed:
        lines.append(t.ngettext("{n} page left alone (robots.txt)", "{n} pages left alone (robots.txt)",
                                p.disallowed))
    lines.append(_data_line(s, t))
    changes = _change_lines(s, t)
    lines.extend(changes[:MAX_CHANGES])
    if len(changes) > MAX_CHANGES:
        lines.append(t._("… and {n} more changes.", n=t.number(len(changes) - MAX_CHANGES)))
    if s.partial:
        shown = t.join(s.partial[:MAX_PARTIAL])
        more = len(s.partial) - MAX_PARTIAL
        lines.append(t._("Partial (truncated pages, to be completed by fuller ones): {ids}.", ids=shown)
                     if more <= 0 else
                     t._("Partial (truncated pages, to be completed by fuller ones): {ids} and {n} more.", ids=shown,
                         n=t.number(more)))
    if s.failures:
        lines.append(t._("Failed ({n}):", n=t.number(len(s.failures))))
        lines.extend(f"- {f.source}: {f.reason(t)}" for f in s.failures[:MAX_FAILURES])
        if len(s.failures) > MAX_FAILURES:
            lines.append(t._("… and {n} more.", n=t.number(len(s.failures) - MAX_FAILURES)))
    return "\n".join(lines)


def _data_line(s: CrawlSummary, t: Translator) -> str:
    if not s.applied:
        return t._("Nothing to change in the data.")
    lines = s.applied_batches or s.batches
    batches = t.ngettext("{n} batch", "{n} batches", len(lines))
    first, last = (lines[0], lines[-1]) if lines else (0, 0)
    where = f"#{first}" if first == last else f"#{first}–#{last}"
    return t._("Data applied in {batches} (/history {lines}): {added} added, {updated} updated; version {before} → "
               "{after}.", batches=batches, lines=where, added=t.number(s.added), updated=t.number(s.updated),
               before=s.version_before, after=s.version_after)


def _change_lines(s: CrawlSummary, t: Translator) -> list[str]:
    lines: list[str] = []
    for change in s.changes:
        if change.kind == "added":
            lines.append(t._("{id}: added", id=change.commitment))
        else:
            lines.extend(change_line(change.commitment, f, t) for f in change.fields
                         if not (f.field.startswith("milestones.") and f.field.endswith(HIDDEN_MILESTONE_FIELDS)))
    return lines
