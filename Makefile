# Layan: `make run` to try it, `make test` to check it. Both work from a fresh clone.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PO := $(wildcard layan/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint typecheck messages translations clean

run: $(VENV)/.run-installed $(MO)
	$(BIN)/layan run

test: $(VENV)/.dev-installed $(MO)
	scripts/system-packages test
	scripts/test

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

$(VENV)/bin/python:
	@python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)

$(VENV)/.run-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.run-installed

messages: $(MO)

# Compiled translations are build output (not in git): made from the .po files on setup.
%.mo: %.po
	@command -v msgfmt >/dev/null || scripts/system-packages run
	msgfmt --check-format -o $@ $<

# After changing user-facing text: refresh the catalogues, then translate the new entries.
translations: $(VENV)/.run-installed
	cd layan && ../$(BIN)/layan makemessages --no-obsolete --no-location -l id -l zh_Hans -i 'testing/*'

clean:
	rm -rf $(VENV) var
