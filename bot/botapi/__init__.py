"""Talking to the Bot API below the handlers: the transport that retries calls Telegram cannot have acted on, and
the pacing of messages per chat (with Telegram's 429s honoured per chat)."""
