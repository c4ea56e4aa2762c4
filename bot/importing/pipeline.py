"""The import, from files to the database: read every file, fold the pages into records, apply.

    run_import(engine, [InputFile(name, data), ...], actor="admin:42", max_bytes=...) -> ImportReport

is what the `import` command, the admin's /import (an uploaded file) and /refresh call. Bad input
is a DataError naming the file and the place in it, and nothing of the run is written, unless
`partial=True`: then the good files are imported and the report lists the refused ones.
`assemble` is the same fold without a database (the bundle, the benchmark).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine

from bot.dataset.diff import DatasetDiff, diff_commitments, diff_datasets
from bot.dataset.errors import DataError, Problem
from bot.dataset.load import LoadResult, apply
from bot.dataset.members import members
from bot.dataset.reader import decode_text, not_text, pydantic_problems, read_dataset_bytes
from bot.dataset.schema import (
    ActionPlanRecord,
    CommitmentRecord,
    Dataset,
    MemberRecord,
    PolicyAreaRecord,
    formula_problem,
    source_url_problem,
)
from bot.dataset.store import current_version
from bot.importing import csvfile, legacy, milestones_irm
from bot.importing.facts import PageFacts, from_page
from bot.importing.html import html_to_page, looks_like_html
from bot.importing.merge import (
    PlanBook,
    area_records,
    is_newer,
    lay_over,
    member_records,
    overlay,
    validate_record,
)
from bot.importing.pagetext import parse_page
from bot.importing.sources import InputFile, expand
from bot.storage.db import session_scope

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_IDENTITY = ("id", "member", "action_plan", "number", "title", "description")


@dataclass
class FileOutcome:
    name: str
    status: str  # imported | partial | refused | skipped
    kind: str  # page | html | legacy | csv | dataset | archive | other
    commitments: list[str] = field(default_factory=list)
    lang: str | None = None
    reason: str | None = None  # why refused, or why partial
    identified_by: str | None = None  # legacy pages: how the commitment was found


@dataclass
class ImportReport:
    files: list[FileOutcome]
    result: LoadResult | None
    problems: list[Problem] = field(default_factory=list)  # what was refused
    warnings: list[Problem] = field(default_factory=list)  # imported, with a doubt worth reading
    touched: list[str] = field(default_factory=list)  # commitments the files spoke about
    partial_records: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def member_warnings(self) -> list[Problem]:
        """Members imported that data/members.json does not have (see `member_problem`): for the summary."""
        return [w for w in self.warnings if w.where == "member"]

    @property
    def identifications(self) -> list[tuple[str, str, str]]:
        """(file, commitment, how) for every legacy page identified."""
        return [(f.name, f.commitments[0], f.identified_by) for f in self.files
                if f.identified_by and f.commitments]

    @property
    def counts(self) -> dict[str, int]:
        changes = {c.commitment: c.kind for c in self.result.changes} if self.result else {}
        touched = set(self.touched)
        return {"added": sum(1 for k in changes.values() if k == "added"),
                "updated": sum(1 for k in changes.values() if k == "changed"),
                "unchanged": len(touched - set(changes)),
                "partial": len(self.partial_records),
                "removed": sum(1 for k in changes.values() if k == "removed"),
                "refused": sum(1 for f in self.files if f.status == "refused")}


@dataclass
class Parsed:
    """One readable file: its pages (with ids), its legacy pages, or a canonical dataset."""

    name: str
    kind: str
    pages: list[PageFacts] = field(default_factory=list)
    legacy: list[PageFacts] = field(default_factory=list)
    dataset: Dataset | None = None


def _basename(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/").split(":")[-1]).name


def _decode_html(raw: bytes, name: str) -> bytes:
    if not raw.strip():
        raise DataError.one(name, "the file is empty")
    if (reason := not_text(raw)) is not None:
        raise DataError.one(name, reason)
    return raw


def parse_file(item: InputFile, *, order: int, meta: dict[str, Any] | None = None,
               retrieved_at: datetime | None = None) -> Parsed:
    """Read one file; DataError (with its place) when it is not something the importer reads, or when
    it holds what may not be stored (`screen_page`; a canonical dataset is checked by its models)."""
    parsed = _read_file(item, order=order, meta=meta, retrieved_at=retrieved_at)
    problems = [problem for page in parsed.pages + parsed.legacy for problem in screen_page(page)]
    if problems:
        raise DataError(problems)
    return parsed


def screen_page(page: PageFacts) -> list[Problem]:
    """What of a page or CSV row may not be stored, with its place (data/README.md, "Validation of what is
    imported"): a title or a name that a spreadsheet would take for a formula, a source address that is not
    an http(s) page of opengovpartnership.org. The same rules as the canonical format's (bot/dataset/schema.py)."""
    owner = f"commitment {page.commitment_id}: " if page.commitment_id else ""
    problems: list[Problem] = []

    def check(where: str, text: str | None) -> None:
        reason = formula_problem(text) if text else None
        if reason:
            problems.append(Problem(page.source, where, owner + reason))

    check("title", page.title)
    check("action_plan", page.plan_title)
    check("member", page.member_name)
    for what, names in (("lead_institutions", page.lead), ("support_institutions", page.support)):
        for i, name in enumerate(names):
            check(f"{what}[{i}]", name)
    for label in page.new_areas.values():
        check("policy_areas", label)
    reason = source_url_problem(page.url) if page.url else None
    if reason:
        problems.append(Problem(page.source, f"urls.{page.lang}", owner + reason))
    return problems


def _read_file(item: InputFile, *, order: int, meta: dict[str, Any] | None,
               retrieved_at: datetime | None) -> Parsed:
    meta = meta or {}
    name = item.name
    retrieved = _retrieved(meta.get("retrieved"), name) or retrieved_at
    lower = name.lower()
    if lower.endswith(".json"):
        return Parsed(name, "dataset", dataset=read_dataset_bytes(item.data, name))
    if lower.endswith(".csv"):
        rows = csvfile.read_rows(decode_text(item.data, name), name)
        pages = [csvfile.row_facts(r, order=order * 10_000 + i, retrieved_at=retrieved) for i, r in enumerate(rows)]
        _check_members([(page, row.raw.member_line, row.url) for page, row in zip(pages, rows, strict=True)])
        return Parsed(name, "csv", pages=pages)
    if lower.endswith(".jsonl"):
        raise DataError.one(name, "a JSON Lines file is read only as a folder's index.jsonl")
    url, lang, kind = meta.get("url"), meta.get("lang"), "page"
    if looks_like_html(item.data, name):
        page = html_to_page(_decode_html(item.data, name), name)
        text, url, lang, kind = page.text, url or page.url, lang or page.lang, "html"
    else:
        text = decode_text(item.data, name)
    raw = parse_page(text, name)
    if raw.commitment_id:
        if not raw.glance_fields_seen and not raw.description.full and raw.midterm is None:
            raise DataError.one(name, f"a title with the id {raw.commitment_id} but none of the fields of an OGP "
                                      "commitment page (Action Plan:, Lead Institution:, ...)", "line 1")
        facts = from_page(raw, lang=lang, url=url, kind=kind, order=order, retrieved_at=retrieved)
        _check_members([(facts, raw.member_line, url)])
        if meta.get("id") and str(meta["id"]).upper() != raw.commitment_id:
            facts.warn("index.jsonl", f"the index says {meta['id']}, the page says {raw.commitment_id}: "
                                      "the page wins")
        return Parsed(name, kind, pages=[facts])
    old = legacy.parse_legacy(text, name)
    if old is not None:
        return Parsed(name, "legacy", legacy=[legacy.to_facts(old, lang=lang or "en", order=order,
                                                              retrieved_at=retrieved)])
    raise DataError.one(name, "this is not an OGP commitment page: no title line with a commitment id like "
                              "'Administrative Capacity-Building (FR0038)', and not one of OGP's older layouts "
                              "('03 Title' with 'Country:' and 'Action Plan:')", "line 1")


_MEMBER_IN_URL = re.compile(r"^https?://(?:[\w-]+\.)*opengovpartnership\.org/(?:[a-z]{2}/)?members/([a-z0-9-]+)/",
                            re.IGNORECASE)


def _check_members(pages: list[tuple[PageFacts, str | None, str | None]]) -> None:
    """Each page (or CSV row) with the member its source states and the address it gives; DataError naming every
    one whose member cannot be vouched for (see `member_problem`)."""
    problems = [problem for page, stated, url in pages if (problem := member_problem(page, stated, url))]
    if problems:
        raise DataError(problems)


def member_problem(page: PageFacts, stated: str | None, given_url: str | None) -> Problem | None:
    """Why the page's member may not be stored, or None. The importer invents no member and no source address:
    a record's member is one of data/members.json, as its id's letters and the member its source states agree;
    or a member that list does not have yet (OGP has over 100 local members) named by the OGP page address the
    source gives, imported with a warning in the report. A member only a name vouches for ("Nowhere" in a CSV
    row), or one the id contradicts, is refused with its place: taking it would mean making up its slug and its
    page address, or picking one of two claims."""
    match = _MEMBER_IN_URL.match(given_url or "")
    in_url = match.group(1).lower() if match else None
    owner = f"commitment {page.commitment_id}: " if page.commitment_id else ""
    if members().get(page.member) is None:
        if in_url == page.member:
            page.warn("member", owner + f"member {page.member!r} is not in data/members.json: imported as its OGP "
                                        f"address names it ({given_url})")
            return None
        return Problem(page.source, "member", owner + f"{stated or page.member!r} is not an OGP member known to "
                       "data/members.json, and no OGP page address names it: the importer makes up no member and "
                       "no source address (give the commitment's OGP page address, or add the member to "
                       "data/members.json)")
    reason = _contradiction(page, stated, in_url)
    return Problem(page.source, "member", owner + reason) if reason else None


def _contradiction(page: PageFacts, stated: str | None, in_url: str | None) -> str | None:
    """How the member the source states, the id's letters and the page address disagree about a known member."""
    book = members()
    known = book.get(page.member)
    assert known is not None
    named = book.by_name(stated) if stated else None
    if stated and named is None:
        return (f"{stated!r} is not an OGP member known to data/members.json, and the id's letters are "
                f"{known.label('en')}'s: write the member's name (e.g. {known.label('en')!r})")
    if named is not None and named.id != known.id:
        return f"the source says member {stated!r}, but the id's letters are {known.label('en')}'s"
    if book.for_commitment(page.commitment_id) is None and in_url != known.id:
        return (f"the source says member {stated or known.id!r}, but the id's letters are not "
                f"{known.label('en')}'s ({', '.join(known.prefixes)})")
    return None


def _retrieved(value: Any, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise DataError.one(name, f"index.jsonl: {value!r} is not a date (YYYY-MM-DD)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class Assembly:
    dataset: Dataset
    touched: list[str]
    outcomes: dict[str, FileOutcome]
    problems: list[Problem]
    warnings: list[Problem]


def assemble(parsed: Iterable[Parsed], stored: Dataset | None = None, *, partial: bool = False) -> Assembly:
    """Fold every page into records (over `stored` when given) and lay canonical datasets over them.

    Legacy pages are identified against the stored records and this run's; one that cannot be is a
    DataError (or, with `partial`, a refused file)."""
    parsed = list(parsed)
    book = PlanBook.from_dataset(stored)
    stored_records = {c.id: c for c in stored.commitments} if stored else {}
    records: dict[str, dict[str, Any]] = {}
    sources: dict[str, list[str]] = {}
    outcomes: dict[str, FileOutcome] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    notes: list[str] = []
    member_names: dict[str, str] = {}

    def record_of(cid: str) -> dict[str, Any] | None:
        """The record being built (a copy of the stored one the first time a file names it)."""
        if cid not in records and cid in stored_records:
            records[cid] = stored_records[cid].model_dump()
        return records.get(cid)

    def known() -> dict[str, dict[str, Any]]:
        """What legacy identification looks at, of every record (without counting it as named by this run)."""
        view = {cid: {k: getattr(c, k) for k in _IDENTITY} for cid, c in stored_records.items()}
        view.update({cid: {k: r[k] for k in _IDENTITY} for cid, r in records.items()})
        return view

    def fold(page: PageFacts) -> None:
        assert page.commitment_id
        record = record_of(page.commitment_id)
        newer = is_newer(record, page)
        plan_id = book.add(page, newer)
        records[page.commitment_id] = overlay(record, page, plan_id, newer=newer, warn=notes)
        sources.setdefault(page.commitment_id, []).append(page.source)
        if page.member and page.member_name:
            member_names.setdefault(page.member, page.member_name)
        warnings.extend(page.warnings)

    pages = [page for p in parsed for page in p.pages]
    for page in sorted(pages, key=lambda f: (f.progress(), f.order)):
        fold(page)
    for p in parsed:
        outcome = FileOutcome(p.name, "imported", p.kind)
        for page in p.pages:
            outcome.commitments.append(page.commitment_id or "")
            outcome.lang = page.lang
            if page.partial:
                outcome.status, outcome.reason = "partial", page.partial_reason
        outcomes[p.name] = outcome
    for p in parsed:
        for page in p.legacy:
            candidates = known()
            try:
                cid, how = legacy.identify(page, candidates, book.plans)
            except DataError as error:
                if not partial:
                    raise
                problems.extend(error.problems)
                outcomes[p.name] = FileOutcome(p.name, "refused", "legacy", reason=error.problems[0].reason)
                continue
            page.commitment_id = cid
            page.member = page.member or candidates[cid]["member"]
            page.identified_by = f"{_basename(page.source)}: {how}"
            fold(page)
            outcomes[p.name] = FileOutcome(p.name, "partial" if page.partial else "imported", "legacy", [cid],
                                           page.lang, identified_by=how)
    page_ids = set(records)
    for cid in page_ids:  # before canonical datasets are laid over: hand-written notes win
        milestones_irm.annotate(records[cid])
    extra_members: list[MemberRecord] = []
    extra_areas: list[PolicyAreaRecord] = []
    for p in parsed:
        if p.dataset is None:
            continue
        for c in p.dataset.commitments:
            base = record_of(c.id) if c.id in page_ids else None
            records[c.id] = lay_over(base, c.model_dump()) if base else c.model_dump()
            sources.setdefault(c.id, []).append(p.name)
        for plan in p.dataset.action_plans:
            book.plans[plan.id] = lay_over(book.plans.get(plan.id, {}), plan.model_dump())
            first = plan.start_year or plan.cycle
            if first:
                book.by_key.setdefault((plan.member, first), plan.id)
        extra_members.extend(p.dataset.members)
        extra_areas.extend(p.dataset.policy_areas)
        outcomes[p.name] = FileOutcome(p.name, "imported", "dataset", [c.id for c in p.dataset.commitments])
    validated = []
    for cid in sorted(records):
        try:
            validated.append(validate_record(records[cid], ", ".join(dict.fromkeys(sources.get(cid, [cid])))))
        except DataError as error:
            if not partial:
                raise
            problems.extend(error.problems)
            for name in sources.get(cid, []):
                if name in outcomes:
                    outcomes[name].status, outcomes[name].reason = "refused", str(error.problems[0])
    warnings.extend(Problem("import", "", note) for note in notes)
    members_by_id = {m.id: m for m in member_records({c.member for c in validated}
                                                     | {p["member"] for p in book.plans.values()},
                                                     stored, member_names)}
    for member in extra_members:
        members_by_id[member.id] = member
    areas = {a.key: a for a in area_records(pages, stored)}
    areas.update({a.key: a for a in extra_areas})
    try:
        dataset = Dataset(members=sorted(members_by_id.values(), key=lambda m: m.id), action_plans=book.records(),
                          policy_areas=sorted(areas.values(), key=lambda a: a.key), commitments=validated)
    except ValidationError as error:  # what the files held was screened: this is data stored before the checks
        raise DataError(pydantic_problems(error, "stored data")) from None
    return Assembly(dataset, sorted(records), outcomes, problems, warnings)


def read_inputs(inputs: list[InputFile], *, max_bytes: int, partial: bool,
                retrieved_at: datetime | None = None) -> tuple[list[Parsed], list[FileOutcome], list[Problem]]:
    """Every input read; refused files as outcomes and problems (raised at once unless `partial`)."""
    expanded = expand(inputs, max_bytes=max_bytes)
    problems = list(expanded.problems)
    parsed: list[Parsed] = []
    refused: list[FileOutcome] = [FileOutcome(p.source, "refused", "archive" if ":" in p.source else "other",
                                              reason=p.reason) for p in expanded.problems]
    for order, item in enumerate(expanded.files):
        try:
            parsed.append(parse_file(item, order=order, meta=expanded.metadata.get(item.name),
                                     retrieved_at=retrieved_at))
        except DataError as error:
            problems.extend(error.problems)
            refused.append(FileOutcome(item.name, "refused", "other", reason="; ".join(
                f"{p.where}: {p.reason}" if p.where else p.reason for p in error.problems)))
    if problems and not partial:
        raise DataError(problems)
    if not parsed:
        raise DataError(problems or [Problem("import", "", "no file to import")])
    return parsed, refused, problems


def _changes_nothing(stored: Dataset, incoming: Dataset, *, replace: bool) -> bool:
    """Whether applying `incoming` would leave the data as it is (only the records it names are
    compared when merging: a large stored dataset is not diffed whole twice)."""
    if replace:
        return not diff_datasets(stored, incoming).changes and stored.action_plans == incoming.action_plans \
            and stored.members == incoming.members and stored.policy_areas == incoming.policy_areas
    return (_known_unchanged(incoming.commitments, stored.commitments, _same_commitment)
            and _known_unchanged(incoming.action_plans, stored.action_plans, _same_record)
            and _known_unchanged(incoming.members, stored.members, _same_record)
            and _known_unchanged(incoming.policy_areas, stored.policy_areas, _same_record))


_Record = TypeVar("_Record", bound=CommitmentRecord | ActionPlanRecord | MemberRecord | PolicyAreaRecord)


def _record_key(record: CommitmentRecord | ActionPlanRecord | MemberRecord | PolicyAreaRecord) -> str:
    return record.key if isinstance(record, PolicyAreaRecord) else record.id


def _same_commitment(old: CommitmentRecord, new: CommitmentRecord) -> bool:
    return not diff_commitments(old, new)


def _same_record(old: BaseModel, new: BaseModel) -> bool:
    return old.model_dump() == new.model_dump()


def _known_unchanged(mine: list[_Record], theirs: list[_Record], same: Callable[[_Record, _Record], bool]) -> bool:
    """Whether every record of `mine` is in `theirs` (by id or key), unchanged."""
    known = {_record_key(r): r for r in theirs}
    for record in mine:
        old = known.get(_record_key(record))
        if old is None or not same(old, record):
            return False
    return True


class _Unchanged(Exception):
    """Raised inside the transaction to leave the data as it is when the import changes nothing."""

    def __init__(self, diff: DatasetDiff) -> None:
        super().__init__("nothing to change")
        self.diff = diff


def run_import(engine: Engine, inputs: list[InputFile], *, actor: str, kind: str = "import", dry_run: bool = False,
               partial: bool = False, replace: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
               retrieved_at: datetime | None = None) -> ImportReport:
    """Import files into the database in one transaction (see the module doc). Pages without a
    retrieval date in an index.jsonl are dated `retrieved_at`, by default now."""
    retrieved_at = retrieved_at or datetime.now(UTC).replace(microsecond=0)
    parsed, refused, problems = read_inputs(inputs, max_bytes=max_bytes, partial=partial, retrieved_at=retrieved_at)
    holder: dict[str, Assembly] = {}

    def build(stored: Dataset) -> Dataset:
        assembly = assemble(parsed, None if replace else stored, partial=partial)
        holder["assembly"] = assembly
        if not dry_run and _changes_nothing(stored, assembly.dataset, replace=replace):
            # No new version for nothing: a periodic /refresh of unchanged sources must not push the
            # snapshots of real changes out of the rollback history.
            raise _Unchanged(DatasetDiff([], len(stored.commitments)))
        return assembly.dataset

    try:
        result = apply(engine, build, actor=actor, kind=kind, sources=[i.name for i in inputs],
                       mode="replace" if replace else "merge", dry_run=dry_run,
                       description=f"{kind} by {actor}: {len(inputs)} file(s)")
    except _Unchanged as unchanged:
        with session_scope(engine) as session:
            version = current_version(session)
        result = LoadResult(None, version, version, unchanged.diff)
    assembly = holder["assembly"]
    outcomes = [assembly.outcomes[p.name] for p in parsed if p.name in assembly.outcomes] + refused
    partial_records = [c.id for c in assembly.dataset.commitments if c.id in set(assembly.touched) and c.partial]
    return ImportReport(files=outcomes, result=result, problems=problems + assembly.problems,
                        warnings=assembly.warnings, touched=assembly.touched, partial_records=partial_records,
                        dry_run=dry_run)
