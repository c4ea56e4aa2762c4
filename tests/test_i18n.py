"""Catalogs: every message has a French and a Spanish translation, not fuzzy, with the same placeholders and every
plural form; formatting follows the reader's locale; answers in Spanish are Spanish through and through."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.common.i18n import translator
from bot.core.service import Assistant
from bot.core.types import Answer

LOCALES = Path(__file__).resolve().parent.parent / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")
# The languages translated from the English of the code: each must be complete.
TRANSLATED = ("fr", "es")


def _catalog(lang: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def _template() -> Catalog:
    with (LOCALES / "messages.pot").open("rb") as fp:
        return read_po(fp)


def test_template_is_up_to_date(tmp_path: Path) -> None:
    """messages.pot lists exactly the messages in the code (run `make i18n` after changing strings)."""
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "--no-location", "--sort-output", "-k", "N_", "-o", str(fresh), "."],
                   cwd=LOCALES.parent, check=True, capture_output=True)
    with fresh.open("rb") as fp:
        in_code = {m.id for m in read_po(fp) if m.id}
    in_template = {m.id for m in _template() if m.id}
    assert in_code == in_template, "run `make i18n`: the template differs from the code"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_is_complete(lang: str) -> None:
    template = {m.id for m in _template() if m.id}
    catalog = _catalog(lang)
    problems = []
    for msgid in sorted(template, key=str):
        message = catalog.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        if message is None or not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            problems.append(f"missing: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif isinstance(msgid, tuple) != isinstance(message.string, tuple) or (
                isinstance(msgid, tuple) and len(message.string) != catalog.num_plurals):
            problems.append(f"plural forms: {msgid!r} -> {message.string!r}")
        else:
            ids = msgid if isinstance(msgid, tuple) else (msgid,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(PLACEHOLDER.findall(ids[-1]))
            for number, s in enumerate(strings):
                used = set(PLACEHOLDER.findall(s))
                # The singular form may leave the count out ("the other one"); every other form uses them all.
                if used != wanted and not (len(ids) > 1 and number == 0 and used <= wanted):
                    problems.append(f"placeholders differ: {msgid!r} -> {s!r}")
    assert problems == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_rule_is_the_locale_one(lang: str) -> None:
    """The header's Plural-Forms is babel's (CLDR) rule for the language: as many forms, chosen the same way."""
    catalog, cldr = _catalog(lang), Catalog(locale=lang)
    assert (catalog.num_plurals, catalog.plural_expr) == (cldr.num_plurals, cldr.plural_expr)


@pytest.mark.parametrize(("lang", "joined", "number", "day"), [
    ("fr", "A, B et C", "12 345,5", "31 décembre 2020"),
    ("es", "A, B y C", "12.345,5", "31 de diciembre de 2020"),
])
def test_formatting_follows_the_locale(lang: str, joined: str, number: str, day: str) -> None:
    en, t = translator("en"), translator(lang)
    assert en.join(["A", "B", "C"]) == "A, B, and C"
    assert en.number(12345.5) == "12,345.5"
    assert en.partial_date("2018-09") == "September 2018"
    assert t.join(["A", "B", "C"]) == joined
    assert t.number(12345.5).replace("\u202f", " ") == number
    assert t.partial_date("2020-12-31") == day
    assert t.partial_date("2019") == "2019"


# -- Spanish answers rendered by the core -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant.from_url(f"sqlite:///{tmp_path_factory.mktemp('i18n') / 'bot.db'}")


def _english_phrases() -> set[str]:
    """The English wording of the templates: the text between placeholders, where it is a phrase of three words or
    more that the Spanish catalog does not share (English data such as titles may stand in an answer)."""
    spanish = " ".join(s for m in _catalog("es") if m.id
                       for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    phrases = set()
    for m in _template():
        for msgid in (m.id if isinstance(m.id, tuple) else (m.id,)) if m.id else ():
            for chunk in re.split(r"\{+[a-z_0-9]*\}+", msgid):
                chunk = chunk.strip(" .,:;")
                if len(re.findall(r"[A-Za-z']+", chunk)) >= 3 and len(chunk) >= 15 and chunk not in spanish:
                    phrases.add(chunk)
    return phrases


def _spanish(answer: Answer) -> str:
    english = sorted(p for p in _english_phrases() if p in answer.text)
    assert answer.lang == "es"
    assert english == [], f"English template text in a Spanish answer: {english}\n{answer.text}"
    return answer.text


def test_answers_in_spanish(assistant: Assistant) -> None:
    """Answers of the core in Spanish: the catalog's wording and the vocabularies' Spanish labels, no English
    template text (the English of the data, such as FR0038's title, is named as such)."""
    card = _spanish(assistant.overview("FR0038", lang="es"))
    assert "Compromiso 9 de" in card
    assert "Institución responsable:" in card
    assert "Nivel de cumplimiento al final del plan de acción (MRI): Sustancial." in card
    assert "(Parte de este texto solo existe en inglés.)" in card
    assert "Datos al 28 de noviembre de 2026." in card
    assert "Fuente: https://" in card
    lead = _spanish(assistant.ask_intent("lead_institution", "FR0038", lang="es"))
    assert lead.startswith("La institución responsable de FR0038 (")
    ambition = _spanish(assistant.ask_intent("ambition", "FR0038", lang="es"))
    assert "Ambición de FR0038" in ambition and "según el MRI: Bajo." in ambition
    assert "Impacto potencial: Menor." in ambition
    helped = _spanish(assistant.help(lang="es"))
    assert "Ejemplos:" in helped and "• ¿quién lidera FR0038?" in helped
    assert "• compromisos sobre denunciantes" in helped
    unknown = _spanish(assistant.overview("FR9999", lang="es"))
    assert "No tengo FR9999 en mis datos" in unknown


@pytest.mark.parametrize("question", [
    "¿quién lidera FR0038?",
    "¿cuál es el estado del hito 9.2 de FR0038?",
    "compromisos sobre datos abiertos",
    "¿cuántos compromisos tiene Francia?",
    "how many commitments of France 2018-2020 are starred?",  # understood in English, answered in Spanish
    "how many commitments of France 2018-2020 have the ambition level high?",
    "xyzzy",
])
def test_questions_answered_in_spanish(assistant: Assistant, question: str) -> None:
    """Whatever the question, an answer in Spanish has no English template text (Spanish understanding aside: the
    answer language is forced)."""
    text = _spanish(assistant.answer(question, lang="es"))
    assert re.search(r"\b(compromisos?|hitos?|Datos al|Fuente|Lo siento|Pruebe)\b", text), text
