"""The partner home: what needs attention today, this month's money and two charts (issue 8).

It reads across software, billing and cancellations, so it lives at the top layer. Every section is
computed with a fixed number of queries (no per-row queries), and only for the roles that may see it."""
from __future__ import annotations

import datetime as dt
import functools
import html
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.permissions import Perm, requires
from accounts.roles import has_perm
from activitylog.models import Operation
from activitylog.selectors import daily_counts
from billing.models import Invoice, InvoiceLine
from billing.selectors import totals_by_charge_type
from partnercenter.money import to_str
from software.models import DownloadLink, Order, OrderLine
from software.selectors import links_needing_attention as expiring_links

from .credits import lines_closing_within
from .models import CancellationRequest, SupportRequest

WINDOW_SOON_DAYS = 7       # a cancellation window closing within this many days needs attention
ROW_LIMIT = 20             # rows shown per attention list
CHART_MONTHS = 12
CHART_DAYS = 30


# --- needs attention ---------------------------------------------------------------------------

@dataclass(frozen=True)
class WindowRow:
    line: OrderLine
    days_left: int


def windows_closing(partner, today: dt.date) -> list[WindowRow]:
    """Active lines whose cancellation window closes within WINDOW_SOON_DAYS (0 = last day), soonest first."""
    return [WindowRow(line, left) for line, left in lines_closing_within(
        OrderLine.objects.filter(order__partner=partner), today=today, days=WINDOW_SOON_DAYS, limit=ROW_LIMIT)]


def links_needing_attention(partner, now: dt.datetime) -> list[DownloadLink]:
    """The partner's links expiring within 2 days or with fewer than 5 downloads left (software.selectors)."""
    links = DownloadLink.objects.filter(entitlement__customer__partner=partner)
    return list(expiring_links(links, now)
                .select_related("entitlement__customer", "entitlement__order_line", "variant")[:ROW_LIMIT])


def cancellations_processing(partner) -> list[CancellationRequest]:
    return list(CancellationRequest.objects.filter(partner=partner, status=CancellationRequest.Status.PENDING)
                .select_related("customer", "order").order_by("created_at")[:ROW_LIMIT])


def support_awaiting(partner) -> list[SupportRequest]:
    return list(SupportRequest.objects.filter(partner=partner, status=SupportRequest.Status.OPEN)
                .order_by("created_at")[:ROW_LIMIT])


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
        return to_str(self.this.charges, self.currency)

    @property
    def credits(self) -> str:
        return to_str(self.this.credits, self.currency)

    @property
    def last_charges(self) -> str:
        return to_str(self.last.charges, self.currency)

    @property
    def last_credits(self) -> str:
        return to_str(self.last.credits, self.currency)

    @property
    def charges_trend(self) -> str:
        return _trend(self.this.charges, self.last.charges)

    @property
    def credits_trend(self) -> str:
        return _trend(-self.this.credits, -self.last.credits)


def _trend(now: Decimal, before: Decimal) -> str:
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
    this_start, last_start = month_start(today), month_start(today, 1)
    tz = timezone.get_current_timezone()
    this_at = dt.datetime.combine(this_start, dt.time.min, tzinfo=tz)
    last_at = dt.datetime.combine(last_start, dt.time.min, tzinfo=tz)
    # Counting creation_date, not id: the (partner, creation_date) index answers alone (index-only scan).
    counts = Order.objects.filter(partner=partner, creation_date__gte=last_at).aggregate(
        this=Count("creation_date", filter=Q(creation_date__gte=this_at)),
        last=Count("creation_date", filter=Q(creation_date__lt=this_at)))
    return counts["this"], counts["last"]


# --- charts (server-rendered SVG) ---------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 640, 220
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 72, 16, 184


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str     # the <title> of the bar, for pointer and screen-reader users


@dataclass
class Chart:
    title: str
    description: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]        # (x, label) under the plot
    grid: list[tuple[float, str]]         # (y, label) on the left
    legend: list[tuple[str, str]]         # (css class, label)
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    plot_left: int = PLOT_LEFT
    plot_bottom: int = PLOT_BOTTOM
    plot_right: int = CHART_WIDTH - 8

    @property
    def bars_svg(self) -> str:
        """The bars as SVG, built here rather than in the template (~200 bars x 6 variables, each resolved and
        escaped, was most of the page's rendering time). Numbers are Python floats (72.5 in every language), the
        class is one of ours, and the label, the one text that comes from data, is escaped."""
        return mark_safe("".join(  # noqa: S308 - every interpolated value is a float, our CSS class or escaped
            f'<rect class="{b.css}" x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}">'
            f"<title>{html.escape(b.label)}</title></rect>" for b in self.bars))


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _scale_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(value)


def grouped_bar_chart(*, title: str, description: str, labels: list[str], tick_every: int,
                      series: list[tuple[str, str, list[float]]], value_label) -> Chart:
    """series: (css class, legend label, values); bars of one group side by side."""
    top = _scale_max(max((v for _css, _name, values in series for v in values), default=0))
    plot_width = CHART_WIDTH - 8 - PLOT_LEFT
    plot_height = PLOT_BOTTOM - PLOT_TOP
    group = plot_width / max(len(labels), 1)
    bar_width = group * 0.8 / max(len(series), 1)
    bars = []
    for index, label in enumerate(labels):
        for position, (css, name, values) in enumerate(series):
            value = values[index]
            height = plot_height * value / top
            x = PLOT_LEFT + index * group + group * 0.1 + position * bar_width
            bars.append(Bar(round(x, 1), round(PLOT_BOTTOM - height, 1), round(bar_width, 1), round(height, 1),
                            css, f"{label}: {name} {value_label(value)}"))
    ticks = [(round(PLOT_LEFT + i * group + group / 2, 1), label)
             for i, label in enumerate(labels) if i % tick_every == 0]
    grid = [(round(PLOT_BOTTOM - plot_height * f, 1), value_label(top * f)) for f in (0, 0.5, 1)]
    return Chart(title, description, bars, ticks, grid, [(css, name) for css, name, _values in series])


@functools.lru_cache(maxsize=64)
def _labels(days: tuple[dt.date, ...], fmt: str, language: str) -> list[str]:
    """Axis labels in the reader's language; the same for every currency's chart and every request of a day."""
    return [date_format(day, fmt) for day in days]


def money_chart(summary: CurrencySummary) -> Chart:
    labels = _labels(tuple(m.month for m in summary.months), "M Y", get_language())
    return grouped_bar_chart(
        title=_("Charges and credits per month (%(currency)s)") % {"currency": summary.currency},
        description=_("Charges and credits on invoices in %(currency)s for each of the last %(n)d months.")
        % {"currency": summary.currency, "n": CHART_MONTHS},
        labels=labels, tick_every=2,
        series=[("bar-charge", _("Charges"), [float(m.charges) for m in summary.months]),
                ("bar-credit", _("Credits"), [float(-m.credits) for m in summary.months])],
        value_label=_number)


def activity_chart(partner, now: dt.datetime) -> Chart:
    """Succeeded downloads and key reveals per day (in settings.TIME_ZONE, as the daily counts are) for the last
    CHART_DAYS days: one query over the daily counts and the not yet sealed records."""
    today = timezone.localdate(now, timezone.get_default_timezone())
    days = [today - dt.timedelta(days=back) for back in range(CHART_DAYS - 1, -1, -1)]
    counts = daily_counts(partner.pk, first_day=days[0],
                          operations=[Operation.DOWNLOAD_SOFTWARE, Operation.GET_SOFTWARE_KEY])
    return grouped_bar_chart(
        title=_("Downloads and key reveals per day"),
        description=_("Software downloads and product key reveals on each of the last %(n)d days.")
        % {"n": CHART_DAYS},
        labels=_labels(tuple(days), "M j", get_language()), tick_every=7,
        series=[("bar-download", _("Downloads"),
                 [float(counts.get((day, Operation.DOWNLOAD_SOFTWARE), 0)) for day in days]),
                ("bar-key", _("Key reveals"),
                 [float(counts.get((day, Operation.GET_SOFTWARE_KEY), 0)) for day in days])],
        value_label=_number)


# --- the page ----------------------------------------------------------------------------------

def home_context(user, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    partner = user.partner
    may = {perm: has_perm(user, perm) for perm in Perm}
    context: dict = {"windows": None, "links": None, "cancellations": None, "support": None,
                     "money": None, "charts": []}
    if may[Perm.CANCEL]:
        context["windows"] = windows_closing(partner, today)
        context["cancellations"] = cancellations_processing(partner)
    if may[Perm.SOFTWARE_ACCESS]:
        context["links"] = links_needing_attention(partner, now)
    if may[Perm.SUPPORT_REQUESTS]:
        context["support"] = support_awaiting(partner)
    if may[Perm.READ_INVOICES]:
        money = money_by_month(partner, today)
        this_orders, last_orders = orders_count(partner, today)
        context["money"] = money
        context["orders_this"], context["orders_last"] = this_orders, last_orders
        context["orders_trend"] = _trend(Decimal(this_orders), Decimal(last_orders))
        context["charts"] += [money_chart(summary) for summary in money]
    if may[Perm.SOFTWARE_ACCESS] or may[Perm.READ_ACTIVITY_LOG]:
        context["charts"].append(activity_chart(partner, now))
    context["attention"] = any(context[key] for key in ("windows", "links", "cancellations", "support"))
    context["shows_attention"] = any(context[key] is not None for key in ("windows", "links", "cancellations",
                                                                           "support"))
    return context


@requires(Perm.VIEW_CUSTOMERS)
def home(request):
    return render(request, "cancellations/home.html", home_context(request.user))
