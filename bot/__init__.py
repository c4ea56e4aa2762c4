"""OGP Commitment Bot: the application core (knows nothing about Telegram)."""

__version__ = "0.1.0"
