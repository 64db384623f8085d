# Two entry points for a fresh Debian machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO ?= demo-project
STAMP := $(VENV)/.installed

.PHONY: run test demo deps bench clean wheel wheel-check app deb package package-check

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

# Installable artifacts (packaging/README.md): wheel + sdist, PyInstaller one-folder app, .deb.
DIST ?= dist
BUILD_STAMP := $(VENV)/.build-tool
PKG_STAMP := $(VENV)/.packaging

$(BUILD_STAMP): $(STAMP)
	$(PY) -m pip install -q 'build>=1.0'
	touch $(BUILD_STAMP)

$(PKG_STAMP): $(BUILD_STAMP)
	bash packaging/install-system-deps.sh packaging
	$(PY) -m pip install -q -e '.[test,postgres,package]'
	touch $(PKG_STAMP)

wheel: $(BUILD_STAMP)
	rm -f $(DIST)/annotator-*.whl $(DIST)/annotator-*.tar.gz
	$(PY) -m build --outdir $(DIST) .

wheel-check: wheel
	bash packaging/check-wheel.sh $(DIST)/annotator-*.whl

app: $(PKG_STAMP)
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath $(DIST) --workpath build/pyinstaller packaging/annotator.spec

deb: app
	bash packaging/build-deb.sh $(DIST)/annotator $(DIST)

package: wheel app deb
	desktop-file-validate resources/*.desktop
	appstreamcli validate --no-net resources/*.metainfo.xml

# Slow (PyInstaller, dpkg): not part of `make test`. Installs the .deb on this machine, runs the
# launcher's self-test, then removes the package again (KEEP_DEB=1 keeps it installed).
package-check: package
	bash packaging/check-wheel.sh $(DIST)/annotator-*.whl
	QT_QPA_PLATFORM=offscreen $(DIST)/annotator/annotator --self-test
	-command -v lintian >/dev/null && lintian --info $(DIST)/annotator_*.deb
	bash packaging/check-deb.sh $(DIST)/annotator_*.deb

clean:
	rm -rf $(VENV) $(DEMO) build $(DIST)
