"""/refresh ogp [member…]: an admin crawls the OGP website (bot.services.crawl) from the chat.

handlers.admin checks that the sender is an admin in a private chat, then hands `/refresh ogp …` here. The crawl
runs in the background (a task of its own: the admin's chat and everyone else's keep being answered), and the
admin sees one message edited in place with the figures and the time left (every CRAWL_PROGRESS_SECONDS), then a
new message with the summary: counts, the data changes like /refresh's, and every failed page with its URL and
reason. Each batch is a line of /history; /rollback undoes the last one.

One crawl at a time: a second /refresh ogp in this process is told at once; on another replica, or beside an
import or a refresh, the data lock says so (bot.storage.datalock.Busy) in the progress message. A crawl stopped by
a restart of the bot is resumed by the next /refresh ogp.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.error import BadRequest, TelegramError

from bot.common.i18n import Translator
from bot.services.crawl import CrawlConfig, CrawlProgress, CrawlRequest, NotConfigured, choose_members, crawl
from bot.services.crawl.report import render_progress, render_summary
from bot.storage import datalock
from handlers import alerts
from handlers.chat import InChat
from handlers.replies import escape
from handlers.services import BotContext, blocking

log = logging.getLogger(__name__)
TASK = "ogp_crawl"  # bot_data key of the crawl running in this process


def wants_crawl(words: list[str]) -> bool:
    """`/refresh ogp …` rather than a refresh of DATA_SOURCES."""
    return bool(words) and words[0].lower() == "ogp"


async def start(here: InChat, words: list[str]) -> None:
    """Check what was asked, say that the crawl starts, and start it in the background."""
    context, t = here.context, here.t
    settings = context.services.settings
    try:
        config = CrawlConfig.from_settings(settings)
    except NotConfigured:
        await here.say(t._("The crawler cannot run: CRAWL_CONTACT is empty. Set it to an e-mail address or URL where "
                           "the OGP website's owners can reach you (it goes in the crawler's User-Agent)."))
        return
    chosen = choose_members(words)
    if chosen.unknown:
        await here.say(t._("I do not know these members: {names}. Write a member's name (France, Royaume-Uni) or "
                           "its slug (united-kingdom), or nothing for every member.", names=", ".join(chosen.unknown)))
        return
    running: asyncio.Task[None] | None = context.application.bot_data.get(TASK)
    if running is not None and not running.done():
        await here.say(t._("An OGP crawl is running already: its message above shows how far it is."))
        return
    sent = await here.say(t._("OGP crawl starting…"))
    if not sent:  # the admin blocked the bot: nobody to show it to
        return
    request = CrawlRequest(members=tuple(chosen.slugs) or None)
    # Not application.create_task: the Application waits for those when it stops, and a crawl may last hours; a
    # crawl cancelled by the bot's end is resumed by the next /refresh ogp.
    context.application.bot_data[TASK] = asyncio.create_task(
        _crawl(here, sent[0].message_id, request, config), name="ogp-crawl")


async def _crawl(here: InChat, message_id: int, request: CrawlRequest, config: CrawlConfig) -> None:
    context, t, lang = here.context, here.t, here.lang
    progress = _ProgressMessage(context, here.chat.id, message_id)
    actor = f"telegram:{here.user.id if here.user else '?'}"

    async def show(figures: CrawlProgress) -> None:
        await progress.show(render_progress(figures, lang))

    try:
        summary = await crawl(context.services.assistant.engine, config, request, actor=actor, on_progress=show)
    except datalock.Busy:
        await progress.show(_busy(t))
        return
    except Exception:
        log.exception("the OGP crawl stopped on an error")
        await progress.show(t._("The OGP crawl stopped on an error. What it had applied stays; /refresh ogp goes on "
                                "from where it stopped."))
        return
    if summary.error is None:
        await progress.show(render_progress(summary.progress, lang, over=True))
    if summary.applied:  # the new data answers here before the admin reads the summary; followers are told
        await blocking(context.services.assistant.refresh_if_stale)
        alerts.kick(context.application)
    await here.say(render_summary(summary, lang))


class _ProgressMessage:
    """The one message the figures are shown in, edited in place."""

    def __init__(self, context: BotContext, chat_id: int, message_id: int) -> None:
        self.context, self.chat_id, self.message_id = context, chat_id, message_id
        self.shown = ""

    async def show(self, text: str) -> None:
        if text == self.shown:
            return
        try:
            await self.context.bot.edit_message_text(escape(self.context.services.redact(text)), chat_id=self.chat_id,
                                                     message_id=self.message_id)
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                log.info("crawl progress not shown: %s", error)
        except TelegramError as error:  # a missed edit is no reason to stop a crawl: the next one catches up
            log.info("crawl progress not shown: %s", error)
            return
        self.shown = text


def _busy(t: Translator) -> str:
    return t._("Another import, refresh or rollback is running (here or on another replica). Nothing was changed: "
               "try again when it is done.")
