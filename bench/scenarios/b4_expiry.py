"""B4: the expiry job over all download links, beside a naive per-row loop over 10,000 of them."""
from __future__ import annotations

import time

from bench.common import Row

TARGET_S = 5.0


def run(ctx) -> list[Row]:
    from django.db import transaction
    from django.utils import timezone

    from software.models import DownloadLink
    from software.services import download_links_expire

    naive_n = 10_000 if ctx.scale == "full" else 500
    now = timezone.now()
    due_before = DownloadLink.objects.filter(status=DownloadLink.Status.ACTIVE, expires_at__lte=now).count()
    total_links = DownloadLink.objects.count()

    # The naive way: load each due link and save it, one UPDATE per row (one transaction, to be kind to it).
    started = time.perf_counter()
    with transaction.atomic():
        for link in DownloadLink.objects.filter(status=DownloadLink.Status.ACTIVE,
                                                expires_at__lte=now).order_by("pk")[:naive_n]:
            link.status = DownloadLink.Status.EXPIRED
            link.closed_at = now
            link.save(update_fields=["status", "closed_at"])
    naive_s = time.perf_counter() - started

    started = time.perf_counter()
    expired = download_links_expire(now=now)
    job_s = time.perf_counter() - started
    again = download_links_expire(now=now)
    naive_per = naive_s / naive_n
    job_per = job_s / expired if expired else float("nan")
    return [Row("B4", f"Expiry job over {total_links:,} links", figure=f"{job_s:.2f} s ({expired:,} expired); "
                f"naive loop {naive_per * 1e6:.0f} µs/link vs job {job_per * 1e6:.1f} µs/link "
                f"({naive_per / job_per:.0f}x)", target=f"under {TARGET_S:.0f} s",
                passed=job_s < TARGET_S,
                details={"links": total_links, "due_before": due_before, "job_seconds": round(job_s, 3),
                         "job_expired": expired, "naive_links": naive_n, "naive_seconds": round(naive_s, 3),
                         "naive_us_per_link": round(naive_per * 1e6, 1),
                         "job_us_per_link": round(job_per * 1e6, 2), "ratio": round(naive_per / job_per, 1),
                         "rerun_expired": again})]
