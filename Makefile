# Two commands on a fresh machine with only Python 3.11+:
#   make demo   - the bot against the local sandbox Discord (no account, no token)
#   make test   - ruff, mypy and the whole pytest suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test test-slow reliability demo run lint typecheck bench clean export-example

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q

# The slow process-level tests (pytest marker `slow`): a bot killed with kill -9 mid-posting,
# and the smoke test of other Discord libraries, each in a virtualenv it installs itself.
test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

# The reliability scenarios' full versions (tests/reliability: kill -9 twenty times, two
# processes, gateway outages, REST faults; 200 members, 1,000 reminders). `make test` runs
# the short version of each. Each prints one summary line with its counts.
reliability: $(STAMP)
	$(BIN)/pytest -q -s -m reliability tests/reliability

demo: $(STAMP)
	$(BIN)/cohortbot sandbox

# Real Discord: needs DISCORD_TOKEN and config.toml (copy config.example.toml).
run: $(STAMP)
	$(BIN)/cohortbot run --config config.toml

bench: $(STAMP)
	$(BIN)/python -m bench

# The example exports in docs/ (docs/export.md): the demo run that docs/export-example.sandbox
# plays, exported by `cohortbot export` (tests/export/example.py; its test keeps them current).
export-example: $(STAMP)
	$(BIN)/python -m tests.export.example docs

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
