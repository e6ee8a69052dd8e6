# Every target sets up what it needs: a fresh machine needs only Python 3.11+, pip and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# The frameworks and database drivers the suite exercises (extras of the package); the
# development tools are PEP 735 dependency groups in pyproject.toml (`pip install --group`).
EXTRAS := flask,django,fastapi,postgres,mysql,evidence,notify,duckdb,linkage,redis
# The question-tree engine is the heart of the form: every branch of it is tested.
COVERAGE_GATE ?= --cov=familyhubs_sdk.questiontree --cov-branch \
	--cov-report=term-missing:skip-covered --cov-fail-under=100

.PHONY: help demo test test-wheel test-min lint bench dist audit docs clean

help:
	@echo "make demo   run the demo portal on 127.0.0.1 (SQLite, synthetic data)"
	@echo "make test   run the whole test suite"
	@echo "make test-wheel  the suite against the built wheel, src/ not importable"
	@echo "make test-min    the suite on the lowest dependency versions pyproject allows"
	@echo "make lint   ruff; mypy (strict) on src/ and the integrator program in tests/typing/"
	@echo "make bench  run the benchmarks, printing side-by-side ratios"
	@echo "make dist   build sdist + wheel, check them, test the wheel in a fresh venv, write its SBOM"
	@echo "make audit  make dist, then pip-audit the wheel's runtime dependencies (needs the network)"
	@echo "make docs   execute every code block in docs/ and check the links"
	@echo "make a11y   axe-core, CSP and keyboard checks of every fragment in headless Chromium"
	@echo "make screenshots  PNGs of every demo screen into docs/screenshots/ (headless Chromium)"
	@echo "make assets  rebuild GOV.UK Frontend's CSS and JS in src/familyhubs_sdk/static/govuk/ (npm)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the declared dependencies change. The demo takes evidence uploads, which
# disarm pictures and PDFs with the `evidence` extra.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[evidence]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]" --group dev
	@touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(BIN)/familyhubs demo

# pytest exits 5 when it collected nothing: a suite that finds no tests is broken, so say so.
test: $(VENV)/.installed-dev
	@$(BIN)/python -m pytest $(COVERAGE_GATE) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$status

# The installed wheel, not the source tree: templates and migrations must ship as package data.
test-wheel: $(VENV)/.installed-dev
	rm -rf build/wheel build/wheel-venv
	$(BIN)/python -m build --wheel --outdir build/wheel
	$(PYTHON) -m venv build/wheel-venv
	build/wheel-venv/bin/python -m pip install --quiet --upgrade pip
	build/wheel-venv/bin/python -m pip install --quiet "$$(ls build/wheel/*.whl)[$(EXTRAS)]" --group dev
	cd build && wheel-venv/bin/python -c "import familyhubs_sdk as m; assert 'site-packages' in m.__file__, m.__file__"
	build/wheel-venv/bin/python -m pytest -p no:cacheprovider -q $(PYTEST_ARGS)

# The lowest versions of the core dependencies that pyproject.toml claims to support. Old and new
# third-party releases meet here (e.g. FastAPI on pydantic 2.6) and warn about each other; the
# main run keeps every warning an error, so our own deprecations are still caught there.
MIN_WARNINGS := -W "ignore::DeprecationWarning"
test-min: $(VENV)/.installed-dev
	rm -rf build/min-venv
	$(PYTHON) -m venv build/min-venv
	build/min-venv/bin/python -m pip install --quiet --upgrade pip
	$(BIN)/python scripts/min_constraints.py evidence > build/constraints-min.txt
	build/min-venv/bin/python -m pip install --quiet -c build/constraints-min.txt \
		-e ".[$(EXTRAS)]" --group test
	# The browser suite checks rendered HTML, not dependency floors; `make test` and
	# `make test-wheel` run it.
	build/min-venv/bin/python -m pytest -p no:cacheprovider -q --ignore=tests/browser $(MIN_WARNINGS) $(PYTEST_ARGS)

# tests/typing/ holds an integrator's program: the public API as a host's own strict code uses it.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/mypy tests/typing

bench: $(VENV)/.installed-dev
	@set -e; for script in benchmarks/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script; \
	done

# What `pip install familyhubs-sdk` gives a host: the built wheel and its runtime dependencies,
# without pip or any development tool. The SBOM and the audit describe exactly this environment.
RUNTIME_VENV := build/runtime-venv
RUNTIME_REQUIREMENTS := build/runtime-requirements.txt
SBOM_DIR := build/sbom
RUNTIME_PIP := $(BIN)/python -m pip --python $(RUNTIME_VENV)/bin/python

dist: $(VENV)/.installed-dev
	rm -rf dist $(RUNTIME_VENV) $(SBOM_DIR) $(RUNTIME_REQUIREMENTS)
	$(BIN)/python -m build --outdir dist
	$(BIN)/python -m twine check --strict dist/*
	$(PYTHON) -m venv --without-pip $(RUNTIME_VENV)
	$(RUNTIME_PIP) install --quiet dist/*.whl
	$(RUNTIME_PIP) freeze --exclude familyhubs-sdk > $(RUNTIME_REQUIREMENTS)
	mkdir -p $(SBOM_DIR)
	$(BIN)/cyclonedx-py environment --output-reproducible $(RUNTIME_VENV) \
		--output-file "$(SBOM_DIR)/$$(basename dist/*.whl | cut -d- -f1-2).cdx.json"
	$(BIN)/python scripts/check_dist.py dist --sbom $(SBOM_DIR)

# Known vulnerabilities in the runtime dependencies, from a database on the network: OSV
# (api.osv.dev) or PyPI's JSON API (AUDIT_SERVICE=pypi). --strict fails when a dependency cannot be
# looked up, so an unreachable database is a failure, not a pass. An accepted finding goes in
# AUDIT_ARGS="--ignore-vuln ID", with the reason in the release notes.
AUDIT_SERVICE ?= osv
AUDIT_ARGS ?=
audit: dist
	$(BIN)/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
		--vulnerability-service $(AUDIT_SERVICE) $(AUDIT_ARGS) --requirement $(RUNTIME_REQUIREMENTS)

# docs/api.md is generated from the docstrings: regenerate it, then run every docs check
# (`make test` fails on a stale docs/api.md without rewriting it).
docs: $(VENV)/.installed-dev
	$(BIN)/python scripts/api_reference.py
	$(BIN)/python -m pytest tests/docs -q

# Only the browser suite (it also runs in `make test`). Installs Debian's chromium and, into
# build/browser-node, axe-core and govuk-frontend when missing; writes build/a11y-report.json.
.PHONY: a11y
a11y: $(VENV)/.installed-dev
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# Every screen of `familyhubs demo`, styled with GOV.UK Frontend, as PNGs for docs/screens.md.
# Uses the browser suite's Chromium and build/browser-node (installed when missing).
.PHONY: screenshots
screenshots: $(VENV)/.installed-dev
	$(BIN)/python scripts/screenshots.py

# The committed build output in src/familyhubs_sdk/static/govuk/: GOV.UK Frontend's Sass compiled
# with a system font stack, its script and licence. Needs Node.js and npm; caches in build/.
# `python scripts/build_assets.py --check` says whether the committed files are a fresh build.
.PHONY: assets
assets: $(VENV)/.installed-dev
	$(BIN)/python scripts/build_assets.py

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov
