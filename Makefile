# Aller-vers — `make run` serves the app, `make test` runs every check. See README.md.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
VENDOR := static/vendor
# The official list of communes, made compact at set-up (allervers/communes/build.py).
COMMUNES := allervers/communes/data/communes.json
# Test processes (pytest-xdist): one per core; PYTEST_WORKERS=0 runs the suite in this process.
PYTEST_WORKERS ?= auto

.PHONY: run test setup db lint pytest bench bench-live bench-analysis bench-import clean

# The web server and, beside it, the worker that computes aggregates in the background.
run: setup db
	@echo "Aller-vers : http://$(HOST):$(PORT)"
	$(BIN)/huey_consumer allervers.worker.huey -w 1 -k process -d 0.1 -m 0.5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup db lint pytest

setup: $(VENV)/.installed $(VENDOR)/.copied $(COMMUNES)

db: $(VENV)/.installed
	@mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

pytest: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# A benchmark, not a test: a département-scale data set served by gunicorn, its pages timed
# and loaded by 100 simulated trainees, on SQLite then PostgreSQL; writes BENCHMARKS.md.
bench: setup
	$(BIN)/python -m tests.bench.run
	$(BIN)/python -m tests.bench.analysis
	$(BIN)/python -m tests.bench.imports

# Only the live workshop of the bench (60 viewers of 2 group maps, 10 adding links), on SQLite
# then PostgreSQL: rewrites its section of BENCHMARKS.md (3 to 4 min on 2 cores).
bench-live: setup
	$(BIN)/python -m tests.bench.run --live

# Only a map's analysis (150 structures, cold and cached) and the suggestions' nearness on the
# bench data set and the demo: rewrites its section of BENCHMARKS.md (2 to 3 min).
bench-analysis: setup
	$(BIN)/python -m tests.bench.analysis

# Only the directory import of 5,000 data·inclusion rows (CSV and .xlsx, preview and
# confirmation) on the bench data set: rewrites its section of BENCHMARKS.md.
bench-import: setup
	$(BIN)/python -m tests.bench.imports

# Reinstalled only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 ou plus récent est requis.")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

# Reinstalled only when the lock file changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# What the pages load, copied from npm (nothing comes from a CDN: this is an intranet).
$(VENDOR)/.copied: node_modules/.installed Makefile
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/htmx $(VENDOR)/pico $(VENDOR)/axe $(VENDOR)/cytoscape \
	   $(VENDOR)/chartjs
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/pico/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe/
	cp node_modules/cytoscape/dist/cytoscape.min.js node_modules/layout-base/layout-base.js \
	   node_modules/cose-base/cose-base.js node_modules/cytoscape-fcose/cytoscape-fcose.js \
	   $(VENDOR)/cytoscape/
	cp node_modules/chart.js/dist/chart.umd.min.js \
	   node_modules/chartjs-adapter-date-fns/dist/chartjs-adapter-date-fns.bundle.min.js \
	   $(VENDOR)/chartjs/
	@touch $@

# Communes, EPCI and postal codes (Etalab, npm): rebuilt only when the lock file changes.
$(COMMUNES): node_modules/.installed allervers/communes/build.py $(VENV)/.installed
	$(BIN)/python -m allervers.communes.build node_modules/@etalab/decoupage-administratif/data $@

clean:
	rm -rf $(VENV) node_modules $(VENDOR) $(COMMUNES)
