"""What every handler reaches through its context: the core, the chat store, the settings (typed context,
as in python-telegram-bot's contexttypesbot example)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from telegram import Update, User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.common.config import Settings
from bot.common.i18n import SUPPORTED
from bot.common.logsafe import RedactSecrets, redactor
from bot.core.service import Assistant
from bot.services.chatstate import ChatStore

T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    assistant: Assistant
    store: ChatStore
    # Work that takes longer than this shows "typing…" (0: always; most answers take well under a millisecond).
    typing_after: float = 0.5

    @functools.cached_property
    def masking(self) -> RedactSecrets:
        """The secrets of the settings, masked in everything the bot sends (handlers.replies)."""
        return redactor(self.settings)

    def redact(self, text: str) -> str:
        return self.masking.clean(text)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        return self.bot_data["services"]

    # python-telegram-bot types CallbackContext.application with its context type unbound (a type variable of
    # __init__ only), so no override of it can be proven compatible; this one names the type it has.
    @property
    def application(self) -> BotApplication:  # type: ignore[override]
        return cast(BotApplication, super().application)


# The Application of the bot (bot.telegram.app.build_application): its bot, this context type, plain dicts.
BotApplication = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]


# A handler's callback, as python-telegram-bot's handlers take it (a coroutine function, not any awaitable).
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


async def blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run database and core work off the event loop, so one slow question never stalls the others."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def client_language(user: User | None) -> str | None:
    """Telegram's language_code (an IETF tag: "fr", "fr-CA", "en-GB", "es", "es-AR", "es-419") reduced to a
    language we answer in, if any."""
    code = (user.language_code or "").strip().replace("_", "-").split("-")[0].lower() if user else ""
    return code if code in SUPPORTED else None


def pick_language(chosen: str | None, user: User | None, default: str) -> str:
    """The user's explicit choice, else their Telegram language, else the configured default."""
    return chosen or client_language(user) or default


async def user_language(context: BotContext, user: User | None) -> str:
    services = context.services
    chosen = await blocking(services.store.language, user.id) if user else None
    return pick_language(chosen, user, services.settings.default_language)
