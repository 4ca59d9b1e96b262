# The whole set-up is `make run` (the chat on http://127.0.0.1:7860) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 7860

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: setup run test browser bench eval clean

setup: $(STAMP)

# Installs exactly the versions in requirements.lock (torch 2.13.0 is the CPU wheel on this disk).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $(STAMP)

run: setup
	$(BIN)/pressroom chat --host $(HOST) --port $(PORT)

# Debian's Chromium and its driver, for the browser test (installed once, needs root or sudo).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

test: setup browser
	$(BIN)/python -m pytest

eval: setup
	$(BIN)/pressroom eval

# Speed and memory against floors measured in the same run (see bench/__init__.py); prints each
# figure with its floor and ratio, writes bench/results/latest.{json,md}. BENCH_ARGS="--only warm" runs a part.
bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
