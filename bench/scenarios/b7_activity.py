"""B7: the Activity log's first page for a 30-day range over all the records, and a CSV export of
~1,000,000 records (rows/s and the exporting process's peak RSS)."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time

from bench.common import Row, log, median, ms, percentile, timed_gets

PAGE_MS, EXPORT_RATE, EXPORT_MB = 50.0, 50_000, 150


def run(ctx) -> list[Row]:
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from activitylog.models import ActivityRecord
    from activitylog.services import chain_seal

    started = time.perf_counter()
    sealed = chain_seal()  # what the beat job does every 10 s; the export would otherwise do it first
    seal_s = time.perf_counter() - started
    total = ActivityRecord.objects.count()

    times = timed_gets(ctx.port, reverse("activitylog:log"), cookie=ctx.cookie("global.admin"),
                       warmup=ctx.warmup, n=ctx.samples)
    page_ms = median(times) * 1000

    # the export range: whole days back from today holding about `want` of Contoso's records
    want = 1_000_000 if ctx.scale == "full" else 10_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT operation_date FROM activitylog_activityrecord WHERE partner_id = "
                       "(SELECT id FROM accounts_partner WHERE domain = 'contoso-partner.example') "
                       "ORDER BY operation_date DESC, id DESC OFFSET %s LIMIT 1", [want - 1])
        row = cursor.fetchone()
    start = (row[0] if row else timezone.now() - dt.timedelta(days=365)).date() + dt.timedelta(days=1)
    end = timezone.now().date()
    log(f"B7: exporting {start}..{end}")
    child = subprocess.Popen([sys.executable, str(ctx.root / "bench" / "scenarios" / "export_child.py"),
                              "global.admin@contoso-partner.example", start.isoformat(), end.isoformat()],
                             cwd=ctx.root, env=ctx.server_env | {"PYTHONPATH": str(ctx.root)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = b"", b""
    _, status, usage = os.wait4(child.pid, 0)
    out, err = child.stdout.read(), child.stderr.read()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"export child failed: {err.decode()[-2000:]}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    peak_mb = result["peak_rss_kb"] / 1024          # the child's VmHWM
    wait4_mb = usage.ru_maxrss / 1024               # includes the runner's pages at fork: for reference only
    rate = result["rows"] / result["seconds"]
    passed = (page_ms < PAGE_MS and rate >= EXPORT_RATE and peak_mb < EXPORT_MB
              and result["rows"] == result["declared_rows"])
    return [Row("B7", f"Activity log over {total:,} records: first page (30 days) and CSV export",
                figure=f"page {page_ms:.1f} ms; export {result['rows']:,} rows in {result['seconds']:.1f} s = "
                f"{rate:,.0f} rows/s, peak RSS {peak_mb:.0f} MB",
                target=f"page under {PAGE_MS:.0f} ms; export at least {EXPORT_RATE:,} rows/s with peak memory "
                f"under {EXPORT_MB} MB", passed=passed,
                details={"records": total, "sealed_before": sealed, "seal_seconds": round(seal_s, 2),
                         "page_median_ms": round(page_ms, 2), "page_p90_ms": ms(percentile(times, 90)),
                         "export_start": start.isoformat(), "export_end": end.isoformat(),
                         "export_rows": result["rows"], "export_declared_rows": result["declared_rows"],
                         "export_seconds": round(result["seconds"], 2), "export_bytes": result["bytes"],
                         "export_rows_per_s": round(rate), "export_peak_rss_mb": round(peak_mb, 1),
                         "export_wait4_maxrss_mb": round(wait4_mb, 1)})]
