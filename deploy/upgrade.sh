#!/usr/bin/env bash
# Обновление портала ШНОР на сервере (README «Промышленная эксплуатация», «Обновление»).
#
#   sudo /opt/schnor/deploy/upgrade.sh            # после того как в /opt/schnor новая версия кода
#
# Installs requirements.txt, copies the database first (manage.py backup), migrates, collects
# static files, then restarts gunicorn, the worker and beat: all three, fully. Not a HUP: gunicorn
# runs with preload_app (schnor_portal/gunicorn_config.py), so its master holds the old code and
# a HUP only forks new workers from it; Celery has no reload at all. Every step stops the script
# on failure, before the services are touched, so a failed upgrade leaves the old version running
# against the database it knows (except after a migration: then restore the copy made first).
set -euo pipefail

APP_DIR="${APP_DIR:-/opt/schnor}"
ENV_FILE="${ENV_FILE:-/etc/schnor.env}"
SERVICE_USER="${SERVICE_USER:-schnor}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/schnor}"
SERVICES=(schnor-web schnor-worker schnor-beat)

if [ "$(id -u)" -ne 0 ]; then
    echo "Запустите от root: sudo $0" >&2
    exit 2
fi
cd "$APP_DIR"

# Every command below as the service user, with the settings the services have.
as_service() {
    runuser -u "$SERVICE_USER" -- env -i PATH=/usr/bin:/bin HOME=/var/lib/schnor LANG=C.UTF-8 \
        DJANGO_SETTINGS_MODULE=schnor_portal.settings \
        bash -c 'set -a; . "$0"; set +a; exec "$@"' "$ENV_FILE" "$@"
}

echo "1/6 Зависимости (requirements.txt, без инструментов разработки)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt

echo "2/6 Проверка настроек (manage.py check --deploy)"
as_service .venv/bin/python manage.py check --deploy --fail-level ERROR

echo "3/6 Резервная копия перед миграциями: $BACKUP_DIR"
install -d -o "$SERVICE_USER" -g "$SERVICE_USER" -m 0700 "$BACKUP_DIR"
as_service .venv/bin/python manage.py backup --output "$BACKUP_DIR"

echo "4/6 Миграции базы данных"
as_service .venv/bin/python manage.py migrate --noinput

echo "5/6 Статические файлы"
as_service .venv/bin/python manage.py collectstatic --noinput --verbosity 0

echo "6/6 Перезапуск: ${SERVICES[*]}"
# beat last in the list but stopped with the others: it must not queue tasks for a worker that
# still runs the old code after the new one's migrations.
systemctl restart "${SERVICES[@]}"

# /health/ answers once gunicorn is up; beat's first heartbeat comes within a minute.
for _ in $(seq 1 30); do
    if systemctl is-active --quiet "${SERVICES[@]}"; then
        break
    fi
    sleep 1
done
systemctl --no-pager --lines=0 status "${SERVICES[@]}" || true
echo "Готово. Проверьте через минуту: curl -s https://<адрес портала>/health/"
