"""Admin commands: /import (a file, as its caption or in reply to it; `/import dry` changes nothing), /refresh
(`/refresh partial`), /history, /rollback (confirmed with a button), /stats.

Every call is checked, commands and buttons alike: someone who is not in ADMIN_IDS gets a polite refusal, the
attempt is logged and kept (bot.services.admin.record_refusal), and nothing changes. Admin commands work in a
private chat only: in a group they are refused with a note, and say nothing about the data. The work is
bot/ (importer, refresh, rollback); this module downloads, checks, and replies.

Replies never quote an exception's text (a download error quotes the file's URL, token included): the bot
says what failed in its own words, and every reply is masked (handlers.replies). A refusal with many problems
is a summary (counts by reason, the first lines) and a .txt file of them all. A refresh that would remove too
much asks for a confirmation (bot.dataset.load.ShrinkRefused).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable

from telegram import BotCommandScopeChat, Document, Update
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import filters

from bot.common.i18n import N_, SUPPORTED, Translator, translator
from bot.common.numbers import parse_number
from bot.dataset.errors import DataError, Problem
from bot.dataset.load import ShrinkGuard, ShrinkRefused, attempt, mark_interrupted, rollback
from bot.importing.pipeline import ImportReport, run_import
from bot.importing.sources import InputFile
from bot.importing.summary import render_summary
from bot.services import admin
from bot.services.refresh import RefreshOutcome, record_failure, refresh, run_import_logged
from bot.storage import datalock
from handlers import alerts, callbackdata, crawl
from handlers.callbackdata import ButtonAction
from handlers.chat import InChat, expired, in_chat
from handlers.commands import admin_menu
from handlers.replies import keyboard
from handlers.services import BotApplication, BotContext, Handler, Services, blocking

log = logging.getLogger(__name__)
# A new message with a document whose caption is /import (CommandHandler reads text only; an edited caption is
# not a new import).
IMPORT_CAPTION = filters.UpdateType.MESSAGE & filters.Document.ALL & filters.CaptionRegex(r"^/import(?:@\w+)?(?:\s|$)")
COMMANDS = ("import", "refresh", "history", "rollback", "stats")  # admins only (menu: commands.admin_menu)
_MIME_EXTENSIONS = {"application/json": ".json", "text/csv": ".csv", "application/zip": ".zip",
                    "application/x-zip-compressed": ".zip", "text/html": ".html"}


SHORT_REFUSAL = 10  # problems listed in a refusal's message; more go to a .txt file
LINE_CHARS = 300  # a problem's line in a message is cut at this length (the file has it whole)
_ENDS_ON_PLACE = re.compile(r"\b(?:at|near)$")  # "Unterminated string starting at", "Invalid control character at"


def admin_only(command: str) -> Callable[[Handler], Handler]:
    """The check every admin handler starts with: an admin, in a private chat."""
    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(update: Update, context: BotContext) -> None:
            user = update.effective_user
            if not admin.is_admin(context.services.settings.admin_ids, user.id if user else None):
                await refuse(update, context, command)
                return
            chat = update.effective_chat
            if chat is not None and chat.type != chat.PRIVATE:
                await refuse_in_group(update, context, command)
                return
            await handler(update, context)
        return checked
    return wrap


async def refuse_in_group(update: Update, context: BotContext, command: str) -> None:
    """An admin command or button in a group: everyone there would read the answer. Nothing about the data."""
    log.info("admin command %r refused in chat %s (not private)", command,
             update.effective_chat.id if update.effective_chat else None)
    here = await in_chat(update, context)
    if here is None:
        return
    await _tell(update, here, here.t._("/{command} works in a private chat with me only: write it to me there.",
                                       command=command))


async def refuse(update: Update, context: BotContext, command: str) -> None:
    user = update.effective_user
    await blocking(admin.record_refusal, context.services.assistant.engine, user.id if user else None, command)
    here = await in_chat(update, context)
    if here is None:  # admin commands and buttons all come from a chat
        return
    await _tell(update, here, here.t._("Sorry, /{command} is for the bot's administrators only.", command=command))


async def _tell(update: Update, here: InChat, text: str) -> None:
    """A refusal: as an alert on the button pressed, else as a message in the chat."""
    query = update.callback_query
    if query is None:
        await here.say(text)
        return
    try:
        await query.answer(text, show_alert=True)
    except BadRequest:
        pass


def _actor(here: InChat) -> str:
    return f"telegram:{here.user.id if here.user else '?'}"


async def _after_change(context: BotContext) -> None:
    """Before the admin reads the summary, the new data answers here (other replicas notice it within
    INDEX_CHECK_SECONDS); followers are told in the background."""
    await blocking(context.services.assistant.refresh_if_stale)
    alerts.kick(context.application)


def _changed(report: ImportReport | None) -> bool:
    result = report.result if report else None
    return result is not None and not result.dry_run and result.version_after != result.version_before


# -- /import ----------------------------------------------------------------------------------------------------


@admin_only("import")
async def import_command(update: Update, context: BotContext) -> None:
    """/import [dry] in reply to a file (or with nothing to import: how to use it)."""
    here = await in_chat(update, context)
    if here is None:
        return
    message = update.effective_message
    replied = message.reply_to_message if message else None
    await _import(here, replied.document if replied else None, list(context.args or []))


@admin_only("import")
async def import_caption(update: Update, context: BotContext) -> None:
    """A file sent with /import [dry] as its caption."""
    message, here = update.effective_message, await in_chat(update, context)
    if message is None or here is None:
        return
    await _import(here, message.document, (message.caption or "").split()[1:])


def _file_name(document: Document) -> str:
    if document.file_name:
        return document.file_name
    return "upload" + _MIME_EXTENSIONS.get(document.mime_type or "", ".txt")


async def _import(here: InChat, document: Document | None, words: list[str]) -> None:
    context, t = here.context, here.t
    services = context.services
    dry = any(w.lower() in ("dry", "dry-run", "test", "essai") for w in words)
    if document is None:
        await here.say(t._("Send a file (canonical JSON, OGP page text or HTML, CSV, or a .zip of those) with "
                           "/import as its caption, or reply /import to it. /import dry shows what would change "
                           "without changing anything."))
        return
    name, limit, actor = _file_name(document), services.settings.import_max_bytes, _actor(here)
    if document.file_size is not None and document.file_size > limit:  # refused before downloading it
        await blocking(record_failure, services.assistant.engine, actor=actor, kind="import", sources=[name],
                       error=f"{name}: {document.file_size:,} bytes, over the limit of {limit:,} bytes")
        await here.say(t._("Import refused, nothing was changed: {file} is {size} bytes, over the limit of {limit} "
                           "bytes (IMPORT_MAX_BYTES).", file=name, size=t.number(document.file_size),
                           limit=t.number(limit)))
        return
    try:
        telegram_file = await context.bot.get_file(document.file_id)
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        log.warning("download of %s failed: %r", name, error)  # masked in the log; the reply says it plainly
        await here.say(t._("I could not download {file}: {error}. Nothing was changed.", file=name,
                           error=t._(download_problem(error))))
        return
    try:
        report = await blocking(_run_import, services, InputFile(name, data), actor=actor, dry=dry)
    except datalock.Busy:
        await here.say(_busy(t))
        return
    except DataError as error:
        version = await blocking(services.assistant.stored_version)
        await say_refusal(here, t._("Import refused, nothing was changed (the data stays at version {version}):",
                                    version=version), error)
        return
    if _changed(report):
        await _after_change(context)
    await here.say(render_summary(report, here.lang))


def download_problem(error: TelegramError) -> str:
    """What went wrong with a file download, in the bot's words (a msgid): never the error's own text, which
    quotes the file's URL and, in it, the bot's token."""
    text = str(error).lower()
    if isinstance(error, TimedOut):
        return N_("the download failed: the server did not answer in time")
    if isinstance(error, NetworkError) and "redirect" in text:
        return N_("the download failed: too many redirects")
    if isinstance(error, BadRequest):
        return N_("Telegram did not hand the file over (too big, or no longer available)")
    if isinstance(error, NetworkError):
        return N_("the download failed: the server did not answer")
    return N_("the download failed")


def describe(problem: Problem) -> str:
    """A problem as one whole sentence. A parser's message that ends on where it happened ("invalid JSON:
    Unterminated string starting at", Python's json) is followed by that place, not cut before it:
    "data.json: invalid JSON: Unterminated string starting at line 1 column 10"."""
    if problem.where and _ENDS_ON_PLACE.search(problem.reason):
        return f"{problem.source}: {problem.reason} {problem.where}"
    return str(problem)


def _reason_kind(reason: str) -> str:
    """A problem's reason without its particulars (numbers, quoted and bracketed parts), to count by."""
    kind = re.sub(r"\([^)]*\)|(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"", "…", reason)
    kind = re.sub(r"\d[\d,.]*", "N", kind)
    return _cut(kind, 120)


def _cut(line: str, size: int = LINE_CHARS) -> str:
    """The line, or its words that fit in `size` and "…" (never a word cut in two: the file has the line whole)."""
    if len(line) <= size:
        return line
    head = line[:size - 1]
    words = head.rsplit(" ", 1)[0] if " " in head else head
    return words.rstrip(" ,;:") + "…"


async def say_refusal(here: InChat, head: str, error: DataError) -> None:
    """A refusal: every problem when they are few; else one message (how many, counted by reason, the first
    SHORT_REFUSAL) and the whole list as a .txt file."""
    t, problems = here.t, error.problems
    full = "\n".join(describe(p) for p in problems)
    if len(problems) <= SHORT_REFUSAL and len(full) <= 3000:
        await here.say(head + "\n" + full)
        return
    kinds = Counter(_reason_kind(p.reason) for p in problems).most_common()
    lines = [head, t.ngettext("{n} problem. By reason:", "{n} problems. By reason:", len(problems))]
    lines += [f"- {t.number(count)} × {_cut(kind)}" for kind, count in kinds[:SHORT_REFUSAL]]
    if len(kinds) > SHORT_REFUSAL:
        lines.append(t._("… and {n} other reasons.", n=t.number(len(kinds) - SHORT_REFUSAL)))
    lines.append(t._("The first {n}:", n=t.number(SHORT_REFUSAL)))
    lines += [_cut(describe(p)) for p in problems[:SHORT_REFUSAL]]
    lines.append(t._("The full list is in the attached file."))
    await here.say("\n".join(lines))
    await here.send_file("refused.txt", full + "\n", caption=t._("Every problem found ({n}).",
                                                                  n=t.number(len(problems))))


def _guard(services: Services, *, allow: bool = False) -> ShrinkGuard:
    settings = services.settings
    return ShrinkGuard(settings.refresh_max_removed_share, settings.refresh_min_commitments, allow=allow)


def _run_import(services: Services, item: InputFile, *, actor: str, dry: bool) -> ImportReport:
    engine, limit = services.assistant.engine, services.settings.import_max_bytes
    if dry:  # reads only: no lock, runs beside a refresh
        return run_import(engine, [item], actor=actor, kind="import", dry_run=True, max_bytes=limit)
    with datalock.exclusive(engine):
        return run_import_logged(engine, [item], actor=actor, kind="import", max_bytes=limit, guard=_guard(services))


def _busy(t: Translator) -> str:
    return t._("Another import, refresh or rollback is running (here or on another replica). Nothing was changed: "
               "try again when it is done.")


# -- /refresh ---------------------------------------------------------------------------------------------------


@admin_only("refresh")
async def refresh_command(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None:
        return
    if crawl.wants_crawl(list(context.args or [])):  # /refresh ogp [member…]: the crawler of the OGP website
        await crawl.start(here, list(context.args or [])[1:])
        return
    services, t = context.services, here.t
    settings = services.settings
    sources = list(settings.data_sources)
    if not sources:
        await here.say(t._("There is nothing to refresh from: DATA_SOURCES is empty."))
        return
    partial = any(w.lower() in ("partial", "partiel") for w in context.args or [])
    message = update.effective_message
    request = {"chat": here.chat.id, "message": message.message_id} if message else None

    async def rerun() -> None:  # a crashed bot was running this very /refresh: Telegram gave it to us again
        await here.say(t._("The bot restarted during your /refresh; running it again."))

    await _refresh(here, partial=partial, guard=_guard(services), request=request, on_rerun=rerun)


async def _refresh(here: InChat, *, partial: bool, guard: ShrinkGuard, request: dict[str, int] | None = None,
                   on_rerun: Callable[[], Awaitable[None]] | None = None, expect_version: int | None = None
                   ) -> None:
    context, t = here.context, here.t
    services = context.services
    settings = services.settings
    try:
        outcome = await refresh(services.assistant.engine, list(settings.data_sources), actor=_actor(here),
                                partial=partial, timeout=settings.fetch_timeout_seconds,
                                max_bytes=settings.import_max_bytes, guard=guard, request=request,
                                on_rerun=on_rerun, expect_version=expect_version)
    except datalock.Busy:
        await here.say(_busy(t))
        return
    except ShrinkRefused as stopped:
        await _ask_shrink(here, stopped)
        return
    except DataError as error:
        version = await blocking(services.assistant.stored_version)
        await say_refusal(here, t._("Refresh refused, nothing was changed (the data stays at version {version}):",
                                    version=version), error)
        return
    if outcome.stale:
        await here.say(t._("The data changed since this question: nothing was applied. Send /refresh again."))
        return
    if outcome.applied:
        await _after_change(context)
    await here.say(render_refresh(outcome, here.lang))


async def _ask_shrink(here: InChat, stopped: ShrinkRefused) -> None:
    """The refresh would remove too much: say what would go, and ask (Confirm / Cancel)."""
    t = here.t
    lines = [t._("Refresh stopped, nothing was changed: it would remove {removed} of the {total} commitments and "
                 "leave {left}.", removed=t.number(len(stopped.removed)), total=t.number(stopped.before),
                 left=t.number(stopped.after))]
    guard = stopped.guard
    if len(stopped.removed) > guard.max_removed_share * stopped.before:
        lines.append(t._("That is more than the {share} allowed without a confirmation "
                         "(REFRESH_MAX_REMOVED_SHARE).", share=t.percent(guard.max_removed_share)))
    if stopped.after < guard.min_commitments:
        lines.append(t._("That is fewer than the {floor} that must remain (REFRESH_MIN_COMMITMENTS).",
                         floor=t.number(guard.min_commitments)))
    shown = stopped.removed[:SHORT_REFUSAL]
    lines.append(t._("These would go: {ids}", ids=", ".join(shown)))
    if len(stopped.removed) > len(shown):
        lines.append(t._("… and {n} more.", n=t.number(len(stopped.removed) - len(shown))))
    lines.append(t._("Apply this refresh all the same?"))
    store, version = here.context.services.store, str(stopped.version)
    confirm = await blocking(callbackdata.encode, store, ButtonAction.ADMIN, ("refresh", version), here.lang)
    cancel = await blocking(callbackdata.encode, store, ButtonAction.ADMIN, ("cancel", version), here.lang)
    await here.say("\n".join(lines), keyboard([[(t._("Confirm: remove them"), confirm), (t._("Cancel"), cancel)]]))


def render_refresh(outcome: RefreshOutcome, lang: str) -> str:
    t = translator(lang)
    failed = [f"- {f.source}: {f.reason(t)}" for f in outcome.failures]
    if outcome.aborted:
        lines = [t._("Refresh aborted, nothing was changed: {failed} of {total} sources failed.",
                     failed=t.number(len(outcome.failures)), total=t.number(len(outcome.sources))), *failed]
        if not outcome.partial and len(outcome.failures) < len(outcome.sources):
            lines.append(t._("/refresh partial applies the sources that worked and keeps the rest as it is."))
        return "\n".join(lines)
    assert outcome.report is not None
    lines = [render_summary(outcome.report, lang)]
    if failed:
        lines += [t._("Sources that failed (what they hold was kept as it was):"), *failed]
    if outcome.partial:
        lines.append(t._("Partial refresh: commitments missing from the sources were not removed."))
    return "\n".join(lines)


# -- /history, /stats -------------------------------------------------------------------------------------------


@admin_only("history")
async def history_command(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None:
        return
    words = context.args or []
    asked = parse_number(words[0], minimum=1) if words else None
    limit = min(asked, admin.HISTORY_MAX) if asked is not None else admin.HISTORY_DEFAULT
    lines = await blocking(admin.history, context.services.assistant.engine, limit)
    await here.say(admin.render_history(lines, here.lang))


@admin_only("stats")
async def stats_command(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None:
        return
    assistant = context.services.assistant
    figures = await blocking(admin.stats, assistant.engine)
    await here.say(admin.render_stats(figures, here.lang, uptime=admin.uptime_seconds(),
                                      index_version=assistant.version))


# -- /rollback --------------------------------------------------------------------------------------------------


@admin_only("rollback")
async def rollback_command(update: Update, context: BotContext) -> None:
    """Says which change would be undone, and asks for a tap to confirm."""
    here = await in_chat(update, context)
    if here is None:
        return
    t = here.t
    target = await blocking(admin.rollback_target, context.services.assistant.engine)
    if target is None:
        await here.say(t._("There is nothing to roll back: no earlier dataset is kept."))
        return
    question = t._("Roll back {change}? The data goes back to how it was before it. The rollback is itself "
                   "recorded, and can be rolled back.", change=admin.describe_change(target, here.lang))
    store = context.services.store
    data = await blocking(callbackdata.encode, store, ButtonAction.ADMIN, ("rollback", str(target.id)), here.lang)
    cancel = await blocking(callbackdata.encode, store, ButtonAction.ADMIN, ("cancel", str(target.id)), here.lang)
    await here.say(question, keyboard([[(t._("Yes, roll back #{id}", id=target.id), data), (t._("Cancel"), cancel)]]))


ADMIN_VERBS = ("rollback", "refresh", "cancel")  # admin buttons: ("rollback", id), ("refresh"|"cancel", version)


@admin_only("rollback")
async def admin_button(update: Update, context: BotContext) -> None:
    """An admin button (checked again here: a button can be forwarded, or its data forged)."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    payload = await blocking(callbackdata.decode, services.store, query.data or "")
    here = await in_chat(update, context, lang=payload.lang if payload else None)
    usable = payload is not None and payload.action is ButtonAction.ADMIN and len(payload.args) == 2 \
        and payload.args[0] in ADMIN_VERBS
    number = parse_number(payload.args[1], maximum=callbackdata.MAX_ID) if payload is not None and usable else None
    if here is None or payload is None or number is None:
        log.info("admin button with unknown or malformed data %r", query.data)
        await expired(update, context)
        return
    try:
        await query.answer()
    except BadRequest:
        pass
    try:
        await query.edit_message_reply_markup(None)  # the question is answered: its buttons go
    except BadRequest:
        pass
    verb, t = payload.args[0], here.t
    if verb == "cancel":
        await here.say(t._("Cancelled: nothing was changed."))
        return
    if verb == "refresh":  # confirmed: the same refresh, allowed to remove, if the data is still as it was
        await _refresh(here, partial=False, guard=_guard(services, allow=True), expect_version=number)
        return
    done = False
    try:
        text, done = await blocking(_rollback, services, number, _actor(here), here.lang)
    except datalock.Busy:
        text = _busy(t)
    except DataError as error:
        text = "\n".join([t._("Rollback refused, nothing was changed:"), *(describe(p) for p in error.problems)])
    if done:
        await _after_change(context)
    await here.say(text)


def _rollback(services: Services, expected: int, actor: str, lang: str) -> tuple[str, bool]:
    """(the reply, whether the data changed)."""
    t = translator(lang)
    engine = services.assistant.engine
    with datalock.exclusive(engine):
        target = admin.rollback_target(engine)
        if target is None or target.id != expected:  # someone changed the data since the question was asked
            return t._("The data changed since this question: nothing was rolled back. Send /rollback again."), False
        mark_interrupted(engine)
        with attempt(engine, actor=actor, kind="rollback", sources=[f"refresh #{target.id}"]):
            result = rollback(engine, actor=actor)
        return admin.render_rollback(result, target, lang), True


async def set_menus(application: BotApplication) -> None:
    """Each admin's own command menu (BotCommandScopeChat): everyone's commands plus the admin ones."""
    settings = application.bot_data["settings"]
    for admin_id in sorted(settings.admin_ids):
        scope = BotCommandScopeChat(admin_id)
        try:
            for lang in SUPPORTED:
                await application.bot.set_my_commands(admin_menu(lang), scope=scope, language_code=lang)
            await application.bot.set_my_commands(admin_menu(settings.default_language), scope=scope)
        except TelegramError as error:  # an admin who never opened a chat with the bot: "chat not found"
            log.warning("admin menu for %s not set: %s", admin_id, error)
