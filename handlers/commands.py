"""The command menu, per language (set with set_my_commands at start-up)."""

from __future__ import annotations

from telegram import BotCommand

from bot.common.i18n import translator


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
        BotCommand("refresh", t._("Admin: pull DATA_SOURCES again (/refresh partial)")),
        BotCommand("history", t._("Admin: the last data changes")),
        BotCommand("rollback", t._("Admin: undo the last data change")),
        BotCommand("stats", t._("Admin: dataset counts, version, uptime")),
    ]
