"""The bot's Prometheus metrics (served on METRICS_PORT by bot.telegram.health).

They live in prometheus_client's default registry, beside its process collectors (resident memory, CPU,
open files), so one scrape shows both what the bot does and what it costs.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("ogp_bot_updates", "Telegram updates answered by the core, by intent of the answer", ["intent"])
# From the update's handler starting to its reply sent: chat state read and written, core answer, Bot API call.
# The core alone answers in about a millisecond; the buckets reach far enough to see the Bot API slowing down.
ANSWER_SECONDS = Histogram("ogp_bot_answer_seconds", "Time to answer a question, reply sent",
                           buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
REFRESHES = Counter("ogp_bot_refreshes", "Dataset changes made by this process (import, refresh, rollback, bundle), "
                    "by outcome", ["kind", "outcome"])
ERRORS = Counter("ogp_bot_errors", "Errors that reached the Telegram error handler, by exception type", ["error"])
# Set at each scrape: replicas whose index_version lags the others missed a refresh.
INDEX_VERSION = Gauge("ogp_bot_index_version", "Dataset version of the in-memory index (-1: not built yet)")


def answered(intent: str, seconds: float) -> None:
    UPDATES.labels(intent=intent).inc()
    ANSWER_SECONDS.observe(seconds)


def refreshed(kind: str, outcome: str) -> None:
    REFRESHES.labels(kind=kind, outcome=outcome).inc()


def failed(error: BaseException | None) -> None:
    ERRORS.labels(error=type(error).__name__ if error is not None else "unknown").inc()
