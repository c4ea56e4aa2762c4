"""The command line: `python -m bot run|chat|ask|import|schema|export|rollback` (see shared contract)."""

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
    talk.add_argument("--lang", choices=("auto", "en", "fr"), default="auto",
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
               "rollback": _rollback, "schema": _schema, "migrate": _migrate}[args.command]
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
