"""Groups and supergroups: the bot answers commands, messages that mention it (@username, or a text mention of
it) and replies to its own messages; other chatter is not addressed to it and gets nothing. Private chats are
always addressed to the bot.

With Telegram's privacy mode on (the default for bots), a group only sends the bot those messages anyway; with
it off, the bot receives every message and this check keeps it quiet. The mention itself is cut out of the
question before the core reads it ("@ogp_bot who leads FR0038?" asks "who leads FR0038?").
"""

from __future__ import annotations

import re

from telegram import Bot, Message, MessageEntity
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import filters

GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
# What is left around a cut mention: "@bot, who…" → "who…"; "FR0038 @bot ?" → "FR0038 ?".
_LEADING = re.compile(r"^[\s,:;.!-]+")
_SPACES = re.compile(r"[ \t]{2,}")


def in_group(message: Message) -> bool:
    return message.chat.type in GROUP_CHATS


def _entities(message: Message) -> tuple[str, tuple[MessageEntity, ...]]:
    """The message's words (text, else caption) and their entities."""
    if message.text is not None:
        return message.text, message.entities
    return message.caption or "", message.caption_entities


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _entity_text(encoded: bytes, entity: MessageEntity) -> str:
    """An entity's text: Telegram's offsets count UTF-16 code units."""
    return encoded[entity.offset * 2:(entity.offset + entity.length) * 2].decode("utf-16-le")


def _mentions(text: str, entities: tuple[MessageEntity, ...], bot: Bot) -> list[MessageEntity]:
    """The entities that name this bot: "@username" (any case), or a text mention of its user."""
    encoded, username = _utf16(text), f"@{bot.username}".lower()
    found = []
    for entity in entities:
        if entity.type == MessageEntityType.MENTION and _entity_text(encoded, entity).lower() == username:
            found.append(entity)
        elif entity.type == MessageEntityType.TEXT_MENTION and entity.user is not None and entity.user.id == bot.id:
            found.append(entity)
    return found


def _is_command(text: str, entities: tuple[MessageEntity, ...]) -> bool:
    return any(e.type == MessageEntityType.BOT_COMMAND and e.offset == 0 for e in entities) and text.startswith("/")


def addressed(message: Message, bot: Bot) -> bool:
    """Whether the message is for the bot: always in a private chat; in a group, a command, a mention of the
    bot, or a reply to one of its messages. Channels and other chat types: never (the bot does not talk there)."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    if not in_group(message):
        return False
    text, entities = _entities(message)
    if _is_command(text, entities):  # CommandHandler itself skips commands meant for another bot (/x@other_bot)
        return True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    return bool(_mentions(text, entities, bot))


def words_for_bot(message: Message, bot: Bot) -> str:
    """The message's text (or caption) with the bot's mentions cut out: what the user asks."""
    text, entities = _entities(message)
    mentions = _mentions(text, entities, bot)
    if not mentions:
        return text
    encoded = _utf16(text)
    pieces, position = [], 0
    for entity in sorted(mentions, key=lambda e: e.offset):
        pieces.append(encoded[position * 2:entity.offset * 2].decode("utf-16-le"))
        position = entity.offset + entity.length
    pieces.append(encoded[position * 2:].decode("utf-16-le"))
    return _SPACES.sub(" ", _LEADING.sub("", " ".join(p.strip() for p in pieces if p.strip())))


class _Addressed(filters.MessageFilter):
    """The filter of the handlers that answer messages (handlers() in bot.telegram.app)."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        return addressed(message, message.get_bot())


ADDRESSED = _Addressed(name="handlers.groups.ADDRESSED")
