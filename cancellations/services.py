"""Cancelling purchases (D-CAN): the request is an outbox row written with its `cancel_order` record;
`cancellation_process` does the work once, in one transaction, however often it is delivered."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activitylog.services import log_cancel_order, log_create_credit
from billing.services import charge_for, credit_post
from notifications.services import email_queue
from partnercenter.errors import DomainError
from partnercenter.outbox import dispatch
from software.models import Order, OrderLine
from software.selectors import order_lines_locked
from software.services import order_lines_cancel, order_lines_cancel_begin, purchases_revoke

from .credits import cancellation_in_progress, credit_compute, window_check
from .models import CancellationRequest


def cancellation_request(*, actor, order: Order, line_item_numbers: list[int] | None = None,
                         ip: str | None = None, at: dt.datetime | None = None) -> CancellationRequest:
    """Validate and record a cancellation; the worker is queued when the transaction commits.
    `at`: when it is asked for (now; the demo's history passes past times instead of moving the clock)."""
    now = at or timezone.now()
    today = now.date()
    try:
        with transaction.atomic():
            lines = order_lines_locked(order)
            if line_item_numbers is not None:
                wanted = set(line_item_numbers)
                unknown = wanted - {line.line_item_number for line in lines}
                if unknown or not wanted:
                    raise DomainError(_("Unknown line item number: %(n)s.")
                                      % {"n": ", ".join(map(str, sorted(unknown))) or "—"}, field="lineItems")
                lines = [line for line in lines if line.line_item_number in wanted]
            else:
                lines = [line for line in lines if line.status != OrderLine.Status.CANCELLED] or lines
            if CancellationRequest.objects.filter(order=order, status=CancellationRequest.Status.PENDING).exists():
                raise cancellation_in_progress()
            for line in lines:
                window_check(line, today)
            request = CancellationRequest.objects.create(
                partner_id=order.partner_id, customer_id=order.customer_id, order=order, requested_by=actor,
                line_item_numbers=[line.line_item_number for line in lines], created_at=now,
                last_dispatched_at=now)
            if order_lines_cancel_begin(lines=lines) != len(lines):
                raise cancellation_in_progress()
            log_cancel_order(actor=actor, customer=order.customer, order_id=order.id, ip=ip, at=at,
                             lines=", ".join(str(line.line_item_number) for line in lines))
            request_id = str(request.pk)
            transaction.on_commit(lambda: _dispatch(request_id))
    except IntegrityError:
        raise cancellation_in_progress() from None
    return request


def _dispatch(request_id: str) -> None:
    """Hand the request to a worker; if the broker is down it stays pending and the sweep re-dispatches it."""
    from .tasks import process_cancellation

    dispatch(process_cancellation, request_id)


def cancellation_process(*, request_id, at: dt.datetime | None = None) -> bool:
    """Revoke keys and links, cancel the lines, post one credit per line, record `create_credit`.
    Returns False when there was nothing left to do (already completed). `at`: when it runs (now)."""
    with transaction.atomic():
        request = (CancellationRequest.objects.select_for_update().select_related("order", "customer__market")
                   .filter(pk=request_id).first())
        if request is None or request.status == CancellationRequest.Status.COMPLETED:
            return False
        now = at or timezone.now()
        order = request.order
        lines = order_lines_locked(order, numbers=request.line_item_numbers)
        purchases_revoke(lines=lines, now=now)
        cancel_date = request.created_at.astimezone(dt.UTC).date()
        credited = Decimal(0)
        for line in lines:
            charge = charge_for(order_id=order.id, line_item_number=line.line_item_number)
            credit = credit_compute(line, cancel_date, order.currency)
            if charge is not None:
                credited += credit.total
                _credit_line, created = credit_post(partner_id=order.partner_id, charge=charge, at=now,
                                                   subtotal=credit.subtotal, tax=credit.tax, total=credit.total)
                if created:
                    log_create_credit(customer=request.customer, order_id=order.id,
                                      line_item=line.line_item_number, amount=str(-credit.total),
                                      currency=order.currency, actor=request.requested_by, at=at)
        order_lines_cancel(order=order, lines=lines, now=now)
        CancellationRequest.objects.filter(pk=request.pk).update(
            status=CancellationRequest.Status.COMPLETED, completed_at=now, attempts=request.attempts + 1)
        if request.requested_by is not None:
            email_queue(key=f"cancellation-confirmation:{request.pk}:{request.requested_by_id}",
                        user=request.requested_by, template="notifications/cancellation_confirmation",
                        context={"customer": request.customer, "order": order, "lines": lines,
                                 "credit": credited})
    return True


def cancellations_sweep(*, older_than: dt.timedelta = dt.timedelta(seconds=20)) -> list[str]:
    """Re-dispatch requests still pending (a lost message, a killed worker). Processing is idempotent."""
    now = timezone.now()
    stale = list(CancellationRequest.objects.filter(status=CancellationRequest.Status.PENDING)
                 .filter(Q(last_dispatched_at__lt=now - older_than) | Q(last_dispatched_at__isnull=True))
                 .order_by("created_at").values_list("pk", flat=True)[:500])
    if stale:
        CancellationRequest.objects.filter(pk__in=stale).update(last_dispatched_at=now)
        for pk in stale:
            _dispatch(str(pk))
    return [str(pk) for pk in stale]
