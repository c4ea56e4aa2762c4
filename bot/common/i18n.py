"""Translations (gettext catalogs compiled by babel) and locale-aware formatting for answers.

Every user-facing string goes through `Translator.gettext` (aliased `_` so that `pybabel extract`
finds it); numbers, dates and lists are formatted with babel for the reader's locale.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.lists import format_list as babel_format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from bot.common.paths import LOCALES_DIR

log = logging.getLogger(__name__)

SUPPORTED = ("en", "fr", "es")
DOMAIN = "messages"
# The list styles babel.lists.format_list knows.
ListStyle = Literal["standard", "standard-short", "or", "or-short", "unit", "unit-short", "unit-narrow"]


def _load_catalog(lang: str) -> NullTranslations:
    """The compiled catalog; compiled in memory from the .po when the .mo is missing or stale."""
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if po.exists():
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    if lang != "en":
        log.warning("no %s catalog in %s: answers will be in English", lang, folder)
    return NullTranslations()


class Translator:
    """Messages and formats of one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in SUPPORTED else "en"
        self.locale = Locale.parse(self.lang)
        self._catalog = _load_catalog(self.lang)

    def gettext(self, message: str, **params: object) -> str:
        text = self._catalog.gettext(message)
        return text.format(**params) if params else text

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **params)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        return format_percent(value, locale=self.locale, format="#,##0.#%")

    def join(self, items: Sequence[str], style: ListStyle = "standard") -> str:
        """'A, B and C' / 'A, B et C'."""
        items = [i for i in items if i]
        return babel_format_list(items, style=style, locale=self.locale) if items else ""

    def date(self, value: date | datetime, fmt: str = "long") -> str:
        return babel_format_date(value, format=fmt, locale=self.locale)

    def partial_date(self, value: str | None) -> str:
        """'2018' → '2018'; '2018-09' → 'September 2018' / 'septembre 2018'; full dates in long form."""
        if not value:
            return ""
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return str(parts[0])
        if len(parts) == 2:
            return babel_format_date(date(parts[0], parts[1], 1), format="LLLL y", locale=self.locale)
        return babel_format_date(date(*parts), format="long", locale=self.locale)


def localized(texts: dict[str, str] | None, lang: str) -> str:
    """A stored text (a record's title, name, URL, filed by language) in the reader's language when the record has
    it, else in English, the language most records have, else in any language it has ("" when none)."""
    texts = texts or {}
    return texts.get(lang) or texts.get("en") or next((text for text in texts.values() if text), "")


@functools.cache
def translator(lang: str) -> Translator:
    return Translator(lang)


def N_(message: str) -> str:
    """Marks a string for extraction where it is translated later (tables of labels)."""
    return message
