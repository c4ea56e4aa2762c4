"""Button presses: every callback query is answered (even with nothing to say), then routed to the action the
button carries. Buttons whose payload is unknown (expired, or from an older version) say so."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.common.i18n import translator
from bot.core.service import Assistant
from bot.core.types import Answer
from bot.services.chatstate import Turn
from handlers import callbackdata, language, search
from handlers.conversation import answer_in_chat, language_of
from handlers.replies import edit, render
from handlers.services import BotContext, blocking, user_language

log = logging.getLogger(__name__)


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    services = context.services
    action = await blocking(callbackdata.decode, services.store, query.data or "")
    if action is None:
        lang = await user_language(context, update.effective_user)
        await _answer(query, translator(lang)._("This button has expired. Ask your question again."), alert=True)
        return
    await _answer(query)  # stop the button's spinner at once; the reply follows
    name, args = action.name, action.args
    if name == "language" and args:
        await language.chosen(update, context, args[0])
    elif name == "search" and len(args) == 2:
        lang = action.lang or await user_language(context, update.effective_user)
        await search.more(update, context, args[0], args[1], lang)
    elif name == "list" and len(args) == 2:
        await _list_page(update, context, args[0], args[1], action.lang)
    elif name in ("overview", "intent", "milestone") and args:
        await answer_in_chat(update, context, _asker(update, context, action))
    else:
        log.warning("button with unusable payload %r", query.data)


def _asker(update: Update, context: BotContext, action: callbackdata.Action):  # type: ignore[no-untyped-def]
    def ask(assistant: Assistant, turn: Turn) -> Answer:
        lang = language_of(turn, update, context, action.lang)
        if action.name == "intent" and len(action.args) >= 2:
            return assistant.ask_intent(action.args[0], action.args[1], lang=lang, context=turn.context)
        if action.name == "milestone" and len(action.args) >= 2:
            return assistant.ask_intent("milestone_status", action.args[0], action.args[1], lang=lang,
                                        context=turn.context)
        return assistant.overview(action.args[0], lang=lang, context=turn.context)
    return ask


async def _list_page(update: Update, context: BotContext, key: str, offset: str, lang: str | None) -> None:
    """"More" under a count's list: the next page replaces the list."""
    query = update.callback_query
    assert query is not None
    services = context.services
    lang = lang or await user_language(context, update.effective_user)
    start = int(offset) if offset.isdigit() else 0

    def work():  # type: ignore[no-untyped-def]
        return render(services.assistant.list_page(key, start, lang=lang), services.store)

    reply = await blocking(work)
    await edit(context, query, reply)


async def _answer(query, text: str | None = None, *, alert: bool = False) -> None:  # type: ignore[no-untyped-def]
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:  # too old (e.g. pressed while the bot was down): the action still runs
        log.info("callback query not answered: %s", error)
