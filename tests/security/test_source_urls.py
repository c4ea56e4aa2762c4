"""Source addresses: only http(s) pages on opengovpartnership.org (and its subdomains) are stored as a commitment's
`urls`; any other is refused naming the record and the field, in every input format, and nothing changes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.common.paths import DATA_DIR
from bot.dataset.errors import DataError
from bot.dataset.load import BUNDLED_DATASET, apply, ensure_data
from bot.dataset.reader import read_dataset_bytes, read_dataset_file
from bot.dataset.schema import SOURCE_HOSTS, source_url_problem
from bot.dataset.store import current_version, read_dataset
from bot.importing.pipeline import run_import
from bot.importing.sources import InputFile, read_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MINI = json.loads((FIXTURES / "mini_dataset.json").read_text(encoding="utf-8"))
PAGE = (DATA_DIR / "sources" / "ogp_pages" / "FR0037_en_1.txt").read_bytes()
HTML = (FIXTURES / "importer" / "html" / "FR0038_en_full.html").read_text(encoding="utf-8")
CANONICAL = "https://www.opengovpartnership.org/members/france/commitments/FR0038/"

REFUSED = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)//https://www.opengovpartnership.org/",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "ftp://www.opengovpartnership.org/members/",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
    "https://evil.example/members/france/commitments/FR0038/",
    "http://localhost/admin",
    "https://opengovpartnership.org.evil.example/",
    "https://evilopengovpartnership.org/",
    "https://www.opengovpartnership.org@evil.example/",
    "https://user:pw@www.opengovpartnership.org/",
    "https://evil.example\\@www.opengovpartnership.org/",
    "https://www.opengovpartnership.org:8080/",
    'https://www.opengovpartnership.org/"><script>alert(1)</script>',
    "https://www.opengovpartnership.org/a b",
    "//evil.example/x",
    "/members/france/commitments/FR0038/",
    "www.opengovpartnership.org/members/",
]
ACCEPTED = [
    CANONICAL,
    "http://opengovpartnership.org/members/france/commitments/FR0038/",
    "https://fr.opengovpartnership.org/members/france/",
    "HTTPS://WWW.OPENGOVPARTNERSHIP.ORG/fr/members/france/commitments/FR0038/",
    "https://www.opengovpartnership.org:443/members/france/commitments/FR0038/?utm=x#top",
]


@pytest.mark.parametrize("url", REFUSED)
def test_addresses_that_are_not_ogp_pages_are_refused(url: str) -> None:
    assert source_url_problem(url) is not None


@pytest.mark.parametrize("url", ACCEPTED)
def test_ogp_pages_and_its_subdomains_are_accepted(url: str) -> None:
    assert source_url_problem(url) is None
    assert SOURCE_HOSTS == ("opengovpartnership.org",)


def state(engine: Engine) -> tuple[int, dict[str, Any]]:
    with Session(engine) as session:
        return current_version(session), read_dataset(session).model_dump(mode="json", exclude={"generated_at"})


def refused(engine: Engine, *items: InputFile) -> list[str]:
    """The problems of an import that must be refused, after checking that it changed nothing."""
    before = state(engine)
    with pytest.raises(DataError) as error:
        run_import(engine, list(items), actor="test")
    assert state(engine) == before  # same version, same data
    return [str(p) for p in error.value.problems]


def with_url(url: str, lang: str = "en") -> bytes:
    data = copy.deepcopy(MINI)
    data["commitments"][1]["urls"][lang] = url
    return json.dumps(data).encode()


# -- canonical JSON ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", REFUSED)
def test_a_dataset_with_a_foreign_url_is_refused_naming_the_record(url: str) -> None:
    with pytest.raises(DataError) as error:
        read_dataset_bytes(with_url(url, "fr"), "x.json")
    (problem,) = error.value.problems
    # stripped like every text of the format, then checked
    assert str(problem).startswith(f"x.json: commitments[1].urls.fr: commitment UK0063: {url.strip()[:100]!r} "), \
        str(problem)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://ftp.example/x",
                                 "https://evil.example/FR0038/"])
def test_a_refused_dataset_changes_nothing(engine: Engine, url: str) -> None:
    apply(engine, read_dataset_file(FIXTURES / "mini_dataset.json"), actor="test", mode="replace")
    version, _ = state(engine)
    problems = refused(engine, InputFile("x.json", with_url(url)))
    assert problems[0].startswith(f"x.json: commitments[1].urls.en: commitment UK0063: {url!r}")
    assert state(engine)[0] == version == 1


def test_every_problem_of_a_dataset_is_reported_at_once() -> None:
    data = copy.deepcopy(MINI)
    data["commitments"][0]["urls"] = {"en": "javascript:alert(1)"}
    data["commitments"][1]["urls"] = {"en": "ftp://x.example/"}
    with pytest.raises(DataError) as error:
        read_dataset_bytes(json.dumps(data).encode(), "x.json")
    assert [p.where for p in error.value.problems] == ["commitments[0].urls.en", "commitments[1].urls.en"]


# -- pages, HTML, index.jsonl, CSV ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://evil.example/members/france/commitments/FR0038/",
                                 "data:text/html,x"])
def test_an_html_page_whose_address_is_foreign_is_refused(sqlite_engine: Engine, url: str) -> None:
    hostile = HTML.replace(f'<link rel="canonical" href="{CANONICAL}">', f'<link rel="canonical" href="{url}">')
    assert hostile != HTML
    problems = refused(sqlite_engine, InputFile("FR0038_en_full.html", hostile.encode()))
    assert problems[0].startswith(f"FR0038_en_full.html: urls.en: commitment FR0038: {url!r}"), problems


def test_an_index_that_gives_a_page_a_foreign_address_is_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "FR0037_en_1.txt").write_bytes(PAGE)
    (folder / "index.jsonl").write_text(json.dumps({"file": "FR0037_en_1.txt", "lang": "en",
                                                    "url": "javascript:alert(1)"}) + "\n", encoding="utf-8")
    files, _ = read_paths([folder])
    before = state(sqlite_engine)
    with pytest.raises(DataError) as error:
        run_import(sqlite_engine, files, actor="test")
    assert state(sqlite_engine) == before
    assert any(p.where == "urls.en" and "commitment FR0037: 'javascript:alert(1)'" in p.reason
               for p in error.value.problems), error.value


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://www.opengovpartnership.org/x",
                                 "https://evil.example/FR0038/"])
def test_a_csv_row_with_a_foreign_url_is_refused_with_its_line(engine: Engine, url: str) -> None:
    apply(engine, read_dataset_file(FIXTURES / "mini_dataset.json"), actor="test", mode="replace")
    text = f"id,lang,title,url\nFR0038,en,Administrative Capacity-Building,{CANONICAL}\nFR0038,fr,Titre,{url}\n"
    problems = refused(engine, InputFile("rows.csv", text.encode()))
    assert problems == [f"rows.csv line 3: urls.fr: commitment FR0038: {source_url_problem(url)}"]
    assert state(engine)[0] == 1


def test_ogp_addresses_of_any_form_are_imported_in_one_form(sqlite_engine: Engine) -> None:
    text = "id,lang,title,url\nFR0038,fr,Titre,http://opengovpartnership.org/fr/members/france/commitments/fr0038\n"
    run_import(sqlite_engine, [InputFile("rows.csv", text.encode())], actor="test")
    _, data = state(sqlite_engine)
    (record,) = data["commitments"]
    assert record["urls"] == {"fr": "https://www.opengovpartnership.org/fr/members/france/commitments/FR0038/"}


# -- the bundle ----------------------------------------------------------------------------------------------------

def test_the_bundled_dataset_holds_only_ogp_addresses_and_loads(sqlite_engine: Engine) -> None:
    bundle = read_dataset_file(BUNDLED_DATASET)  # validated: every url meets the rule
    urls = [url for c in bundle.commitments for url in c.urls.values()]
    assert urls and all(source_url_problem(u) is None for u in urls)
    assert ensure_data(sqlite_engine) == 1
