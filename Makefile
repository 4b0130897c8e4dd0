# The two commands: `make run` (set up and serve, on SQLite, with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
DEMO_RESPONSES ?= 200
export FLASK_APP := wsgi

.PHONY: run test lint format bench install install-dev clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Set up (venv, packages, migrations, demo forum and responses) and serve on http://127.0.0.1:5000.
run: install
	$(BIN)/flask db upgrade
	@if [ ! -f instance/.demo-seeded ]; then \
		$(BIN)/flask seed-demo --responses $(DEMO_RESPONSES) --seed 1 && touch instance/.demo-seeded; \
	else \
		echo "Demo data already added. For a new staff password: $(BIN)/flask users reset-password --email lead@demo.forum.invalid"; \
	fi
	@echo "Survey:        http://127.0.0.1:$(PORT)/s/demo/send-experience/"
	@echo "Staff sign-in: http://127.0.0.1:$(PORT)/staff/login"
	$(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers 2 wsgi:app

# The whole suite: unit, integration, PostgreSQL (a throw-away server) and browser (Chromium) tests.
test: install-dev lint
	$(BIN)/python -m pytest -p no:cacheprovider

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pylint forum_app

# After changing words families read: refresh every language's catalog, then compile them. A translator
# edits forum_app/translations/<code>/LC_MESSAGES/messages.po; the compiled .mo files are committed.
translations: install
	$(BIN)/pybabel extract --mapping-file babel.cfg --no-location --sort-output --project forum-evidence \
		--output-file forum_app/translations/messages.pot .
	$(BIN)/pybabel update --input-file forum_app/translations/messages.pot --output-dir forum_app/translations \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --directory forum_app/translations --use-fuzzy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	$(BIN)/python bench/coder_speed.py
	$(BIN)/python bench/workspace_page.py
	$(BIN)/python bench/queue_keyboard.py
	$(BIN)/python bench/redaction.py
	$(BIN)/python bench/moderation_heldout.py --quiet
	$(BIN)/python bench/duplicates.py
	$(BIN)/python bench/evaluate_coder.py
	$(BIN)/python bench/packs.py --sizes 1000,10000

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
