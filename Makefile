# diaryboost — every set-up step lives here so `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# Two workers on this 2-core machine.
PYTEST_WORKERS ?= 2

.PHONY: install run demo test test-fast lint bench chromium corpora clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(PY) run.py db upgrade
	$(PY) run.py serve

demo: install
	$(PY) run.py demo

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Third-party test corpora from the packages' own sdists into .cache/corpora/ (see
# tests/corpora.py). Without a registry it says so and the tests fall back or skip: the
# leading "-" keeps even a crash of the fetch from failing the run.
corpora: install
	-$(PY) tests/corpora.py

test: install chromium corpora
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-fast: install corpora
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/ingest.py
	$(PY) bench/hostile.py
	$(PY) bench/dashboard.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info .cache
