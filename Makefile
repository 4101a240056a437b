# Two commands matter (README): `make demo` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := HUANXIN_DEBUG=1 HUANXIN_DEMO=1 HUANXIN_TODAY=2020-09-01

.PHONY: demo test install install-dev lint vendor messages clean

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

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy huanxin e2e conftest.py

messages: install
	cd huanxin && ../$(BIN)/huanxin compilemessages

clean:
	rm -rf $(VENV) var/static
