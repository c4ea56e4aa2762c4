# The two commands of the README do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PO := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test bench load i18n catalogs data lint schema lock clean

# Dependencies come from the lock file, every file checked against its hash; then the project itself.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile -D messages -d locales -l $* --statistics 2>&1 | tail -n 1

catalogs: $(MO)

run: $(STAMP) catalogs
	$(PY) -m bot run

test: $(STAMP) catalogs
	$(VENV)/bin/ruff check bot handlers tests
	$(VENV)/bin/hadolint Dockerfile
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -p no:cacheprovider

bench: $(STAMP) catalogs
	$(PY) -m bench

load: $(STAMP) catalogs
	$(PY) -m bench.load

# Extract the messages, merge them into the catalogs, compile.
i18n: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output --project ogp-bot -k N_ -o locales/messages.pot .
	for lang in en fr es; do \
	  if [ -f locales/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -D messages -i locales/messages.pot -d locales -l $$lang; \
	  else $(VENV)/bin/pybabel init -D messages -i locales/messages.pot -d locales -l $$lang; fi; \
	done
	$(MAKE) catalogs

# Regenerate the bundled dataset from the OGP pages in data/sources with the project's own importer.
data: $(STAMP)
	$(PY) -m bot.importing.bundle

# Re-resolve the dependencies of pyproject.toml and pin them with their hashes: requirements.lock (the image)
# and requirements-dev.lock (make run, make test, CI). Commit both; `make test` checks they cover pyproject.toml.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check pip-tools
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --upgrade -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --upgrade --extra dev -o requirements-dev.lock pyproject.toml

schema: $(STAMP)
	$(PY) -m bot schema data/dataset.schema.json

lint: $(STAMP)
	$(VENV)/bin/ruff check bot handlers tests
	$(VENV)/bin/hadolint Dockerfile
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache ogp_bot.db* locales/*/LC_MESSAGES/*.mo
