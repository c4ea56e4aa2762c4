"""Where a crawl stands (CrawlProgress), what it did (CrawlSummary), and the data changes of its batches folded
into one diff (a commitment changed by two batches is one change: first value before, last value after)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.dataset.diff import CommitmentChange, FieldChange
from bot.services.refresh import SourceFailure


@dataclass(frozen=True)
class CrawlProgress:
    """Commitment pages: seen (found, in scope, allowed by robots.txt), fetched (asked for: unchanged + changed +
    failed), unchanged (304, or the same bytes), changed (new content, sent to the importer); failed counts every
    page that failed (sitemaps and listings too); disallowed: left alone by robots.txt."""

    seen: int = 0
    fetched: int = 0
    unchanged: int = 0
    changed: int = 0
    failed: int = 0
    disallowed: int = 0
    batches: int = 0  # batches applied (each a line of /history)
    requests: int = 0  # HTTP requests made by this process (redirects and retries included)
    elapsed_seconds: float = 0.0
    eta_seconds: float | None = None  # None: too early to tell
    resumed: bool = False  # the run is one an earlier crawl had begun


@dataclass
class CrawlSummary:
    run_id: int | None
    status: str  # finished | paused (--max-pages reached) | failed (could not run) | interrupted
    resumed: bool
    progress: CrawlProgress
    changes: list[CommitmentChange] = field(default_factory=list)  # every batch's, folded
    version_before: int | None = None
    version_after: int | None = None
    batches: list[int] = field(default_factory=list)  # their /history lines (those that changed nothing too)
    applied_batches: list[int] = field(default_factory=list)  # the lines of /history that changed the data
    partial: list[str] = field(default_factory=list)  # commitments imported from truncated pages
    failures: list[SourceFailure] = field(default_factory=list)
    error: SourceFailure | None = None  # why the crawl could not run

    @property
    def added(self) -> int:
        return sum(1 for c in self.changes if c.kind == "added")

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if c.kind == "changed")

    @property
    def applied(self) -> bool:
        return self.version_after is not None and self.version_after != self.version_before


def fold_changes(so_far: dict[str, CommitmentChange], batch: list[CommitmentChange]) -> None:
    """Lay one batch's changes over those of the earlier batches (a crawl merges: nothing is ever removed)."""
    for change in batch:
        earlier = so_far.get(change.commitment)
        if earlier is None:
            so_far[change.commitment] = CommitmentChange(change.commitment, change.kind, list(change.fields))
        elif earlier.kind == "changed":
            before = {f.field: f.before for f in earlier.fields}
            after = {f.field: f.after for f in earlier.fields}
            for f in change.fields:
                before.setdefault(f.field, f.before)
                after[f.field] = f.after
            earlier.fields = [FieldChange(name, before[name], after[name]) for name in sorted(after)
                              if before[name] != after[name]]
            if not earlier.fields:  # changed, then changed back
                del so_far[change.commitment]
