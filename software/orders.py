"""The order rules (D-ORD-1, D-CAT-3/4, D-BILL-2): what may be bought, in which market, at what price, and the
preview of an order that both the review page and `services.order_place` use, so the rules live here once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeGuard

from django.utils.translation import gettext as _

from partnercenter.formats import money_display
from partnercenter.money import LineAmounts, line_amounts

from .models import Offer, OfferPrice, ProductType, Term

MAX_QUANTITY = 1000
MAX_LINES = 50
ORDER = "lineItems"  # the error key of the order as a whole


@dataclass(frozen=True)
class LineRequest:
    offer_id: str
    quantity: object                 # a whole number from 1 to MAX_QUANTITY; anything else is a field error
    line_item_number: int | None = None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(start: dt.date, term: str | None) -> dt.date | None:
    ends: dict[str, dt.date] = {Term.P1Y: add_years(start, 1), Term.P3Y: add_years(start, 3)}
    return ends.get(term) if term else None


def offer_purchasable(offer: Offer, market) -> bool:
    """D-CAT-4: Azure reservations are not sold in the unavailable markets."""
    return offer.is_active and not (offer.product_type == ProductType.RESERVATION and not market.reservations_available)


def _whole(value: object, low: int, high: int | None = None) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value and (high is None or value <= high)


@dataclass(frozen=True)
class PreviewLine:
    index: int                      # position in the request
    number: int                     # line item number
    offer: Offer
    price: OfferPrice
    quantity: int
    amounts: LineAmounts

    def money(self, value: Decimal) -> str:
        """The amount as the reader reads it (partnercenter.formats)."""
        return money_display(value, self.price.market.currency)


@dataclass
class OrderPreview:
    """An order as it would be placed. `errors` maps `lineItems[i].<field>` (or `lineItems`) to messages;
    `unavailable` names offers not sold in the customer's market (API error 700001)."""

    currency: str
    lines: list[PreviewLine] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    unavailable: list[Offer] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.unavailable

    def total(self, part: str) -> Decimal:
        """The sum of the lines' `part`: subtotal, tax or total."""
        return sum((getattr(line.amounts, part) for line in self.lines), Decimal(0))

    def unavailable_message(self, country: str) -> str:
        return "; ".join(_("%(offer)s is not available in the customer's market (%(country)s).")
                         % {"offer": offer.name, "country": country} for offer in self.unavailable)


def order_preview(customer, lines: list[LineRequest]) -> OrderPreview:
    """Validate and price `lines` for `customer` (prices of its market, D-CAT-3; amounts by D-BILL-2)."""
    market = customer.market
    preview = OrderPreview(currency=market.currency)
    if not lines:
        preview.errors[ORDER] = [_("Add at least one product.")]
        return preview
    if len(lines) > MAX_LINES:
        preview.errors[ORDER] = [_("An order can have at most %(n)d lines.") % {"n": MAX_LINES}]
        return preview
    prices = {p.offer_id: p for p in OfferPrice.objects.select_related("offer", "market").filter(
        offer_id__in=[str(line.offer_id) for line in lines], offer__is_active=True, market=market)}
    numbers: set[int] = set()
    for index, line in enumerate(lines):
        prefix = f"{ORDER}[{index}]"
        number = index if line.line_item_number is None else line.line_item_number
        if not _whole(number, 0) or number in numbers:
            preview.errors[f"{prefix}.lineItemNumber"] = [
                _("Line item numbers must be distinct whole numbers from 0.")]
        else:
            numbers.add(number)
        quantity = line.quantity if _whole(line.quantity, 1, MAX_QUANTITY) else None
        if quantity is None:
            preview.errors[f"{prefix}.quantity"] = [_("Quantity must be a whole number from 1 to %(max)d.")
                                                    % {"max": MAX_QUANTITY}]
        price = prices.get(str(line.offer_id))
        if price is None:
            preview.errors[f"{prefix}.offerId"] = [_("Unknown offer: %(offer)s.") % {"offer": line.offer_id}]
            continue
        if not offer_purchasable(price.offer, market):
            preview.unavailable.append(price.offer)
            continue
        if quantity is None or f"{prefix}.lineItemNumber" in preview.errors:
            continue
        amounts = line_amounts(unit_price=price.unit_price, quantity=quantity, tax_rate=market.tax_rate,
                               tax_inclusive=market.tax_inclusive, currency=market.currency)
        preview.lines.append(PreviewLine(index=index, number=number, offer=price.offer, price=price,
                                         quantity=quantity, amounts=amounts))
    return preview
