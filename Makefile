# coursekit: `make lab` opens the course, `make test` runs every check.
# Only Python 3.11+ is needed; the first run creates .venv and installs the kit.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install lab test doctor lock bench bench-grading bench-hub site release clean help

help:
	@echo "make lab    - set up (first time) and open JupyterLab on notebooks/00_start_here.ipynb"
	@echo "make test   - set up (first time) and run ruff, the unit tests and every notebook"
	@echo "make doctor - check the installation; make lock - refresh constraints.txt; make bench"
	@echo "make bench-hub [STUDENTS=20] - K students run module 04 at once on a local JupyterHub"
	@echo "make site   - execute every module and write the static course site to site/"
	@echo "make release - write a student copy (no solutions, no assessed keys) to student/"

$(STAMP): pyproject.toml constraints.txt package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coursekit needs Python 3.11 or newer; set PYTHON=python3.11")'
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund; \
	  else echo "npm not found: the accessibility scan (axe-core) will be skipped"; fi
	@touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	@echo "Opening JupyterLab. If no browser opens, copy the http://127.0.0.1 URL printed below."
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" \
		--KernelManager.transport_encryption=auto \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -rs --ignore=tests/browser --doctest-modules src/coursekit tests
	COURSEKIT_WORKED_ANSWERS_MUST_PASS=1 $(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider notebooks
	@echo "Browser tests (JupyterLab in Chromium; skipped with a notice when Chromium is absent):"
	$(BIN)/python -m pytest -v -rs tests/browser

doctor: $(STAMP)
	$(BIN)/coursekit doctor

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-grading: $(STAMP)
	$(BIN)/python benchmarks/grading.py

# K students run module 04 at once on a local JupyterHub: make bench-hub [STUDENTS=20]
STUDENTS ?= 10
bench-hub: $(STAMP)
	$(BIN)/python benchmarks/hub.py --students $(STUDENTS)

site: $(STAMP)
	$(BIN)/coursekit site --out site --jobs 2

release: $(STAMP)
	$(BIN)/coursekit release --out student

# Refresh the lock: a clean venv from pyproject.toml's ranges, then freeze.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade "pip>=24"
	.lock-venv/bin/python -m pip install --quiet -e ".[test]"
	{ echo '# Exact versions that `make install` and CI install (pip constraints).'; \
	  echo '# Refresh: make lock   (recreates a clean venv from pyproject.toml and freezes it).'; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e '; } > constraints.txt
	rm -rf .lock-venv
	@echo "constraints.txt refreshed: run make test, then commit it."

clean:
	rm -rf $(VENV) build .pytest_tmp
