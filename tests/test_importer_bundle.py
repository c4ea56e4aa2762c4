"""The bundled data (make data) and the member list: every dev page is in the bundle and answerable,
hand-written facts win, the output is reproducible; members are found by id prefix, name and demonym."""

from __future__ import annotations

import json

import pytest

from bot.common.paths import BUNDLED_DATASET, DATA_DIR
from bot.core.service import Assistant
from bot.dataset.load import apply
from bot.dataset.members import members
from bot.dataset.reader import read_dataset_file
from bot.importing import bundle

INDEX = [json.loads(line) for line in (DATA_DIR / "sources" / "ogp_pages" / "index.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def built():
    return bundle.build()


def test_the_bundle_is_reproducible_and_data_dataset_json_is_up_to_date(built):
    assert bundle.render(built) == bundle.render(bundle.build())
    assert BUNDLED_DATASET.read_text(encoding="utf-8") == bundle.render(built), "run `make data`"


def test_every_dev_page_is_in_the_bundle_with_its_source(built):
    records = {c.id: c for c in built.commitments}
    for row in INDEX:
        record = records[row["id"]]
        assert row["lang"] in record.title, row["file"]
        assert record.urls[row["lang"]].startswith("https://www.opengovpartnership.org/")
        assert record.retrieved_at is not None
    assert len(records) == len({row["id"] for row in INDEX})
    assert {c.member for c in built.commitments} <= {m.id for m in built.members}
    assert {c.action_plan for c in built.commitments if c.action_plan} <= {p.id for p in built.action_plans}


def test_hand_written_facts_win_and_imported_ones_fill_the_gaps(built):
    editorial = read_dataset_file(DATA_DIR / "editorial" / "FR0038.json").commitments[0]
    record = next(c for c in built.commitments if c.id == "FR0038")
    assert record.title == editorial.title and record.description == editorial.description
    assert record.notes == editorial.notes and record.milestones == editorial.milestones
    assert record.irm.potential_impact == editorial.irm.potential_impact == "minor"
    assert record.retrieved_at == editorial.retrieved_at
    assert editorial.status is None and record.status == "active"  # from the English pages
    assert editorial.identified_by is None and not record.partial


def test_the_bundle_loads_and_every_commitment_is_answerable(built, sqlite_engine):
    apply(sqlite_engine, built, actor="test", mode="replace")
    assistant = Assistant(sqlite_engine)
    for cid in sorted({row["id"] for row in INDEX}):
        answer = assistant.answer(f"status of {cid}", lang="en")
        assert answer.commitment == cid and answer.sources, cid
    answer = assistant.answer("qui pilote FR0031 ?")
    assert answer.lang == "fr" and "Ministère de l'Economie et des Finances" in answer.text


@pytest.mark.parametrize(("text", "member"), [
    ("Royaume-Uni", "united-kingdom"), ("royaume uni", "united-kingdom"), ("UK", "united-kingdom"),
    ("British", "united-kingdom"), ("French", "france"), ("françaises", "france"), ("Côte d'Ivoire", "cote-divoire"),
    ("Cote d’Ivoire", "cote-divoire"), ("ivoirien", "cote-divoire"), ("Ivory Coast", "cote-divoire"),
    ("États-Unis", "united-states"), ("etats unis", "united-states"), ("américaine", "united-states"),
    ("Paris, France", "paris-france"), ("México", "mexico"), ("Marruecos", "morocco"), ("Allemagne", "germany"),
    ("Korea", "republic-of-korea"), ("Philipines", "philippines"), ("Atlantis", None),
])
def test_members_are_found_by_any_name(text, member):
    found = members().by_name(text)
    assert (found.id if found else None) == member


def test_members_by_commitment_id_prefix():
    assert members().for_commitment("FR0038").id == "france"
    assert members().for_commitment("FRPA0002").id == "paris-france"
    assert members().for_commitment("PAR0003").id == "paris-france"
    assert members().for_commitment("MO0026").id == "morocco"
    assert members().for_commitment("UK0063").id == "united-kingdom"
    assert members().for_commitment("XX0001") is None
    for row in INDEX:
        assert members().for_commitment(row["id"]), row["id"]


def test_the_member_list_is_complete_in_english_and_french():
    national = [m for m in members().all if m.kind == "national"]
    assert len(national) >= 75
    for m in members().all:
        assert m.name.get("en") and m.name.get("fr") and m.name.get("es"), m.id
        assert m.demonyms.get("en") and m.demonyms.get("fr"), m.id
        assert m.prefixes and len(set(m.prefixes)) == len(m.prefixes)
        assert m.record().id == m.id
