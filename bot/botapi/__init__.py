"""Talking to the Bot API below the handlers: the transport that retries calls Telegram cannot have acted on."""
