"""An answer being written (Draft): its lines, sources and buttons, in the reader's language, and the
translator of answers, whose French templates elide ("de IE0014" → "d'IE0014").

Every sentence goes through gettext. When a text exists only in another language, it is used and the
answer says which language it is in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from bot.common.i18n import Translator, translator
from bot.common.textnorm import strip_accents
from bot.core.textlang import written_in
from bot.core.types import Button

# The language to borrow a text from when the reader's is missing: English has the most texts.
OTHER_LANGUAGE = {"en": "fr", "fr": "en", "es": "en"}


@dataclass
class Draft:
    """An answer being written: lines, sources, buttons, and the other languages of texts it shows."""

    lang: str
    lines: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    borrowed: set[str] = field(default_factory=set)  # languages (other than `lang`) of texts shown

    @property
    def t(self) -> Translator:
        return answer_translator(self.lang)

    def add(self, line: str) -> None:
        if line:
            self.lines.append(line)

    def paragraph(self, text: str) -> None:
        """A text set apart by blank lines (a quoted summary)."""
        if text:
            self.lines += ["", text, ""]

    def text_of(self, texts: dict[str, str]) -> str:
        """The text written in the reader's language, else one in another language (the note names it).

        Texts are filed under the language of the page they come from, which is not always theirs
        (an English page gives a Spanish title): what counts is the language the text is written in."""
        fallback: tuple[str, str] | None = None
        for filed in dict.fromkeys((self.lang, OTHER_LANGUAGE.get(self.lang, "en"), *texts)):
            text = texts.get(filed)
            if not text:
                continue
            lang = written_in(text, filed, *(key for key, other in texts.items() if other == text and key != filed))
            if lang == self.lang:
                return text
            fallback = fallback or (text, lang)
        if fallback is None:
            return ""
        self.borrowed.add(fallback[1])
        return fallback[0]

    def source(self, url: str | None) -> None:
        if url and url not in self.sources:
            self.sources.append(url)

    def render(self) -> str:
        t = self.t
        lines = list(self.lines)
        if self.borrowed:
            languages = t.join([_in_language(t, lang) for lang in sorted(self.borrowed)])
            lines.append(t._("(Some of this text exists only {languages}.)", languages=languages))
        if self.sources:
            lines.append(t._("Source: {urls}", urls=" ".join(self.sources)))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# -- French elision -------------------------------------------------------------------------------------

_ELIDABLE = re.compile(r"\b(de|que|le|la|jusque|lorsque|puisque) \{(\w+)\}", re.IGNORECASE)


def starts_with_vowel_sound(value: str) -> bool:
    """'IE0014', 'UA0012', 'Irlande', 'HN0012' (read 'ache-enne'): yes; 'FR0038', 'Honduras', '2018': no.

    An id or acronym is read letter by letter, so H and Y (« ache », « i grec ») sound as vowels there;
    in a word they may not (le Honduras, le Yémen)."""
    word = value.lstrip("«“\"'( ")
    if not word:
        return False
    first = strip_accents(word[0]).lower()
    if first in "aeiou":
        return True
    read_as_letters = len(word) > 1 and (word[1].isupper() or word[1].isdigit())
    return first in "hy" and read_as_letters


def elide(template: str, params: dict[str, object]) -> str:
    """'Premiers résultats de {id}' with id='IE0014' → 'Premiers résultats d'{id}': "de", "que", "le", "la"
    before a value that starts with a vowel sound."""

    def one(match: re.Match[str]) -> str:
        value = params.get(match.group(2))
        if isinstance(value, str) and starts_with_vowel_sound(value):
            return f"{match.group(1)[:-1]}'{{{match.group(2)}}}"
        return match.group(0)

    return _ELIDABLE.sub(one, template)


class ElidingTranslator(Translator):
    """The French translator of answers: its templates elide before the values put into them."""

    def gettext(self, message: str, **params: object) -> str:
        text = super().gettext(message)
        return elide(text, params).format(**params) if params else text

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return elide(text, params).format(n=self.number(n), **params)


@functools.cache
def answer_translator(lang: str) -> Translator:
    return ElidingTranslator(lang) if lang == "fr" else translator(lang)


def _in_language(t: Translator, lang: str) -> str:
    """'in Spanish' / 'en espagnol': French repeats « en » before each language of a list."""
    names = {"en": t._("in English"), "fr": t._("in French"), "es": t._("in Spanish")}
    return names.get(lang, lang)

