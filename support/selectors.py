"""Reads of support requests, scoped to the user's partner (D-ROLE-4, D-ROLE-6), and the URL object scopes
of `request_id` and `attachment_id`."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import object_scope
from partnercenter.lookups import as_uuid, get_or_404

from .models import SupportAttachment, SupportRequest


def attachments_dir() -> Path:
    return Path(settings.ATTACHMENTS_DIR)


def support_requests_for_user(user) -> QuerySet[SupportRequest]:
    if not getattr(user, "partner_id", None):
        return SupportRequest.objects.none()
    return SupportRequest.objects.filter(partner_id=user.partner_id)


@object_scope("request_id")
def _request_visible(user, value) -> bool:
    pk = as_uuid(value)
    return pk is not None and support_requests_for_user(user).filter(pk=pk).exists()


@object_scope("attachment_id")
def _attachment_visible(user, value) -> bool:
    pk = as_uuid(value)
    return pk is not None and support_requests_for_user(user).filter(attachments__pk=pk).exists()


def support_requests_open(partner) -> QuerySet[SupportRequest]:
    """The partner's requests awaiting an answer, oldest first (the partner home)."""
    return SupportRequest.objects.filter(partner=partner, status=SupportRequest.Status.OPEN).order_by("created_at")


def support_request_get(user, request_id) -> SupportRequest:
    return get_or_404(support_requests_for_user(user), request_id)


def support_attachment_get(user, request_id, attachment_id) -> SupportAttachment:
    return get_or_404(support_request_get(user, request_id).attachments.all(), attachment_id)


def attachment_path(attachment: SupportAttachment) -> Path:
    """The stored file of an attachment, which must lie directly in ATTACHMENTS_DIR; else 404."""
    path = (attachments_dir() / attachment.stored_name).resolve()
    if path.parent != attachments_dir().resolve() or not path.is_file():
        raise Http404
    return path
