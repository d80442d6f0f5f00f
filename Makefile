# The two commands: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
#: the app alone (`make run`); the test and check tools on top of it (`make test`)
APP    := $(VENV)/.installed-app

.PHONY: run test check soak bench lint demo clean

$(APP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e .
	touch $(APP)

$(STAMP): $(APP)
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

# The app's own bytecode is compiled first (quick when it is current): on a machine that sets
# PYTHONDONTWRITEBYTECODE, a checkout would otherwise compile every module again at each start.
run: $(APP)
	$(PY) -m compileall -q tui screens store exercises >/dev/null
	$(VENV)/bin/wellbeing

demo: $(APP)
	$(PY) -m compileall -q tui screens store exercises >/dev/null
	$(VENV)/bin/wellbeing --demo

test: check
	$(PY) -m pytest -q -n 2 --dist loadgroup

# The sequences of `make test` for much longer: SOAK_SECONDS (600) of random casework and key
# scripts, printing the steps and examples run and any failure's shrunk reproduction.
soak: $(STAMP)
	$(PY) tests/soak.py

# The shape, checked by tools: layers (import-linter), types (mypy), lint and format (ruff).
check: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PY) bench/run.py --team 30 --json bench/results.json

lint: check

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
