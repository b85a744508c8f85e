"""deploy/: the systemd units and the nginx site an admin copies are valid as they are.

Checked with the tools the server has (systemd-analyze, nginx -t); each case skips when its tool is
missing. The paths of a server (/opt/schnor, the certificate) do not exist here: the files are
checked in a copy where only those paths point at this machine.
"""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ["schnor-web.service", "schnor-worker.service", "schnor-beat.service", "schnor-backup.service", "schnor-backup.timer"]
SERVICES = ["schnor-web.service", "schnor-worker.service", "schnor-beat.service"]


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


@pytest.mark.parametrize("name", SERVICES)
def test_services_run_as_the_service_user_with_the_env_file(name):
    service = unit(name)["Service"]
    assert service["User"] == "schnor" and service["Group"] == "schnor"
    assert service["EnvironmentFile"] == "/etc/schnor.env"
    assert service["UMask"] == "0027"
    assert service["Restart"] in ("always", "on-failure")
    assert service["StateDirectory"] == "schnor"


def test_gunicorn_uses_the_projects_config_and_beat_keeps_its_schedule_in_the_state_directory():
    assert "-c schnor_portal/gunicorn_config.py schnor_portal.wsgi" in unit("schnor-web.service")["Service"]["ExecStart"]
    assert "--schedule=/var/lib/schnor/" in unit("schnor-beat.service")["Service"]["ExecStart"]
    # No reload: with preload_app a HUP keeps the old code (deploy/upgrade.sh restarts).
    assert "ExecReload" not in unit("schnor-web.service")["Service"]


def test_units_verify(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("нет systemd-analyze (пакет systemd): юниты не проверить")
    # The venv of a server is /opt/schnor/.venv; here the one running the tests.
    venv_bin = str(Path(sys.executable).parent)
    for name in UNITS:
        text = (DEPLOY / name).read_text().replace("/opt/schnor/.venv/bin", venv_bin)
        (tmp_path / name).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True, text=True, timeout=60,
    )
    # Lines about other units of this machine (it may not run systemd) are not ours.
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "schnor-" in line]
    assert not ours, "\n".join(ours)


def test_nginx_site_is_valid(tmp_path):
    nginx = shutil.which("nginx") or (Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        pytest.skip("нет nginx (пакет nginx): сайт не проверить")
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("нет openssl: не создать сертификат для проверки")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=shnor.example.ru",
         "-keyout", tmp_path / "privkey.pem", "-out", tmp_path / "fullchain.pem"],
        check=True, capture_output=True, timeout=60,
    )
    site = (DEPLOY / "nginx-schnor.conf").read_text()
    site = site.replace("/etc/ssl/schnor/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log {tmp_path}/access.log;\n"
        f"  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  fastcgi_temp_path {tmp_path}/fastcgi;\n  uwsgi_temp_path {tmp_path}/uwsgi;\n  scgi_temp_path {tmp_path}/scgi;\n"
        f"  include {tmp_path}/site.conf;\n}}\n"
    )
    done = subprocess.run(
        [str(nginx), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "client_max_body_size 25m;" in site
    assert "X-Forwarded-Proto $scheme" in site and "X-Forwarded-For $proxy_add_x_forwarded_for" in site


def test_upgrade_script_parses_and_restarts_all_three():
    script = (DEPLOY / "upgrade.sh").read_text()
    assert subprocess.run(["bash", "-n", str(DEPLOY / "upgrade.sh")], timeout=30).returncode == 0
    assert "SERVICES=(schnor-web schnor-worker schnor-beat)" in script
    assert 'systemctl restart "${SERVICES[@]}"' in script
    assert "systemctl reload" not in script and "HUP " not in script.replace("a HUP ", "")


def test_uploaded_and_generated_files_are_not_world_readable(settings, tmp_path):
    # Evidence and signed PDFs go through Django's storages: their modes come from these settings,
    # whatever the umask of the process that wrote them.
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    assert (settings.FILE_UPLOAD_PERMISSIONS, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS) == (0o640, 0o750)
    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("orders/1/order.pdf", ContentFile(b"%PDF-1.4\n"))
    assert Path(storage.path(name)).stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "media" / "orders" / "1").stat().st_mode & 0o777 == 0o750
