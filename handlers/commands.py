"""The command menu, per language (set with set_my_commands at start-up)."""

from __future__ import annotations

from telegram import BotCommand

from bot.i18n import translator


def menu(lang: str) -> list[BotCommand]:
    t = translator(lang)
    return [
        BotCommand("start", t._("Start: what I can do")),
        BotCommand("help", t._("Help and examples of questions")),
        BotCommand("commitment", t._("A commitment by its id: /commitment FR0038")),
        BotCommand("search", t._("Find commitments by words: /search open data")),
        BotCommand("chart", t._("A chart of completion: /chart France 2018-2020")),
        BotCommand("export", t._("Commitments as a CSV file: /export France starred")),
        BotCommand("language", t._("Choose English or French")),
    ]
