# tekser — every task the project has. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= sqlite:///$(CURDIR)/.demo/tekser.sqlite
export TEKSER_SHARED_DATA ?= $(abspath ../shared/data)

.PHONY: help demo test lint typecheck unit bench fuzz chaos mutation clean

help: ## show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m tekser.matching.kernels  # compile the matching kernel once, not in the first screening
	@touch $@

venv: $(STAMP) ## create .venv, install tekser with its development tools, compile the matching kernel

demo: $(STAMP) ## install, load the lists, ingest and screen sample traffic, alerts and iAPI (embedded SQLite in .demo/)
	DEMO_DB='$(DEMO_DB)' $(BIN)/python scripts/demo.py

test: $(STAMP) lint typecheck unit ## lint, type-check and run every test

lint: $(STAMP) ## ruff, and the import contracts (pure core, layers)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP) ## mypy (strict on the core)
	$(BIN)/mypy

unit: $(STAMP) ## run the test suite only
	$(BIN)/pytest -n 2 -q

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	@touch $@

bench: $(BENCH_STAMP) ## benchmarks on the real lists and real names (names-dataset): import, matching, parsing, rescreening, iAPI latency, HTTP load on loopback (slow)
	$(BIN)/python -m benchmarks

# -m hypothesis: every @given test under tests/ingest, whatever its name (Hypothesis's pytest plugin marks them)
fuzz: $(STAMP) ## long property/fuzz run of the list readers and message parsers (HYPOTHESIS_PROFILE=long)
	HYPOTHESIS_PROFILE=long $(BIN)/pytest -q -m hypothesis tests/ingest

chaos: $(STAMP) ## kill `tekser screen --stored` with SIGKILL 25 times over more traffic; same alerts, none twice
	TEKSER_CHAOS_ROUNDS=25 TEKSER_CHAOS_FLIGHTS=24 $(BIN)/pytest -q tests/chaos

# MUTATE=names (a package or several; default: every core package), MUTATE_ONLY=src/tekser/names/fold.py, MUTATION_JOBS=2
mutation: $(STAMP) ## mutation testing of the core (mutmut), incremental: prints the surviving mutants (docs/testing.md)
	$(BIN)/python scripts/mutation.py $(MUTATE) $(if $(MUTATE_ONLY),--only '$(MUTATE_ONLY)') --jobs $(or $(MUTATION_JOBS),1)

clean: ## remove the venv, caches and the demo database
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache .mutmut
