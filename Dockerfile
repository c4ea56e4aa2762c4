# syntax=docker/dockerfile:1
# OGP Commitment Bot image: multi-stage, slim, non-root, catalogs compiled, configuration from the
# environment only. Build: docker build -t ogp-bot .   Run: docker run --env-file .env ogp-bot

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.lock ./
# The locked dependencies, each file checked against its hash, in a layer of their own.
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md babel.cfg alembic.ini ./
COPY bot ./bot
COPY handlers ./handlers
# A regular (not editable) install: the final image needs no sources beside the data and catalogs.
RUN pip install --no-deps . \
    && pip uninstall --yes pip
COPY locales ./locales
RUN pybabel compile -D messages -d locales

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    OGP_BOT_HOME=/app DATABASE_URL=sqlite:////var/lib/ogp-bot/ogp_bot.db METRICS_PORT=9090
RUN groupadd --system --gid 10001 ogp \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin ogp \
    && mkdir -p /var/lib/ogp-bot && chown 10001:10001 /var/lib/ogp-bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=build /src/locales ./locales
COPY data ./data
USER 10001:10001
EXPOSE 8443 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('METRICS_PORT', '9090'), timeout=4).status == 200 else 1)"]
ENTRYPOINT ["ogp-bot"]
CMD ["run"]
