# vnnews-search: `make run` installs, indexes the default corpus and serves; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CORPUS ?= corpus/
INDEX ?= var/index
PORT ?= 8000
JOBS ?=
SHARED ?= ../shared
# The map of provinces is drawn only when the boundary files are at hand; they are never committed.
MAP ?= $(wildcard $(SHARED)/geo/vn_provinces_34.geojson)
MAP_OLD ?= $(wildcard $(SHARED)/geo/vn_provinces_63.geojson)
# `make bench CORPUS=../shared/corpus` runs the full benchmark; the default is a small corpus.
BENCH_CORPUS ?= $(if $(filter command line environment,$(origin CORPUS)),$(CORPUS),$(SHARED)/corpus/dantri-unc.jsonl.gz)
BENCH_JSON ?=
STAMP := $(VENV)/.installed
CLUSTER_STAMP := $(VENV)/.installed-cluster

.PHONY: install install-cluster browser index rebuild optimize serve run test bench bench-scale bench-build bench-cluster bench-newsroom eval lint docs clean distclean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $@

# Ray, for the cluster backend and its tests: `make test` installs it, `make run` does not need it.
install-cluster: $(CLUSTER_STAMP)

$(CLUSTER_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench,cluster]'
	@touch $@

# Exit status 3 means some records were skipped (listed above the summary); the index is still good.
index: install
	$(PY) -m indexer build $(foreach c,$(CORPUS),--corpus $(c)) --index $(INDEX) $(if $(JOBS),--jobs $(JOBS)) \
		|| test $$? -eq 3

rebuild: install
	$(PY) -m indexer build $(foreach c,$(CORPUS),--corpus $(c)) --index $(INDEX) --rebuild $(if $(JOBS),--jobs $(JOBS)) \
		|| test $$? -eq 3

optimize: install
	$(PY) -m indexer optimize --index $(INDEX)

serve: install
	VNNEWS_INDEX=$(abspath $(INDEX)) VNNEWS_MAP=$(MAP) VNNEWS_MAP_OLD=$(MAP_OLD) PORT=$(PORT) \
		$(VENV)/bin/gunicorn -c webapp/gunicorn.conf.py "webapp:create_app()"

run: install index serve

# Browser tests drive Debian's chromium: installed here when missing and we are root (as in CI);
# otherwise pytest's summary says which tests were skipped and why.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium is not installed (apt-get install chromium): the browser tests will be skipped"; \
		fi; \
	fi

test: install install-cluster browser
	$(VENV)/bin/pytest -q

bench: install
	$(PY) -m bench $(foreach c,$(BENCH_CORPUS),--corpus $(c)) $(if $(BENCH_JSON),--json $(BENCH_JSON))

# `make bench-scale SIZES=250000,1000000`: the benchmark on scale corpora made from ../shared.
# `CACHED_FROM=1000000` builds sizes from there up over spans cached per sentence (bench/scale_spans.py);
# `REUSE=peers` keeps the passes and the peers of an earlier run, `REUSE=all` every index (measure again).
SIZES ?= 250000,1000000
bench-scale: install
	$(PY) -m bench.scale_bench --sizes $(SIZES) --shared $(SHARED) $(if $(BENCH_JSON),--json $(BENCH_JSON)) \
		$(if $(CACHED_FROM),--cached-from $(CACHED_FROM)) $(if $(REUSE),--reuse $(REUSE))

# The product's build of one corpus against the pyvi-only pass (`make bench-scale`'s build figures
# alone, for sizes whose peers would not fit the time budget): BUILD_CORPUS=var/scale/c1000000.jsonl.gz.
bench-build: install
	$(PY) -m bench.build $(foreach c,$(or $(BUILD_CORPUS),$(BENCH_CORPUS)),--corpus $(c)) --segmenter $(if $(BENCH_JSON),--json $(BENCH_JSON))

# Story grouping on the labelled pairs, then what collapsing, trends and the story view cost on
# an index of the shared corpus (NEWSROOM_INDEX, var/full by default: `python -m indexer build
# --corpus ../shared/corpus --index var/full` first).
bench-newsroom: install
	$(PY) -m bench.stories --shared $(SHARED) --pairs bench/story_pairs_third.jsonl
	$(PY) -m bench.newsroom --index $(or $(NEWSROOM_INDEX),var/full)

# The sharded index (in process and on a local 3-node Ray cluster) against the single one.
SHARDS ?= 4
bench-cluster: install install-cluster
	$(PY) -m bench.cluster $(foreach c,$(BENCH_CORPUS),--corpus $(c)) --shards $(SHARDS) $(if $(BENCH_JSON),--json $(BENCH_JSON))

# Every article of ../shared/corpus segmented by pyvi and by the project's segmenter, compared.
bench-segment: install
	$(PY) -m bench.segment --shared $(SHARED) $(if $(BENCH_JSON),--json $(BENCH_JSON))

# The province tagger on the TEST labels (P/R/F1 per era and corpus, about and mentions; then two
# readers' agreement on the same articles beside the tagger against each), story
# grouping on the three labelled sets of same-event pairs (bench/story_pairs*.jsonl), known-item
# search over the shared corpus, then nDCG@10 and P@10 of the judged topical queries
# (bench/topics.json, bench/judgments.jsonl) on the three indexes `make bench` left in var/bench.
eval: install
	$(PY) -m bench.tagger_eval --split test --no-errors --shared $(SHARED)
	$(PY) -m bench.agreement --shared $(SHARED)
	$(PY) -m bench.stories --shared $(SHARED)
	$(PY) -m bench.eval --shared $(SHARED)
	@if [ -d var/bench/vnnews ]; then $(PY) -m bench.relevance score --work var/bench; \
	else echo "no var/bench: run make bench CORPUS=$(SHARED)/corpus first for the judged queries"; fi

lint: install
	$(VENV)/bin/ruff check indexer webapp tests bench

# The README's command-line reference, regenerated from --help (tests/test_cli.py checks it).
docs: install
	$(VENV)/bin/cog -r README.md

clean:
	rm -rf var build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
