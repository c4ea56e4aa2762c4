"""Inline mode: "@bot FR0038" or "@bot lanceurs d'alerte" in any chat lists matching commitments as article
cards with a link, 20 at a time (Telegram allows 50), paginated with offsets."""

from __future__ import annotations

import html

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)

from bot.common.i18n import translator
from bot.common.numbers import parse_number
from bot.core.types import Hit
from handlers.replies import escape
from handlers.services import BotContext, blocking, user_language
from handlers.start import HELP, deep_link

PAGE = 20
CACHE_SECONDS = 30  # results depend on the user's language: cached per user (is_personal) and briefly
MAX_OFFSET = 1_000_000


def card(hit: Hit, lang: str) -> str:
    """The message a user sends into the chat by choosing a result."""
    t = translator(lang)
    text = f"<b>{escape(hit.id)} — {escape(hit.title)}</b>\n{escape(hit.snippet)}"
    if hit.url:
        label = t._("Read it on the OGP website")
        text += f'\n<a href="{html.escape(hit.url, quote=True)}">{escape(label)}</a>'
    return text


def article(hit: Hit, lang: str, bot_username: str) -> InlineQueryResultArticle:
    t = translator(lang)
    return InlineQueryResultArticle(
        id=hit.id[:64], title=f"{hit.id} — {hit.title}", description=hit.snippet, url=hit.url,
        input_message_content=InputTextMessageContent(card(hit, lang)),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(t._("Ask the bot about it"),
                                                                 url=deep_link(bot_username, hit.id))]]))


async def inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    lang = await user_language(context, query.from_user)
    words = query.query.strip()
    if not words:
        button = InlineQueryResultsButton(text=translator(lang)._("Type an id or words, e.g. FR0038"),
                                          start_parameter=HELP)
        await query.answer([], button=button, cache_time=CACHE_SECONDS, is_personal=True)
        return
    offset = parse_number(query.offset, maximum=MAX_OFFSET) or 0  # a client's offset: forged ones read as 0
    page = await blocking(context.services.assistant.search, words, lang=lang, limit=PAGE, offset=offset)
    results = [article(hit, lang, context.bot.username) for hit in page.hits]
    following = offset + len(page.hits)
    # No next_offset (None) on the last page. Not "": with Defaults set, python-telegram-bot 22.8 sends an
    # empty-string parameter as "[]" (it takes "" for an empty list of poll options), and clients would then
    # ask for offset "[]", i.e. the first page again, forever.
    await query.answer(results, next_offset=str(following) if page.hits and following < page.total else None,
                       cache_time=CACHE_SECONDS, is_personal=True)
