# The quickstart: `make demo` and `make test` on a fresh machine (Python 3.11+).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MO     := core/locales/fr/LC_MESSAGES/messages.mo core/locales/en/LC_MESSAGES/messages.mo

.PHONY: demo test lint audit lock install locales model bench clean

demo: $(STAMP) locales model
	$(BIN)/senscommun demo

test: $(STAMP) locales model
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The pinned versions against known vulnerabilities (runtime and development locks): fails
# for a vulnerability found, says so plainly (and passes) when the service cannot be reached.
audit: $(STAMP)
	$(BIN)/python -m tools.audit requirements.lock requirements-dev.lock

install: $(STAMP)

# The venv is made when missing and refreshed when the dependencies change; versions come
# from requirements.lock (runtime) and requirements-dev.lock (tests, linters, training, audit)
# so that every machine gets the same ones.
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -c requirements-dev.lock -e '.[dev]'
	touch $(STAMP)

# After a change of pyproject.toml's dependencies: both locks written anew from this venv
# (the runtime lock is what `pip install .` alone resolves to).
lock: $(STAMP)
	$(BIN)/python -m tools.lock

locales: $(MO)

core/locales/%/LC_MESSAGES/messages.mo: core/locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -d core/locales -D messages -l $*

# The trained NLP model ships in the repository; it is trained here only when missing.
model: $(STAMP)
	@test -f nlp/model/meta.json || $(BIN)/senscommun nlp train

bench: $(STAMP) locales model
	$(BIN)/python -m benchmarks.webhook_load

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
