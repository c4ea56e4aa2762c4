"""Sending answers the way Telegram wants them: HTML with every value escaped, split under the 4,096-character
limit at paragraph boundaries, buttons as inline keyboards, "typing…" while slow work runs, identical edits
ignored, and users who blocked the bot marked so instead of retried."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ChatAction, ChatType, MessageLimit
from telegram.error import BadRequest, Forbidden

from bot.common.i18n import translator
from bot.core.types import Answer, Button
from bot.services.chatstate import ChatStore
from handlers import callbackdata
from handlers.services import BotContext, blocking

log = logging.getLogger(__name__)
T = TypeVar("T")

# Telegram counts the parsed text in UTF-16 code units; stay a little under its limit.
PART_LIMIT = MessageLimit.MAX_TEXT_LENGTH - 96
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH
# A commitment page's URL ends with its id: several sources are linked by their ids.
_COMMITMENT_PAGE = re.compile(r"/commitments/([A-Za-z0-9-]+)/?$")
SHORT_LABEL = 20  # buttons with labels up to this long share a row, three at a time


def escape(value: object) -> str:
    """Text for an HTML message: <, > and & escaped (quotes need no escaping outside attributes)."""
    return html.escape(str(value), quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = PART_LIMIT) -> list[str]:
    """Plain text cut into parts of at most `limit` UTF-16 units: at blank lines if possible, else at line
    ends, else at spaces, else anywhere."""
    text = text.strip()
    if utf16_len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    for separator in ("\n\n", "\n", " "):
        pieces = text.split(separator)
        if all(utf16_len(p) <= limit for p in pieces):
            current = ""
            for piece in pieces:
                candidate = f"{current}{separator}{piece}" if current else piece
                if utf16_len(candidate) <= limit:
                    current = candidate
                else:
                    parts.append(current)
                    current = piece
            parts.append(current)
            return [p.strip() for p in parts if p.strip()]
    # A single "word" longer than the limit: cut it by size.
    current = ""
    for char in text:
        if utf16_len(current) + utf16_len(char) > limit:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return [p for p in parts if p.strip()]


def split_paragraphs(text: str, limit: int = PART_LIMIT) -> list[str]:
    """Like split_text, but keeps whole paragraphs together whenever one fits."""
    parts: list[str] = []
    current = ""
    for paragraph in text.strip().split("\n\n"):
        for piece in split_text(paragraph, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if utf16_len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts


@dataclass
class OutgoingMessage:
    """What the bot sends into a chat: HTML parts (the keyboard goes under the last) and an optional chart."""

    parts: list[str]
    keyboard: InlineKeyboardMarkup | None = None
    photo: bytes | None = None
    lang: str = "en"
    caption: str | None = None  # the photo's, HTML


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard from rows of (label, callback_data)."""
    buttons = [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows if row]
    return InlineKeyboardMarkup(buttons) if buttons else None


def layout(labels_and_data: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Short labels (milestone numbers, "Status") three to a row; long ones (titles) alone on theirs."""
    rows: list[list[tuple[str, str]]] = []
    for label, data in labels_and_data:
        if len(label) <= SHORT_LABEL and rows and len(rows[-1]) < 3 and len(rows[-1][0][0]) <= SHORT_LABEL:
            rows[-1].append((label, data))
        else:
            rows.append([(label, data)])
    return rows


def answer_buttons(answer: Answer) -> list[Button]:
    """The answer's buttons, plus one per "did you mean" candidate the core did not already offer."""
    buttons = list(answer.buttons)
    offered = {b.args[0] for b in buttons if b.action == "overview" and b.args}
    for candidate in answer.candidates:
        if candidate.id not in offered:
            label = f"{candidate.id} — {candidate.title}" if candidate.title else candidate.id
            buttons.append(Button(label[:60], "overview", (candidate.id,)))
    return buttons


def render(answer: Answer, store: ChatStore, heading: str | None = None) -> OutgoingMessage:
    """The answer as Telegram messages (encoding long button payloads may write to the database): `heading` (the
    commitment the answer is about) as a bold first line, the sources as short links."""
    data = [(b.label, callbackdata.encode(store, b.action, tuple(b.args), answer.lang)) for b in answer_buttons(answer)]
    room = PART_LIMIT - (utf16_len(heading) + 1 if heading else 0)
    parts = [link_sources(escape(p), answer.sources, answer.lang) for p in split_paragraphs(answer.text, room)]
    if heading and parts:
        parts[0] = bold_first_line(parts[0], heading)
    return OutgoingMessage(parts, keyboard(layout(data)), lang=answer.lang)


def bold_first_line(part: str, heading: str) -> str:
    """`heading` in bold above the part, or the part's own first line made bold when it is the heading already
    (a commitment's card starts with "FR0038 — Title")."""
    first, newline, rest = part.partition("\n")
    if first == escape(heading):
        return f"<b>{first}</b>{newline}{rest}"
    return f"<b>{escape(heading)}</b>\n{part}"


def link_sources(part: str, sources: list[str], lang: str) -> str:
    """The core's "Source: URL URL" line with each URL as a short link ("OGP page"; by commitment id when there
    are several). Front ends without links (`ask --json`, the console) keep the full URLs."""
    if not sources:
        return part
    written = escape(" ".join(sources))
    at = part.rfind(written)
    if at < 0:
        return part
    t = translator(lang)
    links = []
    for url in sources:
        page = _COMMITMENT_PAGE.search(url) if len(sources) > 1 else None
        label = page.group(1).upper() if page else t._("OGP page")
        links.append(f'<a href="{html.escape(url, quote=True)}">{escape(label)}</a>')
    return part[:at] + ", ".join(links) + part[at + len(written):]


def chart_caption(summary: str, lang: str) -> str:
    """A chart's caption (HTML): the figure summarised in words (the core's answer that offered it: "France Action
    Plan 2018-2020: 15 commitments — Substantial 1, not assessed 14."), then the credit; whole lines only, within
    Telegram's 1,024 characters."""
    credit = translator(lang)._("Source: Open Government Partnership (CC BY 4.0).")
    lines: list[str] = []
    for line in summary.strip().splitlines():
        if utf16_len("\n".join([*lines, line, credit])) > CAPTION_LIMIT:
            break
        lines.append(line)
    return escape("\n".join([*lines, credit]))


async def send(context: BotContext, chat_id: int, message: OutgoingMessage, *,
               chat_type: str | None = None) -> list[Message]:
    """Send the parts in order (keyboard under the last), then the chart. A user who blocked the bot is
    marked so and not written to again by this message. Handlers reply through handlers.chat.InChat.
    Secrets (the token, the webhook secret) are masked in every part: a reply may quote external text."""
    sent: list[Message] = []
    redact = context.services.redact
    try:
        for number, part in enumerate(message.parts, start=1):
            markup = message.keyboard if number == len(message.parts) else None
            sent.append(await context.bot.send_message(chat_id, redact(part), reply_markup=markup))
        if message.photo is not None:
            caption = redact(message.caption) if message.caption else None
            sent.append(await context.bot.send_photo(chat_id, message.photo, caption=caption))
    except Forbidden as error:
        await mark_blocked(context, chat_id, chat_type, error)
    return sent


async def send_text_file(context: BotContext, chat_id: int, name: str, text: str, *, caption: str | None = None,
                         chat_type: str | None = None) -> Message | None:
    """A plain-text document (a list too long for a message), secrets masked like every reply."""
    redact = context.services.redact
    try:
        return await context.bot.send_document(chat_id, InputFile(redact(text).encode("utf-8"), filename=name),
                                               caption=escape(redact(caption)) if caption else None)
    except Forbidden as error:
        await mark_blocked(context, chat_id, chat_type, error)
        return None


async def mark_blocked(context: BotContext, chat_id: int, chat_type: str | None, error: Exception) -> None:
    log.info("chat %s cannot be written to (%s): not retrying", chat_id, error)
    if chat_type in (None, ChatType.PRIVATE) and chat_id > 0:  # private chat ids are the user's id
        await blocking(context.services.store.set_blocked, chat_id, True)


async def edit(context: BotContext, query: CallbackQuery, message: OutgoingMessage) -> None:
    """Replace the message under the pressed button (parts beyond the first follow as new messages); an
    identical edit (the same button pressed twice) is no error worth showing."""
    first, rest = context.services.redact(message.parts[0]), message.parts[1:]
    try:
        await query.edit_message_text(first, reply_markup=None if rest else message.keyboard)
    except BadRequest as error:
        if "message is not modified" not in error.message.lower():
            raise
    if rest and query.message is not None:
        await send(context, query.message.chat.id, OutgoingMessage(rest, message.keyboard, lang=message.lang),
                   chat_type=query.message.chat.type)


async def working(context: BotContext, chat_id: int, work: Callable[[], T]) -> T:
    """Run `work` off the event loop; when it takes longer than `typing_after`, show "typing…" meanwhile."""
    task: asyncio.Future[T] = asyncio.ensure_future(blocking(work))
    delay = context.services.typing_after
    if delay > 0:
        await asyncio.wait([task], timeout=delay)
    if not task.done():
        await typing(context, chat_id)
    return await task


async def typing(context: BotContext, chat_id: int) -> None:
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except Forbidden:
        pass  # the reply that follows will find out and mark the user
    except Exception as error:  # a missing "typing…" is cosmetic: never fail the answer for it
        log.debug("typing action failed: %s", error)


def plain(text: str, lang: str, markup: InlineKeyboardMarkup | None = None) -> OutgoingMessage:
    """A reply of plain text (escaped here), split if it must be."""
    return OutgoingMessage([escape(p) for p in split_paragraphs(text)], markup, lang=lang)
