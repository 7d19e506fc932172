"""What the partner home reads across the apps below it: the lists that need attention today and this month's
money. Every function is a fixed number of queries (no per-row queries), scoped to one partner."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from billing.models import Invoice, InvoiceLine
from billing.selectors import totals_by_charge_type
from cancellations.models import CancellationRequest
from cancellations.selectors import cancellations_pending, windows_closing_for_partner
from partnercenter.formats import money_display
from software.models import DownloadLink, OrderLine
from software.selectors import order_counts, partner_links_needing_attention
from support.models import SupportRequest
from support.selectors import support_requests_open

WINDOW_SOON_DAYS = 7       # a cancellation window closing within this many days needs attention
ROW_LIMIT = 20             # rows shown per attention list
CHART_MONTHS = 12


@dataclass(frozen=True)
class WindowRow:
    line: OrderLine
    days_left: int


def windows_closing(partner, today: dt.date) -> list[WindowRow]:
    """Active lines whose cancellation window closes within WINDOW_SOON_DAYS (0 = last day), soonest first."""
    return [WindowRow(line, left) for line, left in
            windows_closing_for_partner(partner, today=today, days=WINDOW_SOON_DAYS, limit=ROW_LIMIT)]


def links_needing_attention(partner, now: dt.datetime) -> list[DownloadLink]:
    """The partner's links expiring within 2 days or with fewer than 5 downloads left."""
    return list(partner_links_needing_attention(partner, now)[:ROW_LIMIT])


def cancellations_processing(partner) -> list[CancellationRequest]:
    return list(cancellations_pending(partner)[:ROW_LIMIT])


def support_awaiting(partner) -> list[SupportRequest]:
    return list(support_requests_open(partner)[:ROW_LIMIT])


# --- money -------------------------------------------------------------------------------------

def month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class MonthMoney:
    month: dt.date
    charges: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)     # negative, as on the invoice


@dataclass
class CurrencySummary:
    currency: str
    this: MonthMoney
    last: MonthMoney
    months: list[MonthMoney] = field(default_factory=list)

    @property
    def charges(self) -> str:
        return money_display(self.this.charges, self.currency)

    @property
    def credits(self) -> str:
        return money_display(self.this.credits, self.currency)

    @property
    def last_charges(self) -> str:
        return money_display(self.last.charges, self.currency)

    @property
    def last_credits(self) -> str:
        return money_display(self.last.credits, self.currency)

    @property
    def charges_trend(self) -> str:
        return trend(self.this.charges, self.last.charges)

    @property
    def credits_trend(self) -> str:
        return trend(-self.this.credits, -self.last.credits)


def trend(now: Decimal, before: Decimal) -> str:
    return "up" if now > before else "down" if now < before else "same"


def money_by_month(partner, today: dt.date) -> list[CurrencySummary]:
    """Charges and credits per currency and invoice month for the last CHART_MONTHS months: the partner's invoices
    in one query, their totals by charge type in at most one more (issued invoices' totals are cached)."""
    first = month_start(today, CHART_MONTHS - 1)
    invoices = list(Invoice.objects.filter(Q(period_start__gte=first) | Q(status=Invoice.Status.OPEN),
                                           partner=partner).order_by())
    months = [month_start(today, back) for back in range(CHART_MONTHS - 1, -1, -1)]
    table: dict[str, dict[dt.date, MonthMoney]] = defaultdict(lambda: {m: MonthMoney(m) for m in months})
    by_id = {invoice.pk: invoice for invoice in invoices}
    for (invoice_id, charge_type), total in totals_by_charge_type(invoices).items():
        invoice = by_id[invoice_id]
        money = table[invoice.currency].get(invoice.period_start)
        if money is None:
            continue
        if charge_type == InvoiceLine.ChargeType.NEW:
            money.charges += total
        else:
            money.credits += total
    open_currencies = {invoice.currency for invoice in invoices if invoice.status == Invoice.Status.OPEN}
    out = []
    for currency in sorted(set(table) | open_currencies):
        per_month = table[currency]
        out.append(CurrencySummary(currency, this=per_month[months[-1]], last=per_month[months[-2]],
                                   months=[per_month[m] for m in months]))
    return out


def orders_count(partner, today: dt.date) -> tuple[int, int]:
    """Orders placed this month and last month (in the current time zone)."""
    tz = timezone.get_current_timezone()
    this_at = dt.datetime.combine(month_start(today), dt.time.min, tzinfo=tz)
    last_at = dt.datetime.combine(month_start(today, 1), dt.time.min, tzinfo=tz)
    return order_counts(partner, this_at=this_at, last_at=last_at)
