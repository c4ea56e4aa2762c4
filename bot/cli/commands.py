"""The command line: `python -m bot run|chat|ask|import|crawl|schema|export|rollback` (see shared contract)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.common.config import ConfigError, Settings, load_settings

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogp-bot", description="OGP Commitment Bot")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help="database URL (overrides DATABASE_URL)")
    talk = argparse.ArgumentParser(add_help=False)
    talk.add_argument("--lang", choices=("auto", "en", "fr", "es"), default="auto",
                      help="answer language (default: detected from each question)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("run", parents=[common], help="the Telegram bot (console chat when no token is set)")
    commands.add_parser("chat", parents=[common, talk], help="an interactive console chat over the same core")
    ask = commands.add_parser("ask", parents=[common, talk], help="answer one question, or each line of stdin")
    ask.add_argument("question", nargs="*", help="the question (read from standard input when absent)")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument("--conversation", action="store_true",
                     help="lines of standard input form one chat (follow-ups reuse the context)")
    imp = commands.add_parser("import", parents=[common], help="import files into the database")
    imp.add_argument("paths", nargs="+", metavar="PATH", help="canonical JSON, OGP page text/HTML, CSV, folder or .zip")
    imp.add_argument("--partial", action="store_true", help="import the good files and list the bad ones")
    imp.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    imp.add_argument("--replace", action="store_true", help="the files replace the whole dataset")
    imp.add_argument("--allow-shrink", action="store_true",
                     help="apply even when it removes more than REFRESH_MAX_REMOVED_SHARE of the commitments or "
                          "leaves fewer than REFRESH_MIN_COMMITMENTS")
    exp = commands.add_parser("export", parents=[common], help="write the stored dataset as canonical JSON")
    exp.add_argument("output", nargs="?", default="-", help="file (default: standard output)")
    commands.add_parser("rollback", parents=[common], help="restore the data as before the last change")
    commands.add_parser("migrate", parents=[common],
                        help="upgrade the database schema and load the bundled data into an empty database")
    crawl = commands.add_parser("crawl", parents=[common],
                                help="crawl the OGP website (OGP_BASE_URL); import the commitment pages that changed")
    crawl.add_argument("--member", action="append", metavar="MEMBER",
                       help="a member's slug or name (repeat it, or separate with commas); default: every member")
    crawl.add_argument("--lang", metavar="LANGS", help="languages, comma-separated (default: en,fr,es)")
    crawl.add_argument("--max-pages", type=int, metavar="N",
                       help="fetch at most N commitment pages, then pause (the next crawl goes on)")
    crawl.add_argument("--restart", action="store_true", help="start a new crawl even when one is unfinished")
    schema = commands.add_parser("schema", help="write the JSON Schema of the canonical dataset")
    schema.add_argument("output", nargs="?", default="-")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"database_url": args.db} if getattr(args, "db", None) else {}
    return load_settings(**overrides)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    try:
        settings = _settings(args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command != "run":
        # Console commands keep stderr quiet unless something goes wrong.
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    handler = {"run": _run, "chat": _chat, "ask": _ask, "import": _import, "export": _export,
               "rollback": _rollback, "schema": _schema, "migrate": _migrate, "crawl": _crawl}[args.command]
    try:
        return handler(args, settings)
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_bot_token:
        print("No TELEGRAM_BOT_TOKEN set: starting the console chat. To connect Telegram, put the token from "
              "@BotFather in TELEGRAM_BOT_TOKEN (environment or .env) and run again.", file=sys.stderr)
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))  # a chat, not a server log
        return _chat(argparse.Namespace(lang="auto", **vars(args)), settings)
    from bot.telegram.app import run_bot

    return run_bot(settings)


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.console import chat

    return chat(settings, lang=args.lang)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.console import ask

    question = " ".join(args.question).strip() if args.question else None
    return ask(settings, question=question, lang=args.lang, as_json=args.json, conversation=args.conversation)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dataset.load import ShrinkGuard, ShrinkRefused, guarded
    from bot.importing.command import import_paths

    guard = ShrinkGuard(settings.refresh_max_removed_share, settings.refresh_min_commitments,
                        allow=args.allow_shrink)
    try:
        with guarded(guard):
            return import_paths(settings, [Path(p) for p in args.paths], partial=args.partial,
                                dry_run=args.dry_run, replace=args.replace)
    except ShrinkRefused as stopped:
        print(f"import refused, nothing changed: it would remove {len(stopped.removed)} of {stopped.before} "
              f"commitments and leave {stopped.after} (limits: REFRESH_MAX_REMOVED_SHARE="
              f"{stopped.guard.max_removed_share:g}, REFRESH_MIN_COMMITMENTS={stopped.guard.min_commitments}); "
              "run it again with --allow-shrink to apply it", file=sys.stderr)
        return 1


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dataset.store import read_dataset
    from bot.storage.db import engine_for, session_scope

    with session_scope(engine_for(settings.sqlalchemy_url)) as session:
        text = read_dataset(session).model_dump_json(indent=1, exclude_none=True)
    if args.output == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


def _rollback(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dataset.errors import DataError
    from bot.dataset.load import rollback
    from bot.storage.db import engine_for

    try:
        result = rollback(engine_for(settings.sqlalchemy_url), actor="cli")
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"restored: version {result.version_before} -> {result.version_after} {json.dumps(result.counts)}")
    return 0


def _crawl(args: argparse.Namespace, settings: Settings) -> int:
    """Progress lines while it runs, then the summary. Exit 0 when it ran (even with failed pages), 1 when it could
    not (another data change running, robots.txt unreadable), 2 for a bad option or setting."""
    import asyncio

    from bot.dataset.load import ensure_data
    from bot.services.crawl import (
        CrawlConfig,
        CrawlProgress,
        CrawlRequest,
        NotConfigured,
        choose_langs,
        choose_members,
        crawl,
    )
    from bot.services.crawl.report import progress_line, render_summary
    from bot.storage import datalock
    from bot.storage.db import engine_for

    try:
        config = CrawlConfig.from_settings(settings)
    except NotConfigured as error:
        print(f"crawl not run: {error}", file=sys.stderr)
        return 2
    chosen = choose_members(args.member or [])
    langs, unknown_langs = choose_langs(args.lang)
    problems = [f"unknown member {m!r} (a slug or a name of data/members.json)" for m in chosen.unknown]
    problems += [f"unknown language {lang!r} (en, fr, es)" for lang in unknown_langs]
    if args.max_pages is not None and args.max_pages < 1:
        problems.append("--max-pages must be at least 1")
    if problems or not langs:
        print("crawl not run: " + "; ".join(problems or ["no language"]), file=sys.stderr)
        return 2
    request = CrawlRequest(members=tuple(chosen.slugs) or None, langs=langs if args.lang else None,
                           max_pages=args.max_pages, restart=args.restart)
    engine = engine_for(settings.sqlalchemy_url)
    ensure_data(engine)  # a fresh install starts from the bundled data, and the crawl goes over it

    async def show(progress: CrawlProgress) -> None:
        print(progress_line(progress), flush=True)

    try:
        summary = asyncio.run(crawl(engine, config, request, actor="cli", on_progress=show))
    except datalock.Busy:
        print("crawl not run: another crawl, import, refresh or rollback is running (here or on another replica)",
              file=sys.stderr)
        return 1
    print(render_summary(summary, "en"))
    return 1 if summary.error else 0


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dataset.load import ensure_data
    from bot.storage.db import engine_for

    engine = engine_for(settings.sqlalchemy_url)  # upgrades the schema
    version = ensure_data(engine)
    print(f"schema current; dataset version {version}")
    return 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dataset.schema import json_schema

    text = json.dumps(json_schema(), indent=1, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0
