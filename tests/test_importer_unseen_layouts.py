"""Layouts met in the field but in none of the dev pages, from a tester who wrote pages blind (without the
importer's code): a field's value on the line after its label (HTML label and value in separate blocks),
institutions over several lines ('<br>' inside the value, '<ul>' lists, '- ' items). All were misread before:
the value was taken for the description's first line and the rest of the page went into the description."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.importing.facts import PageFacts
from bot.importing.pipeline import parse_file
from bot.importing.sources import InputFile

PAGES = Path(__file__).parent / "fixtures" / "importer" / "unseen"
JUSTICE = ["HM Courts & Tribunals Service", "The National Archives"]
UK_AREAS = ["judiciary", "open_data", "open_justice"]


def facts_of(name: str) -> PageFacts:
    parsed = parse_file(InputFile(name, (PAGES / name).read_bytes()), order=0, meta={})
    return (parsed.pages or parsed.legacy)[0]


@pytest.mark.parametrize(("name", "plan", "lead", "support", "areas"), [
    ("p29_PY0033_es_dl.html", "Plan de Acción de Paraguay 2018-2020", ["Ministerio de Obras Públicas y Comunicaciones"],
     ["Empresa de Servicios Sanitarios del Paraguay (ESSAP)", "Ministerio del Ambiente y Desarrollo Sostenible"],
     ["water_sanitation", "open_data", "public_service_delivery"]),
    ("p52_UK0109_en_div_blocks.html", "United Kingdom Action Plan 2021-2023", ["Ministry of Justice"], JUSTICE,
     UK_AREAS),
    ("p53_IE0046_en_lead_nextline.txt", "Ireland Action Plan 2021-2023", ["Public Appointments Service"],
     ["Standards in Public Office Commission", "Transparency International Ireland"],
     ["legislation", "lobbying", "political_integrity"]),
    ("p54_UK0110_en_support_two_lines.txt", "United Kingdom Action Plan 2021-2023", ["Ministry of Justice"], JUSTICE,
     UK_AREAS),
    ("p55_PH0072_en_ul_institutions.html", "Philippines Action Plan 2019-2022",
     ["Department of Budget and Management", "Office of Civil Defense"],
     ["Commission on Audit", "Social Watch Philippines"], ["fiscal_openness", "open_data"]),
    ("p56_UK0111_en_support_dash_list.txt", "United Kingdom Action Plan 2021-2023", ["Ministry of Justice"], JUSTICE,
     UK_AREAS),
    ("p57_GH0022_en_plan_nextline.txt", "Ghana Action Plan 2021-2023", ["Registrar-General's Department"], [], []),
    ("p58_DE0101_fr_span_br.html", "Plan d'action Allemagne 2021-2023", ["Ministère fédéral de l'Intérieur (BMI)"],
     ["Bundestag allemand", "Transparency International Allemagne"], ["lobbying", "political_integrity"]),
])
def test_values_below_their_labels_and_institutions_over_several_lines(
        name: str, plan: str, lead: list[str], support: list[str], areas: list[str]) -> None:
    facts = facts_of(name)
    assert (facts.plan_title, facts.lead, facts.support, facts.policy_areas) == (plan, lead, support, areas)
    assert not facts.partial  # the whole page was read: nothing was taken for a cut-off description


def test_a_line_after_the_last_field_is_still_the_description() -> None:
    # With no field or heading in sight, a line after 'Lead Institution:' is the description, not a value.
    text = ("France\n\nOpen Data (FR0999)\n\nAction Plan: France Action Plan 2018-2020\n\nStatus: Active\n\n"
            "Lead Institution: Etalab\n\nPublishing the data of the State as open data for everyone to reuse.\n\n"
            "The State publishes more of its data.\n\nIt also helps local authorities publish theirs.\n\n"
            "Citizens and businesses reuse the data.\n\nA portal lists every dataset.\n\n"
            "The law makes open data the default.\n\nMore text follows here.\n")
    facts = facts_of_text(text)
    assert facts.lead == ["Etalab"]


def facts_of_text(text: str) -> PageFacts:
    parsed = parse_file(InputFile("page.txt", text.encode()), order=0, meta={})
    return (parsed.pages or parsed.legacy)[0]


def test_a_name_cut_short_by_a_truncated_page_never_replaces_whole_ones(sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from bot.dataset.store import read_dataset
    from bot.importing.pipeline import run_import

    # The Spanish page names two support institutions; the English one stops in the middle of the first.
    for name in ("p06_CO0088_es_glance.txt", "p25_CO0088_en_trunc.txt"):
        run_import(sqlite_engine, [InputFile(name, (PAGES / name).read_bytes())], actor="test", max_bytes=2 ** 20)
    with Session(sqlite_engine) as session:
        record = next(c for c in read_dataset(session).commitments if c.id == "CO0088")
    assert [i.get("es") for i in record.support_institutions] == ["Departamento Nacional de Planeación",
                                                                  "Transparencia por Colombia"]
    assert not any("Depart" in i.get("en", "") for i in record.support_institutions)
