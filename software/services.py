"""Every write of software's rows: orders and their lines, entitlements and product keys, download links and
counted downloads, and the steps of a cancellation that touch them (cancellations calls these). Each write is
one transaction with its activity record; emails are queued in it and sent after commit."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activitylog.models import Status
from activitylog.services import (
    log_create_order,
    log_download_link,
    log_expire_links,
    log_record,
    log_send_download_link,
    log_software_key,
)
from billing.services import LineSnapshot, charge_post
from notifications.services import email_queue
from partnercenter.errors import Code, DomainError

from . import keys
from .downloads import (
    LINK_LIFETIME,
    LINK_MAX_DOWNLOADS,
    CustomerRef,
    NoLongerAvailable,
    Transfer,
    UnknownLink,
    entitlement_is_usable,
    link_facts,
    link_for_token,
    link_is_live,
    take,
    token_hash,
    variant_file,
)
from .models import DOWNLOADABLE_TYPES, DownloadLink, Entitlement, Order, OrderLine, Variant
from .orders import LineRequest, order_preview, term_end
from .selectors import tenant_global_admins

# --- orders (D-ORD-1) ---------------------------------------------------------------------------------


def order_place(*, actor, customer, lines: list[LineRequest], ip: str | None = None,
                at: dt.datetime | None = None) -> Order:
    """Place an order: its lines at the market's prices, an entitlement with a product key for each
    downloadable line, the charge on the month's invoice, the `create_order` record and the confirmation email,
    in one transaction. Raises ValidationError (fields) or DomainError 700001 (not sold in the market).
    `at`: when it is placed (now; the demo's history passes past times instead of moving the clock)."""
    preview = order_preview(customer, lines)
    if preview.errors:
        raise ValidationError(preview.errors)
    if preview.unavailable:
        raise DomainError(preview.unavailable_message(customer.market_id), code=Code.OFFER_UNAVAILABLE_IN_MARKET,
                          field="offerId")
    market = customer.market
    now = at or timezone.now()
    today = now.date()
    with transaction.atomic():
        order = Order.objects.create(alternate_id=secrets.token_hex(6), partner_id=customer.partner_id,
                                     customer=customer, created_by=actor, creation_date=now,
                                     currency=market.currency)
        for item in sorted(preview.lines, key=lambda item: item.number):
            offer, amounts = item.offer, item.amounts
            end = term_end(today, offer.term_duration)
            line = OrderLine.objects.create(
                order=order, line_item_number=item.number, offer=offer, friendly_name=offer.name,
                product_type=offer.product_type, term_duration=offer.term_duration,
                cancellation_window_days=offer.cancellation_window_days, quantity=item.quantity,
                unit_price=amounts.unit_price, subtotal=amounts.subtotal, tax_total=amounts.tax, total=amounts.total,
                term_start=today, term_end=end)
            if offer.product_type in DOWNLOADABLE_TYPES:
                Entitlement.objects.create(order_line=line, customer=customer, offer=offer, quantity=item.quantity,
                                           product_key_encrypted=keys.encrypt(keys.product_key_generate()),
                                           created_at=now)
            charge_post(partner_id=customer.partner_id, at=now, subtotal=amounts.subtotal, tax=amounts.tax,
                        total=amounts.total, snapshot=LineSnapshot(
                            order_id=order.id, line_item_number=item.number, customer_id=customer.tenant_id,
                            customer_name=customer.company_name, customer_domain=customer.domain,
                            customer_country=customer.market_id, offer_id=offer.id, product_name=offer.name,
                            quantity=item.quantity, unit_price=amounts.unit_price, currency=market.currency,
                            charge_start=today, charge_end=end or today))
        log_create_order(actor=actor, customer=customer, order_id=order.id, ip=ip, at=at,
                         products=", ".join(item.offer.name for item in preview.lines),
                         total=f"{preview.total('total')} {market.currency}")
        _order_confirmation_queue(order, actor)
    return order


def _order_confirmation_queue(order: Order, actor) -> None:
    """Email the acting user an order confirmation, once per order, sent after commit (issue 8)."""
    lines = list(order.lines.order_by("line_item_number"))
    windows = {line.cancellation_window_days for line in lines if line.cancellation_window_days is not None}
    email_queue(key=f"order-confirmation:{order.pk}:{actor.pk}", user=actor,
                template="notifications/order_confirmation",
                context={"order": order, "lines": lines,
                         "total": sum((line.total for line in lines), start=Decimal(0)),
                         "window_days": max(windows) if windows else None})


# --- product keys and download links (D-SW-3..9) -------------------------------------------------------

def _order_id(entitlement: Entitlement) -> str:
    return str(entitlement.order_line.order_id)


def product_key_reveal(*, actor, entitlement: Entitlement, ip: str | None = None,
                       at: dt.datetime | None = None) -> str:
    """Every reveal is recorded; a reveal of a revoked key is recorded as failed and refused (410)."""
    usable = entitlement_is_usable(entitlement)
    with transaction.atomic():
        log_software_key(actor=actor, customer=entitlement.customer, order_id=_order_id(entitlement),
                         product=entitlement.offer.name, ip=ip, entitlement_id=entitlement.pk, at=at,
                         status=Status.SUCCEEDED if usable else Status.FAILED)
    if not usable:
        raise NoLongerAvailable(_("The product key is no longer available: the purchase was cancelled."))
    return keys.decrypt(entitlement.product_key_encrypted)


@dataclass(frozen=True)
class IssuedLink:
    link: DownloadLink
    token: str


def download_link_issue(*, actor, entitlement: Entitlement, variant: Variant, ip: str | None = None,
                        at: dt.datetime | None = None) -> IssuedLink:
    """D-SW-6: each call starts a fresh two-week / 50-download allowance. The token is returned once; only its
    hash is stored."""
    if not entitlement_is_usable(entitlement):
        with transaction.atomic():
            log_download_link(actor=actor, customer=entitlement.customer, order_id=_order_id(entitlement),
                              product=entitlement.offer.name, variant=str(variant), link_id=None, ip=ip,
                              status=Status.FAILED, at=at)
        raise NoLongerAvailable(_("Downloads are no longer available: the purchase was cancelled."))
    token = secrets.token_urlsafe(32)
    now = at or timezone.now()
    with transaction.atomic():
        link = DownloadLink.objects.create(entitlement=entitlement, variant=variant, token_hash=token_hash(token),
                                           created_by=actor, created_at=now, expires_at=now + LINK_LIFETIME,
                                           max_downloads=LINK_MAX_DOWNLOADS)
        log_download_link(actor=actor, customer=entitlement.customer, order_id=_order_id(entitlement),
                          product=entitlement.offer.name, variant=str(variant), link_id=link.pk, ip=ip, at=at)
    return IssuedLink(link=link, token=token)


def download_link_email_context(*, entitlement: Entitlement, variant: Variant, uri: str, link: DownloadLink | None
                                = None) -> dict:
    """What the Send to customer email says (the email itself and the preview shown before sending)."""
    return {"customer": entitlement.customer, "partner": entitlement.customer.partner.name,
            "product": entitlement.offer.name, "variant": variant, "file": variant.file, "uri": uri,
            "expires": link.expires_at if link else timezone.now() + LINK_LIFETIME,
            "max_downloads": link.max_downloads if link else LINK_MAX_DOWNLOADS}


def download_link_send(*, actor, entitlement: Entitlement, variant: Variant, uri_for, recipient_ids: list[int],
                       ip: str | None = None) -> list:
    """Send to customer (issue 8): issue a fresh link and email it to the chosen Global admins of the tenant
    (at least one; no one else), each send recorded as `send_download_link`; the emails go out after commit.
    Returns the recipients."""
    admins = list(tenant_global_admins(entitlement.customer))
    if not admins:
        raise DomainError(_("This customer has no Global admin to send the link to."),
                          code=Code.NO_GLOBAL_ADMIN_TO_SEND_TO, http_status=409)
    recipients = [user for user in admins if user.pk in set(recipient_ids)]
    if not recipients or len(recipients) != len(set(recipient_ids)):
        raise DomainError(_("Choose at least one of the customer's Global admins."), field="recipients")
    with transaction.atomic():
        issued = download_link_issue(actor=actor, entitlement=entitlement, variant=variant, ip=ip)
        link = issued.link
        for user in recipients:
            email_queue(key=f"download-link:{link.pk}:{user.pk}", user=user, template="notifications/download_link",
                        context=download_link_email_context(entitlement=entitlement, variant=variant,
                                                            uri=uri_for(issued.token), link=link))
            log_send_download_link(actor=actor, customer=entitlement.customer, order_id=_order_id(entitlement),
                                   product=entitlement.offer.name, recipient=user.email, ip=ip)
    return recipients


def download_start(*, token: str, counted: bool, ip: str | None = None,
                   link: DownloadLink | None = None, at: dt.datetime | None = None) -> Transfer:
    """Authorise a transfer. `counted` (a GET from byte 0, D-SW-8) takes one of the link's downloads and
    writes its record together (downloads.take); a HEAD or resumed range only needs a live link. Raises
    UnknownLink (404) or NoLongerAvailable (410), a refused counted download being recorded as failed with its
    reason. `link`: the link_for_token(token) the caller already loaded, if it did (saves a query for a transfer
    that is not counted). `at`: when the request arrives (now; the demo's history passes past times)."""
    hashed = token_hash(token)
    if link is None or link.token_hash != hashed:
        link = None
    now = at or timezone.now()
    if not counted:
        link = link or link_for_token(token)
        if link_is_live(link, now):
            return Transfer(link.pk, variant_file(link.variant_id))
        raise NoLongerAvailable(_("This download link is no longer available."))
    transfer = take(hashed, now, ip, at=at)
    if transfer is not None:
        return transfer
    facts = link_facts(hashed)
    if facts is None:
        raise UnknownLink
    reason = facts.refusal(now) or "used up"  # live when read: another request took the last download(s)
    with transaction.atomic():
        log_record(facts.record(ip, status=Status.FAILED, reason=reason, at=at))
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
        # The customers come with their counts (one query; no model instances for ~10,000 customers).
        groups = (DownloadLink.objects.filter(status=DownloadLink.Status.EXPIRED, closed_at=now).order_by()
                  .values_list("entitlement__customer__tenant_id", "entitlement__customer__partner_id",
                               "entitlement__customer__company_name")
                  .annotate(n=Count("id")))
        log_expire_links(expired=[(CustomerRef(tenant_id, partner_id, name), n)
                                  for tenant_id, partner_id, name, n in groups], at=now)
    return count


# --- the steps of a cancellation (D-CAN), called by cancellations.services in its transactions -----------

def order_lines_cancel_begin(*, lines: list[OrderLine]) -> int:
    """Mark active lines as being cancelled; returns how many moved (fewer: one was already on its way)."""
    return OrderLine.objects.filter(pk__in=[line.pk for line in lines], status=OrderLine.Status.ACTIVE) \
        .update(status=OrderLine.Status.CANCEL_PENDING)


def purchases_revoke(*, lines: list[OrderLine], now: dt.datetime) -> None:
    """D-CAN-7: revoke the product keys (entitlements) of these lines and every link of theirs at once."""
    entitlement_ids = list(Entitlement.objects.filter(order_line__in=lines).values_list("pk", flat=True))
    Entitlement.objects.filter(pk__in=entitlement_ids, status=Entitlement.Status.ACTIVE).update(
        status=Entitlement.Status.REVOKED, revoked_at=now)
    DownloadLink.objects.filter(entitlement_id__in=entitlement_ids).exclude(
        status=DownloadLink.Status.REVOKED).update(status=DownloadLink.Status.REVOKED, closed_at=now)


def order_lines_cancel(*, order: Order, lines: list[OrderLine], now: dt.datetime) -> None:
    """Mark the lines cancelled (once), and the order too when none of its lines is left."""
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).exclude(status=OrderLine.Status.CANCELLED) \
        .update(status=OrderLine.Status.CANCELLED, cancelled_at=now)
    if not OrderLine.objects.filter(order=order).exclude(status=OrderLine.Status.CANCELLED).exists():
        Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
