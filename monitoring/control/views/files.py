"""Evidence and visit files go out only here, after the access check, never by a public URL."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from monitoring.control.evidence import content_disposition
from schools.access import get_evidence_for_user, get_visit_file_for_user


def _send(field_file, original_name, content_type):
    if not field_file:
        raise Http404("Файла нет.")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("Файл не найден в хранилище.")
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(original_name)
    # The browser must not run or render anything it gets here in the portal's origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def evidence_download(request, pk):
    evidence = get_evidence_for_user(request.user, pk)
    return _send(evidence.file, evidence.original_name, evidence.content_type)


@login_required
def visit_file_download(request, pk):
    row = get_visit_file_for_user(request.user, pk)
    return _send(row.file, row.original_name, row.content_type)
