"""Users who block or unblock the bot (my_chat_member updates in private chats), as in python-telegram-bot's
chatmemberbot example: blocked users are marked so that nothing is sent to them, and unmarked when they return."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType

from handlers.services import BotContext, blocking


async def my_chat_member(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await blocking(context.services.store.set_blocked, change.chat.id, blocked)
