# Everything a person types. `make help` lists the targets.
#
#   make run    PORT=8000 DATABASE_URL=... REDIS_URL=... DEMO_PASSWORD=...
#   make test   PYTEST_ARGS="-k downloads -x"
#   make test-services        (PostgreSQL + Redis on 127.0.0.1; service tests fail, never skip)
#   make bench  SCALE=...

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
VPY      := $(VENV)/bin/python
STAMP    := $(VENV)/.installed
REQS     := $(wildcard requirements*.txt)
PORT     ?= 8000

# python3.11 if it exists and runs (a pyenv shim may exist without the version), else python3.
PYTHON ?= $(shell for p in python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys' >/dev/null 2>&1; then echo $$p; break; fi; done)

# sudo only when not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Browser tests drive Debian's /usr/bin/chromium. `make test` installs it itself only when it is
# missing and we are root (a non-root developer runs `make browsers` once, with sudo).
CHROMIUM ?= /usr/bin/chromium
TEST_PREREQS := venv node_modules
ifeq ($(wildcard $(CHROMIUM)),)
ifeq ($(shell id -u),0)
TEST_PREREQS += browsers
endif
endif

# DEMO_PASSWORD reaches the recipe through the environment, so any character survives.
export DEMO_PASSWORD

.PHONY: help venv node_modules run test test-services screenshots browsers lint bench clean

help:
	@echo "make run            migrate, seed the demo, start web + Celery worker + beat (PORT=$(PORT))"
	@echo "make test           the test suite (SQLite unless DATABASE_URL is set); PYTEST_ARGS=..."
	@echo "make test-services  the suite against PostgreSQL and Redis on 127.0.0.1"
	@echo "make screenshots    refresh docs/screenshots/ from the browser tests"
	@echo "make lint           ruff, the layer contract (import-linter), mypy on services and selectors"
	@echo "make bench          benchmarks (SCALE=...)"
	@echo "make browsers       install Debian chromium, gettext, npm, a Japanese font if missing; npm ci (axe-core)"
	@echo "make node_modules   npm ci: axe-core for the accessibility checks (package-lock.json)"
	@echo "make venv           create $(VENV)/ and install requirements-dev.txt"
	@echo "make clean          remove var/, $(VENV)/ and node_modules/"

venv: $(STAMP)

# Reinstall only when a requirements file changed; recreate the venv if its python is gone or broken.
$(STAMP): $(REQS)
	@if ! $(VPY) -c 'import sys' >/dev/null 2>&1; then \
		test -n "$(PYTHON)" || { echo "No python3.11 or python3 found" >&2; exit 1; }; \
		echo "Creating $(VENV)/ with $(PYTHON)"; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
	fi
	$(VPY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@touch $@

# axe-core (the browser tests' accessibility checks) from package-lock.json. No npm is a failure:
# the accessibility checks are part of the suite, never skipped.
node_modules: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: install it (make browsers, or apt-get install -y npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

run: venv
	@mkdir -p "$${VAR_DIR:-var}/celery/queue" "$${VAR_DIR:-var}/celery/control"
	$(VPY) manage.py migrate --noinput
	$(VPY) manage.py seed_demo $${DEMO_PASSWORD:+--password "$$DEMO_PASSWORD"}
	@echo
	@echo "Portal: http://127.0.0.1:$(PORT)/   (sign-ins above; Ctrl-C stops web, worker and beat)"
	@echo
	PORT=$(PORT) bash scripts/run.sh

test: $(TEST_PREREQS)
	@$(VENV)/bin/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; fi; \
	exit $$rc

test-services: $(TEST_PREREQS)
	@export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"; \
	export REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/15}"; \
	echo "DATABASE_URL=$$DATABASE_URL REDIS_URL=$$REDIS_URL"; \
	$(VENV)/bin/pytest --services $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; fi; \
	exit $$rc

# The committed screenshots (docs/screenshots/, shown in the README): the browser tests, writing there.
screenshots: $(TEST_PREREQS)
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(VENV)/bin/pytest tests/browser -q $(PYTEST_ARGS)

browsers:
	@missing=(); \
	[ -x $(CHROMIUM) ] || missing+=(chromium); \
	command -v msgfmt >/dev/null 2>&1 || missing+=(gettext); \
	command -v npm >/dev/null 2>&1 || missing+=(npm); \
	fc-list :lang=ja 2>/dev/null | grep -q . || missing+=(fonts-ipafont-gothic); \
	if [ $${#missing[@]} -gt 0 ]; then \
		echo "Installing Debian packages: $${missing[*]}"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y "$${missing[@]}"; \
	else \
		echo "chromium, gettext, npm and a Japanese font are installed"; \
	fi
	@$(MAKE) --no-print-directory node_modules

# ruff (style, line length), import-linter (the layers: no app imports one above it), mypy with django-stubs
# (every services.py and selectors.py). Configured in pyproject.toml.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: venv
	$(VPY) bench/run.py $(if $(SCALE),--scale $(SCALE),)

clean:
	rm -rf var $(VENV) node_modules
