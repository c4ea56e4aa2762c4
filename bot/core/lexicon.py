"""The vocabulary of question understanding, read from data/nlu/*.json (never hard-coded in if-chains).

Each file is validated by a pydantic model when it is read: a malformed file stops with an error that names
the file and the place in it ("data/nlu/words.json: ordinals.2[0]: Input should be a valid string").
Keys starting with "_" are comments, at any depth.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, RootModel, ValidationError, ValidationInfo, field_validator

from bot.common.paths import DATA_DIR, PROJECT_ROOT
from bot.common.textnorm import fold
from bot.common.vocab import vocabulary
from bot.core.text import tokens
from bot.core.types import INTENTS
from bot.dataset.errors import DataError, Problem, json_path

NLU_DIR = DATA_DIR / "nlu"

# -- the files, as pydantic models ------------------------------------------------------------------------


class _NluFile(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _an_intent(name: str) -> str:
    if name not in INTENTS:
        raise ValueError(f"{name!r} is not an intent of the answer contract ({', '.join(INTENTS)})")
    return name


class IntentTriggers(_NluFile):
    """The trigger phrases of one intent, per language (folded; a trailing * is a prefix wildcard)."""

    weight: float = 1.0
    en: list[str] = []
    fr: list[str] = []
    es: list[str] = []


class IntentsFile(RootModel[dict[Annotated[str, AfterValidator(_an_intent)], IntentTriggers]]):
    """data/nlu/intents.json: intent name → its trigger phrases."""


class PerLanguage(_NluFile):
    en: list[str]
    fr: list[str]
    es: list[str] = []


class CuePhrases(_NluFile):
    en: list[str] = []
    fr: list[str] = []
    es: list[str] = []


class FollowUpCues(_NluFile):
    """words.json "followups": the phrases that mark a question as a follow-up of the previous answer
    (bot.core.followups): refining its list, swapping a part of its scope, moving along milestones."""

    refine: CuePhrases = CuePhrases()  # "which of them", "lesquels", "only the", "parmi eux"
    swap: CuePhrases = CuePhrases()  # at the start: "and", "et", "what about", "et pour"
    next: CuePhrases = CuePhrases()  # "the next one", "le suivant"
    previous: CuePhrases = CuePhrases()  # "the previous one", "le précédent"
    whole: CuePhrases = CuePhrases()  # "as a whole", "dans son ensemble": back to the commitment
    one: CuePhrases = CuePhrases()  # "the UK one", "celui des États-Unis": one commitment of the last list

    def phrases(self, kind: str) -> tuple[tuple[str, ...], ...]:
        """The folded phrases of one kind, longest first."""
        cues: CuePhrases = getattr(self, kind)
        return tuple(sorted({_words(p) for p in (*cues.en, *cues.fr, *cues.es) if _words(p)}, key=lambda p: -len(p)))

    @functools.cached_property
    def every_word(self) -> frozenset[str]:
        return frozenset(w for kind in type(self).model_fields for p in self.phrases(kind) for w in p)


class WordsFile(_NluFile):
    """data/nlu/words.json: the word lists of the question understanding (folded)."""

    stopwords: PerLanguage
    language_markers: PerLanguage
    commitment_words: list[str]
    milestone_words: list[str]
    plan_words: list[str]
    ordinals: dict[int, list[str]]
    latest: list[str]
    synonyms: dict[str, str]
    thanks: list[str]
    followups: FollowUpCues = FollowUpCues()
    counted_units: dict[str, list[str]] = {}
    # Marker words of languages the bot does not answer in (Portuguese): such a text is no Spanish question.
    other_languages: dict[str, list[str]] = {}
    unit_introducers: list[str] = []  # "which countries", "que paises": a list of units is asked for
    existence: list[str] = []  # "any", "algun": "does France have any starred commitment?" asks for a list


class GlossaryFile(_NluFile):
    """data/nlu/glossary.json: French topic words → their English equivalents (pairs), Spanish ones → English (es)."""

    pairs: dict[str, str]
    es: dict[str, str] = {}


class FilterPhrases(_NluFile):
    """data/nlu/filters.json: the phrases of aggregate questions that filter ("completed", "starred"), compare,
    or ask for a chart. Keys of completion, ambition and potential_impact are vocabulary keys."""

    completion: dict[str, list[str]]
    starred: list[str]
    ambition: dict[str, list[str]]
    potential_impact: dict[str, list[str]]
    lead_words: list[str]
    compare: list[str]
    chart: list[str]
    ambition_metric: list[str]
    # The structured count query (bot.core.aggregates): more phrases of each field's values (keys of
    # data/vocabularies.json, beyond its labels and aliases), the words that name each field, negation, thresholds,
    # shares, policy-area cues, support and lead phrasings, words that filter nothing, institution equivalents.
    values: dict[str, dict[str, list[str]]] = {}
    cues: dict[str, list[str]] = {}
    negation: list[str] = []
    exclusion: list[str] = []  # "except", "hors", "excepto": before a member, the commitments of every other one
    at_least: list[str] = []
    share: list[str] = []
    area_cues: list[str] = []
    # Words that introduce a topic ("about", "concernant"): a word found only deep in some commitment's texts is
    # a topic when one of these introduces it; otherwise it must name a title or a policy area.
    topic_cues: list[str] = []
    support_words: list[str] = []
    lead_verbs: list[str] = []
    filler: dict[str, list[str]] = {}
    institution_equivalents: list[list[str]] = []

    @field_validator("completion", "ambition", "potential_impact")
    @classmethod
    def _vocabulary_keys(cls, value: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        kind = info.field_name or ""
        for key in value:
            if not vocabulary().has(kind, key):
                raise ValueError(f"{key!r} is no {kind} key of data/vocabularies.json")
        return value

    @functools.cached_property
    def narrowing_words(self) -> frozenset[str]:
        """Every word of a phrase that narrows a count (completion levels, starred, ambition, lead): not the
        topic of the question."""
        values = [v for vs in self.completion.values() for v in vs] + self.starred + self.lead_words
        values += [v for levels in (self.ambition, self.potential_impact) for vs in levels.values() for v in vs]
        values += self.support_words + [v for field in ("relevance", "verifiable") for v in self.cues.get(field, [])]
        values += [v for field in ("status", "verifiable", "early_results")
                   for vs in self.values.get(field, {}).values() for v in vs]
        return frozenset(w for v in values for w in tokens(v)) - {"by", "par", "the", "la", "le"}

    @functools.cached_property
    def share_words(self) -> frozenset[str]:
        return frozenset(w for v in self.share for w in tokens(v))

    @functools.cached_property
    def compare_words(self) -> frozenset[str]:
        return frozenset(w for v in self.compare for w in tokens(v))

    @functools.cached_property
    def chart_words(self) -> frozenset[str]:
        return frozenset(w for v in self.chart for w in tokens(v))

    @functools.cached_property
    def every_word(self) -> frozenset[str]:
        """Every word of the file: real words, never corrected as typos."""
        return frozenset(w for phrase in _strings(self.model_dump()) for w in _words(phrase))


_File = TypeVar("_File", bound=BaseModel)


def read_nlu_file(path: Path, model: type[_File]) -> _File:
    """A data/nlu file validated by its model; a DataError naming the file and the place when it is malformed."""
    source = _shown(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DataError.one(source, f"cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError as err:
        raise DataError.one(source, f"not UTF-8 text ({err.reason})", f"byte {err.start}") from None
    except json.JSONDecodeError as err:
        raise DataError.one(source, err.msg, f"line {err.lineno} column {err.colno}") from None
    try:
        return model.model_validate(_without_comments(raw))
    except ValidationError as err:
        raise DataError([Problem(source, json_path([p for p in e["loc"] if p != "[key]"]),
                                 str(e["msg"]).removeprefix("Value error, "))
                         for e in err.errors()]) from None


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT.resolve()))
    except ValueError:
        return str(path)


def _without_comments(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_comments(v) for k, v in value.items() if not (isinstance(k, str) and k.startswith("_"))}
    if isinstance(value, list):
        return [_without_comments(v) for v in value]
    return value


# -- the lexicon ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    intent: str
    words: tuple[str, ...]  # folded words; a trailing * is a prefix wildcard
    weight: float
    lang: str


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[Trigger, ...]
    stopwords: frozenset[str]
    markers: dict[str, frozenset[str]]
    # Every word each language's lists use (triggers, stop words, markers, glossary, follow-up cues): what tells
    # French from Spanish when the markers tie ("ambition" is French, "estado" Spanish, "de" both).
    language_words: dict[str, frozenset[str]]
    other_languages: dict[str, frozenset[str]]  # marker words of languages the bot does not answer in
    unit_introducers: tuple[tuple[str, ...], ...]  # words before a counted unit that ask for the units listed
    existence_words: frozenset[str]  # "any", "algun": asking whether some commitments are so, a list
    commitment_words: frozenset[str]
    milestone_words: frozenset[str]
    plan_words: frozenset[str]
    ordinals: dict[str, int]
    latest_words: frozenset[str]
    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    filters: FilterPhrases  # phrases of aggregate questions (data/nlu/filters.json)
    thanks: tuple[tuple[str, ...], ...]  # phrases that thank (a greeting answered "you're welcome")
    translations: dict[str, tuple[str, ...]]  # French <-> English topic words (data/nlu/glossary.json)
    followups: FollowUpCues  # cues of follow-up questions (words.json "followups")
    counted_units: dict[str, frozenset[tuple[str, ...]]]  # "plans", "members": what else a "how many" counts

    def alternatives(self, word: str) -> tuple[str, ...]:
        """The word and its equivalents in the other language."""
        found = self.translations.get(word) or (self.translations.get(word[:-1], ()) if word[-1:] in "sx" else ())
        return (word, *found)  # a plural the glossary does not list ("electorales") as its singular

    @functools.cached_property
    def trigger_words(self) -> frozenset[str]:
        return frozenset(w for t in self.triggers for w in t.words if not w.endswith("*"))

    @functools.cached_property
    def correctable_words(self) -> frozenset[str]:
        """Words a typo may be corrected to: the words that carry meaning (not stop words)."""
        return (self.trigger_words | self.commitment_words | self.milestone_words | self.plan_words) - self.stopwords

    @functools.cached_property
    def known_words(self) -> frozenset[str]:
        """Words the lexicon itself uses: never 'corrected' as typos."""
        return (self.trigger_words | self.stopwords | self.commitment_words | self.milestone_words
                | self.plan_words | frozenset(self.ordinals) | self.latest_words | self.filters.every_word
                | frozenset(m for ms in self.markers.values() for m in ms) | detail_words().every_word
                | self.followups.every_word)


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(fold(phrase).replace("'", " ").replace("-", " ").split())


@functools.cache
def lexicon() -> Lexicon:
    """The bundled lexicon, read once."""
    return read_lexicon(NLU_DIR)


def read_lexicon(nlu_dir: Path) -> Lexicon:
    """The lexicon of the files in `nlu_dir` (intents.json, words.json, filters.json, glossary.json)."""
    intents = read_nlu_file(nlu_dir / "intents.json", IntentsFile).root
    words = read_nlu_file(nlu_dir / "words.json", WordsFile)
    glossary_file = read_nlu_file(nlu_dir / "glossary.json", GlossaryFile)
    glossary, spanish = glossary_file.pairs, glossary_file.es
    filters = read_nlu_file(nlu_dir / "filters.json", FilterPhrases)
    triggers = [Trigger(intent, _words(phrase), spec.weight, lang)
                for intent, spec in intents.items()
                for lang, phrases in (("en", spec.en), ("fr", spec.fr), ("es", spec.es))
                for phrase in phrases]
    # The glossary's words of one language only are clues of that language ("lanceurs", "whistleblowers").
    topic_words = {"fr": {w for k in glossary for w in _words(k)},
                   "en": {w for v in (*glossary.values(), *spanish.values()) for w in _words(v)},
                   "es": {w for k in spanish for w in _words(k)}}
    markers = {"en": words.language_markers.en, "fr": words.language_markers.fr, "es": words.language_markers.es}
    return Lexicon(
        triggers=tuple(triggers),
        stopwords=frozenset(w for p in (*words.stopwords.en, *words.stopwords.fr, *words.stopwords.es)
                            for w in _words(p)),
        markers={lang: frozenset(w for p in markers[lang] for w in _words(p))
                 | frozenset(topic_words[lang] - _others(topic_words, lang)) for lang in markers},
        unit_introducers=tuple(_words(p) for p in words.unit_introducers),
        existence_words=frozenset(fold(w) for w in words.existence),
        language_words=_language_words(triggers, words, topic_words,
                                       read_nlu_file(nlu_dir / "details.json", DetailsFile)),
        other_languages={lang: frozenset(w for p in phrases for w in _words(p))
                         for lang, phrases in words.other_languages.items()},
        commitment_words=frozenset(fold(w) for w in words.commitment_words),
        milestone_words=frozenset(fold(w) for w in words.milestone_words),
        plan_words=frozenset(fold(w) for w in words.plan_words),
        ordinals={fold(w): n for n, ws in words.ordinals.items() for w in ws},
        latest_words=frozenset(fold(w) for w in words.latest),
        synonyms={_words(k): _words(v) for k, v in words.synonyms.items()},
        filters=filters,
        thanks=tuple(_words(p) for p in words.thanks),
        translations=_translations(glossary, spanish),
        followups=words.followups,
        counted_units={unit: frozenset(_words(p) for p in phrases) for unit, phrases in words.counted_units.items()},
    )


def _language_words(triggers: list[Trigger], words: WordsFile, topic_words: dict[str, set[str]],
                    details: DetailsFile) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {lang: set(topic_words.get(lang, ())) for lang in ("en", "fr", "es")}
    for trigger in triggers:
        out[trigger.lang].update(w.rstrip("*") for w in trigger.words)
    for lang, out_words in out.items():
        for group in (words.stopwords, words.language_markers):
            out_words.update(w for p in getattr(group, lang) for w in _words(p))
        for kind in FollowUpCues.model_fields:
            out_words.update(w for p in getattr(getattr(words.followups, kind), lang) for w in _words(p))
        for section in DetailsFile.model_fields:
            out_words.update(w for p in getattr(getattr(details, section), lang) for w in _words(p))
    return {lang: frozenset(ws) for lang, ws in out.items()}


def _others(words: dict[str, set[str]], lang: str) -> set[str]:
    """The words of every language but one: a word two languages share says nothing of the language."""
    return {w for other, ws in words.items() if other != lang for w in ws}


def _strings(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _translations(*glossaries: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Each word of a group to every word of the other group, both ways; a French or Spanish word also to the
    words of the third language that share its English equivalents (a Spanish question, a French title)."""
    table: dict[str, set[str]] = {}
    english_of: dict[str, set[str]] = {}
    for pairs in glossaries:
        for foreign, english in pairs.items():
            foreign_words, en_words = _words(foreign), _words(english)
            for word in foreign_words:
                table.setdefault(word, set()).update(w for w in en_words if w != word)
                english_of.setdefault(word, set()).update(en_words)
            for word in en_words:
                table.setdefault(word, set()).update(w for w in foreign_words if w != word)
    for word, equivalents in english_of.items():
        table[word].update(w for e in equivalents for w in table.get(e, ()) if w != word)
    return {word: tuple(sorted(others)) for word, others in table.items() if others}


# -- words of questions about one commitment (data/nlu/details.json) ------------------------------------


class PerLanguagePhrases(_NluFile):
    en: list[str] = []
    fr: list[str] = []
    es: list[str] = []

    def phrases(self) -> frozenset[tuple[str, ...]]:
        return frozenset(_words(p) for p in (*self.en, *self.fr, *self.es) if _words(p))


class DetailsFile(_NluFile):
    """data/nlu/details.json: facets the data has no field for, asking for the IRM's advice, asking for a figure,
    and filler (words that ask nothing)."""

    missing_facets: PerLanguagePhrases
    irm_advice: PerLanguagePhrases
    irm_findings: PerLanguagePhrases
    figure: PerLanguagePhrases
    filler: PerLanguagePhrases
    definition: PerLanguagePhrases = PerLanguagePhrases()
    year: PerLanguagePhrases = PerLanguagePhrases()  # "what year": the sentence quoted must have a year
    duration: PerLanguagePhrases = PerLanguagePhrases()  # "how long": … a number of months, years, days
    time_units: PerLanguagePhrases = PerLanguagePhrases()  # "months", "mois", "meses"


@dataclass(frozen=True)
class DetailWords:
    missing_facets: frozenset[tuple[str, ...]]
    irm_advice: frozenset[tuple[str, ...]]
    irm_findings: frozenset[tuple[str, ...]]
    figure: frozenset[tuple[str, ...]]
    filler: frozenset[str]
    definition: frozenset[tuple[str, ...]] = frozenset()  # "c'est quoi X": X must be in the sentence quoted
    year: frozenset[tuple[str, ...]] = frozenset()  # "what year", "en quelle année"
    duration: frozenset[tuple[str, ...]] = frozenset()  # "how long", "combien de temps"
    time_units: frozenset[str] = frozenset()  # the words of a duration ("months", "mois")

    @functools.cached_property
    def every_word(self) -> frozenset[str]:
        """Real words, never corrected as typos ("recommande" is no typo of "commande")."""
        groups = (self.missing_facets, self.irm_advice, self.irm_findings, self.figure, self.year, self.duration)
        return self.filler | frozenset(w for group in groups for p in group for w in p)


@functools.cache
def detail_words() -> DetailWords:
    """The bundled words of detail questions, read once."""
    spec = read_nlu_file(NLU_DIR / "details.json", DetailsFile)
    return DetailWords(missing_facets=spec.missing_facets.phrases(), irm_advice=spec.irm_advice.phrases(),
                       irm_findings=spec.irm_findings.phrases(), figure=spec.figure.phrases(),
                       definition=spec.definition.phrases(), year=spec.year.phrases(),
                       duration=spec.duration.phrases(),
                       time_units=frozenset(w for p in spec.time_units.phrases() for w in p),
                       filler=frozenset(w for p in spec.filler.phrases() for w in p))
