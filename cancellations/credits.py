"""The cancellation window (D-CAN-1/2) and the credit (D-CAN-8/8a). Pure functions of a line and a date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from partnercenter.errors import Code, DomainError
from partnercenter.money import prorate
from software.models import OrderLine, ProductType, WindowLastDay


def purchase_date(line: OrderLine) -> dt.date:
    return line.term_start


def days_since_purchase(line: OrderLine, today: dt.date) -> int:
    return (today - purchase_date(line)).days


def days_left(line: OrderLine, today: dt.date) -> int | None:
    """Days remaining to cancel (0 on the last allowed day); None if never cancellable; negative once passed."""
    if line.cancellation_window_days is None:
        return None
    return line.cancellation_window_days - days_since_purchase(line, today)


def window_last_day(line: OrderLine) -> dt.date | None:
    """The last day the purchase can be cancelled (day 0 is the purchase date); None if never cancellable."""
    return line.window_last_day()


def lines_closing_within(lines: QuerySet[OrderLine], *, today: dt.date, days: int,
                         limit: int | None = None) -> list[tuple[OrderLine, int]]:
    """The active, cancellable lines of `lines` with at most `days` left to cancel (0 = the last day), as
    (line, days left), soonest first (then by product name), at most `limit` of them. The window's last day is
    compared in SQL (software.models.WindowLastDay, `window_last_day`'s rule, indexed), so only the lines closing
    within the range are read, however many purchases there are."""
    closing = (lines.filter(status=OrderLine.Status.ACTIVE, cancellation_window_days__isnull=False)
               .annotate(window_closes=WindowLastDay())
               .filter(window_closes__gte=today, window_closes__lte=today + dt.timedelta(days=days))
               .select_related("order__customer")
               .order_by("window_closes", "friendly_name", "order_id", "line_item_number"))
    if limit is not None:
        closing = closing[:limit]
    return [(line, days_left(line, today)) for line in closing]


def cancellation_in_progress() -> DomainError:
    return DomainError(_("A cancellation for this order is already in progress."),
                       code=Code.CANCELLATION_IN_PROGRESS, http_status=409)


def window_check(line: OrderLine, today: dt.date) -> None:
    """Raise the API's error for a line that can't be cancelled today."""
    if line.cancellation_window_days is None:
        raise DomainError(_("%(product)s can't be cancelled.") % {"product": line.friendly_name},
                          code=Code.NOT_CANCELLABLE)
    if line.status == OrderLine.Status.CANCELLED:
        raise DomainError(_("Line %(n)d of this order is already cancelled.") % {"n": line.line_item_number + 1},
                          code=Code.NOT_CANCELLABLE)
    if line.status == OrderLine.Status.CANCEL_PENDING:
        raise cancellation_in_progress()
    if days_since_purchase(line, today) > line.cancellation_window_days:
        raise DomainError(_("You have passed your %(days)d-day cancellation window.")
                          % {"days": line.cancellation_window_days}, code=Code.CANCELLATION_WINDOW_PASSED)


@dataclass(frozen=True)
class Credit:
    fraction: Fraction
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    currency: str


def credit_fraction(line: OrderLine, cancel_date: dt.date) -> Fraction:
    """100% for perpetual software; by day for anything with a term (D-CAN-8a)."""
    if line.product_type == ProductType.PERPETUAL or not line.term_end:
        return Fraction(1)
    term_days = (line.term_end - line.term_start).days
    used = max(0, min(term_days, (cancel_date - line.term_start).days))
    return Fraction(term_days - used, term_days)


def credit_compute(line: OrderLine, cancel_date: dt.date, currency: str) -> Credit:
    fraction = credit_fraction(line, cancel_date)
    total = prorate(line.total, fraction, currency)
    tax = prorate(line.tax_total, fraction, currency)
    return Credit(fraction=fraction, subtotal=total - tax, tax=tax, total=total, currency=currency)
