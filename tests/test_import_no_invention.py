"""Imports that cannot invent: a record's member must be an OGP member of data/members.json (its id's letters and
the member its source states agreeing), or be named by the OGP page address its source gives (a local member
the list lacks: imported, with a warning in the summary, and its real address); anything else is refused with
its file and line, and nothing changes. And a change is shown so that its two sides differ, however long."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.common.i18n import translator
from bot.common.paths import DATA_DIR
from bot.core.dispatch import answer_question
from bot.core.index import Index
from bot.core.types import Context
from bot.dataset.diff import FieldChange, shorten_pair
from bot.dataset.errors import DataError
from bot.dataset.store import current_version, read_dataset
from bot.importing.pipeline import run_import
from bot.importing.sources import InputFile
from bot.importing.summary import MAX_VALUE, change_line, render_summary, value_texts
from bot.storage.db import make_engine, upgrade

HEADER = "id,title,member,url\n"
LOCAL_URL = "https://www.opengovpartnership.org/members/buenos-aires/commitments/BUE0001/"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'imports.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def csv(name: str, *rows: str) -> InputFile:
    return InputFile(name, (HEADER + "".join(f"{row}\n" for row in rows)).encode())


def stored_ids(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return {c.id for c in read_dataset(session).commitments}


def version(engine: Engine) -> int:
    with Session(engine) as session:
        return current_version(session)


@pytest.mark.parametrize(("row", "reason"), [
    ("XX0001,Invented commitment,Nowhere,", "rows.csv line 3: member: commitment XX0001: 'Nowhere' is not an OGP "
                                            "member known to data/members.json, and no OGP page address names it"),
    ("FR0999,A commitment,Nowhere,", "rows.csv line 3: member: commitment FR0999: 'Nowhere' is not an OGP member "
                                     "known to data/members.json, and the id's letters are France's"),
    ("KE0099,A commitment,France,", "rows.csv line 3: member: commitment KE0099: the source says member 'France', "
                                    "but the id's letters are Kenya's"),
    ("BUE0001,Open budget,Buenos Aires,", "rows.csv line 3: member: commitment BUE0001: 'Buenos Aires' is not an OGP "
                                          "member known to data/members.json, and no OGP page address names it"),
])
def test_a_row_whose_member_nothing_vouches_for_is_refused_and_nothing_changes(engine: Engine, row: str,
                                                                               reason: str) -> None:
    run_import(engine, [csv("first.csv", "FR0038,Administrative Capacity-Building,France,")], actor="test")
    before = version(engine)
    with pytest.raises(DataError) as refused:
        run_import(engine, [csv("rows.csv", "FR0037,Open data,France,", row)], actor="test")
    assert str(refused.value).startswith(reason)
    assert version(engine) == before and stored_ids(engine) == {"FR0038"}  # not even the good row of the file


def test_a_page_whose_member_nothing_vouches_for_is_refused(engine: Engine) -> None:
    page = (DATA_DIR / "sources" / "ogp_pages" / "AM0019_en_1.txt").read_text(encoding="utf-8")
    invented = page.replace("Armenia\n", "Nowhere\n", 1).replace("(AM0019)", "(XX0019)")
    with pytest.raises(DataError) as refused:
        run_import(engine, [InputFile("XX0019_en_1.txt", invented.encode())], actor="test")
    assert str(refused.value).startswith("XX0019_en_1.txt: member: commitment XX0019: 'Nowhere' is not an OGP member")
    assert version(engine) == 0


def test_with_partial_the_refused_file_is_listed_and_the_others_imported(engine: Engine) -> None:
    report = run_import(engine, [csv("good.csv", "FR0038,Administrative Capacity-Building,France,"),
                                 csv("rows.csv", "XX0001,Invented commitment,Nowhere,")], actor="test", partial=True)
    assert stored_ids(engine) == {"FR0038"}
    assert [(f.name, f.status) for f in report.files] == [("good.csv", "imported"), ("rows.csv", "refused")]
    assert "'Nowhere' is not an OGP member" in render_summary(report)


@pytest.mark.parametrize(("lang", "warning"), [("en", "Warning: "), ("fr", "Attention : ")])
def test_a_local_member_named_by_its_ogp_address_is_imported_with_a_warning(engine: Engine, lang: str,
                                                                             warning: str) -> None:
    report = run_import(engine, [csv("local.csv", f"BUE0001,Open budget,Buenos Aires,{LOCAL_URL}")], actor="test")
    assert [str(w) for w in report.member_warnings] == [
        f"local.csv line 2: member: commitment BUE0001: member 'buenos-aires' is not in data/members.json: imported "
        f"as its OGP address names it ({LOCAL_URL})"]
    assert f"{warning}{report.member_warnings[0]}" in render_summary(report, lang).splitlines()
    with Session(engine) as session:
        dataset = read_dataset(session)
    [record] = dataset.commitments
    assert (record.member, record.urls) == ("buenos-aires", {"en": LOCAL_URL})  # its own address, none made up
    assert [(m.id, m.name) for m in dataset.members] == [("buenos-aires", {"en": "Buenos Aires"})]
    # Its prefix is known from then on: a missing commitment of it is linked under its own address.
    text = answer_question(Index.build(dataset, version=1), "who leads BUE0002?", context=Context(), lang="en",
                           preferred_lang=None, client_lang=None, default_lang="en").text
    assert "https://www.opengovpartnership.org/members/buenos-aires/commitments/BUE0002/" in text


# -- diffs whose two sides differ ----------------------------------------------------------------------------------


LONG = "Ministry of Economy, Finance and Administrative Reform, Department of Public Innovation and Open "


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_long_value_changed_at_its_end_shows_the_change(lang: str) -> None:
    change = FieldChange("lead_institutions", [{"en": LONG + "Data", "fr": LONG + "Data"}],
                         [{"en": LONG + "Government", "fr": LONG + "Government"}])
    line = change_line("FR0038", change, translator(lang))
    before, after = line.split(": ", 1)[1].split(" → ")
    assert before != after and before.endswith("Open Data") and after.endswith("Open Government")
    assert len(before) <= MAX_VALUE and len(after) <= MAX_VALUE and before.startswith("…")


def test_values_cut_around_their_first_difference() -> None:
    start, end = "Open contracting " * 3, " across every ministry and agency of the state, with its reports"
    before, after = shorten_pair(start + "for public works" + end, start + "for all procurement" + end, 70)
    assert "public works" in before and "all procurement" in after
    assert before.startswith("…") and before.endswith("…") and len(before) <= 70 and len(after) <= 70
    assert shorten_pair("Open data", "Open government", 70) == ("Open data", "Open government")  # short: whole
    longer, shorter = shorten_pair(LONG + "Data and more", LONG + "Data", 70)
    assert longer != shorter and longer.endswith("Data and more") and shorter.endswith("Data")


def test_a_change_of_spacing_alone_is_written_out() -> None:
    before, after = value_texts("title.en", "Open  data\nportal", "Open data portal", translator("en"))
    assert before != after and (before, after) == ('"Open  data\\nportal"', '"Open data portal"')


def test_a_reimport_reports_a_long_change_visibly(engine: Engine) -> None:
    def dataset(lead: str) -> InputFile:
        data = {"format": "ogp-bot-dataset", "format_version": 1,
                "members": [{"id": "france", "name": {"en": "France"}}], "action_plans": [],
                "commitments": [{"id": "FR0038", "member": "france", "title": {"en": "Administrative Capacity"},
                                 "lead_institutions": [{"en": lead}],
                                 "urls": {"en": "https://www.opengovpartnership.org/members/france/commitments/FR0038/"}}]}
        return InputFile("fr0038.json", json.dumps(data).encode())

    run_import(engine, [dataset(LONG + "Data")], actor="test")
    summary = render_summary(run_import(engine, [dataset(LONG + "Government")], actor="test"))
    [line] = [line for line in summary.splitlines() if line.startswith("FR0038 lead institutions:")]
    before, after = line.removeprefix("FR0038 lead institutions: ").split(" → ")
    assert before.endswith("Open Data") and after.endswith("Open Government")
