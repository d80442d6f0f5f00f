# The two commands: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
#: the app alone (`make run`); the test and check tools on top of it (`make test`)
APP    := $(VENV)/.installed-app

.PHONY: run test check soak bench lint demo clean

# pip compiles what it installs one file at a time; compileall does it on every core after it
# (as pip does, a file that does not compile is left to fail, if ever, when it is imported), all
# but mypy's .py files, which its compiled modules stand in for
SITE    = $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
COMPILE = $(PY) -m compileall -q -j 0
UNUSED  = '/site-packages/(mypy|mypyc)/'

$(APP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-compile -c constraints.txt -e .
	$(COMPILE) -x $(UNUSED) "$(SITE)" >/dev/null || true
	touch $(APP)

# the test tools in the same install as the app when neither is there yet (one resolve, not two)
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -f $(APP) || $(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-compile -c constraints.txt -e '.[test]'
	$(COMPILE) -x $(UNUSED) "$(SITE)" >/dev/null || true
	touch $(APP) $(STAMP)

# The app's own bytecode is compiled first (quick when it is current): on a machine that sets
# PYTHONDONTWRITEBYTECODE, a checkout would otherwise compile every module again at each start.
run: $(APP)
	$(COMPILE) tui screens store exercises >/dev/null
	$(VENV)/bin/wellbeing

demo: $(APP)
	$(COMPILE) tui screens store exercises >/dev/null
	$(VENV)/bin/wellbeing --demo

# Five workers on two cores: the tmux tests run one after another on one worker and the ssh tests
# on another (their groups, tests/conftest.py), mostly waiting on a pane or a login; the other
# three, whose Pilot tests wait too (on a clock, a child), keep both cores busy meanwhile.
# The checks run beside the tests (their output printed after them); either failing fails. The
# bytecode before the tests: every app, CLI and child process they start would compile it again.
test: $(STAMP)
	@$(MAKE) --no-print-directory check >.check.log 2>&1 & checks=$$!; \
	$(COMPILE) tui screens store exercises tests || { kill $$checks; exit 1; }; \
	$(PY) -m pytest -q -n 5 --dist loadgroup; tests=$$?; \
	wait $$checks; checked=$$?; cat .check.log; rm -f .check.log; \
	if [ $$checked -ne 0 ]; then echo "make check failed (above)"; fi; \
	[ $$tests -eq 0 ] && [ $$checked -eq 0 ]

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
