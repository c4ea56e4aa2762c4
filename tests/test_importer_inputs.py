"""What the importer is given: HTML pages, CSV exports, zip archives, folders, and the bad input an admin
may upload. Bad input names the file and the place, and leaves the database as it was."""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.common.config import load_settings
from bot.common.paths import DATA_DIR
from bot.dataset.errors import DataError
from bot.dataset.store import current_version, read_dataset
from bot.importing.command import import_paths
from bot.importing.html import html_to_page
from bot.importing.pipeline import parse_file, run_import
from bot.importing.sources import InputFile, expand
from bot.importing.summary import render_summary

PAGES = DATA_DIR / "sources" / "ogp_pages"
FIXTURES = Path(__file__).parent / "fixtures" / "importer"
HTML = FIXTURES / "html"
MB = 1024 * 1024


def dev(name: str) -> InputFile:
    return InputFile(name, (PAGES / name).read_bytes())


def fixture(name: str) -> InputFile:
    return InputFile(name, (FIXTURES / name).read_bytes())


def zipped(members: dict[str, bytes], name: str = "pages.zip") -> InputFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return InputFile(name, buffer.getvalue())


def snapshot(engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return current_version(session), read_dataset(session).model_dump(mode="json", exclude={"generated_at"})


# -- HTML ------------------------------------------------------------------------------------------------


def test_an_html_page_is_read_like_its_text():
    raw = (HTML / "FR0038_en_full.html").read_bytes()
    page = html_to_page(raw, "FR0038_en_full.html")
    assert page.lang == "en" and page.url == "https://www.opengovpartnership.org/members/france/commitments/FR0038/"
    for noise in ("dataLayer", "gtag", "font-weight", "Privacy Policy", "Our Members", "schema.org", "×"):
        assert noise not in page.text  # scripts, styles, navigation and footer links are left out
    lines = page.text.splitlines()
    assert "Administrative Capacity-Building (FR0038)" in lines
    assert "Action Plan: France Action Plan 2018-2020" in lines  # <dt>/<dd> read as 'term: value'
    assert "IRM Report: France Transitional Results Report 2018-2020, France Design Report 2018-2020" in lines
    facts = parse_file(InputFile("FR0038_en_full.html", raw), order=0).pages[0]
    assert facts.kind == "html" and not facts.partial
    assert facts.policy_areas == ["capacity_building", "private_sector", "public_participation", "science_technology"]
    assert facts.irm == {"early_results": "no_irm_data", "verifiable": "yes", "ambition": "low", "completion": None,
                         "completion_end": "substantial"}
    assert facts.relevance == ["relevant"] and facts.number == "9" and facts.start == "2018"


def test_a_cut_html_download_is_imported_as_partial():
    raw = (HTML / "FR0038_en_full.html").read_bytes()
    cut = raw[: raw.index(b"An EIG alumni network was set up") + 20]
    facts = parse_file(InputFile("cut.html", cut), order=0).pages[0]
    assert facts.partial and "mid-sentence" in (facts.partial_reason or "")
    assert facts.irm["completion_end"] == "substantial"  # what it holds is kept


def test_a_spanish_html_page_with_the_id_beside_its_title():
    facts = parse_file(InputFile("UY0106_es.html", (HTML / "UY0106_es.html").read_bytes()), order=0).pages[0]
    assert (facts.commitment_id, facts.lang, facts.member) == ("UY0106", "es", "uruguay")
    assert facts.title == "Datos del proceso electoral" and facts.status == "active"
    assert facts.policy_areas == ["open_data", "access_to_information"]  # one per line in the HTML list
    assert facts.irm["verifiable"] == "yes" and facts.irm["completion"] == "pending_irm_review"
    assert facts.url == "https://www.opengovpartnership.org/es/members/uruguay/commitments/UY0106/"


# -- CSV -------------------------------------------------------------------------------------------------


def test_a_csv_export_with_page_labels_in_its_header():
    parsed = parse_file(fixture("csv/export.csv"), order=0)
    uk, fr = parsed.pages
    assert (uk.commitment_id, uk.member, uk.status, uk.lang) == ("UK0063", "united-kingdom", "inactive", "en")
    assert uk.lead == ["Department for Business, Innovation and Skills"]
    assert uk.support == ["Cabinet Office", "mySociety"]
    assert uk.policy_areas == ["beneficial_ownership", "e_government"]
    assert uk.relevance == ["access_to_information", "civic_participation"]
    assert uk.irm["completion"] == "substantial" and uk.irm["early_results"] == "did_not_change"
    assert (fr.lang, fr.title, fr.irm["ambition"], fr.policy_areas) == (
        "fr", "Renforcement des capacités administratives", "low", ["capacity_building", "private_sector"])


def test_the_bots_own_csv_export_reads_back():
    [page] = parse_file(fixture("csv/bot_export.csv"), order=0).pages
    assert (page.commitment_id, page.title, page.irm["ambition"]) == ("FR0037", "State AI Lab", "low")
    assert page.plan_title == "France Action Plan 2018-2020" and page.member == "france"


def test_a_csv_row_with_a_bad_id_names_its_line():
    with pytest.raises(DataError) as error:
        parse_file(fixture("csv/bad_id.csv"), order=0)
    assert str(error.value) == "csv/bad_id.csv: line 3: 'UK-63' is not a commitment id (like FR0038)"


# -- archives ------------------------------------------------------------------------------------------


def test_a_zip_of_pages_with_its_index_is_imported(engine):
    index = "\n".join(json.dumps({"file": n, "url": f"https://opengovpartnership.org/fr/members/france/commitments/{n[:6]}",
                                  "id": n[:6], "lang": "fr"}) for n in ("FR0037_fr_1.txt", "FR0036_fr_1.txt"))
    archive = zipped({"pages/index.jsonl": index.encode(),
                      "pages/FR0037_fr_1.txt": (PAGES / "FR0037_fr_1.txt").read_bytes(),
                      "pages/FR0036_fr_1.txt": (PAGES / "FR0036_fr_1.txt").read_bytes(), "__MACOSX/._x": b"junk"})
    report = run_import(engine, [archive], actor="test", max_bytes=MB)
    assert report.counts["added"] == 2 and [f.name for f in report.files] == ["pages.zip:pages/FR0036_fr_1.txt",
                                                                              "pages.zip:pages/FR0037_fr_1.txt"]
    _, data = snapshot(engine)
    urls = {c["id"]: c["urls"] for c in data["commitments"]}
    assert urls["FR0037"] == {"fr": "https://www.opengovpartnership.org/fr/members/france/commitments/FR0037/"}


def test_an_index_at_the_root_of_a_zip_describes_the_zip(engine):
    # Zipping the pages folder from inside it puts index.jsonl at the archive's root.
    index = json.dumps({"file": "FR0037_fr_1.txt", "lang": "fr",
                        "url": "https://opengovpartnership.org/fr/members/france/commitments/FR0037"})
    archive = zipped({"index.jsonl": index.encode(), "FR0037_fr_1.txt": (PAGES / "FR0037_fr_1.txt").read_bytes()})
    report = run_import(engine, [archive], actor="test", max_bytes=MB)
    assert report.counts["added"] == 1
    _, data = snapshot(engine)
    assert data["commitments"][0]["urls"] == {
        "fr": "https://www.opengovpartnership.org/fr/members/france/commitments/FR0037/"}


@pytest.mark.parametrize(("members", "message"), [
    ({"../evil.txt": b"x"}, "pages.zip:../evil.txt: refused: a path that leaves the archive ('..')"),
    ({"/etc/passwd": b"x"}, "pages.zip:/etc/passwd: refused: an absolute path"),
    ({"inner.zip": b"PK\x03\x04"}, "pages.zip:inner.zip: refused: archives inside archives are not read"),
    ({"big.txt": b"a" * (2 * MB)}, "pages.zip:big.txt: refused: compressed"),
    ({"page.txt": "".join(random.Random(0).choices("ACGT", k=MB + 10)).encode()},  # compresses 4:1, no bomb
     "pages.zip:page.txt: refused: larger than the size cap"),
    ({}, "pages.zip: the archive holds no files"),
])
def test_unsafe_archives_are_refused(members, message):
    expanded = expand([zipped(members)], max_bytes=MB)
    assert any(str(p).startswith(message) for p in expanded.problems), expanded.problems
    assert not expanded.files


def test_an_archive_may_not_expand_without_end():
    members = {f"p{i}.txt": bytes([65 + i]) * 600_000 for i in range(20)}  # 12 MB of low-ratio text
    expanded = expand([zipped(members)], max_bytes=MB)
    assert any("what the archive may expand to in all" in p.reason for p in expanded.problems)
    assert sum(len(f.data) for f in expanded.files) <= 10 * MB


# -- bad input -------------------------------------------------------------------------------------------

BAD = [
    (InputFile("notes.txt", b"Minutes of the OGP steering committee\n\nWe met on Tuesday."),
     "notes.txt: line 1: this is not an OGP commitment page"),
    (InputFile("empty.txt", b""), "empty.txt: the file is empty"),
    (InputFile("blank.html", b"  \n"), "blank.html: the file is empty"),
    (InputFile("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "photo.txt: this is a binary file, not text"),
    (InputFile("latin1.txt", "Intitulé (FR0038)\nStatut: actif".encode("latin-1")),
     "latin1.txt: line 1: byte 7 is not UTF-8"),
    (InputFile("huge.txt", b"Title (FR0038)\n" + b"Action Plan: x\n" * 80_000),
     "huge.txt: the file is 1,200,015 bytes, "
                                                                                 "over the limit of 1,048,576 bytes"),
    (InputFile("broken.json", b'{"commitments": [}'), "broken.json: line 1 column 18: invalid JSON"),
    (InputFile("dataset.json", b'{"format": "ogp-bot-dataset", "format_version": 1, "commitments": [{"id": "UK-63"}]}'),
     "dataset.json: commitments[0].id: 'UK-63' is not a commitment id"),
    (InputFile("pages.zip", b"PK\x03\x04 this is not really a zip"), "pages.zip: not a readable zip archive"),
    (InputFile("member.html", (HTML / "member_page_france.html").read_bytes()),
     "member.html: line 1: this is not an OGP commitment page"),
    (InputFile("title_only.txt", b"Something about open data (FR0099)\nwe liked it\n"),
     "title_only.txt: line 1: a title with the id FR0099 but none of the fields of an OGP commitment page"),
    (InputFile("index.jsonl", b'{"file": "a.txt"}\n{oops'), "index.jsonl: line 2 column 2: invalid JSON"),
    (InputFile("rows.jsonl", b'{"id": "FR0038"}'), "rows.jsonl: a JSON Lines file is read only as a folder's index"),
]


@pytest.mark.parametrize(("bad", "message"), BAD, ids=[b.name for b, _ in BAD])
def test_bad_input_is_refused_by_name_and_nothing_changes(engine, bad, message):
    run_import(engine, [dev("FR0037_en_1.txt")], actor="test")
    before = snapshot(engine)
    with pytest.raises(DataError) as error:
        run_import(engine, [dev("FR0036_en_1.txt"), bad], actor="test", max_bytes=MB)
    assert any(str(p).startswith(message) for p in error.value.problems), str(error.value)
    assert snapshot(engine) == before  # nothing of the run was imported, not even the good page


def test_with_partial_the_good_files_are_imported_and_the_bad_ones_listed(engine):
    report = run_import(engine, [dev("FR0036_en_1.txt"), BAD[0][0], BAD[1][0], dev("FR0040_en_1.txt")],
                        actor="test", partial=True, max_bytes=MB)
    assert report.counts["added"] == 2 and report.counts["refused"] == 2
    assert {f.name: f.status for f in report.files} == {"FR0036_en_1.txt": "imported", "FR0040_en_1.txt": "imported",
                                                        "notes.txt": "refused", "empty.txt": "refused"}
    summary = render_summary(report, "en")
    assert "Refused (2):\n- notes.txt: line 1: this is not an OGP commitment page" in summary
    assert "- empty.txt: the file is empty" in summary


def test_only_bad_files_even_with_partial_is_an_error(engine):
    with pytest.raises(DataError, match="empty.txt: the file is empty"):
        run_import(engine, [BAD[1][0]], actor="test", partial=True)


def test_a_dry_run_changes_nothing_and_says_what_would(engine):
    before = snapshot(engine)
    report = run_import(engine, [dev("FR0036_en_1.txt")], actor="test", dry_run=True)
    assert snapshot(engine) == before
    assert render_summary(report, "en").startswith("Dry run, nothing was changed: 1 would be added")


def test_a_canonical_dataset_is_imported_alongside_pages(engine, mini_dataset):
    data = mini_dataset.model_dump_json(exclude_none=True).encode()
    report = run_import(engine, [InputFile("mini.json", data), dev("FR0037_en_1.txt")], actor="test")
    assert report.counts["added"] == 3
    _, stored = snapshot(engine)
    assert {c["id"] for c in stored["commitments"]} == {"FR0038", "UK0063", "FR0037"}


def test_the_summary_in_french():
    from bot.common.i18n import translator
    from bot.importing.summary import field_label, value_text

    t = translator("fr")
    assert field_label("irm.completion_end", t) == "achèvement en fin de plan"
    assert field_label("milestones.9.2.status_note.fr", t) == "note de l'IRM sur le jalon 9.2 (fr)"
    assert value_text("irm.completion", "pending_irm_review", t) == "examen IRM en attente"
    assert value_text("irm.completion", None, t) == "(aucune)"


# -- the command ---------------------------------------------------------------------------------------


def test_the_import_command(tmp_path, capsys):
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    folder = tmp_path / "pages"
    folder.mkdir()
    # A later snapshot of a page the bundle holds: the command imports it over the bundled data.
    (folder / "FR0037_en_4.txt").write_text((PAGES / "FR0037_en_1.txt").read_text().replace("Status:",
                                                                                            "Status: Inactive"))
    (folder / "notes.md").write_text("not read: not a page type")
    assert import_paths(settings, [folder]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Import applied: 0 added, 1 updated, 0 unchanged, 0 partial, 0 removed.")
    assert "FR0037 status: active → inactive" in out
    assert "skipped " in err and "notes.md" in err
    (folder / "bad.txt").write_text("hello")
    assert import_paths(settings, [folder]) == 1
    out, err = capsys.readouterr()
    assert "import refused, nothing changed:\n" in err and "bad.txt: line 1: this is not an OGP" in err
    assert import_paths(settings, [folder], partial=True) == 0
    assert import_paths(settings, [tmp_path / "missing"]) == 2
