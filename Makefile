# Herstelpad: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-browser chromium lint format bench loadtest messages makemessages check-messages migrate seed clean vendor-bootstrap

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

# Compile the translations (.po → .mo); installs GNU gettext when it is missing.
messages: $(VENV)/.installed-run
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --ignore=.venv -v0

makemessages: $(VENV)/.installed-run
	$(PY) manage.py makemessages -l en --no-obsolete --add-location file --ignore=.venv --ignore=tests

# No string without an English translation after makemessages (leaves the catalogue as it was).
check-messages: $(VENV)/.installed-run
	bash .ci/check-messages

migrate: $(VENV)/.installed-run
	$(PY) manage.py migrate --no-input -v0

seed: migrate
	$(PY) manage.py seed_demo

run: $(VENV)/.installed-run messages seed
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-test messages check-messages
	$(BIN)/pytest --ignore=tests/browser
	$(MAKE) test-browser

# The real-browser tests (tests/browser) with Debian's Chromium, axe-core and the Nu
# HTML Checker. Their npm packages (tests/browser/package.json) are installed when
# node_modules is missing or older than the lock file; --ignore-scripts, because
# vnu-jar's install script would download a Java: the machine's Java 17 runs vnu.jar.
test-browser: $(VENV)/.installed-test chromium messages
	@if [ ! tests/browser/node_modules/.installed -nt tests/browser/package-lock.json ]; then \
		npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund \
		&& touch tests/browser/node_modules/.installed; \
	fi
	$(BIN)/pytest tests/browser

# Debian's Chromium at /usr/bin/chromium, for the browser tests (never a downloaded build).
chromium:
	bash .ci/install-chromium

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The caseload pages at one clinic of 200 and of 2,000 patients (180 days each), and
# the progress page with its chart for a diary of 180 days (and the summary PDF).
bench: $(VENV)/.installed-test messages
	$(PY) tests/bench/caseload.py --patients 200
	$(PY) tests/bench/caseload.py --patients 2000
	$(PY) tests/bench/progress.py --days 180

# Load test (not part of `make test` or CI): gunicorn on 127.0.0.1, 200 patients and
# 8 physiotherapists for 60 s at the evening burst and at ten times it, on SQLite and
# on PostgreSQL with Redis (docs/performance.md). LOADTEST_ARGS adds or overrides options.
LOADTEST_ARGS ?=
loadtest: $(VENV)/.installed-run messages
	$(PY) tests/load/loadtest.py --database sqlite --rate 1 $(LOADTEST_ARGS)
	$(PY) tests/load/loadtest.py --database sqlite --rate 10 $(LOADTEST_ARGS)
	$(PY) tests/load/loadtest.py --database postgresql --rate 1 $(LOADTEST_ARGS)
	$(PY) tests/load/loadtest.py --database postgresql --rate 10 $(LOADTEST_ARGS)

# Refresh the vendored Bootstrap from the npm registry (not needed to run).
vendor-bootstrap:
	rm -rf /tmp/herstelpad-bootstrap && mkdir -p /tmp/herstelpad-bootstrap
	cd /tmp/herstelpad-bootstrap && npm pack --silent bootstrap@5.3 && tar xzf bootstrap-*.tgz
	cp /tmp/herstelpad-bootstrap/package/dist/css/bootstrap.min.css* static/vendor/bootstrap/css/
	cp /tmp/herstelpad-bootstrap/package/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/js/
	cp /tmp/herstelpad-bootstrap/package/LICENSE static/vendor/bootstrap/

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
