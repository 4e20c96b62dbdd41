# The two commands of README.md. Both set up .venv when missing; no network is needed
# after the install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VIZ_PORT ?= 4141
export KEDRO_DISABLE_TELEMETRY := true

.PHONY: run test test-fast install viz bench clean-runs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kedro run --pipeline=train

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow"

# `kedro viz run` serves from a child process: run it as its own process group and stop the
# whole group when make is interrupted or ends, so no server is left behind.
viz: SHELL := /bin/bash
viz: $(STAMP)
	$(BIN)/python -c 'import kedro_viz' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[viz]'
	set -m; $(BIN)/kedro viz run --host 127.0.0.1 --port $(VIZ_PORT) --no-browser & viz=$$!; \
	trap 'kill -TERM -- -$$viz 2>/dev/null; wait $$viz 2>/dev/null' INT TERM EXIT; wait $$viz

clean-runs:
	rm -rf runs
