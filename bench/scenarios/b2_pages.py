"""B2: median round-trip time of four pages over loopback against gunicorn, at the generated volumes."""
from __future__ import annotations

from bench.common import Row, median, ms, percentile, timed_gets

TARGET_MS = 50


def pages(ctx) -> dict[str, tuple[str, str]]:
    """name -> (path, session cookie)."""
    from django.urls import reverse

    from billing.models import Invoice, InvoiceLine

    # A typical invoice: the Contoso USD invoice of last month (a full month of charges).
    invoice = ctx.typical_invoice
    if invoice is None:
        from django.db.models import Count

        invoice = (Invoice.objects.filter(partner__domain="contoso-partner.example", currency="USD")
                   .annotate(n=Count("lines")).order_by("-n").first())
    ctx.invoice_lines = InvoiceLine.objects.filter(invoice=invoice).count()
    return {
        "customer list (search)": (reverse("customers:list") + "?q=Lumen", ctx.cookie("admin.agent")),
        "Software tab (200 entitlements)": (
            reverse("software:customer_software", kwargs={"tenant_id": ctx.info["big_customer"]}),
            ctx.cookie("admin.agent")),
        f"invoice page ({ctx.invoice_lines} lines)": (
            reverse("billing:invoice_detail", kwargs={"invoice_id": invoice.pk}), ctx.cookie("admin.agent")),
        "Activity log page (30 days)": (reverse("activitylog:log"), ctx.cookie("global.admin")),
    }


def run(ctx) -> list[Row]:
    results, worst = {}, 0.0
    for name, (path, cookie) in pages(ctx).items():
        times = timed_gets(ctx.port, path, cookie=cookie, warmup=ctx.warmup, n=ctx.samples)
        results[name] = {"path": path, "median_ms": ms(median(times)), "p90_ms": ms(percentile(times, 90)),
                         "min_ms": ms(min(times)), "samples": len(times)}
        worst = max(worst, median(times))
    figure = "; ".join(f"{name}: {r['median_ms']} ms" for name, r in results.items())
    return [Row("B2", "Median round-trip time of four pages (gunicorn, loopback)", figure=figure,
                target=f"each under {TARGET_MS} ms", passed=worst * 1000 < TARGET_MS, details=results)]
