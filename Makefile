# The two set-up commands: `make run` (server with demo data) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format venv dev demo schema

# `venv` installs what serving needs (requirements.txt); `dev` adds the test and development tools.
venv: $(VENV)/.installed
dev: $(VENV)/.installed-dev

# Reinstall only when the requirements change.
$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

demo: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --review-sample
	@if [ -n "$$DJANGO_SUPERUSER_USERNAME" ]; then \
		$(BIN)/python manage.py ensure_superuser; \
	else \
		echo "To log in to the admin, create a user: $(BIN)/python manage.py createsuperuser"; \
		echo "(or set DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD before make run)"; \
	fi

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/admin/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The TypeScript check of the OpenAPI schema needs node_modules; without npm it is skipped
# locally and fails in CI.
NPM := $(shell command -v npm 2>/dev/null)
NODE_DEPS := $(if $(NPM),node_modules/.installed)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Tests run in parallel, one worker per core; PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
# The browser tests drive Chromium (CHROMIUM, by default Debian's /usr/bin/chromium); without it they are
# skipped here and fail in CI. Screenshots of every page they visit land in test-artifacts/browser/.
CHROMIUM ?= /usr/bin/chromium

test: dev $(NODE_DEPS)
	@test -x "$(CHROMIUM)" || echo "Note: no Chromium at $(CHROMIUM): the browser tests are skipped. Install it with 'sudo apt-get install chromium' (or set CHROMIUM=/path/to/chromium)."
	CHROMIUM="$(CHROMIUM)" $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	@echo "Screenshots of the pages the browser tests visited: test-artifacts/browser/"

# Regenerate the committed OpenAPI schema after changing the API.
schema: dev
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file api/openapi.yaml

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
