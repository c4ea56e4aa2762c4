"""The page parser against OGP's real pages: a hand-checked sample compared field by field, every dev
page read without error, and the quirks of the layouts one by one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.common.paths import DATA_DIR
from bot.importing import values
from bot.importing.facts import PageFacts
from bot.importing.pagetext import parse_page, split_lines
from bot.importing.pipeline import parse_file
from bot.importing.sources import InputFile, expand, read_paths

PAGES = DATA_DIR / "sources" / "ogp_pages"
FIXTURES = Path(__file__).parent / "fixtures" / "importer"
EXPECTED: dict[str, dict[str, Any]] = {k: v for k, v in json.loads(
    (FIXTURES / "expected_pages.json").read_text(encoding="utf-8")).items() if not k.startswith("_")}
INDEX = {row["file"]: row for row in map(json.loads, (PAGES / "index.jsonl").read_text().splitlines())}


def facts_of(name: str) -> PageFacts:
    meta = INDEX.get(name, {})
    parsed = parse_file(InputFile(name, (PAGES / name).read_bytes()), order=0, meta=meta)
    return (parsed.pages or parsed.legacy)[0]


def compare(name: str, expected: dict[str, Any]) -> list[str]:
    """Every expected field that differs, as 'file field: got ... expected ...'."""
    facts = facts_of(name)
    wrong = []
    for field, want in expected.items():
        if field == "irm":
            for key, value in want.items():
                got = facts.irm.get(key)
                if got != value:
                    wrong.append(f"{name} irm.{key}: got {got!r}, expected {value!r}")
            continue
        got = [m.number for m in facts.milestones] if field == "milestones" else getattr(facts, field)
        if got != want:
            wrong.append(f"{name} {field}: got {got!r}, expected {want!r}")
    return wrong


def field_count(expected: dict[str, Any]) -> int:
    return sum(len(v) if k == "irm" else 1 for k, v in expected.items())


def test_the_hand_checked_sample_covers_every_layout_and_language():
    assert len(EXPECTED) >= 25
    langs = {INDEX.get(name, {}).get("lang", "en") for name in EXPECTED}
    assert langs == {"en", "fr", "es"}
    assert any(name.startswith("legacy/") for name in EXPECTED)
    assert sum(field_count(e) for e in EXPECTED.values()) >= 400


def test_every_hand_checked_field_matches():
    wrong = [w for name, expected in EXPECTED.items() for w in compare(name, expected)]
    total = sum(field_count(e) for e in EXPECTED.values())
    assert not wrong, f"{total - len(wrong)}/{total} fields right:\n" + "\n".join(wrong)


def test_every_dev_page_is_read_without_error():
    files, skipped = read_paths([PAGES])
    expanded = expand(files, max_bytes=10_000_000)
    assert not expanded.problems and not skipped
    assert len(expanded.metadata) == len(INDEX)
    ids = set()
    for order, item in enumerate(expanded.files):
        parsed = parse_file(item, order=order, meta=expanded.metadata.get(item.name))
        for page in parsed.pages:
            row = expanded.metadata[item.name]
            assert page.commitment_id == row["id"], item.name
            assert page.lang == row["lang"], item.name
            assert page.title and page.member and page.url
            ids.add(page.commitment_id)
        assert parsed.pages or parsed.legacy, item.name
    assert ids == {row["id"] for row in INDEX.values()}


def test_language_is_told_by_the_labels_when_no_index_says_it():
    for name, lang in (("FR0037_fr_1.txt", "fr"), ("FR0037_en_1.txt", "en"), ("UY0106_es_1.txt", "es"),
                       ("FR0040_fr_1.txt", "fr"), ("000_51cc452578271a11.txt", "fr")):
        assert parse_page((PAGES / name).read_text(), name).detected_lang == lang, name


def test_headings_run_into_the_previous_field_are_split_off():
    lines = [ln.text for ln in split_lines("Policy Areas\nBeneficial Ownership, Private SectorIRM Review\n"
                                           "Accès à l'information, Technologie scientifiqueRevue IRM\n"
                                           "Public ParticipationDescription\nHealthy democracy")]
    assert lines == ["Policy Areas", "Beneficial Ownership, Private Sector", "IRM Review",
                     "Accès à l'information, Technologie scientifique", "Revue IRM", "Public Participation",
                     "Description", "Healthy democracy"]


@pytest.mark.parametrize(("kind", "text", "key"), [
    ("early_results", "Major Major", "major"),
    ("early_results", "Did Not Change Did Not Change", "did_not_change"),
    ("early_results", "Outstanding Outstanding", "outstanding"),
    ("yes_no", "Yes Starred", "yes"),
    ("early_results", "marginaux", "marginal"),
    ("completion", "substantiel", "substantial"),
    ("completion", "Pending IRM Review", "pending_irm_review"),
    ("yes_no", "en attente de révision IRM", "pending_irm_review"),
    ("completion", "examen IRM en attente", "pending_irm_review"),
    ("completion", "Revisión pendiente de IRM", "pending_irm_review"),
    ("early_results", "pas de données IRM", "no_irm_data"),
    ("early_results", "No IRM Data", "no_irm_data"),
    ("completion", "NR", "not_reviewed"),
    ("ambition", "Faible", "low"),
    ("ambition", "Haut", "high"),
    ("yes_no", "sí", "yes"),
    ("status", "actif", "active"),
    ("status", "inactivo", "inactive"),
    ("policy_area", "Formations", "capacity_building"),
    ("policy_area", "Technologie scientifique", "science_technology"),
    ("policy_area", "pression", "lobbying"),
    ("policy_area", "Règlements ouverts", "open_regulations"),
])
def test_page_values_map_to_vocabulary_keys(kind, text, key):
    assert values.controlled(kind, text) == key


@pytest.mark.parametrize(("text", "keys"), [
    ("Access to Information Public Accountability , Technology",
     ["access_to_information", "public_accountability", "technology_innovation"]),
    ("Access to Information Civic Participation , Technology",
     ["access_to_information", "civic_participation", "technology_innovation"]),
    ("Yes", ["relevant"]), ("Not Relevant", ["not_relevant"]), ("No", ["not_relevant"]),
    ("accès à l'information, à la technologie", ["access_to_information", "technology_innovation"]),
    ("participation civique, technologie", ["civic_participation", "technology_innovation"]),
    ("acceso a la información", ["access_to_information"]),
    ("Pending IRM Review", ["pending_irm_review"]),
])
def test_relevance_values_run_together_come_apart(text, keys):
    reading = values.relevance(text)
    assert reading.keys == keys and not reading.unknown


@pytest.mark.parametrize(("text", "names"), [
    ("NA", []),
    ("Ministry of Justice; Ministry of Finance and Public Accounts", ["Ministry of Justice",
                                                                     "Ministry of Finance and Public Accounts"]),
    ("Minister of State for the Digital Sector, attached to the Prime Minister",
     ["Minister of State for the Digital Sector, attached to the Prime Minister"]),
    ("Ministry of Economy, Finance and Administrative Reform - Department of Administrative Reform",
     ["Ministry of Economy, Finance and Administrative Reform - Department of Administrative Reform"]),
    ("• Innovation, Science and Economic Development (ISED) • Department of Finance Canada (FIN)",
     ["Innovation, Science and Economic Development (ISED)", "Department of Finance Canada (FIN)"]),
    ("Ministry of Justice and Human Right; - Parliament; - Presidency of the Republic",
     ["Ministry of Justice and Human Right", "Parliament", "Presidency of the Republic"]),
    ("UAIP, AGESIC, Open Data Working Group", ["UAIP", "AGESIC", "Open Data Working Group"]),
    ("Office of the Attorney General (AG),", ["Office of the Attorney General (AG)"]),
])
def test_institution_lists_are_split_where_the_page_separates_names(text, names):
    assert values.institutions(text) == names


@pytest.mark.parametrize(("text", "date"), [
    ("2018", "2018"), ("Dec 2021", "2021-12"), ("janvier 2019", "2019-01"), ("8/31/2020", "2020-08-31"),
    ("3/1/2017", "2017-03-01"), ("NA", None), ("", None), ("2019-01-15", "2019-01-15"),
    ("diciembre de 2020", "2020-12"),
])
def test_dates_in_every_written_form(text, date):
    assert values.date(text) == date


def test_plan_titles_give_their_years():
    assert values.years("France, First Action Plan, 2015-17") == (2015, 2017)
    assert values.years("Action plan – Paris, France, 2024 – 2026") == (2024, 2026)
    assert values.years("Brazil Second Action Plan") == (None, None)
    assert values.plan_title("Uruguay Action Plan 2014-2016, Uruguay, Second Action Plan, 2014-2016") == \
        "Uruguay Action Plan 2014-2016"
    assert values.plan_title("Not Attached") is None


def test_a_truncated_page_says_where_it_stops():
    facts = facts_of("FR0038_en_2.txt")
    assert facts.partial and "Lead Institution" in (facts.partial_reason or "")
    facts = facts_of("CA0072_en_1.txt")
    assert facts.partial and "mid-sentence" in (facts.partial_reason or "")
    assert not facts_of("000_51cc452578271a11.txt").partial


def test_the_full_french_page_gives_description_milestones_and_irm_summaries():
    facts = facts_of("000_51cc452578271a11.txt")
    assert facts.challenges and facts.challenges.startswith("De nombreux entrepreneurs")
    assert facts.ambitions and "Entrepreneur d’intérêt général" in facts.ambitions
    assert facts.roadmap and facts.roadmap.startswith("Perpétuer le programme")
    texts = {m.number: m.text for m in facts.milestones}
    assert texts["9.2"].startswith("Création d'un réseau d'anciens du GIE")
    assert facts.midterm_summary and facts.midterm_summary.startswith("Contexte et objectifs")
    assert facts.midterm_next_steps and facts.midterm_next_steps.startswith("Étant donné que cet engagement")
    assert facts.end_summary
    assert facts.end_summary.startswith("Achèvement : substantiel\n\nLe projet de loi de finances")
    assert "[xxxviii]" not in facts.end_summary.split("\n\n")[1]  # footnote marks out of the prose, kept in sources
    assert "[xxxviii] Le programme" in facts.end_summary
