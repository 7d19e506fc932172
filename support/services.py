"""Support requests, "Report a problem with Partner Center" (D-SUP, D-ROLE-6).

A request and its attachments are written in one transaction with the `create_support_request` record.
Attachments are stored outside the web root, under settings.ATTACHMENTS_DIR, by a random name; the
original name is kept only as data. Validation of uploads (size, count, extension, magic bytes) lives here
so that every entry point shares it."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activitylog.services import log_create_support_request

from .models import SupportAttachment, SupportRequest
from .selectors import attachments_dir

MAX_FILES = 5
MAX_FILE_SIZE = 5 * 1024 * 1024  # bytes

# extension -> (content type served back, magic-byte prefixes; None means "plain text")
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "zip": ("application/zip", (b"PK\x03\x04", b"PK\x05\x06")),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
    "log": ("text/plain", None),
}
NUMBER_PREFIX = "SR"
NUMBER_DIGITS = 10


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is fine
        return exc.start >= len(head) - 3
    return True


def attachment_check(upload) -> str:
    """Validate one uploaded file; return the content type it will be served with.

    Raises ValidationError naming the file when its size, extension or content is not allowed."""
    name = Path(upload.name or "").name
    extension = _extension(name)
    if extension not in ALLOWED_TYPES:
        raise ValidationError(_("%(name)s: this type of file is not allowed. Allowed: %(types)s.")
                              % {"name": name, "types": ", ".join(sorted(ALLOWED_TYPES))}, code="file_type")
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError(_("%(name)s is larger than %(max)d MB.")
                              % {"name": name, "max": MAX_FILE_SIZE // (1024 * 1024)}, code="file_size")
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="file_empty")
    content_type, magic = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    ok = any(head.startswith(prefix) for prefix in magic) if magic else _looks_like_text(head)
    if not ok:
        raise ValidationError(_("%(name)s does not contain what its name says (.%(ext)s).")
                              % {"name": name, "ext": extension}, code="file_content")
    return content_type


def attachments_check(uploads: list) -> None:
    if len(uploads) > MAX_FILES:
        raise ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES}, code="file_count")
    errors = []
    for upload in uploads:
        try:
            attachment_check(upload)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class SupportDetails:
    problem_type: str
    impact: str
    title: str
    description: str
    contact_name: str
    contact_email: str
    contact_phone: str
    customer_reference: str = ""
    order_reference: str = ""
    refund_reason: str = ""
    amount_requested: str = ""


def _number() -> str:
    return NUMBER_PREFIX + str(secrets.randbelow(10**NUMBER_DIGITS)).zfill(NUMBER_DIGITS)


def _store(upload) -> tuple[str, int, str]:
    """Write the upload under a random name; return (stored name, size, sha256)."""
    directory = attachments_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = uuid.uuid4().hex
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    with open(directory / stored_name, "xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return stored_name, size, digest.hexdigest()


def support_request_create(*, actor, details: SupportDetails, files: list | None = None, customer=None,
                           ip: str | None = None, at: dt.datetime | None = None) -> SupportRequest:
    """File a support request for the actor's partner, with its attachments and activity record.
    `at`: when it is filed (now; the demo's history passes a past time)."""
    files = list(files or [])
    attachments_check(files)
    written: list[Path] = []
    try:
        with transaction.atomic():
            request = None
            for _attempt in range(5):
                try:
                    with transaction.atomic():
                        request = SupportRequest.objects.create(
                            number=_number(), partner_id=actor.partner_id, created_by=actor,
                            created_at=at or timezone.now(), **details.__dict__)
                    break
                except IntegrityError:  # the random number was taken: draw again
                    continue
            if request is None:
                raise RuntimeError("could not allocate a support request number")
            for upload in files:
                content_type = attachment_check(upload)
                stored_name, size, sha256 = _store(upload)
                written.append(attachments_dir() / stored_name)
                SupportAttachment.objects.create(
                    request=request, original_name=Path(upload.name).name[:200], stored_name=stored_name,
                    content_type=content_type, size=size, sha256=sha256)
            log_create_support_request(actor=actor, partner_id=actor.partner_id, number=request.number,
                                       title=request.title, customer=customer, ip=ip, at=at)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return request
