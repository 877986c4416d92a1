# The two commands of the README: `make demo` and `make test`. Both create .venv when missing
# and install exactly the versions in constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
STAMP := $(VENV)/.installed
# An editable install leaves bgsearch's own modules uncompiled, and where
# PYTHONDONTWRITEBYTECODE is set (as on this project's build machine) Python compiles them
# again on every command: 40 ms of each `bgsearch query`. A regular `pip install` compiles.
BYTECODE := $(BIN)/python -m compileall -q bgsearch
# setuptools' default editable install puts an import hook in site-packages that runs at every
# start of Python (23 ms of each bgsearch command measured, of 43); "compat" mode is one path
# line instead.
EDITABLE := --config-settings editable_mode=compat -e
DEV_STAMP := $(VENV)/.installed-dev
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: demo test lint typecheck pytest postgres-server test-slow test-compat bench-relevance bench-speed clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bgsearch needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) $(EDITABLE) .
	$(BYTECODE)
	@touch $@

$(DEV_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) $(EDITABLE) '.[dev]'
	$(BYTECODE)
	@touch $@ $(STAMP)

demo: $(STAMP)
	@$(BYTECODE)
	$(BIN)/bgsearch index seeds/
	$(BIN)/bgsearch query "tuần tra chung"
	$(BIN)/bgsearch query "tuan tra chung"

test: lint typecheck pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check bgsearch tests bench
	$(BIN)/ruff format --check bgsearch tests bench

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP) postgres-server
	$(BIN)/pytest

# The PostgreSQL tests start their own throwaway server (tests/pgserver.py) from Debian's
# postgresql package: installed here when its binaries are missing (CI's fresh machine).
postgres-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ echo "installing Debian's postgresql package (server binaries for the tests)"; \
		  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		  $(SUDO) apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }

# Slow fault-injection tests (SIGKILL during indexing and the like).
test-slow: $(DEV_STAMP)
	$(BIN)/pytest -m slow

# The same suite on whoosh-reloaded 2.7.5, in its own venv: proves we use only the 2.7 API.
# Both distributions install the package `whoosh`: uninstalling whoosh3 from a venv that
# already had whoosh-reloaded deletes its files, so whoosh-reloaded is reinstalled each run.
test-compat:
	$(PYTHON) -m venv .venv-compat
	.venv-compat/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt $(EDITABLE) '.[dev]'
	.venv-compat/bin/python -m pip uninstall --quiet -y whoosh3
	.venv-compat/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps whoosh-reloaded==2.7.5
	.venv-compat/bin/python -m pip install --quiet --disable-pip-version-check cached-property==2.0.1
	.venv-compat/bin/pytest

# Benchmarks (see bench/RESULTS.md). EVAL and CORPUS point at the data, never committed.
EVAL ?= ../shared/eval
CORPUS ?= ../shared/corpus/vi-news-38k.tar.gz
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) $(EDITABLE) '.[dev,bench]'
	$(BYTECODE)
	@touch $@ $(DEV_STAMP) $(STAMP)

bench-relevance: $(BENCH_STAMP)
	$(BIN)/python bench/relevance.py --eval $(EVAL) --corpus $(CORPUS)

# CORPUS_DIR: the unpacked corpus (tar -xzf ../shared/corpus/vi-news-38k.tar.gz -C /tmp).
CORPUS_DIR ?= /tmp/vi-news-38k
SIZES ?= 1000,5000,20000,all
bench-speed: $(BENCH_STAMP)  # bench/speed.py compiles bgsearch itself before measuring
	$(BIN)/python bench/speed.py $(CORPUS_DIR) --sizes $(SIZES)

clean:
	rm -rf $(VENV) .venv-compat .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find index -mindepth 1 ! -name .gitignore -delete
