"""Partner pages for buying (D-ORD-1 "Add products": catalog → review → submit → confirmation) and the
customer's Order history tab (D-ORD-2) with each order's detail.

The cart lives in the form itself: quantities are posted to the review step and carried as hidden fields to
the submit step, so nothing is kept in the session and a refused submit saves nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import Perm, requires
from customers.selectors import customer_get
from partnercenter.api import DomainError
from partnercenter.http import client_ip
from partnercenter.money import LineAmounts, line_amounts, to_str

from .models import Offer, OfferPrice, Order, ProductType
from .orders import MAX_LINES, MAX_QUANTITY, LineRequest, offer_purchasable, order_place

PAGE_SIZE = 25
QTY_PREFIX = "qty_"
_DIGITS = re.compile(r"^\d+$")


@dataclass
class CatalogRow:
    offer: Offer
    price: OfferPrice
    unit_price: str
    quantity: str = ""
    error: str = ""


@dataclass
class CartLine:
    offer: Offer
    quantity: int
    amounts: LineAmounts
    currency: str

    def money(self, value: Decimal) -> str:
        return to_str(value, self.currency)

    @property
    def unit_price(self) -> str:
        return self.money(self.amounts.unit_price)

    @property
    def subtotal(self) -> str:
        return self.money(self.amounts.subtotal)

    @property
    def tax(self) -> str:
        return self.money(self.amounts.tax)

    @property
    def total(self) -> str:
        return self.money(self.amounts.total)


def _catalog(customer, q: str = "", product_type: str = ""):
    """The offers on sale in the customer's market that can be bought there (D-CAT-3/4)."""
    prices = (OfferPrice.objects.filter(market=customer.market, offer__is_active=True).select_related("offer")
              .order_by("offer__sort_order", "offer__name", "offer_id"))
    if q:
        prices = prices.filter(Q(offer__name__icontains=q) | Q(offer__id__icontains=q))
    if product_type in ProductType.values:
        prices = prices.filter(offer__product_type=product_type)
    return [p for p in prices if offer_purchasable(p.offer, customer.market)]


def _posted_quantities(post) -> dict[str, str]:
    return {key[len(QTY_PREFIX):]: value.strip() for key, value in post.items()
            if key.startswith(QTY_PREFIX) and value.strip() not in ("", "0")}


def _cart(customer, quantities: dict[str, str]) -> tuple[list[CartLine], dict[str, str], list[str]]:
    """Parse posted quantities into priced lines. Returns (lines, per-offer errors, page errors)."""
    market = customer.market
    errors: dict[str, str] = {}
    page_errors: list[str] = []
    prices = {p.offer_id: p for p in OfferPrice.objects.filter(market=market, offer_id__in=list(quantities),
                                                               offer__is_active=True).select_related("offer")}
    lines: list[CartLine] = []
    for offer_id, raw in quantities.items():
        price = prices.get(offer_id)
        if price is None:
            page_errors.append(_("Unknown offer: %(offer)s.") % {"offer": offer_id})
            continue
        if not _DIGITS.match(raw) or not 1 <= int(raw) <= MAX_QUANTITY:
            errors[offer_id] = _("Quantity must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}
            continue
        if not offer_purchasable(price.offer, market):
            page_errors.append(_("%(offer)s is not available in the customer's market (%(country)s).")
                               % {"offer": price.offer.name, "country": customer.market_id})
            continue
        quantity = int(raw)
        amounts = line_amounts(unit_price=price.unit_price, quantity=quantity, tax_rate=market.tax_rate,
                               tax_inclusive=market.tax_inclusive, currency=market.currency)
        lines.append(CartLine(offer=price.offer, quantity=quantity, amounts=amounts, currency=market.currency))
    if not lines and not errors and not page_errors:
        page_errors.append(_("Enter a quantity for at least one product."))
    if len(lines) > MAX_LINES:
        page_errors.append(_("An order can have at most %(n)d lines.") % {"n": MAX_LINES})
    return lines, errors, page_errors


def _render_catalog(request, customer, *, quantities=None, errors=None, page_errors=None, status=200):
    # The search is posted with the quantities (one form); a link or bookmark carries it in the query.
    q = request.POST.get("q", request.GET.get("q", "")).strip()[:100]
    product_type = request.POST.get("type", request.GET.get("type", ""))
    quantities = quantities or {}
    errors = errors or {}
    rows = [CatalogRow(offer=p.offer, price=p, unit_price=to_str(p.unit_price, customer.market.currency),
                       quantity=quantities.get(p.offer_id, ""), error=errors.get(p.offer_id, ""))
            for p in _catalog(customer, q, product_type)]
    # Quantities for offers hidden by the search are kept so that nothing typed is lost.
    shown = {row.offer.id for row in rows}
    hidden = {offer_id: value for offer_id, value in quantities.items() if offer_id not in shown}
    return render(request, "software/add_products/catalog.html", {
        "customer": customer, "rows": rows, "q": q, "product_type": product_type,
        "product_types": ProductType.choices, "hidden_quantities": hidden, "page_errors": page_errors or [],
        "has_errors": bool(errors or page_errors), "max_quantity": MAX_QUANTITY, "qty_prefix": QTY_PREFIX,
    }, status=status)


def _render_review(request, customer, lines: list[CartLine]):
    market = customer.market
    totals = {key: to_str(sum((getattr(line.amounts, key) for line in lines), Decimal(0)), market.currency)
              for key in ("subtotal", "tax", "total")}
    return render(request, "software/add_products/review.html", {
        "customer": customer, "lines": lines, "totals": totals, "qty_prefix": QTY_PREFIX,
        "tax_inclusive": market.tax_inclusive, "currency": market.currency,
    })


@requires(Perm.BUY)
def add_products(request, tenant_id):
    customer = customer_get(request.user, tenant_id)
    if request.method != "POST":
        return _render_catalog(request, customer)
    step = request.POST.get("step", "review")
    quantities = _posted_quantities(request.POST)
    if step in ("edit", "search"):  # back from the review, or a search: the catalog with what was typed
        return _render_catalog(request, customer, quantities=quantities)
    lines, errors, page_errors = _cart(customer, quantities)
    if errors or page_errors:
        return _render_catalog(request, customer, quantities=quantities, errors=errors, page_errors=page_errors,
                               status=400)
    if step != "submit":
        return _render_review(request, customer, lines)
    requests = [LineRequest(offer_id=line.offer.id, quantity=line.quantity, line_item_number=index)
                for index, line in enumerate(lines)]
    try:
        order = order_place(actor=request.user, customer=customer, lines=requests, ip=client_ip(request))
    except ValidationError as exc:
        messages_ = [m for msgs in exc.message_dict.values() for m in msgs]
        return _render_catalog(request, customer, quantities=quantities, page_errors=messages_, status=400)
    except DomainError as exc:
        return _render_catalog(request, customer, quantities=quantities, page_errors=[exc.message], status=400)
    messages.success(request, _("Order %(id)s placed.") % {"id": order.alternate_id})
    return redirect("software:order_confirmation", tenant_id=customer.tenant_id, order_id=order.id)


def _order_get(customer, order_id) -> Order:
    order = (Order.objects.filter(customer=customer, pk=order_id).select_related("customer__market", "created_by")
             .prefetch_related("lines").first())
    if order is None:
        raise Http404
    return order


def _order_context(order: Order) -> dict:
    lines = list(order.lines.all())
    currency = order.currency
    rows = [{"line": line, "unit_price": to_str(line.unit_price, currency), "subtotal": to_str(line.subtotal, currency),
             "tax": to_str(line.tax_total, currency), "total": to_str(line.total, currency)} for line in lines]
    totals = {"subtotal": to_str(sum((line.subtotal for line in lines), Decimal(0)), currency),
              "tax": to_str(sum((line.tax_total for line in lines), Decimal(0)), currency),
              "total": to_str(sum((line.total for line in lines), Decimal(0)), currency)}
    return {"order": order, "rows": rows, "totals": totals, "tax_inclusive": order.customer.market.tax_inclusive}


@requires(Perm.BUY)
def order_confirmation(request, tenant_id, order_id):
    customer = customer_get(request.user, tenant_id)
    order = _order_get(customer, order_id)
    return render(request, "software/add_products/confirmation.html", {"customer": customer, **_order_context(order)})


@requires(Perm.VIEW_CUSTOMERS)
def customer_orders(request, tenant_id):
    customer = customer_get(request.user, tenant_id)
    qs = Order.objects.filter(customer=customer).prefetch_related("lines")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for order in page:
        lines = list(order.lines.all())
        rows.append({"order": order, "lines": lines,
                     "total": to_str(sum((line.total for line in lines), Decimal(0)), order.currency)})
    return render(request, "software/orders/history.html",
                  {"customer": customer, "tab": "orders", "page_obj": page, "rows": rows})


@requires(Perm.VIEW_CUSTOMERS)
def order_detail(request, tenant_id, order_id):
    customer = customer_get(request.user, tenant_id)
    order = _order_get(customer, order_id)
    return render(request, "software/orders/detail.html", {"customer": customer, "tab": "orders",
                                                           **_order_context(order)})
