# Hall Kiosk — the two commands are `make run` and `make test` (README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DATA   ?= .data/demo

.PHONY: run test lint contracts bench setup clean demo-headless

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

## make contracts: the layer rules of DESIGN.md §2
contracts: $(STAMP)
	$(VENV)/bin/lint-imports

## make test: set up, lint, layer contracts, the whole suite (offscreen Qt)
test: $(STAMP) lint contracts
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

## make bench: benchmarks, results as JSON (machine noted) in bench-results/
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --out bench-results

clean:
	rm -rf demo-output bench-results .data
