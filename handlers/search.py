"""/search WORDS: matching commitments, a page at a time, with "more" buttons that edit the list in place."""

from __future__ import annotations

from telegram import Update

from bot.common.i18n import translator
from bot.core.service import Assistant
from bot.services.chatstate import ChatStore
from handlers import callbackdata
from handlers.callbackdata import ButtonAction
from handlers.chat import in_chat
from handlers.replies import OutgoingMessage, edit, escape, keyboard, layout, plain, working
from handlers.services import BotContext, blocking

PAGE = 8  # with titles and snippets cut below, a page stays far under Telegram's 4,096 characters


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def search_page(assistant: Assistant, store: ChatStore, query: str, offset: int, lang: str) -> OutgoingMessage:
    """One page of results as a message with a button per commitment and previous/more buttons."""
    t = translator(lang)
    page = assistant.search(query, lang=lang, limit=PAGE, offset=offset)
    if not page.hits:
        return plain(t._("No commitment matches “{query}”. Try other words, or an id like FR0038.", query=query), lang)
    first, last = page.offset + 1, page.offset + len(page.hits)
    lines = [t.ngettext("{n} commitment matches “{query}”:", "{n} commitments match “{query}”:", page.total,
                        query=query)]
    if page.total > len(page.hits):
        lines.append(t._("Results {first} to {last}:", first=t.number(first), last=t.number(last)))
    text = "\n".join(escape(line) for line in lines) + "\n\n" + "\n\n".join(
        f"<b>{escape(hit.id)}</b> — {escape(_cut(hit.title, 150))}\n<i>{escape(_cut(hit.snippet, 200))}</i>"
        for hit in page.hits)
    buttons = [(f"{hit.id} — {hit.title}"[:60], callbackdata.encode(store, ButtonAction.OVERVIEW, (hit.id,), lang))
               for hit in page.hits]
    paging = []
    if page.offset > 0:
        previous = str(max(0, page.offset - PAGE))
        paging.append(("« " + t._("Previous"), callbackdata.encode(store, ButtonAction.SEARCH, (query, previous),
                                                                  lang)))
    if last < page.total:
        paging.append((t._("More") + " »", callbackdata.encode(store, ButtonAction.SEARCH, (query, str(last)), lang)))
    rows = layout(buttons) + ([paging] if paging else [])
    return OutgoingMessage([text], keyboard(rows), lang=lang)


async def search(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None:
        return
    query, lang = " ".join(context.args or []).strip(), here.lang
    services = context.services
    if not query:
        await here.say(here.t._("Give words to look for, for example: /search open data"))
        return
    await here.send(await working(context, here.chat.id,
                                  lambda: search_page(services.assistant, services.store, query, 0, lang)))


async def more(update: Update, context: BotContext, query_text: str, offset: str, lang: str) -> None:
    """A "more"/"previous" button: the same message shows the other page."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    start = callbackdata.offset_arg(offset) or 0
    reply = await blocking(search_page, services.assistant, services.store, query_text, start, lang)
    await edit(context, query, reply)
