"""/follow ID [now|daily|weekly], /unfollow ID, /following, and the one-tap "unfollow" buttons under alerts and
under /following. The follows themselves are bot.services.followers; the alerts bot.services.alerts and
handlers/alerts.py."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.common.i18n import translator
from bot.services import followers
from bot.services.followers import FollowStore, Target, TooManyFollows
from bot.storage.models import Follow
from handlers import alerts, callbackdata
from handlers.callbackdata import ButtonAction
from handlers.chat import in_chat
from handlers.replies import OutgoingMessage, edit, escape, keyboard
from handlers.services import BotContext, blocking, client_language, user_language

log = logging.getLogger(__name__)
MAX_LISTED = 30
MAX_BUTTONS = 8  # "unfollow" buttons under /following
IN_LIST = "l"  # the second argument of the unfollow buttons under /following


def _store(context: BotContext) -> FollowStore:
    return FollowStore(context.services.assistant.engine)


def _target_name(context: BotContext, follow: Follow | Target, lang: str) -> str:
    target = follow if isinstance(follow, Target) else Target(follow.kind, follow.target)
    return followers.label(context.services.assistant.index, target, lang)


def _short(context: BotContext, target: Target, lang: str) -> str:
    member = context.services.assistant.index.members.get(target.key) if target.kind == "member" else None
    return followers.short_label(target, lang, {target.key: member.name} if member else None)


async def follow(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None or here.user is None:
        return
    user, lang, t = here.user, here.lang, here.t
    words = list(context.args or [])
    rhythm = followers.parse_rhythm(words[-1]) if len(words) > 1 else None
    if rhythm:
        words.pop()
    text = " ".join(words)
    if not text:
        await here.say(t._("Say what to follow: /follow FR0038, /follow France, /follow france-2018-2020 or "
                           "/follow open data; add daily or weekly for a digest instead of an alert at once."))
        return
    index = await blocking(lambda: context.services.assistant.index)
    target = followers.resolve(index, text)
    if target is None:
        await here.say(t._("I don't know “{text}”: give a commitment id (FR0038), a member (France), an action "
                           "plan (france-2018-2020) or a policy area (open data).", text=text))
        return
    now = alerts.of(context.application).clock()
    try:
        saved, created = await blocking(_store(context).follow, user.id, target, rhythm or "now",
                                        client_language(user) or lang, now)
    except TooManyFollows:
        await here.say(t._("You already follow {n} items, the most I keep. /unfollow some first.",
                           n=followers.MAX_FOLLOWS))
        return
    name, how = _target_name(context, target, lang), followers.rhythm_label(saved.rhythm, lang)
    text = t._("You follow {name} ({how}). I will tell you when its data changes.", name=name, how=how) if created \
        else t._("You already follow {name} ({how}).", name=name, how=how)
    button = t._("Unfollow {name}", name=_short(context, target, lang))
    data = await blocking(callbackdata.encode, context.services.store, ButtonAction.UNFOLLOW, (str(saved.id),), lang)
    await here.say(text, keyboard([[(button, data)]]))


async def unfollow(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None or here.user is None:
        return
    user, lang, t = here.user, here.lang, here.t
    text = " ".join(context.args or []).strip()
    if not text:
        await here.say(t._("Say what to stop following, for example: /unfollow FR0038 (/following lists what you "
                           "follow)."))
        return
    store = _store(context)
    existing = await blocking(store.find, user.id, text)
    if existing is None:
        index = await blocking(lambda: context.services.assistant.index)
        target = followers.resolve(index, text)
        removed = target is not None and await blocking(store.unfollow, user.id, target)
        name = _target_name(context, target, lang) if target else text
    else:
        removed = await blocking(store.unfollow_id, user.id, existing.id) is not None
        name = _target_name(context, existing, lang)
    await here.say(t._("You no longer follow {name}.", name=name) if removed else
                   t._("You were not following {name}. /following lists what you follow.", name=name))


async def following(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None or here.user is None:
        return
    await here.send(await _following_list(context, here.user.id, here.lang))


async def _following_list(context: BotContext, user_id: int, lang: str) -> OutgoingMessage:
    """What the user follows, with an "unfollow" button for each of the first ones. Those buttons carry
    IN_LIST, so that a press shows the list again without that follow (edited in place)."""
    t = translator(lang)
    follows = await blocking(_store(context).following, user_id)
    if not follows:
        text = t._("You follow nothing yet. /follow FR0038 (or a member, an action plan, a policy area) tells you "
                   "when its data changes.")
        return OutgoingMessage([escape(text)], lang=lang)
    lines = [t._("You follow:")]
    lines.extend(f"• {_target_name(context, f, lang)} — {followers.rhythm_label(f.rhythm, lang)}"
                 for f in follows[:MAX_LISTED])
    if len(follows) > MAX_LISTED:
        lines.append(t._("… and {n} more.", n=t.number(len(follows) - MAX_LISTED)))
    store = context.services.store
    rows = [[(t._("Unfollow {name}", name=_short(context, Target(f.kind, f.target), lang)),
              await blocking(callbackdata.encode, store, ButtonAction.UNFOLLOW, (str(f.id), IN_LIST), lang))]
            for f in follows[:MAX_BUTTONS]]
    return OutgoingMessage([escape("\n".join(lines))], keyboard(rows), lang=lang)


async def unfollow_button(update: Update, context: BotContext) -> None:
    """An "unfollow" button: removes the presser's own follow (a button forwarded to someone else removes
    nothing of theirs) and takes the button away."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    payload = await blocking(callbackdata.decode, context.services.store, query.data or "")
    lang = (payload.lang if payload else None) or await user_language(context, user)
    t = translator(lang)
    usable = payload is not None and payload.action is ButtonAction.UNFOLLOW and (
        len(payload.args) == 1 or (len(payload.args) == 2 and payload.args[1] == IN_LIST))
    follow_id = callbackdata.id_arg(payload.args[0]) if payload is not None and usable else None
    if follow_id is None:
        log.info("unfollow button with malformed data %r", query.data)
        try:
            await query.answer(t._("This button has expired. Ask your question again."), show_alert=True)
        except BadRequest:
            pass
        return
    removed = await blocking(_store(context).unfollow_id, user.id, follow_id)
    text = t._("You no longer follow {name}.", name=_target_name(context, removed, lang)) if removed else \
        t._("You were not following this any more.")
    try:
        await query.answer(text[:200])
    except BadRequest:  # too old to answer: the follow is removed all the same
        pass
    if payload is not None and payload.args[1:] == (IN_LIST,) and query.message is not None:
        # Under /following: the list again, without the follow removed (its line and its button).
        try:
            await edit(context, query, await _following_list(context, user.id, lang))
        except BadRequest:  # the message is too old to edit: the answer above said it all
            pass
        return
    markup = getattr(query.message, "reply_markup", None)  # None for messages too old to be accessible
    if markup is not None and query.data:
        rows = [[(b.text, str(b.callback_data)) for b in row if b.callback_data != query.data]
                for row in markup.inline_keyboard]
        try:
            await query.edit_message_reply_markup(keyboard(rows))
        except BadRequest:  # the message is too old to edit, or unchanged: the answer above said it all
            pass
