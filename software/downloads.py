"""Product-key reveals, download links and counted downloads (D-SW-3..9, D-ROLE-1, D-M365).

A link is a bearer credential: 256 random bits, only the SHA-256 stored. A download counts with one
conditional UPDATE whose row count is trusted (STYLE.md #4), so the 51st is refused however many
requests arrive at once."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activitylog.models import Status
from activitylog.services import log_download, log_download_link, log_expire_links, log_software_key
from customers.models import Customer
from partnercenter.api import DomainError

from . import keys
from .models import DownloadLink, Entitlement, OrderLine, Variant

LINK_LIFETIME = dt.timedelta(days=14)   # D-SW-5
LINK_MAX_DOWNLOADS = 50                 # D-SW-5


class NoLongerAvailable(DomainError):
    http_status = 410
    code = "700002"


class UnknownLink(Exception):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def entitlement_is_usable(entitlement: Entitlement) -> bool:
    return (entitlement.status == Entitlement.Status.ACTIVE
            and entitlement.order_line.status == OrderLine.Status.ACTIVE)


def _order_id(entitlement: Entitlement) -> str:
    return str(entitlement.order_line.order_id)


def product_key_reveal(*, actor, entitlement: Entitlement, ip: str | None = None) -> str:
    """Every reveal is recorded; a reveal of a revoked key is recorded as failed and refused (410)."""
    usable = entitlement_is_usable(entitlement)
    with transaction.atomic():
        log_software_key(actor=actor, customer=entitlement.customer, order_id=_order_id(entitlement),
                         product=entitlement.offer.name, ip=ip, entitlement_id=entitlement.pk,
                         status=Status.SUCCEEDED if usable else Status.FAILED)
    if not usable:
        raise NoLongerAvailable(_("The product key is no longer available: the purchase was cancelled."))
    return keys.decrypt(entitlement.product_key_encrypted)


@dataclass(frozen=True)
class IssuedLink:
    link: DownloadLink
    token: str


def variant_for(entitlement: Entitlement, *, version: str, language: str, file_type: str) -> Variant:
    variant = (Variant.objects.select_related("file")
               .filter(offer_id=entitlement.offer_id, version=version, language=language, file_type=file_type).first())
    if variant is None:
        raise DomainError(_("This product has no download for version %(v)s, language %(l)s, file type %(f)s.")
                          % {"v": version or "—", "l": language or "—", "f": file_type or "—"}, field="variant")
    return variant


def download_link_issue(*, actor, entitlement: Entitlement, variant: Variant, ip: str | None = None) -> IssuedLink:
    """D-SW-6: each call starts a fresh two-week / 50-download allowance."""
    if not entitlement_is_usable(entitlement):
        with transaction.atomic():
            log_download_link(actor=actor, customer=entitlement.customer, order_id=_order_id(entitlement),
                              product=entitlement.offer.name, variant=str(variant), link_id=None, ip=ip,
                              status=Status.FAILED)
        raise NoLongerAvailable(_("Downloads are no longer available: the purchase was cancelled."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        link = DownloadLink.objects.create(entitlement=entitlement, variant=variant, token_hash=token_hash(token),
                                           created_by=actor, created_at=now, expires_at=now + LINK_LIFETIME,
                                           max_downloads=LINK_MAX_DOWNLOADS)
        log_download_link(actor=actor, customer=entitlement.customer, order_id=_order_id(entitlement),
                          product=entitlement.offer.name, variant=str(variant), link_id=link.pk, ip=ip)
    return IssuedLink(link=link, token=token)


def link_for_token(token: str) -> DownloadLink:
    # token_hash is unique: no ORDER BY (first() would sort by the model's ordering for nothing).
    link = next(iter(DownloadLink.objects
                     .select_related("entitlement__customer", "entitlement__offer", "entitlement__order_line",
                                     "variant__file")
                     .filter(token_hash=token_hash(token)).order_by()[:1]), None)
    if link is None:
        raise UnknownLink
    return link


def link_is_live(link: DownloadLink, now: dt.datetime) -> bool:
    return link.status == DownloadLink.Status.ACTIVE and link.expires_at > now


def download_start(*, token: str, counted: bool, ip: str | None = None,
                   link: DownloadLink | None = None) -> DownloadLink:
    """Authorise a transfer. `counted` (a GET from byte 0, D-SW-8) takes one of the link's downloads with a
    single conditional UPDATE; a HEAD or resumed range only needs a live link. Raises UnknownLink (404)
    or NoLongerAvailable (410). `link`: the link_for_token(token) the caller already loaded (saves a query;
    the conditional UPDATE decides, so a stale copy cannot over-count)."""
    if link is None or link.token_hash != token_hash(token):
        link = link_for_token(token)
    now = timezone.now()
    entitlement = link.entitlement
    if not counted:
        if link_is_live(link, now):
            return link
        raise NoLongerAvailable(_("This download link is no longer available."))
    with transaction.atomic():
        taken = DownloadLink.objects.filter(
            pk=link.pk, status=DownloadLink.Status.ACTIVE, expires_at__gt=now,
            downloads_used__lt=F("max_downloads"),
        ).update(downloads_used=F("downloads_used") + 1)
        if taken:
            log_download(customer=entitlement.customer, order_id=_order_id(entitlement),
                         product=entitlement.offer.name, file_name=link.variant.file.file_name, link_id=link.pk,
                         ip=ip)
            link.downloads_used += 1
            return link
    reason = ("revoked" if link.status == DownloadLink.Status.REVOKED
              else "expired" if link.expires_at <= now or link.status == DownloadLink.Status.EXPIRED
              else "used up")
    with transaction.atomic():
        log_download(customer=entitlement.customer, order_id=_order_id(entitlement), product=entitlement.offer.name,
                     file_name=link.variant.file.file_name, link_id=link.pk, ip=ip, status=Status.FAILED,
                     reason=reason)
    raise NoLongerAvailable(_("This download link is no longer available (%(reason)s).") % {"reason": reason})


def download_links_expire(*, now: dt.datetime | None = None) -> int:
    """D-SW-9: mark links past their two weeks or out of downloads, set-based, and record one
    `expire_download_link` per customer in the same transaction. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = DownloadLink.objects.filter(status=DownloadLink.Status.ACTIVE).filter(
            Q(expires_at__lte=now) | Q(downloads_used__gte=F("max_downloads")))
        count = expired.update(status=DownloadLink.Status.EXPIRED, closed_at=now)
        if not count:
            return 0
        groups = (DownloadLink.objects.filter(status=DownloadLink.Status.EXPIRED, closed_at=now)
                  .values("entitlement__customer").annotate(n=Count("id")))
        customers = Customer.objects.in_bulk([g["entitlement__customer"] for g in groups])
        log_expire_links(expired=[(customers[g["entitlement__customer"]], g["n"]) for g in groups], at=now)
    return count


def links_revoke_for_entitlements(*, entitlement_ids: list, now: dt.datetime) -> int:
    """Revoke every live link of these entitlements at once (D-CAN-7)."""
    return DownloadLink.objects.filter(entitlement_id__in=entitlement_ids).exclude(
        status=DownloadLink.Status.REVOKED).update(status=DownloadLink.Status.REVOKED, closed_at=now)


__all__ = ["LINK_LIFETIME", "LINK_MAX_DOWNLOADS", "NoLongerAvailable", "UnknownLink", "product_key_reveal",
           "download_link_issue", "download_start", "download_links_expire", "links_revoke_for_entitlements",
           "variant_for", "IssuedLink", "entitlement_is_usable"]


def download_link_send(*, actor, entitlement: Entitlement, variant: Variant, uri_for, ip: str | None = None) -> list:
    """Send to customer (issue 8): issue a fresh link and email it to the tenant's Global admins, each send
    recorded as `send_download_link`; the emails go out after commit. Returns the recipients."""
    from accounts.models import User
    from accounts.roles import Role
    from activitylog.services import log_send_download_link
    from notifications.services import email_queue

    recipients = list(User.objects.filter(tenant_membership__customer=entitlement.customer, is_active=True,
                                          role_assignments__role=Role.TENANT_GLOBAL_ADMIN).distinct())
    if not recipients:
        raise DomainError(_("This customer has no Global admin to send the link to."), code="700003",
                          http_status=409)
    with transaction.atomic():
        issued = download_link_issue(actor=actor, entitlement=entitlement, variant=variant, ip=ip)
        link = issued.link
        for user in recipients:
            email_queue(key=f"download-link:{link.pk}:{user.pk}", user=user, template="notifications/download_link",
                        context={"customer": entitlement.customer, "product": entitlement.offer.name,
                                 "variant": variant, "file": variant.file, "uri": uri_for(issued.token),
                                 "expires": link.expires_at, "max_downloads": link.max_downloads})
            log_send_download_link(actor=actor, customer=entitlement.customer, order_id=_order_id(entitlement),
                                   product=entitlement.offer.name, recipient=user.email, ip=ip)
    return recipients
