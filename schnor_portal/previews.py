"""The signed preview an import's confirmation carries: what the coordinator saw, and nothing else.

Plans, orders and results are imported upload → preview → confirm; the preview page carries what
was read as a signed payload (django.core.signing, with the import's own salt and lifetime), so
the confirmation saves exactly what was shown and a browser cannot alter it.
"""

from django.core import signing

EXPIRED = "Предпросмотр устарел (он действует час): загрузите файл ещё раз."
TAMPERED = "Данные предпросмотра повреждены или изменены: загрузите файл ещё раз."
FOREIGN = "Предпросмотр сделан другим пользователем или для другого муниципалитета: загрузите файл ещё раз."


class PreviewRefused(Exception):
    """A confirmation that must not be saved; `message` is shown to the user, `status` answered."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def preview_load(payload: str, *, user, municipality, salt: str, max_age: int) -> dict:
    """The payload of a preview made by this user for this municipality, or PreviewRefused."""
    try:
        data = signing.loads(payload or "", salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise PreviewRefused(EXPIRED, 400) from None
    except signing.BadSignature:
        raise PreviewRefused(TAMPERED, 400) from None
    if data.get("user") != user.pk or data.get("municipality") != municipality.pk:
        raise PreviewRefused(FOREIGN, 403)
    return data
