# The two commands a newcomer needs: `make demo` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

# Python may keep its compiled modules (and pytest its rewritten tests) between runs: compiling
# every module of calfeed and tests/ afresh costs each run, and each pytest worker, several seconds.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install demo test test-fast check lint bench chromium lock messages catalogs

# What running needs (make demo): exactly the locked, hashed releases of requirements.txt, then
# calfeed itself (its build compiles the translation catalogs) ...
$(BIN)/.installed-run: pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# ... and what testing needs on top (make test): the locked requirements-dev.txt.
$(BIN)/.installed: $(BIN)/.installed-run requirements-dev.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix tests/js
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed-run catalogs
	$(BIN)/calfeed demo

# The browser tests drive Debian's chromium; install it when missing so they never skip in CI.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

# The whole suite, one test at a time: its timing tests (push while Google is slow, deadlines,
# the scale test) hold their budgets on two cores only without a second pytest process beside
# them; `make test-fast` runs it on both cores (pytest-xdist), in about half the time.
test: install catalogs tests/js/node_modules/.installed chromium
	$(BIN)/ruff check calfeed tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

test-fast: install catalogs tests/js/node_modules/.installed chromium
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2

# The inner loop (under 30 s): lint, types, the import contracts, and every test that starts no
# server, browser, worker or subprocess (tests/conftest.py marks those `server`), on both cores,
# with fewer examples per property (the "check" hypothesis profile). `make test` runs them all.
# Its temporary files (the tests' SQLite databases) go to RAM where the machine has /dev/shm: a
# commit there costs 0.05 ms instead of 0.8 ms on this disk. Idle workers steal queued tests, so
# the slow ones do not pile up on one core at the end.
CHECK_TMP = $(if $(wildcard /dev/shm),--basetemp=/dev/shm/calfeed-check-$(shell id -u))
check: install catalogs
	$(BIN)/ruff check calfeed tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	CALFEED_HYPOTHESIS_PROFILE=check $(BIN)/python -m pytest -q -n 2 --dist worksteal $(CHECK_TMP) \
		-m "not server and not browser and not node and not corpus"

lint: install
	$(BIN)/ruff check calfeed tests bench
	$(BIN)/ruff format --check calfeed tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/engine.py

# The locks: requirements.txt for deployments (platforms install it for the Procfile) and
# requirements-dev.txt for CI and `make install` (the test extra too); every release hashed.
# Regenerate after any change to the dependencies in pyproject.toml (tests/test_lock.py checks).
UV = $(VENV)/bin/uv
UV_COMPILE = $(UV) pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --no-header --annotation-style line
lock:
	test -x $(UV) || ( $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet 'uv>=0.5' )
	$(UV_COMPILE) -o requirements.txt
	$(UV_COMPILE) --extra test -o requirements-dev.txt

# The pages' translations (calfeed/web/i18n.py): `make messages` extracts the English msgids
# from the code and templates and merges them into every catalog (then translate the new or
# changed entries, marked fuzzy or empty); `make catalogs` compiles them (the wheel build and
# `make install` do too). A new language: $(BIN)/pybabel init -i $(POT) -d $(CATALOGS) -l xx
CATALOGS = calfeed/translations
POT = $(CATALOGS)/messages.pot

messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
		--project calfeed --copyright-holder calfeed -o $(POT) calfeed templates
	$(BIN)/pybabel update -i $(POT) -d $(CATALOGS) --width 100 --ignore-obsolete

catalogs: $(BIN)/.installed-run
	$(BIN)/pybabel compile -d $(CATALOGS) --statistics
