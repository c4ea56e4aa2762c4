"""/search WORDS: matching commitments, a page at a time, with "more" buttons that edit the list in place."""

from __future__ import annotations

from telegram import Update

from bot.common.i18n import translator
from bot.core.service import Assistant
from bot.services.chatstate import ChatStore
from handlers import callbackdata
from handlers.replies import Reply, edit, escape, keyboard, layout, plain, send, working
from handlers.services import BotContext, blocking, user_language

PAGE = 8  # with titles and snippets cut below, a page stays far under Telegram's 4,096 characters


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def search_page(assistant: Assistant, store: ChatStore, query: str, offset: int, lang: str) -> Reply:
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
    buttons = [(f"{hit.id} — {hit.title}"[:60], callbackdata.encode(store, "overview", (hit.id,), lang))
               for hit in page.hits]
    paging = []
    if page.offset > 0:
        previous = str(max(0, page.offset - PAGE))
        paging.append(("« " + t._("Previous"), callbackdata.encode(store, "search", (query, previous), lang)))
    if last < page.total:
        paging.append((t._("More") + " »", callbackdata.encode(store, "search", (query, str(last)), lang)))
    rows = layout(buttons) + ([paging] if paging else [])
    return Reply([text], keyboard(rows), lang=lang)


async def search(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    lang = await user_language(context, update.effective_user)
    query = " ".join(context.args or []).strip()
    services = context.services
    if not query:
        usage = translator(lang)._("Give words to look for, for example: /search open data")
        await send(context, chat.id, plain(usage, lang), chat_type=chat.type)
        return
    reply = await working(context, chat.id, lambda: search_page(services.assistant, services.store, query, 0, lang))
    await send(context, chat.id, reply, chat_type=chat.type)


async def more(update: Update, context: BotContext, query_text: str, offset: str, lang: str) -> None:
    """A "more"/"previous" button: the same message shows the other page."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    start = int(offset) if offset.isdigit() else 0
    reply = await blocking(search_page, services.assistant, services.store, query_text, start, lang)
    await edit(context, query, reply)
