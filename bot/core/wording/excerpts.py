"""Parts of long texts fit for an answer: shortened, whole sentences, the sentence with a word, without a
label the answer gives itself."""

from __future__ import annotations

import re

from bot.common.i18n import SUPPORTED, translator


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def shorten_to_sentences(text: str, limit: int) -> str:
    """Whole sentences up to `limit` characters, "…" when some were left out."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return f"{kept} …" if kept else shorten(text, limit)


def without_label(text: str, msgid: str) -> str:
    """'Objective: Increased release…' → 'Increased release…': a text that starts with the label the answer
    puts before it (`msgid` in any language of the answers, singular or plural) loses its own."""
    names = "|".join(re.escape(translator(lang).gettext(msgid)) for lang in SUPPORTED)
    return re.sub(rf"^\s*(?:{names})s?\s*:\s*", "", text, flags=re.IGNORECASE) or text


def sentence_with(text: str, words: tuple[str, ...]) -> str:
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if any(w in sentence.lower() for w in words):
            return sentence.strip()
    return ""
