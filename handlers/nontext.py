"""Messages without text: stickers, voice and video notes, photos, files, locations, contacts, polls…

The bot reads words only. A caption is words: it is asked like a text message (in groups, when it is addressed to
the bot). Anything else gets one short reply in the user's language saying so, with an example question. The
photo or file itself is never downloaded: only an admin's /import does that (handlers.admin, registered first).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import filters

from handlers.ask import ask_text
from handlers.chat import in_chat
from handlers.groups import ADDRESSED, words_for_bot
from handlers.services import BotContext

# A new message carrying something other than text (Message.effective_attachment: photo, sticker, voice, audio,
# video, video note, animation, document, location, venue, contact, poll, dice, …); service messages (members
# joining, pinned messages) carry none and are left alone. An edited caption is not a new question.
NON_TEXT = filters.UpdateType.MESSAGE & ~filters.TEXT & filters.ATTACHMENT & ADDRESSED


async def non_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    caption = words_for_bot(message, context.bot).strip() if message.caption else ""
    if caption and not caption.startswith("/"):  # a question written under a picture is still a question
        await ask_text(update, context, caption)
        return
    here = await in_chat(update, context)
    if here is None:
        return
    await here.say(here.t._("I can only read text, not pictures, voice messages, stickers or files. Write your "
                            "question, for example: who leads FR0038?"))
