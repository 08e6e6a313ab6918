PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app shelter
STAMP := $(VENV)/.installed
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard shelter/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test test-fast lint format messages translations serve bench load

run: $(STAMP) translations
	$(FLASK) setup
	$(FLASK) run --debug --host 127.0.0.1 --port 5000

test: $(STAMP) translations
	$(BIN)/pytest $(PYTEST_ARGS)

# Quick runs: no browser, no live gunicorn server.
test-fast: $(STAMP) translations
	$(BIN)/pytest -m "not e2e and not server" $(PYTEST_ARGS)

# Benchmarks (not tests): a temporary database, gunicorn on a random 127.0.0.1 port.
bench: $(STAMP) translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

load: $(STAMP) translations
	$(BIN)/python -m bench.load $(LOAD_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract the strings to translate and merge them into every catalogue.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o messages.pot . >/dev/null
	$(BIN)/pybabel update -N -i messages.pot -d shelter/translations

translations: $(CATALOGUES)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -f -i $< -o $@

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $@
