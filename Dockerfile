# First image: installs the package and runs the bot (hardened by the deployment work: multi-stage,
# health check, compose).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md babel.cfg alembic.ini ./
COPY bot ./bot
COPY handlers ./handlers
COPY data ./data
COPY locales ./locales
RUN pip install . && pybabel compile -D messages -d locales \
    && useradd --create-home --uid 10001 ogp && mkdir -p /var/lib/ogp-bot && chown ogp /var/lib/ogp-bot
USER ogp
ENV DATABASE_URL=sqlite:////var/lib/ogp-bot/ogp_bot.db
ENTRYPOINT ["ogp-bot"]
CMD ["run"]
