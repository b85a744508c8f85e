"""Where uploaded evidence lives: a private storage with names the server makes up.

The files sit under PRIVATE_MEDIA_ROOT (by default MEDIA_ROOT/private), which no URL serves; a
file is sent only by a view that checks who asks. A stored name is a random UUID with the
extension of the type found in the content: the user's file name never becomes a path
(OWASP ASVS 5.3.2), it is kept in a column and used only for the download header.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    @cached_property
    def base_location(self):
        # Read at first use, not at import: the tests point MEDIA_ROOT at a temporary directory.
        return self._value_or_setting(
            self._location, getattr(settings, "PRIVATE_MEDIA_ROOT", "") or Path(settings.MEDIA_ROOT) / "private"
        )

    @cached_property
    def base_url(self):
        return None  # url() raises: these files have no public address

    def url(self, name):
        raise ValueError("Подтверждающие документы не имеют публичного адреса: они выдаются только через портал.")


_storage = PrivateStorage()


def private_storage():
    """The storage of evidence and visit files (a callable keeps migrations free of paths)."""
    return _storage


def stored_name(prefix: str, extension: str) -> str:
    """«evidence/2026/11/3f2c…9a.pdf»: a month folder and a random name, nothing from the user."""
    today = timezone.now()
    return f"{prefix}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{extension}"


def evidence_upload_to(instance, filename):
    return stored_name("evidence", Path(filename).suffix.lstrip(".").lower() or "bin")


def visit_upload_to(instance, filename):
    return stored_name("visits", Path(filename).suffix.lstrip(".").lower() or "bin")
