"""Button payloads: an action of the core (bot.core.types.Button) or of the front end, with its arguments and
the language of the message that carried it, in Telegram's 1-64 bytes of callback_data.

Short payloads travel in the button itself ("ie|milestones|FR0038"); longer ones (a search query, a count
question) are stored in the database under a content hash ("#<code>"). Either way they survive a restart and
work on every replica, which python-telegram-bot's in-memory arbitrary callback data does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.chatstate import ChatStore

MAX_BYTES = 64
SEP = "|"
STORED = "#"
# One letter per action; unknown letters (buttons of an older version) read as expired.
ACTIONS = {"overview": "o", "intent": "i", "milestone": "m", "search": "s", "list": "l", "language": "g",
           "unfollow": "u", "admin": "a"}  # the last two have handlers of their own (handlers/follow.py, admin.py)
LANGS = {"en": "e", "fr": "f"}
_ACTION_OF = {v: k for k, v in ACTIONS.items()}
_LANG_OF = {v: k for k, v in LANGS.items()}


@dataclass(frozen=True)
class Action:
    name: str
    args: tuple[str, ...]
    lang: str | None  # the language of the message the button was under


def encode(store: ChatStore, name: str, args: tuple[str, ...], lang: str | None) -> str:
    """callback_data for the action (may write to the database: call it off the event loop)."""
    if name not in ACTIONS:
        raise ValueError(f"unknown button action {name!r}")
    data = SEP.join((ACTIONS[name] + LANGS.get(lang or "", "x"), *args))
    if len(data.encode()) <= MAX_BYTES and not any(SEP in a for a in args) and not data.startswith(STORED):
        return data
    return STORED + store.put_payload(name, lang, tuple(args))


def decode(store: ChatStore, data: str) -> Action | None:
    """The action of a pressed button, or None when it is unknown or expired."""
    if data.startswith(STORED):
        stored = store.get_payload(data[len(STORED):])
        if stored is None or stored[0] not in ACTIONS:
            return None
        return Action(stored[0], stored[2], stored[1])
    head, *args = data.split(SEP)
    if len(head) != 2 or head[0] not in _ACTION_OF:
        return None
    return Action(_ACTION_OF[head[0]], tuple(args), _LANG_OF.get(head[1]))
