# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

INSTANCE := $(or $(CLC_INSTANCE_PATH),instance)

.PHONY: run test test-pg install system-deps demo-db secret-key translations catalogs bench clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium drives the browser tests (Playwright cannot download browsers here); the
# Noto fonts cover the scripts of statement PDFs (Latin, Greek, Cyrillic, CJK, Thai, Devanagari,
# Arabic, Hebrew: clc_ledger/statements/fonts.py).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium and Noto fonts..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-core fonts-dejavu-core >/dev/null; \
	  else echo "chromium missing and cannot be installed: browser tests will be skipped"; fi; \
	fi

demo-db: install translations
	$(BIN)/clc-ledger init-db
	$(BIN)/clc-ledger demo

# `serve` refuses the public development key: a checkout gets its own, generated once.
secret-key: install
	@mkdir -p $(INSTANCE)
	@grep -qs '^SECRET_KEY' $(INSTANCE)/config.py || { \
	  $(BIN)/python -c 'import secrets; print(f"SECRET_KEY = \"{secrets.token_hex(32)}\"  # generated once by make run")' \
	    >> $(INSTANCE)/config.py && echo "Wrote a generated SECRET_KEY into $(INSTANCE)/config.py"; }

run: demo-db secret-key
	@echo "Serving CLC Ledger on http://$(HOST):$(PORT)  (Ctrl-C stops it)"
	$(BIN)/clc-ledger serve --host $(HOST) --port $(PORT)

test: install translations system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test-pg: install translations system-deps
	CLC_TEST_DATABASE_URL=$${CLC_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info

# Benchmarks (issue 6): small sizes by default, `make bench ARGS=--full` for the issue's.
# PostgreSQL at CLC_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/clc_bench) if reachable.
bench: install translations
	$(BIN)/python -m bench.run $(ARGS)

# Compiled catalogs (*.mo) are build output, not committed: setup.py compiles them into every
# wheel, sdist and editable install; this recompiles them after a .po file changed.
translations: install
	@for po in $$(find clc_ledger/translations -name '*.po' 2>/dev/null); do \
	  $(BIN)/pybabel compile --statistics -i $$po -o $${po%.po}.mo >/dev/null 2>&1 || exit 1; done

# Re-extract the two gettext domains after changing texts; then translate the new entries.
catalogs: install
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k _m -k _mn:1,2 -k lazy_m \
	  -o clc_ledger/translations/mail.pot .
	$(BIN)/pybabel update -D mail -i clc_ledger/translations/mail.pot -d clc_ledger/translations --no-fuzzy-matching
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k _ -k gettext -k ngettext:1,2 -k lazy_gettext -k _l -k N_ \
	  -o clc_ledger/translations/messages.pot .
	$(BIN)/pybabel update -D messages -i clc_ledger/translations/messages.pot -d clc_ledger/translations --no-fuzzy-matching
