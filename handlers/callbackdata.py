"""Button payloads: an action of the core (bot.core.types.Button) or of the front end, with its arguments and
the language of the message that carried it, in Telegram's 1-64 bytes of callback_data.

Short payloads travel in the button itself ("ie|milestones|FR0038"); longer ones (a search query, a count
question) are stored in the database under a content hash ("#<code>"). Either way they survive a restart and
work on every replica, which python-telegram-bot's in-memory arbitrary callback data does not.

`ButtonAction` is the one list of actions: encoding, decoding and the patterns the Application matches buttons
with (`pattern`) all come from it; handlers.callbacks says which handler takes each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.common.i18n import SUPPORTED
from bot.common.numbers import parse_number
from bot.services.chatstate import ChatStore

MAX_BYTES = 64
MAX_OFFSET = 1_000_000  # page offsets carried by buttons
MAX_ID = 2**63 - 1  # database ids carried by buttons
SEP = "|"
STORED = "#"
# The language of the message a button was under, one letter each. Letters never change (buttons already sent carry
# them); a new language gets a new letter.
LANGS = {"en": "e", "fr": "f", "es": "s"}
NO_LANG = "x"


class ButtonAction(StrEnum):
    """Every action a button can carry: its name (the core's Button.action, and the key of stored payloads)
    and its one letter in callback_data. Names and letters never change: buttons already sent carry them, and
    an unknown letter (a button of an older version) reads as expired."""

    letter: str

    def __new__(cls, name: str, letter: str) -> ButtonAction:
        member = str.__new__(cls, name)
        member._value_ = name
        member.letter = letter
        return member

    OVERVIEW = "overview", "o"
    INTENT = "intent", "i"
    MILESTONE = "milestone", "m"
    SEARCH = "search", "s"
    LIST = "list", "l"
    LANGUAGE = "language", "g"
    UNFOLLOW = "unfollow", "u"
    ADMIN = "admin", "a"


_BY_NAME = {action.value: action for action in ButtonAction}
_BY_LETTER = {action.letter: action for action in ButtonAction}
_LANG_OF = {v: k for k, v in LANGS.items()}
assert len(_BY_LETTER) == len(ButtonAction), "two button actions share a letter"
assert len(_LANG_OF) == len(LANGS) and NO_LANG not in _LANG_OF, "two languages share a letter"
assert set(SUPPORTED) <= set(LANGS), "a supported language has no letter in callback data"


@dataclass(frozen=True)
class Payload:
    """A pressed button's payload, decoded."""

    action: ButtonAction
    args: tuple[str, ...]
    lang: str | None  # the language of the message the button was under


def offset_arg(text: str) -> int | None:
    """A page offset carried by a button (None: forged or damaged data)."""
    return parse_number(text, maximum=MAX_OFFSET)


def id_arg(text: str) -> int | None:
    """A database id carried by a button (None: forged or damaged data)."""
    return parse_number(text, minimum=1, maximum=MAX_ID)


def pattern(action: ButtonAction) -> str:
    """The callback_data of the action's buttons that travel in the button itself (for CallbackQueryHandler);
    stored payloads ("#<code>") match no action's pattern."""
    return rf"^{action.letter}[a-z]\{SEP}"


def encode(store: ChatStore, action: ButtonAction | str, args: tuple[str, ...], lang: str | None) -> str:
    """callback_data for the action, given as a ButtonAction or its name (the core's Button.action). May write
    to the database: call it off the event loop."""
    known = _BY_NAME.get(action)
    if known is None:
        raise ValueError(f"unknown button action {action!r}")
    data = SEP.join((known.letter + LANGS.get(lang or "", NO_LANG), *args))
    if len(data.encode()) <= MAX_BYTES and not any(SEP in a for a in args) and not data.startswith(STORED):
        return data
    return STORED + store.put_payload(known.value, lang, tuple(args))


def decode(store: ChatStore, data: str) -> Payload | None:
    """The payload of a pressed button, or None when it is unknown or expired."""
    if data.startswith(STORED):
        stored = store.get_payload(data[len(STORED):])
        action = _BY_NAME.get(stored[0]) if stored else None
        if stored is None or action is None:
            return None
        return Payload(action, stored[2], stored[1])
    head, *args = data.split(SEP)
    action = _BY_LETTER.get(head[0]) if len(head) == 2 else None
    if action is None:
        return None
    return Payload(action, tuple(args), _LANG_OF.get(head[1]))
