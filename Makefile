# Concise RNNs: `make book` sets up everything and builds the HTML book; `make test` runs every test.
PYTHON ?= python3
export OMP_NUM_THREADS ?= 1
# Prints how long a stage took, so CI logs show where the time goes: $(call timed,NAME,COMMAND)
timed = start=$$(date +%s); $(2) && echo "[timing] $(1): $$(( $$(date +%s) - start )) s"

.PHONY: setup book test lint unit nbval build-check browser bench clean

setup:  ## install Python packages, Chromium for browser tests, and the vendored JavaScript
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	@(command -v chromium >/dev/null && fc-list | grep -qi "noto.*cjk") \
	  || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	  || echo "warning: could not install chromium and fonts-noto-cjk (root and apt needed); browser tests will fail"
	$(PYTHON) tools/vendor_js.py

book: setup  ## set up, then build the HTML book into _build/html
	jupyter-book build . -W -n --keep-going

test: lint unit nbval build-check browser  ## every test: lint, unit, notebooks, book build, browser

lint:
	ruff check .

unit:
	@$(call timed,unit tests,$(PYTHON) -m pytest -q -p no:cacheprovider tests --ignore=tests/browser)

nbval:
	@$(call timed,nbval,$(PYTHON) -m pytest -q -p no:cacheprovider --nbval chapters/ \
	  --nbval-sanitize-with tools/nbval-sanitize.cfg -n 2 --dist loadfile)

build-check:
	@$(call timed,book build,jupyter-book build . -W -n --keep-going)

browser:
	@$(call timed,browser tests,$(PYTHON) -m pytest -q -p no:cacheprovider tests/browser)

bench:
	$(PYTHON) benchmarks/bench_train.py

clean:
	jupyter-book clean . --all
