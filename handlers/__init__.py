"""python-telegram-bot handlers: they turn Telegram updates into calls of the core (bot.core) and replies."""
