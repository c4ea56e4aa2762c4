"""What the Application registers agrees with what users are shown: every command handled is in the command
menu of its audience (everyone's menu in English and French, admin commands in each admin's own menu), every
command in a menu is handled, and every button action (handlers.callbackdata.ButtonAction) has a handler."""

from __future__ import annotations

from typing import Any

from adminkit import ADMIN, BotFactory
from telegram import CallbackQuery, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.telegram.app import MAIN
from handlers import admin, callbackdata, callbacks
from handlers.callbackdata import ButtonAction

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
LANGS = ("en", "fr", "es")


def handled_commands(application: Any) -> set[str]:
    return {command for group in application.handlers.values() for handler in group
            if isinstance(handler, CommandHandler) for command in handler.commands}


def names(commands: list[dict[str, str]]) -> set[str]:
    return {c["command"] for c in commands}


async def test_every_command_is_in_its_audiences_menu_and_every_menu_command_is_handled(make_bot: BotFactory) -> None:
    bot = await make_bot()
    handled = handled_commands(bot.application)
    admin_only = set(admin.COMMANDS)
    assert admin_only < handled
    everyone = handled - admin_only
    for lang in (*LANGS, ""):  # "": the menu of users of any other language
        assert names(bot.api.commands[("default", lang)]) == everyone, lang
    admins = {c.params.get("language_code"): names(c.params["commands"]) for c in bot.api.calls_of("setMyCommands")
              if c.params.get("scope", {}).get("chat_id") == ADMIN}
    assert set(admins) == {*LANGS, None}
    for lang, menu in admins.items():
        assert menu == handled, lang  # everyone's commands, and the admin ones


def pressed(data: str) -> Update:
    user = User(6100, "Ada", False)
    return Update(1, callback_query=CallbackQuery("q1", user, "chat-instance", data=data))


def first_button_handler(application: Any, update: Update) -> CallbackQueryHandler[Any, Any, Any]:
    """The handler python-telegram-bot gives a button press to: the first one of the main group that takes it."""
    for handler in application.handlers[MAIN]:
        if isinstance(handler, CallbackQueryHandler) and handler.check_update(update):
            return handler
    raise AssertionError(f"no handler takes callback data {update.callback_query and update.callback_query.data!r}")


async def test_every_button_action_has_a_handler(make_bot: BotFactory) -> None:
    bot = await make_bot()
    store = bot.application.bot_data["services"].store
    own, routed = set(callbacks.OWN_HANDLERS), set(callbacks.ROUTES)
    assert own | routed == set(ButtonAction) and not own & routed  # each action: one handler
    for action in ButtonAction:
        for lang in (*LANGS, None):
            data = callbackdata.encode(store, action, ("rollback", "12"), lang)
            assert not data.startswith(callbackdata.STORED)
            handler = first_button_handler(bot.application, pressed(data))
            expected = callbacks.OWN_HANDLERS.get(action, callbacks.button)
            assert handler.callback is expected, (action, lang)
    # Long payloads are stored: `button` takes them, and routes those of its actions.
    long = callbackdata.encode(store, ButtonAction.SEARCH, ("open data " * 10, "8"), "en")
    assert long.startswith(callbackdata.STORED)
    assert first_button_handler(bot.application, pressed(long)).callback is callbacks.button
    # An unknown button (an older version's, or forged) reaches `button`, which says it expired.
    assert first_button_handler(bot.application, pressed("zz|what")).callback is callbacks.button
