"""B6: the month close over the year's invoices, then the same close again (must change nothing)."""
from __future__ import annotations

import time

from bench.common import Row

TARGET_S, RERUN_S = 20.0, 1.0


def _fingerprint() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT md5(string_agg(id::text || status || COALESCE(invoice_date::text, '') "
                       "|| xmin::text, ',' ORDER BY id)) FROM billing_invoice")
        return cursor.fetchone()[0]


def run(ctx) -> list[Row]:
    from django.utils import timezone

    from billing.models import Invoice, InvoiceLine
    from billing.services import invoices_close

    today = timezone.now().date()
    due = Invoice.objects.filter(status=Invoice.Status.OPEN, period_end__lt=today)
    lines = InvoiceLine.objects.filter(invoice__in=due).count()
    invoices = due.count()
    started = time.perf_counter()
    issued = invoices_close(today=today)
    close_s = time.perf_counter() - started
    before = _fingerprint()
    started = time.perf_counter()
    issued_again = invoices_close(today=today)
    rerun_s = time.perf_counter() - started
    unchanged = _fingerprint() == before and issued_again == 0
    return [Row("B6", f"Month close over {lines:,} invoice lines", figure=f"{close_s:.3f} s ({issued} invoices); "
                f"rerun {rerun_s * 1000:.1f} ms, {'changed nothing' if unchanged else 'CHANGED ROWS'}",
                target=f"under {TARGET_S:.0f} s; rerun under {RERUN_S:.0f} s and changes nothing",
                passed=close_s < TARGET_S and rerun_s < RERUN_S and unchanged and issued == invoices,
                details={"invoices_due": invoices, "lines": lines, "issued": issued,
                         "close_seconds": round(close_s, 4), "rerun_seconds": round(rerun_s, 4),
                         "rerun_issued": issued_again, "rerun_unchanged": unchanged})]
