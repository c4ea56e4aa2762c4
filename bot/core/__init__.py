"""Question understanding and answering: the one entry point every front end calls.

    from bot.core import Assistant
    assistant = Assistant.from_url(settings.sqlalchemy_url)
    answer = assistant.answer("status of FR0038 milestone 9.2?", context=previous.context)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.types import Answer, Button, Candidate, Context

if TYPE_CHECKING:
    from bot.core.service import Assistant

__all__ = ["Answer", "Assistant", "Button", "Candidate", "Context"]


def __getattr__(name: str) -> type[Assistant]:
    # Imported lazily: the service pulls in the database layer, the types do not.
    if name == "Assistant":
        from bot.core.service import Assistant

        return Assistant
    raise AttributeError(name)
