"""Twenty directors send their reports with files at the same moment: no error, nothing missing.

Each director posts from a thread with its own PostgreSQL connection, released together; every
report then stands submitted with its text and both files, and every stored file has the bytes
that were sent.
"""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from monitoring.models import ControlPoint, Evidence
from tests import factories as f
from tests.monitoring.conftest import pdf_bytes, png_bytes

from .conftest import run_together

DIRECTORS = 20


def pdf_of(n):
    # Unique bytes per school: a file served to the wrong report would not match.
    return pdf_bytes() + f"% школа {n}\n".encode()


def png_of(n):
    return png_bytes() + bytes([n])  # trailing bytes after IEND are still a PNG


def submit(user, cp, n):
    def request():
        client = Client()
        client.force_login(user)
        response = client.post(
            reverse("monitoring:control_point_report", args=[cp.pk]),
            {
                "version": cp.version,
                "report_text": f"Проведено совещание, школа {n}",
                "action": "submit",
                "files": [
                    SimpleUploadedFile(f"протокол {n}.pdf", pdf_of(n), "application/pdf"),
                    SimpleUploadedFile(f"фото {n}.png", png_of(n), "image/png"),
                ],
            },
        )
        return response.status_code

    return request


def test_twenty_reports_with_files_at_once(postgres):
    muni = f.MunicipalityFactory()
    activity = f.ActivityFactory(section=f.PlanSectionFactory(plan=f.PlanFactory(municipality=muni)))
    cases = []
    for n in range(DIRECTORS):
        school = f.SchoolFactory(municipality=muni)
        cp = f.ControlPointFactory(activity=activity, school=school)
        user = f.UserFactory(username=f"director{n}", role=Role.DIRECTOR, municipality=muni, school=school)
        cases.append((user, cp, n))

    results = run_together(*(submit(user, cp, n) for user, cp, n in cases))

    assert results == [("ok", 302)] * DIRECTORS
    for user, cp, n in cases:
        point = ControlPoint.objects.get(pk=cp.pk)
        assert point.status == ControlPoint.Status.SUBMITTED and point.report_text == f"Проведено совещание, школа {n}"
        files = {e.original_name: e for e in Evidence.objects.filter(control_point=cp)}
        assert set(files) == {f"протокол {n}.pdf", f"фото {n}.png"}
        for name, expected in ((f"протокол {n}.pdf", pdf_of(n)), (f"фото {n}.png", png_of(n))):
            with files[name].file.open("rb") as stored:
                assert hashlib.sha256(stored.read()).hexdigest() == hashlib.sha256(expected).hexdigest()
    assert Evidence.objects.count() == 2 * DIRECTORS
    # Twenty stored names, twice over, all different: no upload overwrote another.
    assert len(set(Evidence.objects.values_list("file", flat=True))) == 2 * DIRECTORS
