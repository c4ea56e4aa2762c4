"""Button presses. Every action of handlers.callbackdata.ButtonAction has one handler: its own (`OWN_HANDLERS`,
registered with the action's pattern), or a route of `button`, which takes every other press (`ROUTES`).

`button` answers every callback query it gets (even with nothing to say), then routes it by the action the
button carries. Buttons whose payload is unknown (expired, or from an older version) say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest

from bot.core.service import Assistant
from bot.core.types import Answer
from bot.services.chatstate import Turn
from handlers import admin, callbackdata, follow, language, search
from handlers.callbackdata import ButtonAction, Payload
from handlers.chat import expired
from handlers.conversation import Ask, answer_in_chat, language_of
from handlers.replies import OutgoingMessage, edit, render
from handlers.services import BotContext, Handler, blocking, user_language

log = logging.getLogger(__name__)

# A route of `button`: False when the payload is not usable (wrong arguments).
Route = Callable[[Update, BotContext, Payload], Coroutine[Any, Any, bool]]


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    services = context.services
    payload = await blocking(callbackdata.decode, services.store, query.data or "")
    if payload is None or not usable(payload):
        # Expired, from an older version, or forged: said as expired; logged, never a traceback.
        log.info("button with unknown or malformed data %r", query.data)
        await expired(update, context)
        return
    await _answer(query)  # stop the button's spinner at once; the reply follows
    route = ROUTES[payload.action]
    if not await route(update, context, payload):
        log.info("button with unusable payload %r", query.data)


def usable(payload: Payload) -> bool:
    """Whether a routed payload has the arguments its route reads (page offsets: strict numbers)."""
    if payload.action not in ROUTES or not payload.args:
        return False
    if payload.action is ButtonAction.SEARCH:  # (query, offset) or (query, offset, heading)
        return len(payload.args) in (2, 3) and callbackdata.offset_arg(payload.args[1]) is not None
    if payload.action is ButtonAction.LIST:
        return len(payload.args) == 2 and callbackdata.offset_arg(payload.args[1]) is not None
    return True


async def _language(update: Update, context: BotContext, payload: Payload) -> bool:
    await language.chosen(update, context, payload.args[0])
    return True


async def _search(update: Update, context: BotContext, payload: Payload) -> bool:
    if len(payload.args) not in (2, 3):
        return False
    lang = payload.lang or await user_language(context, update.effective_user)
    heading = payload.args[2] if len(payload.args) == 3 else None
    await search.more(update, context, payload.args[0], payload.args[1], lang, heading)
    return True


async def _list(update: Update, context: BotContext, payload: Payload) -> bool:
    if len(payload.args) != 2:
        return False
    await _list_page(update, context, payload.args[0], payload.args[1], payload.lang)
    return True


async def _ask(update: Update, context: BotContext, payload: Payload) -> bool:
    await answer_in_chat(update, context, _asker(update, context, payload))
    return True


def _asker(update: Update, context: BotContext, payload: Payload) -> Ask:
    def ask(assistant: Assistant, turn: Turn) -> Answer:
        lang = language_of(turn, update, context, payload.lang)
        if payload.action is ButtonAction.INTENT and len(payload.args) >= 2:
            return assistant.ask_intent(payload.args[0], payload.args[1], lang=lang, context=turn.context)
        if payload.action is ButtonAction.MILESTONE and len(payload.args) >= 2:
            return assistant.ask_intent("milestone_status", payload.args[0], payload.args[1], lang=lang,
                                        context=turn.context)
        return assistant.overview(payload.args[0], lang=lang, context=turn.context)
    return ask


async def _list_page(update: Update, context: BotContext, key: str, offset: str, lang: str | None) -> None:
    """"More" under a count's list: the next page replaces the list."""
    query = update.callback_query
    assert query is not None
    services = context.services
    page_lang = lang or await user_language(context, update.effective_user)
    start = callbackdata.offset_arg(offset) or 0

    def work() -> OutgoingMessage:
        return render(services.assistant.list_page(key, start, lang=page_lang), services.store)

    await edit(context, query, await blocking(work))


async def _answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:  # too old (e.g. pressed while the bot was down): the action still runs
        log.info("callback query not answered: %s", error)


# Actions with a handler of their own, matched by their pattern (handlers.callbackdata.pattern) before `button`:
# they check who presses (admin) or act on the presser's own data (unfollow), and answer the query themselves.
# Their payloads always fit in the button, so none is ever stored ("#<code>", which reaches `button`).
OWN_HANDLERS: dict[ButtonAction, Handler] = {
    ButtonAction.UNFOLLOW: follow.unfollow_button,
    ButtonAction.ADMIN: admin.admin_button,
}
# Every other action, routed by `button`.
ROUTES: dict[ButtonAction, Route] = {
    ButtonAction.OVERVIEW: _ask,
    ButtonAction.INTENT: _ask,
    ButtonAction.MILESTONE: _ask,
    ButtonAction.SEARCH: _search,
    ButtonAction.LIST: _list,
    ButtonAction.LANGUAGE: _language,
}
