# jixiao — budget book PDFs → raw CSV seeds → dbt → DuckDB.
#   make build   install into .venv if needed, extract $(PDF_DIR), dbt build into $(WAREHOUSE), write $(FEEDS)
#   make test    lint (ruff, mypy, sqlfluff), then pytest (real extractor on rendered PDFs, real dbt on a temporary warehouse)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Folder defaults and limits, defined once in jixiao.env (NAME=value lines); the command line
# (make build PDF_DIR=…) or the environment wins. Values are quoted in recipes: paths may hold spaces.
$(foreach setting,$(shell sed -n 's/^\([A-Z_][A-Z_0-9]*\)=.*/\1/p' jixiao.env),\
	$(eval $(setting) ?= $(shell sed -n 's/^$(setting)=//p' jixiao.env)))
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SEED_JSON := tests/fixtures/expected/000_e493727b22778aa2.json
SAMPLE_PDF := data/pdf/duobao_street_office_2024.pdf

# No network at run time: dbt's anonymous usage stats off; dbt reads profiles.yml from here.
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
# For dbt run by hand from make's recipes (nightly/build.py sets its own per run).
export JIXIAO_WAREHOUSE := $(WAREHOUSE)
export JIXIAO_RAW_SEEDS := $(RAW_SEEDS)
export JIXIAO_DBT_MEMORY := $(DBT_MEMORY)

# Every setting, quoted, for the build script (which also checks RAW_SEEDS is relative to the project).
BUILD_ARGS = --pdf-dir "$(PDF_DIR)" --warehouse "$(WAREHOUSE)" --raw-seeds "$(RAW_SEEDS)" \
	--reports "$(REPORTS)" --feeds "$(FEEDS)" --cache "$(CACHE)" --archive "$(ARCHIVE)" \
	--lock-wait "$(LOCK_WAIT)" --keep "$(KEEP_WAREHOUSES)" --allow-shrink "$(ALLOW_SHRINK)" --full "$(FULL)" -j "$(JOBS)" \
	--file-timeout "$(FILE_TIMEOUT)" --file-memory "$(FILE_MEMORY)" --scheduler "$(SCHEDULER)"

.PHONY: build feeds docs rollback bench test lint sample clean

# The venv is (re)installed whenever the requirements or pyproject.toml change: the pinned requirements, then the
# project itself (editable: its packages import from the venv, from any folder, Dask workers included).
$(VENV)/.installed: requirements.txt requirements-nodeps.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# Extract, dbt build into a new file, publish it, write feeds; one build at a time (exit codes: README).
build: $(VENV)/.installed
	$(BIN)/python -m nightly.build build $(BUILD_ARGS)

# Parquet feeds of every contracted mart from the published warehouse (read-only), under the build lock.
feeds: $(VENV)/.installed
	$(BIN)/python -m nightly.build feeds $(BUILD_ARGS)

# The dbt docs site, as one offline HTML file: target/static_index.html (from a copy: the warehouse is only read).
docs: $(VENV)/.installed
	$(BIN)/python -m nightly.build docs $(BUILD_ARGS)

# Put the previous published warehouse back (kept in the warehouse's .history/ folder).
rollback: $(VENV)/.installed
	$(BIN)/python -m nightly.build rollback $(BUILD_ARGS)

# The benchmark (bench/run.py): books embed Debian's WenQuanYi Zen Hei font, installed here if missing.
BENCH_ARGS ?=
bench: $(VENV)/.installed
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || \
		(apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# ruff and mypy on the Python (what mypy checks, and how: pyproject.toml [tool.mypy]), then sqlfluff on the SQL.
# sqlfluff renders models and data tests through dbt (macros are checked where they are used), which needs the raw
# seeds' columns and a database to connect to: it lints against header-only seeds and a scratch warehouse.
LINT_SEEDS := build/lint-seeds
PY_FOLDERS := extract common nightly analysts devtools synth bench tests
lint: $(VENV)/.installed
	$(BIN)/ruff check $(PY_FOLDERS)
	$(BIN)/ruff format --check $(PY_FOLDERS)
	$(BIN)/mypy
	$(BIN)/python -c 'from pathlib import Path; from extract.seeds import write_seeds; write_seeds(Path("$(LINT_SEEDS)"), [], [])'
	JIXIAO_RAW_SEEDS=$(LINT_SEEDS) JIXIAO_WAREHOUSE=build/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt --processes 2

test: lint
	$(BIN)/pytest

# Re-typeset the sample book from the hand-checked seed JSON (a test checks it is up to date).
sample: $(VENV)/.installed
	$(BIN)/python -m synth.budget_book $(SEED_JSON) $(SAMPLE_PDF)

clean:
	rm -rf target logs build warehouse "$(REPORTS)" "$(FEEDS)" bench/corpus

# For analysts (docs/analysts.md): the warehouse read-only in the DuckDB shell (duckdb-cli, a 1.x reader,
# which opens it because it is written in v1.2.0 storage; `select * from 项目` works through the search path),
# the Excel workbooks and the HTML report (make build writes both; these rewrite the changed ones only).
.PHONY: shell excel report test-deps
shell: $(VENV)/.installed
	$(BIN)/duckdb -readonly -cmd "set search_path = 'marts,marts_zh'" "$(WAREHOUSE)"

excel: $(VENV)/.installed
	$(BIN)/python -m analysts.excel "$(WAREHOUSE)" "$(REPORTS)/excel"

report: $(VENV)/.installed
	$(BIN)/python -m analysts.report "$(WAREHOUSE)" "$(REPORTS)"
	@echo "report: $(REPORTS)/index.html"

# What the tests need from the machine, the distribution's packages, installed here when missing (CI is a clean
# machine): headless Chromium and a CJK font for the report's browser test; WenQuanYi Zen Hei, which the bench
# corpus embeds, and Noto CJK, for the test that the fonts a machine has change nothing (the extractor needs none);
# LibreOffice (headless Calc), a second reader of the Excel workbooks. A user who is not root is told in one line
# what to install, and the tests run (those that need a missing package fail, each saying which).
TEST_PACKAGES := chromium fonts-noto-cjk fonts-wqy-zenhei libreoffice-calc-nogui
test-deps:
	@if ! command -v chromium >/dev/null || ! command -v soffice >/dev/null || \
			! test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || \
			! fc-list :lang=zh 2>/dev/null | grep -qi 'noto sans cjk'; then \
		if test "$$(id -u)" != 0; then \
			echo "make test needs the packages $(TEST_PACKAGES): as root, apt-get install $(TEST_PACKAGES)" >&2; \
		else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_PACKAGES); fi; fi

test: test-deps
