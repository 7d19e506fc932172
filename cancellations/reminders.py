"""The daily "cancellation window closes in 3 days" email to the partner's Admin agents, once per purchase."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import User
from accounts.roles import Role
from notifications.services import email_queue
from software.models import OrderLine

from .credits import lines_closing_within, window_last_day
from .models import Reminder

REMIND_DAYS_LEFT = 3


def _admin_agents(partner_ids) -> dict:
    agents: dict = {}
    for user in User.objects.filter(partner_id__in=partner_ids, is_active=True):
        if Role.ADMIN_AGENT in user.role_set:
            agents.setdefault(user.partner_id, []).append(user)
    return agents


def window_reminders_send(*, today: dt.date | None = None) -> int:
    """Queue reminders for active lines whose window has exactly 3 days left (or fewer, if a day was missed)
    and that were never reminded; returns the number of purchases reminded."""
    today = today or timezone.localdate()
    candidates = [line for line, _left in lines_closing_within(
        OrderLine.objects.exclude(pk__in=Reminder.objects.values("order_line_id")),
        today=today, days=REMIND_DAYS_LEFT)]
    agents = _admin_agents({line.order.partner_id for line in candidates})
    reminded = 0
    for line in candidates:
        try:
            with transaction.atomic():
                Reminder.objects.create(order_line=line)
                closes = window_last_day(line)
                cancel_url = settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
                    "cancellations:cancel", kwargs={"tenant_id": line.order.customer_id}) + "?" + urlencode(
                    {"order": str(line.order_id), "offer": line.offer_id})
                for agent in agents.get(line.order.partner_id, []):
                    email_queue(key=f"window-reminder:{line.pk}:{agent.pk}", user=agent,
                                template="notifications/window_reminder",
                                context={"line": line, "closes": closes, "cancel_url": cancel_url})
        except IntegrityError:
            continue  # another run reminded it first
        reminded += 1
    return reminded
