"""B8: the partner home (issue 8) for each Contoso persona at the generated volumes: median round trip against
gunicorn (the B2 bar) and SQL queries per page (in-process, test client), which must not depend on the data.
Runs after the month close (B6), so the open invoices are this month's, as a partner's are."""
from __future__ import annotations

import time

from bench.common import Row, median, ms, percentile, timed_gets

TARGET_MS = 50
TARGET_QUERIES = 20
# One persona per distinct home: Admin agent (windows, links, cancellations, support, money, activity chart),
# Global admin (support, money, chart), Billing admin (money), Account admin (chart), Helpdesk agent
# (support requests), Sales agent (nothing but the frame).
PERSONAS = ["admin.agent", "global.admin", "billing.admin", "account.admin", "helpdesk.agent", "sales.agent"]


def run(ctx) -> list[Row]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from activitylog.services import chain_seal
    from billing.models import Invoice

    started = time.perf_counter()
    sealed = chain_seal()  # what the beat job does every 10 s: the chart reads sealed counts + the unsealed rest
    seal_s = time.perf_counter() - started
    path = reverse("dashboard")
    results, worst, most_queries = {}, 0.0, 0
    for who in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(email=f"{who}@contoso-partner.example"))
        client.get(path)  # warm translations and templates
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (who, response.status_code)
        times = timed_gets(ctx.port, path, cookie=ctx.cookie(who), warmup=ctx.warmup, n=ctx.samples)
        results[who] = {"median_ms": ms(median(times)), "p90_ms": ms(percentile(times, 90)), "min_ms": ms(min(times)),
                        "queries": len(queries), "samples": len(times)}
        worst, most_queries = max(worst, median(times)), max(most_queries, len(queries))
    figure = "; ".join(f"{who}: {r['median_ms']} ms, {r['queries']} queries" for who, r in results.items())
    return [Row("B8", "Partner home per persona (gunicorn, loopback; queries in-process)", figure=figure,
                target=f"each under {TARGET_MS} ms, at most {TARGET_QUERIES} queries",
                passed=worst * 1000 < TARGET_MS and most_queries <= TARGET_QUERIES,
                details={"sealed_before": sealed, "seal_seconds": round(seal_s, 2),
                         "open_invoices": Invoice.objects.filter(status=Invoice.Status.OPEN).count(), **results})]
