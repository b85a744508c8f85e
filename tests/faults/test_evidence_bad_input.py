"""Evidence uploads that lie about themselves, and downloads tried by everyone for everyone's files.

Uploads go through the director's report form, as in use: a refused file leaves no row, no file
on disk and no new version; an accepted one with a hostile name is stored under a name the server
made, inside the private root, and sent back with a cleaned name. Then every evidence and visit
file of two municipalities is requested by every role: each opens (with its own bytes) exactly for
those who see its control point or school, and is 404 for everyone else.
"""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.control.storage import private_storage
from monitoring.models import ControlPoint, Evidence, MonitoringVisit, VisitFile
from tests import factories as f
from tests.monitoring.conftest import docm_bytes, docx_bytes, exe_bytes, html_bytes, pdf_bytes


def zip_bomb_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (310 * 1024 * 1024))
    return buffer.getvalue()


REFUSED = {
    "exe-as-pdf": ("отчёт.pdf", exe_bytes, "программа, а не документ"),
    "elf-as-docx": ("справка.docx", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "программа, а не документ"),
    "script-as-pdf": ("run.pdf", lambda: b"#!/bin/sh\nrm -rf /\n", "программа, а не документ"),
    "html-as-pdf": ("протокол.pdf", html_bytes, "веб-страница или разметка"),
    "svg-as-png": ("фото.png", lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "веб-страница или разметка"),
    "pdf-as-docx": ("справка.docx", pdf_bytes, "назван как .docx, а по содержимому это PDF"),
    "macros-as-docx": ("справка.docx", docm_bytes, "содержит макросы"),
    "zip-bomb-as-docx": ("справка.docx", zip_bomb_docx, "устроен слишком сложно"),
    "empty": ("пусто.pdf", lambda: b"", "пустой"),
    "over-the-limit": ("большой.pdf", lambda: pdf_bytes() + b" " * 5000, "больше"),
}
STORED_AS = {
    "path-parts": ("../../../etc/cron.d/отчёт.pdf", "отчёт.pdf"),
    "windows-path": ("C:\\Users\\Директор\\..\\Desktop\\протокол.pdf", "протокол.pdf"),
    "control-characters": ("отчёт\x00\x1b[31m\u202egnp.exe\u202c.pdf", "отчёт[31mgnp.exe.pdf"),
    "300-characters": ("я" * 296 + ".pdf", "я" * 251 + ".pdf"),
    "only-dots": ("....pdf", "pdf.pdf"),
}


def stored_files():
    root = Path(private_storage().path(""))
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def report(client, cp, name, data):
    return client.post(
        reverse("monitoring:control_point_report", args=[cp.pk]),
        {"version": cp.version, "report_text": "Проведено совещание", "action": "save",
         "files": [SimpleUploadedFile(name, data, content_type="application/pdf")]},
    )


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_lying_file_is_refused_and_nothing_is_kept(cast, client, case, monkeypatch):
    name, build, message = REFUSED[case]
    if case == "over-the-limit":
        monkeypatch.setattr(settings, "EVIDENCE_MAX_BYTES", 4096)
    client.force_login(cast.director_a)
    before = stored_files()
    response = report(client, cast.cp_a, name, build())
    assert response.status_code == 200 and message in response.content.decode(), case
    assert not Evidence.objects.exists() and stored_files() == before
    assert ControlPoint.objects.get(pk=cast.cp_a.pk).version == cast.cp_a.version


@pytest.mark.parametrize("case", sorted(STORED_AS))
def test_a_hostile_name_is_stored_safely_and_sent_back_clean(cast, client, case):
    given, shown = STORED_AS[case]
    client.force_login(cast.director_a)
    assert report(client, cast.cp_a, given, pdf_bytes()).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == shown
    path = Path(evidence.file.path).resolve()
    assert path.is_relative_to(Path(private_storage().path("")).resolve())
    assert len(path.stem) == 32 and path.suffix == ".pdf"  # the server's name, not the user's
    response = client.get(reverse("monitoring:evidence_download", args=[evidence.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and all(ch.isprintable() for ch in disposition)
    assert "/" not in disposition.split("filename=")[1].split(";")[0] and "\\" not in disposition
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


# --- every file, every role ----------------------------------------------------------------------

ROLES = ["coordinator", "chair", "curator", "director_a", "director_b", "coordinator_other", "region_viewer", "no_role",
         "superuser"]
# Who sees each control point's evidence, written out from the access rules (schools/access.py):
# the municipality's coordinator, chair and the region's viewer see all of it; a curator and a
# director only their schools' (now); a municipal point is nobody's school.
SEES_EVIDENCE = {
    "cp_a": {"coordinator", "chair", "curator", "director_a", "region_viewer", "superuser"},
    "cp_b": {"coordinator", "chair", "director_b", "region_viewer", "superuser"},
    "cp_muni": {"coordinator", "chair", "region_viewer", "superuser"},
    "cp_other": {"coordinator_other", "superuser"},
}
SEES_VISIT = {
    "school_a": {"coordinator", "chair", "curator", "director_a", "region_viewer", "superuser"},
    "school_b": {"coordinator", "chair", "director_b", "region_viewer", "superuser"},
    "school_other": {"coordinator_other", "superuser"},
}


@pytest.fixture
def files_everywhere(cast):
    """One evidence file per control point and one visit file per school, each with its own bytes."""
    cast.superuser = f.UserFactory(username="admin", role="", municipality=None, is_superuser=True, is_staff=True)
    urls = []
    for attr in SEES_EVIDENCE:
        data = pdf_bytes() + f"% {attr}\n".encode()
        evidence = Evidence(control_point=getattr(cast, attr), original_name=f"{attr}.pdf",
                            content_type="application/pdf", size=len(data))
        evidence.file.save("upload.pdf", ContentFile(data), save=True)
        urls.append((reverse("monitoring:evidence_download", args=[evidence.pk]), SEES_EVIDENCE[attr], data))
    for attr in SEES_VISIT:
        data = docx_bytes(f"Справка о визите: {attr}")
        visit = MonitoringVisit.objects.create(school=getattr(cast, attr), date=cast.plan.period_start, purpose="Визит")
        row = VisitFile(visit=visit, original_name=f"{attr}.docx", content_type="application/msword", size=len(data))
        row.file.save("upload.docx", ContentFile(data), save=True)
        urls.append((reverse("monitoring:visit_file_download", args=[row.pk]), SEES_VISIT[attr], data))
    return urls


def test_every_file_is_served_only_to_who_sees_it(cast, client, files_everywhere):
    wrong = []
    for role in ROLES:
        client.force_login(getattr(cast, role))
        for url, seen_by, data in files_everywhere:
            response = client.get(url)
            if role in seen_by:
                body = b"".join(response.streaming_content) if response.status_code == 200 else b""
                if response.status_code != 200 or hashlib.sha256(body).digest() != hashlib.sha256(data).digest():
                    wrong.append((role, url, response.status_code, "должен получить свой файл"))
            elif response.status_code != 404:
                wrong.append((role, url, response.status_code, "должен получить 404"))
    assert not wrong


def test_nobody_gets_a_file_without_logging_in(cast, client, files_everywhere):
    for url, _, _ in files_everywhere:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# Who reports on each point, so may take a wrong file off it (schools/access.py, can_report_control_point).
REPORTERS = {"cp_a": {"coordinator", "director_a"}, "cp_b": {"coordinator", "director_b"}, "cp_muni": {"coordinator"},
             "cp_other": {"coordinator_other"}}


def test_no_file_is_removed_by_someone_who_may_not(cast, client, files_everywhere):
    for attr, reporters in REPORTERS.items():
        evidence = Evidence.objects.get(control_point=getattr(cast, attr))
        url = reverse("monitoring:evidence_delete", args=[evidence.pk])
        for role in sorted(set(ROLES) - reporters - {"superuser"}):
            client.force_login(getattr(cast, role))
            response = client.post(url, {"version": evidence.control_point.version})
            assert response.status_code in (403, 404), (role, attr, response.status_code)
    assert Evidence.objects.count() == 4
    assert all(Path(e.file.path).exists() for e in Evidence.objects.all())
