"""Evidence uploads: what a file is (by its content, not its name), a safe name to show, and storing it.

The type comes from the bytes (the `filetype` library) and must be on the allowlist; .docx/.xlsx
and .odt/.ods are zip archives, so their members decide (OOXML: `[Content_Types].xml` with
`word/` or `xl/`; ODF: the `mimetype` member). Old .doc/.xls are OLE2 containers that `filetype`
recognises. The user's extension must agree with the content: a program renamed to .pdf, or a
web page saved as .pdf, is refused with a message next to the field (OWASP ASVS 5.2.2). The
stored name is a random UUID (storage.py); the user's name is only shown and sent back in
Content-Disposition, cleaned (5.4.1–2). Antivirus scanning is not done here: the municipal
networks are often offline, so signatures could not be kept current.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File

from monitoring.models import ControlPoint, Evidence, MonitoringVisit, VisitFile


@dataclass(frozen=True)
class AllowedType:
    extension: str
    label: str
    content_type: str


ALLOWED_TYPES = {
    t.extension: t
    for t in (
        AllowedType("pdf", "PDF", "application/pdf"),
        AllowedType("doc", "документ Word 97–2003 (.doc)", "application/msword"),
        AllowedType("docx", "документ Word (.docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        AllowedType("xls", "таблица Excel 97–2003 (.xls)", "application/vnd.ms-excel"),
        AllowedType("xlsx", "таблица Excel (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        AllowedType("odt", "документ OpenDocument (.odt)", "application/vnd.oasis.opendocument.text"),
        AllowedType("ods", "таблица OpenDocument (.ods)", "application/vnd.oasis.opendocument.spreadsheet"),
        AllowedType("jpg", "изображение JPEG", "image/jpeg"),
        AllowedType("png", "изображение PNG", "image/png"),
    )
}
EXTENSION_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}
ALLOWED_LABEL = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods), JPEG, PNG"
ACCEPT_ATTRIBUTE = ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png"

EXECUTABLES = {"exe", "elf", "dmg", "deb", "rpm", "msi", "swf", "crx", "dex", "class", "wasm", "sh"}
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 8192
# A document is a few hundred members at most; more, or more than this unpacked, is a zip bomb.
MAX_ZIP_MEMBERS = 2000
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
MAX_NAME_LENGTH = 255
MAX_LINKS = 20


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: what it is, by content, and the name to show for it."""

    upload: object
    original_name: str
    type: AllowedType
    size: int


def safe_filename(name: str, fallback: str = "файл") -> str:
    """The last part of a name without control or direction-changing characters, at most 255 long.

    «../../x.pdf» → «x.pdf»; «C:\\Users\\a\\отчёт.docx» → «отчёт.docx»; a 300-character name
    keeps its extension and loses the end of its stem.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    # Category C: control (Cc), format such as U+202E right-to-left override (Cf), unassigned…
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if not name:
        return fallback
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH].rstrip(" .")
    return name


def content_disposition(name: str) -> str:
    """attachment; an ASCII fallback for old clients and the exact name as RFC 6266 filename*."""
    name = safe_filename(name)
    path = PurePosixPath(name)
    suffix = path.suffix if path.suffix.isascii() and path.suffix[1:].isalnum() else ""
    stem = name[: -len(suffix)] if suffix else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = "".join(ch for ch in ascii_stem if ch.isalnum() or ch in "._-() ").strip(" .")
    ascii_name = (ascii_stem or "file") + suffix
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} МБ"


def _user_extension(name: str) -> str:
    extension = PurePosixPath(name).suffix.lstrip(".").lower()
    return EXTENSION_ALIASES.get(extension, extension)


def _zip_document(fileobj, name) -> str:
    """docx / xlsx / odt / ods by the archive's members, or a refusal."""
    not_document = ValidationError(
        f"Файл «{name}» — архив ZIP, а не документ Word, Excel или OpenDocument. Разрешены: {ALLOWED_LABEL}.",
        code="type",
    )
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    f"Файл «{name}» устроен слишком сложно для документа (слишком много частей): загрузить его нельзя.",
                    code="zip",
                )
            names = {m.filename for m in members}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ValidationError(
                    f"Файл «{name}» содержит макросы: загружать такие документы нельзя. Сохраните его без макросов.",
                    code="macros",
                )
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
                raise not_document
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    found = ODF_MIMETYPES.get(archive.read(info).strip())
                    if found:
                        return found
            raise not_document
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise ValidationError(
            f"Файл «{name}» повреждён или защищён паролем: откройте и сохраните его заново.", code="broken"
        )


def _detect(head: bytes, fileobj, name: str) -> str:
    if head.startswith(ZIP_MAGIC):
        fileobj.seek(0)
        return _zip_document(fileobj, name)
    kind = filetype.guess(head)
    found = kind.extension if kind else None
    if found in ("pdf", "jpg", "png", "doc", "xls"):
        return found
    if found in EXECUTABLES or head.startswith((b"MZ", b"\x7fELF", b"#!")):
        raise ValidationError(
            f"Файл «{name}» — программа, а не документ: загружать исполняемые файлы нельзя.", code="executable"
        )
    if head.startswith(OLE2_MAGIC):
        raise ValidationError(
            f"Файл «{name}» — документ Office старого формата, но не Word и не Excel. Разрешены: {ALLOWED_LABEL}.",
            code="type",
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml")):
        raise ValidationError(
            f"Файл «{name}» — веб-страница или разметка (HTML, SVG, XML), а не документ. Разрешены: {ALLOWED_LABEL}.",
            code="html",
        )
    described = f" (по содержимому: {kind.mime})" if kind else ""
    raise ValidationError(
        f"Файл «{name}» не является документом разрешённого вида{described}. Разрешены: {ALLOWED_LABEL}.",
        code="type",
    )


def evidence_file_check(upload) -> CheckedFile:
    """Check one uploaded file (Django's UploadedFile) by size and content; raise ValidationError in Russian."""
    name = safe_filename(getattr(upload, "name", ""))
    size = upload.size
    limit = settings.EVIDENCE_MAX_BYTES
    if not size:
        raise ValidationError(f"Файл «{name}» пустой.", code="empty")
    if size > limit:
        raise ValidationError(
            f"Файл «{name}» больше {_size_label(limit)} ({_size_label(size)}): уменьшите его или разделите на части.",
            code="size",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    try:
        found = _detect(head, upload, name)
    finally:
        upload.seek(0)
    allowed = ALLOWED_TYPES[found]
    claimed = _user_extension(name)
    if not claimed:
        name = safe_filename(f"{name}.{found}")
    elif claimed != found:
        raise ValidationError(
            f"Файл «{name}» назван как .{claimed}, а по содержимому это {allowed.label}. "
            f"Сохраните его с правильным расширением (.{found}) и загрузите снова.",
            code="mismatch",
        )
    return CheckedFile(upload=upload, original_name=name, type=allowed, size=size)


def clean_links(text: str) -> list[str]:
    """One http(s) link per line; anything else (javascript:, file:, plain words) is refused."""
    links = []
    for line in (text or "").splitlines():
        link = line.strip()
        if not link:
            continue
        parts = urlsplit(link)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(link) > 1000:
            raise ValidationError(
                f"«{link[:80]}» — не ссылка на сайт: укажите адрес, начинающийся с http:// или https://.", code="link"
            )
        if link not in links:
            links.append(link)
    if len(links) > MAX_LINKS:
        raise ValidationError(f"Не больше {MAX_LINKS} ссылок за раз.", code="links")
    return links


def _save_file(field_file, checked: CheckedFile):
    checked.upload.seek(0)
    # The storage name is made from the detected extension only (storage.evidence_upload_to).
    field_file.save(f"upload.{checked.type.extension}", File(checked.upload), save=False)


def evidence_add(*, control_point: ControlPoint, user, files=(), links=()) -> list[Evidence]:
    """Store checked files and links as the point's evidence. Call inside the caller's transaction."""
    created = []
    try:
        for checked in files:
            evidence = Evidence(
                control_point=control_point,
                original_name=checked.original_name,
                content_type=checked.type.content_type,
                size=checked.size,
                uploaded_by=user,
            )
            _save_file(evidence.file, checked)
            evidence._history_user = user
            evidence.save()
            created.append(evidence)
        for link in links:
            evidence = Evidence(control_point=control_point, link=link, uploaded_by=user)
            evidence._history_user = user
            evidence.save()
            created.append(evidence)
    except Exception:
        _remove_files(created)
        raise
    return created


def visit_files_add(*, visit: MonitoringVisit, user, files=()) -> list[VisitFile]:
    created = []
    try:
        for checked in files:
            row = VisitFile(
                visit=visit,
                original_name=checked.original_name,
                content_type=checked.type.content_type,
                size=checked.size,
                uploaded_by=user,
            )
            _save_file(row.file, checked)
            row._history_user = user
            row.save()
            created.append(row)
    except Exception:
        _remove_files(created)
        raise
    return created


def _remove_files(rows):
    for row in rows:
        if row.file:
            row.file.storage.delete(row.file.name)
