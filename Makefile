# nianbao — the whole set-up is `make run` and `make test` on a fresh Debian machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/nianbao.db
ARCHIVE ?= data/archive
APT_PACKAGES := chromium libreoffice-writer-nogui tesseract-ocr tesseract-ocr-chi-sim poppler-utils fonts-noto-cjk redis-server

.PHONY: run test bench realcheck sysdeps install crawl nightly serve publish export reparse clean

## run: install what is missing, crawl the bundled demo portals, build $(DB), serve Datasette
run: install
	$(BIN)/nianbao run --db $(DB) --archive $(ARCHIVE)

## test: install what is missing, the linter (ruff, zero findings), then the whole test suite
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

## bench: throughput per medium, crawl speed, database latency (figures printed, no pass/fail)
bench: install
	$(BIN)/python -m nianbao.bench

## realcheck DIR=…: score the parser on the real-page corpus (tests/realpages/pages.jsonl) whose
## texts were fetched again into DIR as <id>.txt (third-party texts stay outside the repository)
realcheck: install
	@test -n "$(DIR)" || { echo "usage: make realcheck DIR=/path/to/page/texts"; exit 2; }
	$(BIN)/python -m nianbao.realcheck "$(DIR)" --show problems

install: sysdeps $(VENV)/.installed

# Debian packages the real parts need: Chromium (JS portals, UI test), LibreOffice (DOC/WPS),
# tesseract with Chinese (fallback OCR), poppler (rasterising), CJK fonts, and the libraries
# OpenCV (under PP-OCR) loads, Redis (the distributed crawl's frontier and queue). Installed only
# when missing.
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr"; \
	(tesseract --list-langs 2>/dev/null | grep -q chi_sim) || missing="$$missing tesseract-ocr-chi-sim"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	(fc-list 2>/dev/null | grep -qi "CJK") || missing="$$missing fonts-noto-cjk"; \
	(/sbin/ldconfig -p 2>/dev/null | grep -q "libGL.so.1") || missing="$$missing libgl1"; \
	(/sbin/ldconfig -p 2>/dev/null | grep -q "libglib-2.0.so.0") || missing="$$missing libglib2.0-0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing — run: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

crawl: install
	$(BIN)/nianbao crawl --db $(DB) --archive $(ARCHIVE)

nightly: install
	$(BIN)/nianbao nightly --db $(DB) --archive $(ARCHIVE)

serve: install
	$(BIN)/nianbao serve --db $(DB) --archive $(ARCHIVE)

publish: install
	$(BIN)/nianbao publish --db $(DB)

export: install
	$(BIN)/nianbao export --db $(DB)

reparse: install
	$(BIN)/nianbao reparse --db $(DB) --archive $(ARCHIVE)

clean:
	rm -rf $(VENV) data/archive data/*.db data/*.db-* data/exports
