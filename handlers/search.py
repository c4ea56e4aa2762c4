"""/search WORDS, and the lists of free-text searches ("commitments about open data"): matching commitments a page
at a time, every page in the same layout (a heading, "results 9 to 16", a card per commitment), with
"previous"/"more" buttons that edit the list in place."""

from __future__ import annotations

from telegram import Update

from bot.common.i18n import translator
from bot.core.service import Assistant
from bot.core.types import Answer, SearchPage
from bot.services.chatstate import ChatStore
from handlers import callbackdata
from handlers.callbackdata import ButtonAction
from handlers.chat import in_chat
from handlers.replies import OutgoingMessage, edit, escape, keyboard, layout, plain, working
from handlers.services import BotContext, blocking

PAGE = 8  # with titles and snippets cut below, a page stays far under Telegram's 4,096 characters


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def fetch(assistant: Assistant, query: str, offset: int, lang: str) -> SearchPage:
    """The page at `offset`; past the end (a forged or stale button), the last page rather than nothing."""
    page = assistant.search(query, lang=lang, limit=PAGE, offset=offset)
    if not page.hits and page.total > 0 and offset > 0:
        page = assistant.search(query, lang=lang, limit=PAGE, offset=(page.total - 1) // PAGE * PAGE)
    return page


def render_page(store: ChatStore, page: SearchPage, query: str, lang: str, heading: str | None = None
                ) -> OutgoingMessage:
    """A page of results: the heading (the core's, for a free-text search; else "N commitments match …"), which
    results these are when there are several pages, a card and a button per commitment, previous/more."""
    t = translator(lang)
    if not page.hits:
        return plain(t._("No commitment matches “{query}”. Try other words, or an id like FR0038.", query=query), lang)
    first, last = page.offset + 1, page.offset + len(page.hits)
    lines = [heading or t.ngettext("{n} commitment matches “{query}”:", "{n} commitments match “{query}”:",
                                   page.total, query=query)]
    if page.total > len(page.hits):
        lines.append(t._("Results {first} to {last}:", first=t.number(first), last=t.number(last)))
    text = "\n".join(escape(line) for line in lines) + "\n\n" + "\n\n".join(
        f"<b>{escape(hit.id)}</b> — {escape(_cut(hit.title, 150))}\n<i>{escape(_cut(hit.snippet, 200))}</i>"
        for hit in page.hits)
    buttons = [(f"{hit.id} — {hit.title}"[:60], callbackdata.encode(store, ButtonAction.OVERVIEW, (hit.id,), lang))
               for hit in page.hits]
    carried = (heading,) if heading else ()  # the heading travels with the buttons: every page shows it

    def to(offset: int) -> str:
        return callbackdata.encode(store, ButtonAction.SEARCH, (query, str(offset), *carried), lang)

    paging = []
    if page.offset > 0:
        paging.append(("« " + t._("Previous"), to(max(0, page.offset - PAGE))))
    if last < page.total:
        paging.append((t._("More") + " »", to(last)))
    rows = layout(buttons) + ([paging] if paging else [])
    return OutgoingMessage([text], keyboard(rows), lang=lang)


def search_page(assistant: Assistant, store: ChatStore, query: str, offset: int, lang: str,
                heading: str | None = None) -> OutgoingMessage:
    """One page of results as a message with a button per commitment and previous/more buttons."""
    return render_page(store, fetch(assistant, query, offset, lang), query, lang, heading)


def as_pages(assistant: Assistant, store: ChatStore, answer: Answer) -> OutgoingMessage | None:
    """A free-text search's answer in the layout of /search and of its own later pages ("More"): the core's
    heading, then the first page of cards. None when it is no list of commitments found, or when the search of
    its question does not find the very commitments the core listed (then the core's own list is shown)."""
    listed = [b.args[0] for b in answer.buttons if b.action == ButtonAction.OVERVIEW and b.args]
    if answer.intent != "search" or not listed:
        return None
    page = assistant.search(answer.question, lang=answer.lang, limit=PAGE, offset=0)
    if [hit.id for hit in page.hits] != listed[:PAGE]:
        return None
    heading = answer.text.strip().split("\n", 1)[0]  # "17 commitments about “open data”:"
    return render_page(store, page, answer.question, answer.lang, heading)


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


async def more(update: Update, context: BotContext, query_text: str, offset: str, lang: str,
               heading: str | None = None) -> None:
    """A "more"/"previous" button: the same message shows the other page."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    start = callbackdata.offset_arg(offset) or 0
    reply = await blocking(search_page, services.assistant, services.store, query_text, start, lang, heading)
    await edit(context, query, reply)
