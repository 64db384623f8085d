# Two entry points for a fresh Debian machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO ?= demo-project
STAMP := $(VENV)/.installed

.PHONY: run test demo deps bench clean

$(STAMP): pyproject.toml packaging/install-system-deps.sh
	bash packaging/install-system-deps.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,postgres]'
	touch $(STAMP)

deps: $(STAMP)

$(DEMO)/project.db: | $(STAMP)
	$(VENV)/bin/annotator demo $(DEMO)

demo: $(DEMO)/project.db

run: deps demo
	$(VENV)/bin/annotator gui $(DEMO)

# Lint and layer contracts first (seconds), then the suite; a skip for missing data fails it.
test: deps
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/lint-imports --no-cache
	ANNOTATOR_TEST_PG="$$(bash packaging/start-test-postgres.sh)" QT_QPA_PLATFORM=offscreen $(PY) -m pytest -p no:cacheprovider

bench: deps
	$(PY) benchmarks/import.py

clean:
	rm -rf $(VENV) $(DEMO)
