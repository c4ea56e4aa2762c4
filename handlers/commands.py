"""The command menu and the bot's descriptions, per language (set at start-up: bot.telegram.app._post_init, for
every language of bot.common.i18n.SUPPORTED)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.common.i18n import SUPPORTED, translator

log = logging.getLogger(__name__)


def menu(lang: str) -> list[BotCommand]:
    t = translator(lang)
    return [
        BotCommand("start", t._("Start: what I can do")),
        BotCommand("help", t._("Help and examples of questions")),
        BotCommand("commitment", t._("A commitment by its id: /commitment FR0038")),
        BotCommand("search", t._("Find commitments by words: /search open data")),
        BotCommand("chart", t._("A chart of completion: /chart France 2018-2020")),
        BotCommand("export", t._("Commitments as a CSV file: /export France starred")),
        BotCommand("language", t._("Choose English, French or Spanish")),
        BotCommand("follow", t._("Be told when a commitment changes: /follow FR0038 [daily|weekly]")),
        BotCommand("unfollow", t._("Stop following: /unfollow FR0038")),
        BotCommand("following", t._("What you follow")),
    ]


def admin_menu(lang: str) -> list[BotCommand]:
    """Everyone's commands, then the admin ones (set for each admin's chat only: handlers.admin.set_menus)."""
    t = translator(lang)
    return [
        *menu(lang),
        BotCommand("import", t._("Admin: import a file sent with /import as caption (/import dry: preview)")),
        BotCommand("refresh", t._("Admin: pull DATA_SOURCES again (/refresh partial, /refresh ogp [member])")),
        BotCommand("history", t._("Admin: the last data changes")),
        BotCommand("rollback", t._("Admin: undo the last data change")),
        BotCommand("stats", t._("Admin: dataset counts, version, uptime")),
    ]


def description(lang: str) -> str:
    """What Telegram shows in an empty chat with the bot, before /start (setMyDescription: up to 512 characters)."""
    return translator(lang)._(
        "Ask about Open Government Partnership (OGP) commitments in plain words: status, milestones, who leads "
        "them, IRM assessments, searches, counts and charts. For example: who leads FR0038? Every answer cites its "
        "OGP page.")


def short_description(lang: str) -> str:
    """The line on the bot's profile and in shared links (setMyShortDescription: up to 120 characters)."""
    return translator(lang)._("Answers about Open Government Partnership commitments, in English, French and Spanish.")


async def set_profile(bot: Bot, default_lang: str) -> None:
    """The descriptions in each language the bot answers in (bot.common.i18n.SUPPORTED), and in the default language
    for users of any other language. A refusal is logged: the bot answers all the same."""
    for lang in (*SUPPORTED, None):
        text_lang = lang or default_lang
        try:
            await bot.set_my_description(description(text_lang), language_code=lang)
            await bot.set_my_short_description(short_description(text_lang), language_code=lang)
        except TelegramError as error:
            log.warning("bot description (%s) not set: %s", lang or "default", error)
