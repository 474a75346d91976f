# Routine tasks. The two that matter first: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
SHOPCTL := $(BIN)/shopctl
DATA := nlu_data
MODELS := models
DEMO_CATALOG := catalogs/demo.csv
STAMP := $(VENV)/.installed
# The optional sentence-transformers backend (torch), from requirements-st.lock: make venv-st.
ST_STAMP := $(VENV)/.installed-st
MODEL := $(MODELS)/shop.tar.gz
# What the model is built from: training data, domain, config and the custom NLU code.
MODEL_INPUTS := config.yml domain.yml $(shell find $(DATA) nlu_components shoplang -name '*.yml' -o -name '*.py' 2>/dev/null)

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0

.PHONY: help venv db train run run-prod shell test lint test-unit test-browser validate test-stories test-e2e test-prod test-conversations lock nlu-vocab clean bench-store bench-dashboard bench-faults nlu-eval bench-nlu bench-nlu-ablation venv-st bench-encoders bench run-cluster bench-parse bench-turns

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml scripts/find_python310.sh
	@py=$$(scripts/find_python310.sh) || exit 1; \
	  if [ ! -x $(BIN)/python ]; then echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV) || exit 1; fi
	$(BIN)/pip install -q "pip<24.1"
	$(BIN)/pip install -q -r $$(if [ -e $(ST_STAMP) ]; then echo requirements-st.lock; else echo requirements.lock; fi)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	@touch $@

venv: $(STAMP) ## create .venv from requirements.lock

$(ST_STAMP): $(STAMP) requirements-st.lock
	$(BIN)/pip install -q -r requirements-st.lock
	$(BIN)/pip check
	@touch $@

venv-st: $(ST_STAMP) ## add the sentence-transformers extra (torch, +4.6 GB) to .venv from requirements-st.lock

var/shop.db: | $(STAMP)
	$(SHOPCTL) db upgrade
	$(SHOPCTL) catalog import $(DEMO_CATALOG)

db: var/shop.db ## migrate the store (seeding the demo catalog on first use)
	$(SHOPCTL) db upgrade

$(MODEL): $(MODEL_INPUTS) | $(STAMP)
	$(RASA) train --data $(DATA) --out $(MODELS) --fixed-model-name shop

train: $(MODEL) ## train the model, only when data, domain, config or NLU code changed

run: db train ## start the action server and the Rasa server (REST on localhost:5005)
	scripts/run.sh

run-prod: db train ## production profile: Instagram only, API needs RASA_API_TOKEN, both servers on 127.0.0.1
	scripts/run.sh prod

run-cluster: train ## two Rasa and two action servers behind HAProxy, on a local PostgreSQL and Redis (docs/deploy.md); CLUSTER_PORT=5100
	scripts/run_cluster.sh

shell: db train ## chat with the assistant in the terminal
	scripts/run.sh shell

test: lint test-unit test-browser validate nlu-eval train test-stories test-e2e test-conversations ## everything CI checks (nlu-eval fails below 0.95 intent macro-F1 or entity F1)

lint: $(STAMP) ## ruff check and ruff format --check, settings in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-unit: $(ST_STAMP) ## pytest, without the tests that need a trained model (installs the extra: its tests run too)
	$(BIN)/pytest -m "not e2e and not browser"

test-browser: $(STAMP) ## the owner's dashboard in headless Chromium (apt-get install chromium); screenshots in results/browser/
	$(BIN)/pytest -m browser

validate: $(STAMP) ## rasa data validate, warnings are failures
	$(RASA) data validate --data $(DATA) --fail-on-warnings

test-stories: $(STAMP) ## rasa test on the test stories, any wrong prediction fails
	$(RASA) test core --stories tests/ --model $(MODEL) --out results/stories --fail-on-prediction-errors

test-e2e: $(STAMP) ## REST conversations through real Rasa and action servers
	$(BIN)/pytest -m e2e

test-prod: $(STAMP) ## the production profile for real: no REST, API only with the token, loopback only, private logs (in test-e2e)
	$(BIN)/pytest -m e2e tests/e2e/test_production_profile.py tests/e2e/test_private_logs.py

test-conversations: $(STAMP) ## simulated customers buy or cancel through the real servers (~4 min); fails below 0.97 per variety; ARGS="--limit 40 --verbose"
	$(BIN)/python -m tests.conversations --model $(MODEL) --out results/conversations.json $(ARGS)

nlu-vocab: $(STAMP) ## regenerate nlu_data/nlu/vocabulary.yml from shoplang/vocabulary.py
	$(BIN)/python -m shoplang.nlu_vocabulary > $(DATA)/nlu/vocabulary.yml

lock: ## re-resolve all requirements together and rewrite requirements.lock and requirements-st.lock
	scripts/lock.sh

clean: ## remove trained models and test results (keeps the venv and the store)
	rm -rf $(MODELS) results .pytest_cache

bench-store: $(STAMP) ## reservations/s with 1, 8, 32 customers on SQLite and PostgreSQL, oversold units (must be 0)
	$(BIN)/python -m benchmarks.store_bench --out results/bench-store.json

bench-dashboard: $(STAMP) ## each dashboard page's p50/p95 with 10,000 orders and 500 variants, beside the catalog alone; fails over 300 ms p95 (~12 min)
	$(BIN)/python -m benchmarks.dashboard_bench --out results/bench-dashboard.json $(ARGS)

bench-faults: $(STAMP) ## Rasa SIGKILLed and the action server stopped under load: messages lost or doubled (must be 0), beside a no-fault baseline (~8 min)
	$(BIN)/python -m benchmarks.fault_bench --out results/bench-faults.json $(ARGS)

nlu-eval: $(STAMP) ## train on ~80% of nlu_data, score the held-out rest per variety (~3 min); fails below 0.95 F1
	$(BIN)/python -m benchmarks.nlu_eval --out results/nlu-eval.json --plot results/nlu-eval/intent_confusion_matrix.png

bench-nlu: $(STAMP) ## MASSIVE fa-IR and en-US, full splits, with the e5+LogReg baseline (~1 h); ARGS="--train-limit 3000 ..." for quick runs
	$(BIN)/python -m benchmarks.massive_bench --baseline --out results/bench-nlu.json $(ARGS)

bench-nlu-ablation: $(STAMP) ## each pipeline choice taken out: own held-out split and a MASSIVE fa-IR subset (~1 h)
	$(BIN)/python -m benchmarks.nlu_ablation --out results/nlu-ablation.json $(ARGS)

bench-encoders: $(ST_STAMP) ## sentence encoder backends: install size, load time, RSS, one-message latency p50/p95 (1 thread), 1-NN intent accuracy
	$(BIN)/python -m benchmarks.encoder_bench --threads 1 --out results/bench-encoders.json $(ARGS)

bench: $(STAMP) ## simulated customers over signed Instagram webhooks at 1, 10, 50 at once beside a bare rasa init bot: msg/s, p50/p95/p99, orders, oversold, duplicates, RSS (~20 min); ARGS="--quick"
	$(BIN)/python -m benchmarks.load_bench --out results/bench-load.json $(ARGS)

bench-parse: $(STAMP) ## NLU parse time of the simulated customers' own messages, with the live-message vector cache off and on (after make test-conversations)
	$(BIN)/python -m benchmarks.parse_bench --out results/bench-parse.json $(ARGS)

bench-turns: $(STAMP) ## reply time of turn 5 against turns 10-50 of one long conversation (the issue: turn 50 <= 1.2 x turn 5), ~5 min
	$(BIN)/python -m benchmarks.turn_growth_bench --out results/bench-turns.json $(ARGS)
