# The two commands a new machine needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
LOCAL := DEBUG=1

.PHONY: install run test migrate demo check clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Нужен Python 3.11 или новее: $(PYTHON) — " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

# A server: requirements.txt only, no test tools (README «Промышленная эксплуатация», deploy/upgrade.sh).
.PHONY: install-prod
$(VENV)/.installed-prod: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Нужен Python 3.11 или новее: $(PYTHON) — " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

install-prod: $(VENV)/.installed-prod

migrate: install
	$(LOCAL) $(PY) manage.py migrate --noinput

demo: migrate
	$(LOCAL) $(PY) manage.py load_demo

run: demo
	$(LOCAL) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Портал: http://127.0.0.1:$(PORT)/  (остановить: Ctrl+C)"
	$(LOCAL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

check: install
	DJANGO_SETTINGS_MODULE=schnor_portal.settings_test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=schnor_portal.settings_test $(PY) manage.py check
	$(VENV)/bin/lint-imports --no-cache

test: check
	$(PY) -m pytest

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache

# Load test on PostgreSQL (bench/README.md): its own database, seeded once, gunicorn and locust.
.PHONY: bench
$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-bench.txt
	@touch $@

bench: install $(VENV)/.bench-installed
	$(PY) bench/run.py

# Back up and restore (README «Эксплуатация»): the database of DATABASE_URL and the files, with checksums.
.PHONY: backup restore
BACKUP_DIR ?= backups
backup: install-prod
	$(PY) manage.py backup --output $(BACKUP_DIR)

restore: install-prod
	@test -n "$(BACKUP)" || { echo "Укажите копию: make restore BACKUP=backups/<время>"; exit 2; }
	$(PY) manage.py restore $(BACKUP) $(if $(FORCE),--force)
