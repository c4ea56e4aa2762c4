"""What Telegram shows of a core answer (handlers.replies), written out independently for the end-to-end tests:
the core's words, with the commitment it is about as a first line and its sources as short link texts."""

from __future__ import annotations

import re

from bot.common.i18n import translator
from bot.core.service import Assistant
from bot.core.types import Answer

UNHEADED = {"greeting", "help", "search", "count"}


def link_texts(answer: Answer) -> list[str]:
    """The text of each source's link: "OGP page" for one source; commitment ids for several."""
    page = translator(answer.lang)._("OGP page")
    if len(answer.sources) == 1:
        return [page]
    found = [re.search(r"/commitments/([A-Za-z0-9-]+)/?$", url) for url in answer.sources]
    return [m.group(1).upper() if m else page for m in found]


def heading(assistant: Assistant, answer: Answer) -> str | None:
    if answer.commitment is None or answer.intent in UNHEADED:
        return None
    title = assistant.search(answer.commitment, lang=answer.lang, limit=1).hits[0].title
    return f"{answer.commitment} — {title}"


def shown(assistant: Assistant, answer: Answer) -> str:
    text = answer.text
    if answer.sources:
        urls = " ".join(answer.sources)
        at = text.rindex(urls)
        text = text[:at] + ", ".join(link_texts(answer)) + text[at + len(urls):]
    head = heading(assistant, answer)
    if head is not None and text.split("\n", 1)[0] != head:
        text = f"{head}\n{text}"
    return text
