# The two Quick start commands, `make run` and `make test`, both go through `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BIND ?= 127.0.0.1:8000

.PHONY: install browser run test openapi bench audit clean

install: $(STAMP)

# Re-install only when the project's dependencies or its C extension change: `make install` is idempotent.
$(STAMP): pyproject.toml features/matching/_blocking.c features/matching/_prefilter.c features/matching/_buffers.h
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/diversion-risk serve --bind $(BIND)

# The browser tests (tests/service/ui) drive Debian's chromium through Playwright, never a
# downloaded browser: installed here when missing in a root shell with apt-get; elsewhere those
# tests skip with a message (and fail under CI=true).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } || \
		echo "chromium not found: apt-get install chromium to run the browser tests"

test: install browser
	$(BIN)/python -m pytest

openapi: install
	$(BIN)/diversion-risk openapi > openapi.yaml

bench: install
	$(BIN)/python -m bench.bench_scoring

# Needs the network to a vulnerability database; see SECURITY.md.
audit: install
	$(BIN)/pip install --quiet pip-audit==2.10.1
	$(BIN)/python -m bench.audit

clean:
	rm -rf $(VENV) var .pytest_cache
