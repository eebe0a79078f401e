# Hall Kiosk — the two commands are `make run` and `make test` (README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DATA   ?= .data/demo
# Some shells set PYTHONDONTWRITEBYTECODE: then every test process and every CLI subprocess the
# tests start compiles the whole project (and pytest re-rewrites every test's asserts) each time.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-slow test-all lint contracts typecheck bench setup clean demo-headless i18n lupdate

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Re-install only when the declared dependencies change.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## make run: set up, seed a demo hall into $(DATA), open the launcher (or, with no display, a headless tour)
run: $(STAMP)
	$(VENV)/bin/hall-kiosk demo --data-dir $(DATA) --out demo-output

demo-headless: $(STAMP)
	$(VENV)/bin/hall-kiosk demo --headless --data-dir $(DATA) --out demo-output

## make lint: ruff over every package and the tests
lint: $(STAMP)
	$(VENV)/bin/ruff check kiosk ui devices sync hallkiosk tests bench

## make contracts: the layer rules of docs/architecture.md §2
contracts: $(STAMP)
	$(VENV)/bin/lint-imports

## make typecheck: mypy over the packages (settings in pyproject.toml; cache in .mypy_cache)
typecheck: $(STAMP)
	$(VENV)/bin/mypy kiosk sync devices ui hallkiosk bench

## make test: set up, lint, layer contracts, types, the suite (offscreen Qt) without the `slow` tour:
## first in parallel (pytest-xdist, $(WORKERS) workers: the suite mostly waits, 3 beat 2 and 4 on 2 cores), then the `timing` tests (latency bounds) alone.
WORKERS ?= 3
PYTEST  := QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
test: $(STAMP) lint contracts typecheck
	url=$$(tools/pg-test-server) && export HALL_KIOSK_TEST_PG_URL=$$url && \
	$(PYTEST) -n $(WORKERS) -m "not slow and not timing" $(PYTEST_ARGS) && \
	$(PYTEST) -m "timing and not slow" $(PYTEST_ARGS)

## make test-slow: the long end-to-end runs (the headless tour with its checks); CI runs it after `make test`
test-slow: $(STAMP)
	url=$$(tools/pg-test-server) && HALL_KIOSK_TEST_PG_URL=$$url $(PYTEST) -m slow $(PYTEST_ARGS)

## make test-all: everything, one process (as `make test` + `make test-slow`)
test-all: $(STAMP) lint contracts typecheck
	url=$$(tools/pg-test-server) && HALL_KIOSK_TEST_PG_URL=$$url $(PYTEST) $(PYTEST_ARGS)

## make bench: benchmarks, results as JSON (machine noted) in bench-results/
bench: $(STAMP)
	url=$$(tools/pg-test-server) && HALL_KIOSK_TEST_PG_URL=$$url QT_QPA_PLATFORM=offscreen $(PY) -m bench --out bench-results

## make i18n: collect UI strings into assets/i18n/*.ts and compile the .qm files. The shell
## (ui/*.py, ui/roles/, hallkiosk/) has hall_kiosk_en.ts; each capability package ui/<cap>/ has
## <cap>_en.ts. Strings that moved between classes keep their English (tools/i18n_reuse.py).
LUPDATE_ARGS ?=
i18n: $(STAMP)
	$(MAKE) --no-print-directory lupdate
	$(PY) tools/i18n_reuse.py assets/i18n/*_en.ts || true
	$(MAKE) --no-print-directory lupdate LUPDATE_ARGS=-no-obsolete
	for ts in assets/i18n/*_en.ts; do $(VENV)/bin/pyside6-lrelease -nounfinished $$ts -qm $${ts%.ts}.qm; done

lupdate:
	$(VENV)/bin/pyside6-lupdate $(LUPDATE_ARGS) $$(ls ui/*.py ui/roles/*.py hallkiosk/*.py | sort) -ts assets/i18n/hall_kiosk_en.ts
	for d in $$(find ui -mindepth 1 -maxdepth 1 -type d ! -name roles ! -name __pycache__ | sort); do \
	  $(VENV)/bin/pyside6-lupdate $(LUPDATE_ARGS) $$(find $$d -name '*.py' | sort) -ts assets/i18n/$$(basename $$d)_en.ts; done

clean:
	rm -rf demo-output bench-results .data
