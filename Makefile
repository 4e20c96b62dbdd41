# The two commands of README.md. Both set up .venv when missing; no network is needed
# after the install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
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

viz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[viz]'
	$(BIN)/kedro viz run --host 127.0.0.1 --no-browser

clean-runs:
	rm -rf runs
