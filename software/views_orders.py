"""Partner pages for buying (D-ORD-1 "Add products": catalog → review → submit → confirmation) and the
customer's Order history tab (D-ORD-2) with each order's detail.

The cart lives in the form itself: quantities are posted to the review step and carried as hidden fields to
the submit step, so nothing is kept in the session and a refused submit saves nothing."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import Perm, requires
from customers.selectors import customer_get
from partnercenter.errors import DomainError
from partnercenter.formats import money_display
from partnercenter.http import client_ip
from partnercenter.idempotency import fingerprint, run_once

from .models import Offer, OfferPrice, Order, ProductType
from .orders import MAX_QUANTITY, ORDER, LineRequest, OrderPreview, PreviewLine, offer_purchasable, order_preview
from .selectors import order_get, orders_of
from .services import order_place

PAGE_SIZE = 25
QTY_PREFIX = "qty_"
ORDER_TOKEN = "order_token"  # the review's one-time token (partnercenter.idempotency)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
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
    """A line of the review page: the preview's line, its money as the reader sees it."""

    line: PreviewLine

    @property
    def offer(self) -> Offer:
        return self.line.offer

    @property
    def quantity(self) -> int:
        return self.line.quantity

    @property
    def unit_price(self) -> str:
        return self.line.money(self.line.amounts.unit_price)

    @property
    def subtotal(self) -> str:
        return self.line.money(self.line.amounts.subtotal)

    @property
    def tax(self) -> str:
        return self.line.money(self.line.amounts.tax)

    @property
    def total(self) -> str:
        return self.line.money(self.line.amounts.total)


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


def _line_requests(quantities: dict[str, str]) -> list[LineRequest]:
    """The posted quantities as order lines, numbered in order; a quantity that isn't digits stays text, which the
    preview refuses with the same message as an out-of-range number."""
    return [LineRequest(offer_id=offer_id, quantity=_quantity(raw), line_item_number=index)
            for index, (offer_id, raw) in enumerate(quantities.items())]


def _quantity(raw: str) -> int | str:
    """Digits as a number (no more digits than MAX_QUANTITY has: int() refuses thousands); else the text."""
    return int(raw) if _DIGITS.match(raw) and len(raw) <= len(str(MAX_QUANTITY)) else raw


def _cart(customer, quantities: dict[str, str]) -> tuple[OrderPreview, dict[str, str], list[str]]:
    """The order preview of the posted quantities (software.orders.order_preview, the rules the order service
    applies), with its errors placed for the catalog: (preview, per-offer errors, page errors)."""
    if not quantities:
        return order_preview(customer, []), {}, [_("Enter a quantity for at least one product.")]
    requests = _line_requests(quantities)
    preview = order_preview(customer, requests)
    errors: dict[str, str] = {}
    page_errors: list[str] = []
    for key, messages_ in preview.errors.items():
        index, _dot, name = key.removeprefix(f"{ORDER}[").partition("].")
        if name == "quantity":
            errors[requests[int(index)].offer_id] = messages_[0]
        else:
            page_errors.extend(messages_)
    page_errors += [preview.unavailable_message(customer.market_id)] if preview.unavailable else []
    return preview, errors, page_errors


def _render_catalog(request, customer, *, quantities=None, errors=None, page_errors=None, status=200):
    # The search is posted with the quantities (one form); a link or bookmark carries it in the query.
    q = request.POST.get("q", request.GET.get("q", "")).strip()[:100]
    product_type = request.POST.get("type", request.GET.get("type", ""))
    quantities = quantities or {}
    errors = errors or {}
    rows = [CatalogRow(offer=p.offer, price=p, unit_price=money_display(p.unit_price, customer.market.currency),
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


def _render_review(request, customer, preview: OrderPreview, status: int = 200):
    market = customer.market
    totals = {key: money_display(preview.total(key), market.currency) for key in ("subtotal", "tax", "total")}
    return render(request, "software/add_products/review.html", {
        "customer": customer, "lines": [CartLine(line) for line in preview.lines], "totals": totals,
        "qty_prefix": QTY_PREFIX, "tax_inclusive": market.tax_inclusive, "currency": market.currency,
        "order_token_name": ORDER_TOKEN, "order_token": secrets.token_urlsafe(24),
    }, status=status)


@requires(Perm.BUY)
def add_products(request, tenant_id):
    customer = customer_get(request.user, tenant_id)
    if request.method != "POST":
        return _render_catalog(request, customer)
    step = request.POST.get("step", "review")
    quantities = _posted_quantities(request.POST)
    if step in ("edit", "search"):  # back from the review, or a search: the catalog with what was typed
        return _render_catalog(request, customer, quantities=quantities)
    preview, errors, page_errors = _cart(customer, quantities)
    if errors or page_errors:
        return _render_catalog(request, customer, quantities=quantities, errors=errors, page_errors=page_errors,
                               status=400)
    token = request.POST.get(ORDER_TOKEN, "")
    if step != "submit" or not _TOKEN.match(token):  # a submit without its review's token: review it first
        return _render_review(request, customer, preview, status=200 if step != "submit" else 400)

    def place() -> tuple[int, dict]:
        order = order_place(actor=request.user, customer=customer, lines=_line_requests(quantities),
                            ip=client_ip(request))
        return 201, {"order": str(order.pk)}

    try:
        # The review's one-time token: Back and Submit again, a double click, a reload or a second tab
        # find the order this review already placed and place nothing.
        answer = run_once(scope=f"user:{request.user.pk}", key=f"review:{token}",
                          asks=fingerprint("order", str(customer.tenant_id), sorted(quantities.items())), work=place)
    except ValidationError as exc:
        messages_ = [m for msgs in exc.message_dict.values() for m in msgs]
        return _render_catalog(request, customer, quantities=quantities, page_errors=messages_, status=400)
    except DomainError as exc:
        return _render_catalog(request, customer, quantities=quantities, page_errors=[exc.message], status=400)
    order_id = answer.body["order"]
    if answer.repeated:
        messages.info(request, _("Order %(id)s was already placed from this review; nothing was placed again.")
                      % {"id": order_id})
    else:
        messages.success(request, _("Order %(id)s placed.") % {"id": order_id})
    return redirect("software:order_confirmation", tenant_id=customer.tenant_id, order_id=order_id)


def _order_context(order: Order) -> dict:
    lines = list(order.lines.all())
    currency = order.currency
    rows = [{"line": line, "unit_price": money_display(line.unit_price, currency),
             "subtotal": money_display(line.subtotal, currency), "tax": money_display(line.tax_total, currency),
             "total": money_display(line.total, currency)} for line in lines]
    totals = {"subtotal": money_display(sum((line.subtotal for line in lines), Decimal(0)), currency),
              "tax": money_display(sum((line.tax_total for line in lines), Decimal(0)), currency),
              "total": money_display(sum((line.total for line in lines), Decimal(0)), currency)}
    return {"order": order, "rows": rows, "totals": totals, "tax_inclusive": order.customer.market.tax_inclusive}


@requires(Perm.BUY)
def order_confirmation(request, tenant_id, order_id):
    customer = customer_get(request.user, tenant_id)
    order = order_get(customer, order_id)
    return render(request, "software/add_products/confirmation.html", {"customer": customer, **_order_context(order)})


@requires(Perm.VIEW_CUSTOMERS)
def customer_orders(request, tenant_id):
    customer = customer_get(request.user, tenant_id)
    page = Paginator(orders_of(customer), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for order in page:
        lines = list(order.lines.all())
        rows.append({"order": order, "lines": lines,
                     "total": money_display(sum((line.total for line in lines), Decimal(0)), order.currency)})
    return render(request, "software/orders/history.html",
                  {"customer": customer, "tab": "orders", "page_obj": page, "rows": rows})


@requires(Perm.VIEW_CUSTOMERS)
def order_detail(request, tenant_id, order_id):
    customer = customer_get(request.user, tenant_id)
    order = order_get(customer, order_id)
    return render(request, "software/orders/detail.html", {"customer": customer, "tab": "orders",
                                                           **_order_context(order)})
