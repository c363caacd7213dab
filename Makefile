# Offer Triage. `make run` starts the service with demo data; `make test` runs the tests.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STATIC := triage/static

.PHONY: help run test lint format install assets migrate demo clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/triage: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/triage ## Create the virtual environment and install dependencies

$(STATIC)/.built: package.json package-lock.json $(wildcard triage/static_src/*) $(wildcard triage/sass/*)
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(STATIC) && mkdir -p $(STATIC)
	cp -R node_modules/govuk-frontend/dist/govuk/assets/. $(STATIC)/
	rm -rf $(STATIC)/fonts  # GDS Transport: for GOV.UK alone, and unused by this build
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
	   --quiet-deps triage/sass/frontend.scss $(STATIC)/frontend.min.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/
	cp triage/static_src/* $(STATIC)/
	touch $@

assets: $(STATIC)/.built ## Build the GOV.UK Frontend assets

migrate: install ## Migrate the database
	$(BIN)/triage db upgrade

demo: migrate ## Load the demo accounts
	$(BIN)/triage demo-data

run: install assets demo ## Start the web app and a worker with demo data (Ctrl-C stops both)
	$(BIN)/triage dev

lint: install ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# PolicyEngine UK, the rent rules' independent check: heavy, so only the tests install it.
$(VENV)/.policyengine: $(BIN)/triage pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,policyengine]'
	touch $@

test: install assets lint $(VENV)/.policyengine ## Run every test (integration and browser tests need CI=true or the servers)
	.ci/install-servers
	$(BIN)/pytest

clean: ## Remove the virtual environment, built assets and local data
	rm -rf $(VENV) node_modules $(STATIC) instance
