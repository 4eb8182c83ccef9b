# One source of truth for tooling: CI and humans call these targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install test lint format docs preview demo demo-stop up bench report-screenshots clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP) ## create .venv, install the pinned dependencies and the org-backup command

test: install ## run the whole test suite, offline, on every core
	$(PY) -m pytest -n auto

WORKFLOWS := $(wildcard .github/workflows/*.yml)

lint: install ## ruff lint and format check, import contracts; workflows: zizmor, actionlint and the workflow schema, offline
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/zizmor --offline --no-progress .github/workflows/
	$(VENV)/bin/actionlint $(WORKFLOWS)
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)

format: install ## apply ruff fixes and formatting
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

docs: install ## regenerate the settings reference in docs/settings.md from the settings model
	$(PY) -m org_backup.config.settings_doc docs/settings.md

preview: install ## demo organization on a local moto server: discover, synth, report into build/
	$(PY) -m org_backup.demo.preview

DEMO_PORT ?= 5055

demo: install ## emulated organization with findings on 127.0.0.1 (DEMO_PORT=5055), left running; prints the export lines
	$(PY) -m org_backup.demo start --port $(DEMO_PORT)

demo-stop: ## end the emulator of make demo and remove its files
	$(PY) -m org_backup.demo stop

up: install ## pulumi up of STACK (default: the selected one), its state exported first for the removal guard
	bash .github/scripts/up-stack "$(STACK)" $(UP_FLAGS)

bench: install ## 1,000-account benchmark against a moto server; writes build/bench.json
	$(PY) bench/run.py

report-screenshots: install ## HTML report at 16 and 4,000 rows in Chromium: PNGs, PDF, timings (skips without one)
	$(PY) -m bench.report_pages --out build/report-pages

clean: ## remove build output and the virtualenv
	rm -rf build $(VENV)
