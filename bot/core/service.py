"""The Assistant: the one object front ends talk to (Telegram handlers, console chat, `ask`).

It owns the in-memory index of the stored dataset, rebuilds it when the dataset version changes,
and answers questions. It never imports Telegram.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import threading
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.common.config import DEFAULT_OGP_BASE_URL
from bot.core.types import Answer, ChartRequest, Context, Hit, SearchPage

if TYPE_CHECKING:
    from bot.core.index import Index

__all__ = ["Assistant", "Hit", "SearchPage"]  # Hit and SearchPage: at home in bot.core.types

log = logging.getLogger(__name__)


def _release_memory() -> None:
    """After an index build, hand the heap the build used back to the system (glibc keeps it otherwise):
    at 10,000 commitments the resident set drops by about a quarter."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


class Assistant:
    """Answers questions from the stored dataset.

    Thread-safe: `answer` may be called from several threads; the index is swapped atomically.
    """

    def __init__(self, engine: Engine, *, default_language: str = "en", ogp_base_url: str = DEFAULT_OGP_BASE_URL
                 ) -> None:
        self.engine = engine
        self.default_language = default_language
        self.ogp_base_url = ogp_base_url  # where answers link a commitment the data lacks (OGP_BASE_URL)
        self._lock = threading.Lock()
        self._index: Index | None = None  # built on first use
        self._version = -1

    @classmethod
    def from_url(cls, url: str, *, default_language: str = "en", load_bundle: bool = True,
                 ogp_base_url: str = DEFAULT_OGP_BASE_URL) -> Assistant:
        """An assistant on the database at `url` (schema upgraded, bundled data loaded when empty)."""
        from bot.dataset.load import ensure_data
        from bot.storage.db import engine_for

        engine = engine_for(url)
        if load_bundle:
            ensure_data(engine)
        return cls(engine, default_language=default_language, ogp_base_url=ogp_base_url)

    # -- the index -------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """The dataset version the index was built from (-1 before the first build)."""
        return self._version

    def stored_version(self) -> int:
        from bot.dataset.store import current_version

        with Session(self.engine) as session:
            return current_version(session)

    def refresh_if_stale(self) -> bool:
        """Rebuild the index when the stored dataset changed; True when it did. One cheap query otherwise."""
        stored = self.stored_version()
        if stored == self._version and self._index is not None:
            return False
        with self._lock:
            if stored == self._version and self._index is not None:
                return False
            from bot.core.index import Index
            from bot.dataset.store import dataset_state, read_lean_dataset
            from bot.storage.db import read_snapshot

            with Session(self.engine) as session:
                read_snapshot(session)  # the version and the data of one and the same commit
                stored = dataset_state(session).version
                dataset = read_lean_dataset(session)
                session.rollback()
            # Requests keep using the old index while the new one is built. How fresh the data is comes from the
            # records' retrieval dates (Index.retrieved), never from when they were loaded.
            self._index = Index.build(dataset, version=stored, site=self.ogp_base_url)
            self._version = stored
            del dataset
            _release_memory()
            log.info("index built for dataset version %s: %s commitments", stored,
                     len(self._index.commitments))
            return True

    @property
    def index(self) -> Index:
        if self._index is None:
            self.refresh_if_stale()
        assert self._index is not None  # refresh_if_stale builds one when there is none
        return self._index

    # -- answering -------------------------------------------------------------------------------------

    def answer(self, question: str, *, context: Context | None = None, lang: str | None = None,
               preferred_lang: str | None = None, client_lang: str | None = None) -> Answer:
        """Answer one question.

        lang: "en"/"fr" forces the answer language; None or "auto" detects it from the text, falling
        back to `preferred_lang` (the user's stored choice), then `client_lang` (e.g. Telegram's
        language_code), then the default language. `context` is the previous answer's `.context`.
        """
        from bot.core.dispatch import answer_question

        return answer_question(self.index, question, context=context or Context(), lang=lang,
                               preferred_lang=preferred_lang, client_lang=client_lang,
                               default_lang=self.default_language)

    def overview(self, commitment_id: str, *, lang: str, context: Context | None = None) -> Answer:
        """The card of one commitment (for /commitment ID, deep links and buttons)."""
        return self.ask_intent("commitment_overview", commitment_id, None, lang=lang, context=context)

    def ask_intent(self, intent: str, commitment_id: str, milestone: str | None = None, *, lang: str,
                   context: Context | None = None) -> Answer:
        """Answer `intent` about a known commitment (for buttons: milestones, lead institution, ...)."""
        from bot.core.dispatch import answer_intent

        return answer_intent(self.index, intent, commitment_id, milestone, lang=lang, context=context or Context())

    def search(self, query: str, *, lang: str, limit: int = 10, offset: int = 0) -> SearchPage:
        """Commitments matching words or an id, best first (for /search and inline mode)."""
        from bot.core.dispatch import search_page

        return search_page(self.index, query, lang=lang, limit=limit, offset=offset)

    def list_page(self, question: str, offset: int, *, lang: str) -> Answer:
        """The page of a count's list that starts at `offset` (for "More" buttons: action "list")."""
        from bot.core.dispatch import answer_list_page

        return answer_list_page(self.index, question, offset, lang=lang)

    def chart(self, request: ChartRequest | str, *, lang: str) -> bytes | None:
        """A PNG chart: of a ChartRequest (Answer.chart), or of a plan or member named in words
        ("France 2018-2020", "France"). None when the words name no plan or member."""
        from bot.core.charts import render_png

        if isinstance(request, str):
            answer = self.answer(f"chart {request}", lang=lang)
            if answer.chart is None:
                return None
            request = answer.chart
        assert isinstance(request, ChartRequest)
        return render_png(self.index, request, lang)

    def export_csv(self, query: str, *, lang: str) -> tuple[int, bytes]:
        """(number of rows, CSV bytes) of the commitments a query selects: filters like a count question
        ("France 2018-2020 starred"), else a topic search."""
        from bot.core.dispatch import select_for_export
        from bot.core.export import rows, to_csv

        commitments = select_for_export(self.index, query)
        return len(commitments), to_csv(rows(self.index, commitments, lang), lang=lang)

    def greeting(self, *, lang: str) -> Answer:
        return self.ask_intent("greeting", "", None, lang=lang)

    def help(self, *, lang: str) -> Answer:
        return self.ask_intent("help", "", None, lang=lang)
