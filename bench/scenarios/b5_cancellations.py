"""B5: cancellation end to end with a real Celery worker and Redis: submit -> keys and links refused and
the credit on the invoice. The latency of each is submit -> credit line visible in the database
(revocation and credit commit in one transaction); refusals are then checked over HTTP and in-process."""
from __future__ import annotations

import subprocess
import threading
import time

from bench.common import VENV_BIN, Row, log, ms, percentile

TARGET_P95_S = 3.0
SUBMIT_INTERVAL = 0.05   # 20 cancellations a second


def run(ctx) -> list[Row]:
    import redis
    from django.conf import settings
    from django.db import close_old_connections
    from django.utils import timezone

    from accounts.models import User
    from bench.common import http_get
    from bench.generate import LINK_BASE, link_token
    from billing.models import InvoiceLine
    from cancellations.services import cancellation_request
    from software.downloads import NoLongerAvailable
    from software.models import DownloadLink, Entitlement, Order
    from software.services import product_key_reveal

    n = 100 if ctx.scale == "full" else 20
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    agent = User.objects.get(email="admin.agent@contoso-partner.example")
    orders = list(Order.objects.filter(partner=agent.partner, status=Order.Status.COMPLETED,
                                       creation_date__gte=timezone.now() - timezone.timedelta(days=45))
                  .exclude(customer_id__in=[ctx.info["big_customer"], ctx.info["two_customer"]])
                  .select_related("customer").order_by("-creation_date")[:n])
    worker_log = open(ctx.logs / "celery-worker.log", "ab")  # noqa: SIM115
    worker = subprocess.Popen([str(VENV_BIN / "celery"), "-A", "config", "worker", "-c", "2",
                               "--loglevel", "warning", "--without-mingle", "--without-gossip", "-n",
                               "bench@%h"], cwd=ctx.root, env=ctx.server_env, stdout=worker_log, stderr=worker_log)
    try:
        # the worker is ready when it answers a ping
        from config.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the Celery worker did not start; see celery-worker.log")
        submitted: dict[str, float] = {}
        done: dict[str, float] = {}
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                pending = [o for o in submitted if o not in done]
                if pending:
                    found = set(InvoiceLine.objects.filter(charge_type="cancelImmediate", order_id__in=pending)
                                .values_list("order_id", flat=True))
                    seen = time.perf_counter()
                    for order_id in found:
                        done[str(order_id)] = seen
                time.sleep(0.01)
            close_old_connections()

        poller = threading.Thread(target=poll)
        poller.start()
        log(f"B5: submitting {len(orders)} cancellations")
        for order in orders:
            started = time.perf_counter()
            cancellation_request(actor=agent, order=order, ip="127.0.0.1")
            submitted[str(order.pk)] = started
            time.sleep(max(0.0, SUBMIT_INTERVAL - (time.perf_counter() - started)))
        deadline = time.monotonic() + 60
        while len(done) < len(submitted) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        poller.join()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker_log.close()

    latencies = [done[o] - submitted[o] for o in submitted if o in done]
    # keys and links refused
    refused_links = refused_keys = 0
    for order in orders:
        entitlements = list(Entitlement.objects.filter(order_line__order=order).select_related(
            "order_line__order", "customer", "offer"))
        for entitlement in entitlements:
            try:
                product_key_reveal(actor=agent, entitlement=entitlement)
            except NoLongerAvailable:
                refused_keys += 1
        link = DownloadLink.objects.filter(entitlement__in=entitlements).order_by("pk").first()
        if link is not None:
            status, *_ = http_get(ctx.port, f"/download/{link_token(link.pk.int - LINK_BASE)}/")
            refused_links += status == 410
    keys_total = Entitlement.objects.filter(order_line__order__in=orders).count()
    p95 = percentile(latencies, 95)
    complete = len(latencies) == len(orders)
    all_refused = refused_keys == keys_total and refused_links == len(orders)
    return [Row("B5", f"Cancellation end to end, {len(orders)} cancellations (Celery worker -c 2, Redis)",
                figure=f"p95 {p95:.2f} s (p50 {percentile(latencies, 50):.2f} s, max "
                f"{max(latencies, default=float('nan')):.2f} s); {len(latencies)}/{len(orders)} credited; "
                f"keys refused {refused_keys}/{keys_total}, links refused {refused_links}/{len(orders)}",
                target=f"p95 under {TARGET_P95_S:.0f} s", passed=complete and all_refused and p95 < TARGET_P95_S,
                details={"cancellations": len(orders), "credited": len(latencies), "p50_ms": ms(percentile(latencies,
                                                                                                           50)),
                         "p95_ms": ms(p95), "max_ms": ms(max(latencies, default=float("nan"))),
                         "submit_interval_s": SUBMIT_INTERVAL, "keys_refused": refused_keys, "keys": keys_total,
                         "links_refused": refused_links})]
