# The two commands: `make run` (the whole backend, embedded defaults) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)

.PHONY: run test venv bench catalogs clean-venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --upgrade pip wheel setuptools
	@$(VENV)/bin/pip install -q -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $@

run: venv
	@scripts/run.sh

test: venv
	@scripts/test.sh

bench: venv
	@scripts/bench.sh

# after changing a text: extract the template and merge it into every language's catalog
catalogs: venv
	@$(VENV)/bin/pybabel -q extract -F babel.cfg --no-default-keywords -k N_ -k tr:2 \
	    -k tr_n:2,3 --no-location --sort-output --omit-header -o i18n/messages.pot .
	@$(VENV)/bin/pybabel -q update -i i18n/messages.pot -d i18n/locales -w 100 \
	    --no-fuzzy-matching --ignore-obsolete

clean-venv:
	rm -rf $(VENV)
