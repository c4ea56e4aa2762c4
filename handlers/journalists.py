"""/chart PLAN_OR_MEMBER (a PNG of completion or ambition across plans) and /export QUERY (the matching
commitments as a CSV document): journalists' tools, computed by the core and sent as files."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError

from bot.common.textnorm import slug
from handlers.chat import in_chat
from handlers.replies import chart_caption, mark_blocked
from handlers.services import BotContext, blocking


async def chart(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None:
        return
    chat, t = here.chat, here.t
    words = " ".join(context.args or []).strip()
    if not words:
        await here.say(t._("Name a member or an action plan, for example: /chart France 2018-2020 (add “ambition” "
                           "for ambition instead of completion)."))
        return
    assistant = context.services.assistant
    # What to draw, and the figure in words for the caption (as a chart asked in plain text is answered).
    answer = await blocking(assistant.answer, f"chart {words}", lang=here.lang)
    request = answer.chart
    if request is not None:
        await _action(context, chat.id, ChatAction.UPLOAD_PHOTO)  # drawing takes a moment: the photo comes next
    png = await blocking(assistant.chart, request, lang=here.lang) if request is not None else None
    if png is None:  # said at once: no "uploading photo" before this text
        await here.say(t._("I found no member or action plan in “{words}”. Try /chart France or /chart France "
                           "2018-2020.", words=words))
        return
    try:
        await context.bot.send_photo(chat.id, png, caption=context.services.redact(chart_caption(answer.text,
                                                                                                 here.lang)))
    except Forbidden as error:
        await mark_blocked(context, chat.id, chat.type, error)


async def export(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None:
        return
    chat, t = here.chat, here.t
    query = " ".join(context.args or []).strip()
    if not query:
        await here.say(t._("Say what to export, for example: /export France 2018-2020, /export starred, /export "
                           "open data."))
        return
    count, data = await blocking(context.services.assistant.export_csv, query, lang=here.lang)
    if count == 0:
        await here.say(t._("No commitment matches “{query}”.", query=query))
        return
    await _action(context, chat.id, ChatAction.UPLOAD_DOCUMENT)  # the document comes next
    name = f"ogp-commitments-{slug(query)[:40] or 'all'}.csv"
    caption = t.ngettext("{n} commitment — source: Open Government Partnership (CC BY 4.0).",
                         "{n} commitments — source: Open Government Partnership (CC BY 4.0).", count)
    try:
        await context.bot.send_document(chat.id, InputFile(data, filename=name), caption=caption)
    except Forbidden as error:
        await mark_blocked(context, chat.id, chat.type, error)


async def _action(context: BotContext, chat_id: int, action: str) -> None:
    """"Uploading…" above the chat, sent only when that upload follows; a failed one is cosmetic (the send that
    follows finds out about a blocked user)."""
    try:
        await context.bot.send_chat_action(chat_id, action)
    except TelegramError:
        pass
