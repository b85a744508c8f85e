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

test: check
	$(PY) -m pytest

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache
