"""The home pages: `/` sends each user to theirs; the partner home (what needs attention today, this month's
money, two charts) and the customer admin center's home. They read every app below them."""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.permissions import SIGNED_IN, Perm, requires
from accounts.roles import has_perm
from activitylog.models import Operation
from activitylog.selectors import daily_counts
from customers.selectors import tenant_for_user
from partnercenter.charts import Chart, grouped_bar_chart
from partnercenter.formats import month_display, number_display, short_day_display
from software.selectors import entitlements_for_customer, tenant_links_needing_attention

from .selectors import (
    CHART_MONTHS,
    CurrencySummary,
    cancellations_processing,
    links_needing_attention,
    money_by_month,
    orders_count,
    support_awaiting,
    trend,
    windows_closing,
)

CHART_DAYS = 30


@requires(SIGNED_IN)
def home(request):
    """Partner staff land on the partner home; customer users on the admin center."""
    if request.user.is_partner_staff:
        return redirect("dashboard")
    if request.user.is_tenant_user:
        return redirect("admin_center:home")
    raise Http404


# --- the partner home ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _labels(days: tuple[dt.date, ...], kind: str, language: str) -> list[str]:
    """Axis labels in the reader's language (CLDR: `2026年1月`, `11月2日`); the same for every currency's chart
    and every request of a day. `language` is part of the cache key: the formatting reads the active one."""
    label = month_display if kind == "month" else short_day_display
    return [label(day) for day in days]


def money_chart(summary: CurrencySummary) -> Chart:
    labels = _labels(tuple(m.month for m in summary.months), "month", get_language())
    return grouped_bar_chart(
        title=_("Charges and credits per month (%(currency)s)") % {"currency": summary.currency},
        description=_("Charges and credits on invoices in %(currency)s for each of the last %(n)d months.")
        % {"currency": summary.currency, "n": CHART_MONTHS},
        labels=labels, tick_every=2,
        series=[("bar-charge", _("Charges"), [float(m.charges) for m in summary.months]),
                ("bar-credit", _("Credits"), [float(-m.credits) for m in summary.months])],
        value_label=number_display)


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
        labels=_labels(tuple(days), "day", get_language()), tick_every=7,
        series=[("bar-download", _("Downloads"),
                 [float(counts.get((day, Operation.DOWNLOAD_SOFTWARE), 0)) for day in days]),
                ("bar-key", _("Key reveals"),
                 [float(counts.get((day, Operation.GET_SOFTWARE_KEY), 0)) for day in days])],
        value_label=number_display)


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
        context["orders_trend"] = trend(Decimal(this_orders), Decimal(last_orders))
        context["charts"] += [money_chart(summary) for summary in money]
    if may[Perm.SOFTWARE_ACCESS] or may[Perm.READ_ACTIVITY_LOG]:
        context["charts"].append(activity_chart(partner, now))
    context["attention"] = any(context[key] for key in ("windows", "links", "cancellations", "support"))
    context["shows_attention"] = any(context[key] is not None for key in ("windows", "links", "cancellations",
                                                                           "support"))
    return context


@requires(Perm.VIEW_CUSTOMERS)
def partner_home(request):
    return render(request, "home/partner_home.html", home_context(request.user))


# --- the customer admin center's home ---------------------------------------------------------------

@requires(SIGNED_IN)
def admin_center_home(request):
    tenant = tenant_for_user(request.user) if request.user.is_tenant_user else None
    if tenant is None:
        return redirect("dashboard")
    context = {"customer": tenant, "products": None}
    if has_perm(request.user, Perm.TENANT_SOFTWARE):
        # Their software, with the links that need attention (expiring in 2 days or < 5 downloads left).
        soon = list(tenant_links_needing_attention(tenant, timezone.now()))
        by_entitlement: dict = {}
        for link in soon:
            by_entitlement.setdefault(link.entitlement_id, []).append(link)
        context["products"] = [(entitlement, by_entitlement.get(entitlement.pk, []))
                               for entitlement in entitlements_for_customer(tenant)]
        context["expiring_count"] = len(soon)
    return render(request, "home/admin_center.html", context)
