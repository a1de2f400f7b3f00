# Two commands do all the set-up (README): `make book` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install book check-book badges test notebooks records clean

install: $(STAMP)

# torch first: the pinned CPU build; a plain `torch` requirement would pull a multi-GB CUDA build.
$(STAMP): requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements.txt -e .
	touch $(STAMP)

# Executes every notebook at the `cpu` preset and builds the HTML book into _build/html. The pages run
# JOBS at a time (default: one per core) into Jupyter Book's execution cache (tools/execute_book.py), which
# the build then reads. One thread each, as make records: chapter 08's staged runs change with the thread
# count, and the book shows their records.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BOOK_ENV := OMP_NUM_THREADS=1 GEOMEM_PROGRESS=0
BUILD_BOOK := $(VENV)/bin/jupyter-book build --config .book-cached.yml --all -W -n --keep-going .
book: $(STAMP)
	$(BOOK_ENV) GEOMEM_SCALE=cpu $(PY) tools/execute_book.py --jobs $(JOBS)
	$(BOOK_ENV) GEOMEM_SCALE=cpu $(BUILD_BOOK)

# The book as a reader meets it: built at the ci preset, then every page opened offline in headless
# Chromium (Debian's chromium, installed when absent); fails on a JavaScript error, raw \( or $$ left in the
# text, a broken image, a table wider than the page, or anything loaded from another host. One screenshot
# per page goes to _build/screenshots/. About as long as the ci notebook tests plus a minute. One thread
# per process: beside other work on the same cores, torch's waiting threads slowed a chapter several-fold.
check-book: $(STAMP)
	command -v chromium >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }
	rm -rf _build/html _build/screenshots
	$(BOOK_ENV) GEOMEM_SCALE=ci $(PY) tools/execute_book.py --jobs $(JOBS)
	$(BOOK_ENV) GEOMEM_SCALE=ci $(BUILD_BOOK)
	$(PY) tools/check_book.py _build/html --screenshots _build/screenshots
	$(VENV)/bin/pytest -q tests/test_book_offline.py

# Rewrite every chapter's Colab badge and install line from _config.yml's repository setting.
badges: $(STAMP)
	$(PY) -m geomem_nb.repository --write
	$(VENV)/bin/jupytext --to ipynb --update notebooks/*.py

# Unit tests, then every notebook at the `ci` preset twice, as a reader outside this checkout runs it
# (tools/colab_like.sh: the wheel in a fresh venv, each notebook alone in an empty folder): with the
# records the installed package carries, then from scratch (GEOMEM_RESULTS=none). The first pass runs
# what `pytest --nbmake notebooks` runs here, the same notebooks on the same records; only where the
# package is imported from differs (tests/test_records_location.py covers both). Two workers of one
# thread each: the small models here use two cores better as two processes than as two threads of one.
test: $(STAMP)
	OMP_NUM_THREADS=1 $(VENV)/bin/pytest -q -n 2 tests
	dir=$$(mktemp -d) && export COLAB_LIKE_DIR=$$dir && bash tools/colab_like.sh shipped \
		&& bash tools/colab_like.sh scratch; status=$$?; rm -rf "$$dir"; exit $$status

# Every results/cpu record, regenerated from a clean commit (hours on two cores; see the script for
# running one group alone). The book loads the multi-seed sweeps it writes.
records: $(STAMP)
	PY=$(PY) bash results/make_records.sh

# Refresh the .ipynb twins from the reviewed .py sources.
notebooks: $(STAMP)
	$(VENV)/bin/jupytext --to ipynb --update notebooks/*.py

clean:
	rm -rf _build outputs
