# jixiao — budget book PDFs → raw CSV seeds → dbt → DuckDB.
#   make build   install into .venv if needed, extract $(PDF_DIR), dbt build into $(WAREHOUSE), write $(FEEDS)
#   make test    ruff, then pytest (real extractor on rendered PDFs, real dbt on a temporary warehouse)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PDF_DIR ?= data/pdf
WAREHOUSE ?= warehouse/jixiao.duckdb
RAW_SEEDS ?= build/raw
REPORTS ?= reports
FEEDS ?= feeds
CACHE ?= build/cache
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ifneq ($(filter /%,$(RAW_SEEDS)),)
$(error RAW_SEEDS must be a folder relative to the project, e.g. build/raw)
endif
SEED_JSON := tests/fixtures/expected/000_e493727b22778aa2.json
SAMPLE_PDF := data/pdf/duobao_street_office_2024.pdf

# No network at run time: dbt's anonymous usage stats off; dbt reads profiles.yml from here.
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
export JIXIAO_WAREHOUSE := $(abspath $(WAREHOUSE))
# dbt needs seed paths relative to the project (an absolute one gets overwritten by compiled SQL).
export JIXIAO_RAW_SEEDS := $(RAW_SEEDS)

.PHONY: build feeds docs bench test lint sample clean

# The venv is (re)installed whenever requirements.txt changes.
$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

build: $(VENV)/.installed
	$(BIN)/python -m scripts.build --pdf-dir $(PDF_DIR) --warehouse $(WAREHOUSE) --raw-seeds $(RAW_SEEDS) \
		--reports $(REPORTS) --feeds $(FEEDS) --cache $(CACHE) -j $(JOBS) \
		$(if $(FILE_TIMEOUT),--file-timeout $(FILE_TIMEOUT)) $(if $(FILE_MEMORY),--file-memory $(FILE_MEMORY))

# Parquet feeds of every contracted mart, hive-partitioned by fiscal year (make build writes them too).
feeds: $(VENV)/.installed
	$(BIN)/dbt parse --quiet
	$(BIN)/python scripts/write_feeds.py $(JIXIAO_WAREHOUSE) target/manifest.json $(FEEDS)

# The dbt docs site, as one offline HTML file: target/static_index.html.
docs: $(VENV)/.installed
	$(BIN)/dbt docs generate --static --quiet
	@echo "docs: $(CURDIR)/target/static_index.html"

# The benchmark (bench/run.py): books embed Debian's WenQuanYi Zen Hei font, installed here if missing.
BENCH_ARGS ?=
bench: $(VENV)/.installed
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || \
		(apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check extract tests scripts bench synth
	$(BIN)/ruff format --check extract tests scripts bench synth

test: lint
	$(BIN)/pytest

# Re-typeset the sample book from the hand-checked seed JSON (a test checks it is up to date).
sample: $(VENV)/.installed
	$(BIN)/python -m synth.budget_book $(SEED_JSON) $(SAMPLE_PDF)

clean:
	rm -rf target logs build warehouse reports feeds bench/corpus

# For analysts (README "For analysts"): the warehouse read-only in the DuckDB shell (duckdb-cli, a 1.x reader,
# which opens it because it is written in v1.2.0 storage; `select * from 项目` works through the search path),
# the Excel workbooks and the HTML report (make build writes both; these rewrite the changed ones only).
.PHONY: shell excel report browser-deps
shell: $(VENV)/.installed
	$(BIN)/duckdb -readonly -cmd "set search_path = 'marts,marts_zh'" $(WAREHOUSE)

excel: $(VENV)/.installed
	$(BIN)/python -m scripts.excel $(WAREHOUSE) $(REPORTS)/excel

report: $(VENV)/.installed
	$(BIN)/python -m scripts.report $(WAREHOUSE) $(REPORTS)
	@echo "report: $(abspath $(REPORTS))/index.html"

# The report's browser test needs headless Chromium and a CJK font: the distribution's packages, installed
# here when missing (CI is a clean machine).
browser-deps:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh | grep -q .; then \
		$$(test "$$(id -u)" = 0 || echo sudo) apt-get update -qq && \
		$$(test "$$(id -u)" = 0 || echo sudo) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium fonts-noto-cjk; fi

test: browser-deps
