"""Folding snapshots into records: FR + EN pages make one bilingual record, newer snapshots update field by
field and say so, older ones never overwrite, legacy pages are identified or refused, IRM sentences are
linked to milestones. Database tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.common.paths import DATA_DIR
from bot.dataset.errors import DataError
from bot.dataset.schema import CommitmentRecord
from bot.dataset.store import current_version, read_dataset
from bot.importing.pipeline import assemble, parse_file, run_import
from bot.importing.sources import InputFile
from bot.importing.summary import render_summary

PAGES = DATA_DIR / "sources" / "ogp_pages"
FIXTURES = Path(__file__).parent / "fixtures" / "importer"
INDEX = {row["file"]: row for row in map(json.loads, (PAGES / "index.jsonl").read_text().splitlines())}
FR_FULL = "000_51cc452578271a11.txt"


def page(name: str) -> InputFile:
    path = PAGES / name if (PAGES / name).exists() else FIXTURES / name
    return InputFile(name, path.read_bytes())


def index_for(names: list[str]) -> InputFile:
    """An index.jsonl for the dev pages named, so that their URL and language come along as they would."""
    rows = [json.dumps(INDEX[n]) for n in names if n in INDEX]
    return InputFile("index.jsonl", "\n".join(rows).encode())


def built(names: list[str]) -> dict[str, CommitmentRecord]:
    """The records the importer makes of these pages (no database)."""
    metadata = {row["file"]: row for row in INDEX.values()}
    parsed = [parse_file(page(n), order=i, meta=metadata.get(n)) for i, n in enumerate(names)]
    return {c.id: c for c in assemble(parsed).dataset.commitments}


def stored(engine) -> dict[str, CommitmentRecord]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return {c.id: c for c in read_dataset(session).commitments}


def version(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return current_version(session)


def imported(engine, names: list[str], **options):  # type: ignore[no-untyped-def]
    return run_import(engine, [index_for(names), *[page(n) for n in names]], actor="test", **options)


def test_the_french_and_english_pages_of_fr0038_make_one_bilingual_record():
    record = built([FR_FULL, "FR0038_en_1.txt", "FR0038_en_2.txt", "FR0038_en_3.txt"])["FR0038"]
    assert record.title == {"fr": "Renforcement des capacités administratives",
                            "en": "Administrative Capacity-Building"}
    assert record.urls == {"fr": "https://www.opengovpartnership.org/fr/members/france/commitments/FR0038/",
                           "en": "https://www.opengovpartnership.org/members/france/commitments/FR0038/"}
    assert record.lead_institutions == [{
        "fr": "Secrétaire d'Etat chargé du Numérique, auprès du Premier Ministre",
        "en": "Minister of State for the Digital Sector, attached to the Prime Minister"}]
    assert record.member == "france" and record.action_plan == "france-2018-2020" and record.number == "9"
    assert record.status == "active"  # the French page shows no status; the English snapshots do
    assert record.irm.completion_end == "substantial" and record.irm.ambition == "low"
    assert record.irm.relevance == ["relevant"] and record.irm.early_results == "no_irm_data"
    assert record.policy_areas == ["capacity_building", "private_sector", "public_participation", "science_technology"]
    assert [m.number for m in record.milestones] == ["9.1", "9.2", "9.3"]
    assert not record.partial  # the full French page completes the truncated English ones
    assert set(record.source_text) == {"fr", "en"}


def test_the_english_html_page_adds_english_texts_to_the_french_record():
    record = built([FR_FULL, "html/FR0038_en_full.html"])["FR0038"]
    assert record.description["en"].startswith("Opening the administration to new skills")
    assert record.description["fr"].startswith("Ouvrir l'administration")
    assert {m.number: set(m.text) for m in record.milestones} == {n: {"en", "fr"} for n in ("9.1", "9.2", "9.3")}
    assert record.irm.end_summary["en"].startswith("Completion: Substantial")
    assert record.irm.end_summary["fr"].startswith("Achèvement : substantiel")


def test_irm_sentences_are_linked_to_the_milestones_they_talk_about():
    record = built([FR_FULL, "html/FR0038_en_full.html"])["FR0038"]
    notes = {m.number: m for m in record.milestones}
    assert notes["9.1"].status_note["fr"].startswith("Le projet de loi de finances 2020 a reconduit")
    assert notes["9.2"].status_note["fr"] == ("Un réseau d'anciens du GIE a été mis en place mais aucune information "
                                              "n'est disponible sur ses activités.")
    assert notes["9.3"].status_note["fr"].startswith("Rien n'indique cependant l'élaboration de propositions")
    assert notes["9.2"].status_note["en"] == ("An EIG alumni network was set up, but no information is available on "
                                              "its activities.")
    for m in record.milestones:
        assert m.status_source == "irm_end_of_term" and m.status_score is not None and 35 <= m.status_score <= 100
        assert m.status is None  # a quote, not a verdict: the IRM judged the commitment as a whole
        assert "hackathons" not in m.status_note["fr"]  # the sentence about no milestone goes nowhere


SNAPSHOTS = {
    "FR0038": ["FR0038_en_1.txt", "FR0038_en_2.txt", "FR0038_en_3.txt"],
    "FR0037": ["FR0037_en_2.txt", "FR0037_en_3.txt", "FR0037_en_1.txt"],  # oldest first, by IRM progress
    "FR0032": ["FR0032_en_3.txt", "FR0032_en_1.txt", "FR0032_en_2.txt"],
    "FR0049": ["FR0049_en_3.txt", "FR0049_en_2.txt", "FR0049_en_1.txt"],
}


@pytest.mark.parametrize("cid", sorted(SNAPSHOTS))
def test_snapshots_in_one_run_in_any_order_give_the_same_record(cid):
    results = {json.dumps(built(list(order))[cid].model_dump(mode="json", exclude={"source_text", "retrieved_at"}),
                          sort_keys=True) for order in itertools.permutations(SNAPSHOTS[cid])}
    assert len(results) == 1


def test_the_newest_fr0037_snapshot_wins_whatever_the_order():
    record = built(["FR0037_en_1.txt", "FR0037_en_2.txt", "FR0037_en_3.txt"])["FR0037"]
    assert [r["en"] for r in record.irm.reports] == ["France Transitional Results Report 2018-2020",
                                                     "France Design Report 2018-2020"]
    assert record.irm.early_results == "no_irm_data"  # pending -> no IRM data
    assert record.irm.completion is None  # the newest page no longer says pending
    assert record.irm.starred is None
    assert record.irm.ambition == "low" and record.irm.verifiable == "yes"
    assert record.irm.relevance == ["access_to_information", "technology_innovation"]  # 'Yes' adds nothing to these
    assert record.status == "active"  # the newest page shows none; older ones do: empty never erases


def test_fr0038_english_snapshots_imported_run_by_run_in_any_order_end_with_the_newest_values(engine):
    finals = set()
    for order in itertools.permutations(SNAPSHOTS["FR0038"]):
        imported(engine, [order[0]], replace=True)
        for name in order[1:]:
            imported(engine, [name])
        record = stored(engine)["FR0038"]
        assert record.status == "active" and record.partial
        assert record.title == {"en": "Administrative Capacity-Building"}
        assert record.lead_institutions == [{"en": "Minister of State for the Digital Sector, attached to the Prime "
                                                   "Minister"}]
        assert record.action_plan == "france-2018-2020"
        finals.add(json.dumps(record.model_dump(mode="json", exclude={"source_text", "retrieved_at"}), sort_keys=True))
    assert len(finals) == 1


@pytest.mark.parametrize("cid", ["FR0037", "FR0032"])
def test_snapshots_imported_run_by_run_in_any_order_give_what_one_run_gives(engine, cid):
    expected = built(SNAPSHOTS[cid])[cid].model_dump(mode="json", exclude={"source_text", "retrieved_at"})
    for order in itertools.permutations(SNAPSHOTS[cid]):
        imported(engine, [order[0]], replace=True)
        for name in order[1:]:
            imported(engine, [name])
        got = stored(engine)[cid].model_dump(mode="json", exclude={"source_text", "retrieved_at"})
        assert got == expected, order


def test_the_right_order_reports_the_diff_field_by_field(engine):
    steps = [imported(engine, [name]) for name in SNAPSHOTS["FR0032"]]
    assert steps[0].counts["added"] == 1
    changes = {f.field: (f.before, f.after) for f in steps[1].result.changes[0].fields}
    assert changes["irm.verifiable"] == ("pending_irm_review", "yes")
    assert changes["irm.relevance"] == (["not_relevant"], ["access_to_information"])
    assert changes["irm.reports"] == (None, [{"en": "France Design Report 2018-2020"}])
    summary = render_summary(steps[1], "en")
    assert "FR0032 verifiable: pending IRM review → yes" in summary
    assert "Import applied: 0 added, 1 updated, 0 unchanged" in summary
    changes = {f.field: (f.before, f.after) for f in steps[2].result.changes[0].fields}
    assert changes["irm.completion"] == ("pending_irm_review", None)
    assert changes["irm.early_results"] == ("pending_irm_review", "no_irm_data")
    assert changes["irm.ambition"] == (None, "high")
    assert "FR0032 early results: pending IRM review → no IRM data" in render_summary(steps[2], "en")
    # Then FR0038: its English snapshots change nothing after the first; the full French page a lot.
    first, *rest = [imported(engine, [name]) for name in SNAPSHOTS["FR0038"]]
    assert first.counts["added"] == 1 and all(not r.result.changes for r in rest)
    assert all(r.counts["unchanged"] == 1 for r in rest)
    full = imported(engine, [FR_FULL])
    fields = {f.field: f for f in full.result.changes[0].fields}
    assert fields["irm.completion_end"].after == "substantial" and fields["irm.completion_end"].before is None
    assert fields["title.fr"].after == "Renforcement des capacités administratives"
    assert "FR0038 completion at end of term: (none) → substantial" in render_summary(full, "en")
    assert not stored(engine)["FR0038"].partial


def test_an_older_snapshot_never_overwrites_newer_data(engine):
    imported(engine, ["FR0037_en_1.txt"])
    before = stored(engine)["FR0037"]
    report = imported(engine, ["FR0037_en_2.txt"])
    # The older page (design report only, 'pending' everywhere) fills the empty status and names the values
    # the newer page's bare "Relevant: Yes" summarises; its 'pending' states change nothing.
    assert [(f.field, f.before, f.after) for f in report.result.changes[0].fields] == [
        ("irm.relevance", ["relevant"], ["access_to_information", "technology_innovation"]),
        ("status", None, "active")]
    after = stored(engine)["FR0037"]
    assert after.irm.model_dump(exclude={"relevance"}) == before.irm.model_dump(exclude={"relevance"})
    assert after.description == before.description
    again = imported(engine, ["FR0037_en_3.txt"])
    assert not again.result.changes and again.counts["unchanged"] == 1
    assert again.result.version_after == again.result.version_before  # no new version for nothing


def test_reimporting_the_same_page_changes_nothing(engine):
    imported(engine, [FR_FULL])
    v = version(engine)
    report = imported(engine, [FR_FULL])
    assert version(engine) == v and report.counts == {"added": 0, "updated": 0, "unchanged": 1, "partial": 0,
                                                      "removed": 0, "refused": 0}
    assert render_summary(report, "en").startswith("Nothing to change: 1 unchanged, 0 partial.")


def test_the_dev_pages_and_legacy_pages_all_import_and_legacy_ones_are_identified():
    names = [n for n in sorted(INDEX)] + ["legacy/france-2018-2020-02.txt", "legacy/france-2018-2020-16.txt",
                                          "legacy/canada-2018-2020-03.txt"]
    records = built(names)
    assert set(records) == {row["id"] for row in INDEX.values()}
    assert (records["FR0031"].number, records["FR0045"].number, records["CA0066"].number) == ("2", "16", "3")
    assert records["FR0031"].identified_by.startswith("france-2018-2020-02.txt: title 'Transparency of Public "
                                                      "Procurement' matches FR0031")
    assert records["FR0031"].start == "2017-03-01" and records["FR0031"].end == "2020-12-31"
    assert records["CA0066"].end == "2020-08-31"
    assert records["FR0045"].ogp_principles["en"].startswith("Access to information, participation")


def test_a_legacy_page_is_identified_by_member_plan_and_number(engine):
    imported(engine, [FR_FULL])
    report = run_import(engine, [page("legacy/france-2018-2020-09.txt")], actor="test")
    [(name, cid, how)] = report.identifications
    assert cid == "FR0038" and how == "member france, action plan 'France Action Plan 2018-2020', commitment number 9"
    record = stored(engine)["FR0038"]
    assert record.identified_by.startswith("france-2018-2020-09.txt: member france")
    assert record.title["fr"] == "Renforcement des capacités administratives"  # the legacy page is the oldest
    assert record.start == "2018"  # ... so it only fills what is empty


def test_a_legacy_page_that_cannot_be_identified_is_refused_with_a_clear_error(engine):
    imported(engine, [FR_FULL])
    v = version(engine)
    with pytest.raises(DataError) as error:
        run_import(engine, [page("legacy/unknown-commitment.txt"), page("FR0037_en_1.txt")], actor="test")
    message = str(error.value)
    assert message.startswith("legacy/unknown-commitment.txt: title: a page of OGP's older layout (no commitment "
                              "id) that cannot be identified")
    assert "'Open budget hearings in every district'" in message and "'Atlantis' is not an OGP member" in message
    assert version(engine) == v and "FR0037" not in stored(engine)
    report = run_import(engine, [page("legacy/unknown-commitment.txt"), page("FR0037_en_1.txt")], actor="test",
                        partial=True)
    assert [f.status for f in report.files] == ["refused", "imported"] and "FR0037" in stored(engine)


@pytest.mark.parametrize("text", [
    "12 Something\nCountry: France\n", "01 \nCountry:\nAction Plan:\n",
    "99 Title\nStart Date: 13/45/2020 | End Date: x",
    "3 Open data\nLead institution(s):\n", "007 Bond\nCountry: Nowhere\nYear Action Plan: 1800\nFrom the Action Plan\n",
])
def test_odd_legacy_pages_are_identified_or_refused_never_a_crash(text):
    names = ["FR0037_en_1.txt"]
    parsed = [parse_file(page(n), order=0) for n in names]
    try:
        parsed.append(parse_file(InputFile("odd.txt", text.encode()), order=1))
        assemble(parsed)
    except DataError as error:
        assert str(error).startswith("odd.txt")
