"""/start, with or without a deep-link payload (https://t.me/<bot>?start=FR0038 opens that commitment).

Telegram allows only A-Z, a-z, 0-9, _ and - in a payload, up to 64 characters, so "FR0038 9.2" travels as
"FR0038_9-2". Ids or milestone numbers with other characters travel base64url-encoded after "x-".
"""

from __future__ import annotations

import base64
import binascii
import re

from telegram import Update
from telegram.helpers import create_deep_linked_url

from handlers.chat import in_chat
from handlers.commitment import open_commitment
from handlers.help import help_command
from handlers.services import BotContext, blocking

PAYLOAD = r"[A-Za-z0-9_-]{1,64}"
# The filter of the deep-link handler, registered before the plain /start (python-telegram-bot's deeplinking).
DEEP_LINK = rf"^/start(?:@\w+)?\s+{PAYLOAD}\s*$"
_READABLE = re.compile(r"([A-Za-z0-9]+)(?:_([0-9A-Za-z]+(?:-[0-9A-Za-z]+)*))?")
_ENCODED = "x-"
HELP = "help"


def encode_payload(commitment_id: str, milestone: str | None = None) -> str:
    """The start payload that opens a commitment (and milestone): "FR0038", "FR0038_9-2"."""
    readable = commitment_id + (f"_{milestone.replace('.', '-')}" if milestone else "")
    if _READABLE.fullmatch(readable):
        return readable
    raw = commitment_id + ("\t" + milestone if milestone else "")
    encoded = _ENCODED + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    if len(encoded) > 64:
        raise ValueError(f"no deep link fits {raw!r}")
    return encoded


def decode_payload(payload: str) -> tuple[str, str | None] | None:
    """(commitment id, milestone or None) of a payload made by encode_payload; None when it is not one."""
    if payload.startswith(_ENCODED):
        body = payload[len(_ENCODED):]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        commitment_id, _, milestone = raw.partition("\t")
        return (commitment_id, milestone or None) if commitment_id else None
    match = _READABLE.fullmatch(payload)
    if match is None:
        return None
    return match.group(1), match.group(2).replace("-", ".") if match.group(2) else None


def deep_link(bot_username: str, commitment_id: str, milestone: str | None = None) -> str:
    return create_deep_linked_url(bot_username, encode_payload(commitment_id, milestone))


async def start(update: Update, context: BotContext) -> None:
    """The greeting, in the user's language."""
    here = await in_chat(update, context)
    if here is None:
        return
    answer = await blocking(context.services.assistant.greeting, lang=here.lang)
    await here.say(answer.text)


async def start_with_payload(update: Update, context: BotContext) -> None:
    """/start FR0038 (from a link): the commitment's card; /start help: the help."""
    payload = context.args[0] if context.args else ""
    if payload == HELP:  # from the inline mode's "how to use" button
        await help_command(update, context)
        return
    target = decode_payload(payload)
    if target is None:
        await start(update, context)
        return
    commitment_id, milestone = target
    await open_commitment(update, context, commitment_id, milestone)
