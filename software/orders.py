"""Placing orders (D-ORD-1): prices by market (D-CAT-3), amounts by D-BILL-2, entitlements with their
product keys, the charge on the month's invoice and the `create_order` record, in one transaction."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activitylog.services import log_create_order
from billing.services import LineSnapshot, charge_post
from notifications.services import email_queue
from partnercenter.api import DomainError
from partnercenter.money import line_amounts, to_str

from . import keys
from .models import DOWNLOADABLE_TYPES, Entitlement, Offer, OfferPrice, Order, OrderLine, ProductType, Term

MAX_QUANTITY = 1000
MAX_LINES = 50


@dataclass(frozen=True)
class LineRequest:
    offer_id: str
    quantity: int
    line_item_number: int | None = None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(start: dt.date, term: str | None) -> dt.date | None:
    return {Term.P1Y: add_years(start, 1), Term.P3Y: add_years(start, 3)}.get(term) if term else None


def offer_purchasable(offer: Offer, market) -> bool:
    """D-CAT-4: Azure reservations are not sold in the unavailable markets."""
    return offer.is_active and not (offer.product_type == ProductType.RESERVATION and not market.reservations_available)


def _validate(customer, lines: list[LineRequest]) -> list[tuple[int, Offer, OfferPrice, int]]:
    if not lines:
        raise ValidationError({"lineItems": [_("Add at least one product.")]})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lineItems": [_("An order can have at most %(n)d lines.") % {"n": MAX_LINES}]})
    errors: dict[str, list[str]] = {}
    offers = {o.id: o for o in Offer.objects.filter(id__in=[str(line.offer_id) for line in lines])}
    prices = {p.offer_id: p for p in OfferPrice.objects.filter(offer_id__in=offers, market=customer.market)}
    numbers: set[int] = set()
    result = []
    for index, line in enumerate(lines):
        prefix = f"lineItems[{index}]"
        number = index if line.line_item_number is None else line.line_item_number
        if not isinstance(number, int) or isinstance(number, bool) or number < 0 or number in numbers:
            errors[f"{prefix}.lineItemNumber"] = [_("Line item numbers must be distinct whole numbers from 0.")]
        numbers.add(number)
        quantity = line.quantity
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
            errors[f"{prefix}.quantity"] = [_("Quantity must be a whole number from 1 to %(max)d.")
                                            % {"max": MAX_QUANTITY}]
        offer = offers.get(str(line.offer_id))
        if offer is None or not offer.is_active or offer.id not in prices:
            errors[f"{prefix}.offerId"] = [_("Unknown offer: %(offer)s.") % {"offer": line.offer_id}]
            continue
        result.append((number, offer, prices[offer.id], quantity))
    if errors:
        raise ValidationError(errors)
    for _number, offer, _price, _quantity in result:
        if not offer_purchasable(offer, customer.market):
            raise DomainError(
                _("%(offer)s is not available in the customer's market (%(country)s).")
                % {"offer": offer.name, "country": customer.market_id},
                code="700001", field="offerId")
    return result


def order_place(*, actor, customer, lines: list[LineRequest], ip: str | None = None) -> Order:
    validated = _validate(customer, lines)
    market = customer.market
    now = timezone.now()
    today = now.date()
    with transaction.atomic():
        order = Order.objects.create(alternate_id=secrets.token_hex(6), partner_id=customer.partner_id,
                                     customer=customer, created_by=actor, creation_date=now,
                                     currency=market.currency)
        for number, offer, price, quantity in sorted(validated, key=lambda item: item[0]):
            amounts = line_amounts(unit_price=price.unit_price, quantity=quantity, tax_rate=market.tax_rate,
                                   tax_inclusive=market.tax_inclusive, currency=market.currency)
            end = term_end(today, offer.term_duration)
            line = OrderLine.objects.create(
                order=order, line_item_number=number, offer=offer, friendly_name=offer.name,
                product_type=offer.product_type, term_duration=offer.term_duration,
                cancellation_window_days=offer.cancellation_window_days, quantity=quantity,
                unit_price=amounts.unit_price, subtotal=amounts.subtotal, tax_total=amounts.tax, total=amounts.total,
                term_start=today, term_end=end)
            if offer.product_type in DOWNLOADABLE_TYPES:
                Entitlement.objects.create(order_line=line, customer=customer, offer=offer, quantity=quantity,
                                           product_key_encrypted=keys.encrypt(keys.product_key_generate()),
                                           created_at=now)
            charge_post(partner_id=customer.partner_id, at=now, subtotal=amounts.subtotal, tax=amounts.tax,
                        total=amounts.total, snapshot=LineSnapshot(
                            order_id=order.id, line_item_number=number, customer_id=customer.tenant_id,
                            customer_name=customer.company_name, customer_domain=customer.domain,
                            customer_country=customer.market_id, offer_id=offer.id, product_name=offer.name,
                            quantity=quantity, unit_price=amounts.unit_price, currency=market.currency,
                            charge_start=today, charge_end=end or today))
        total = sum((line.total for line in order.lines.all()), start=0)
        log_create_order(actor=actor, customer=customer, order_id=order.id, ip=ip,
                         products=", ".join(o.name for _n, o, _p, _q in validated),
                         total=f"{total} {market.currency}")
        order_confirmation_queue(order, actor)
    return order


def order_confirmation_queue(order: Order, actor) -> None:
    """Email the acting user an order confirmation, once per order, sent after commit (issue 8)."""
    lines = list(order.lines.order_by("line_item_number"))
    for line in lines:
        line.total_str = to_str(line.total, order.currency)
    windows = {line.cancellation_window_days for line in lines if line.cancellation_window_days is not None}
    email_queue(key=f"order-confirmation:{order.pk}:{actor.pk}", user=actor,
                template="notifications/order_confirmation",
                context={"order": order, "lines": lines,
                         "total": to_str(sum((line.total for line in lines), start=0), order.currency),
                         "window_days": max(windows) if windows else None})
