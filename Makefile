# uppdrag — `make demo` renders every council into output/, `make test` runs the whole suite.
# Both set up .venv first; nothing needs to be installed by hand except LibreOffice and the
# Carlito font for PDF (.ci/run installs them with apt-get).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MO     := generator/locale/sv/LC_MESSAGES/uppdrag.mo
PO     := generator/locale/sv/LC_MESSAGES/uppdrag.po
CLICK_MO := generator/locale/sv/LC_MESSAGES/click.mo
CLICK_PO := generator/locale/sv/LC_MESSAGES/click.po

.PHONY: all demo serve test lint format catalogs extract template bench clean

# axe-core (WCAG checks injected into pages by the browser tests), from the npm registry.
AXE_VERSION := 4.10.3
AXE := $(VENV)/node/node_modules/axe-core/axe.min.js

all: $(STAMP) $(MO) $(CLICK_MO) $(AXE)

$(AXE):
	mkdir -p $(VENV)/node
	npm install --silent --no-audit --no-fund --no-save --no-package-lock \
	    --prefix $(VENV)/node axe-core@$(AXE_VERSION)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Swedish messages: compiled from the .po catalog on every build.
$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel -q compile -D uppdrag -d generator/locale -l sv

# click's own texts (Usage:, Error: …) in Swedish: see generator/i18n.py.
$(CLICK_MO): $(CLICK_PO) $(STAMP)
	$(BIN)/pybabel -q compile -D click -d generator/locale -l sv

catalogs: $(MO) $(CLICK_MO)

# After changing messages in the code: extract them and merge into the Swedish catalog.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 \
	    --no-wrap --no-location --sort-output -o generator/locale/uppdrag.pot generator
	$(BIN)/pybabel update --no-wrap -D uppdrag -i generator/locale/uppdrag.pot \
	    -d generator/locale -l sv

demo: all
	$(BIN)/uppdrag render data/councils/*.yaml

# The web front end on http://127.0.0.1:8080/ for the workspace in this folder.
serve: all
	$(BIN)/uppdrag serve

test: all lint
	$(BIN)/python -m pytest -q tests

lint: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks templates
	$(BIN)/ruff format --check -q generator tests benchmarks templates

format: $(STAMP)
	$(BIN)/ruff format generator tests benchmarks templates

template: $(STAMP)
	$(BIN)/python templates/build_template.py

bench: all
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_reissue.py --councils 1000 --jobs 2
	$(BIN)/python benchmarks/bench_web.py --councils 25,1000

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
