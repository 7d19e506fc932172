"""B3: download endpoint throughput (authorise, count, record, X-Accel-Redirect hand-off) with 50
concurrent keep-alive clients over loopback, beside a bare Django view doing one UPDATE … RETURNING,
alternated in the same run (A B A B …, six rounds each: the machine's speed drifts by a fifth from one 15 s
window to the next, and short alternating rounds average that out). Final counts are checked exactly
against the database."""
from __future__ import annotations

import http.client
import threading
import time

from bench.common import Row, log, percentile

CLIENTS = 50
TARGET_RATIO, TARGET_P99_MS = 0.60, 100.0


def load(port: int, paths_for_client, *, seconds: float, max_requests: int, each_path_once: bool = False) -> dict:
    """CLIENTS threads, each with its own connection, GET their paths round-robin until the time or the
    request budget runs out (or, each_path_once, until each has fetched each of its paths once). Returns
    counts by status and every latency."""
    deadline = time.perf_counter() + seconds
    budget = threading.Semaphore(max_requests)
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(CLIENTS)

    def client(n: int) -> None:
        paths = paths_for_client(n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine_status: dict[int, int] = {}
        mine_lat: list[float] = []
        barrier.wait()
        k = 0
        while (time.perf_counter() < deadline and not (each_path_once and k >= len(paths))
               and budget.acquire(blocking=False)):
            path = paths[k % len(paths)]
            k += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1", "Accept": "*/*"})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine_lat.append(time.perf_counter() - started)
            mine_status[response.status] = mine_status.get(response.status, 0) + 1
            if response.will_close:
                conn.close()
        conn.close()
        with lock:
            latencies.extend(mine_lat)
            for status, count in mine_status.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"statuses": statuses, "latencies": latencies, "elapsed": elapsed, "errors": errors[:5],
            "error_count": len(errors)}


def _links(ctx, count: int) -> list[str]:
    """Tokens of live links with no downloads yet (generator bucket 9), in id order."""
    from django.utils import timezone

    from bench.generate import LINK_BASE, link_token
    from software.models import DownloadLink

    ids = (DownloadLink.objects.filter(status=DownloadLink.Status.ACTIVE, downloads_used=0,
                                       expires_at__gt=timezone.now() + timezone.timedelta(hours=1),
                                       entitlement__status="active")
           .order_by("pk").values_list("pk", flat=True)[:count])
    return [link_token(pk.int - LINK_BASE) for pk in ids]


def _db_state(link_tokens: list[str]) -> tuple[int, int, int]:
    from django.db import connection

    from software.downloads import token_hash

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(downloads_used), 0) FROM software_downloadlink WHERE token_hash = ANY(%s)",
                       [[token_hash(t) for t in link_tokens]])
        used = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FILTER (WHERE operation_status = 'succeeded'), "
                       "COUNT(*) FILTER (WHERE operation_status = 'failed') FROM activitylog_activityrecord "
                       "WHERE operation_type = 'download_software' AND id > %s", [_db_state.mark])
        ok, failed = cursor.fetchone()
    return used, ok, failed


_db_state.mark = 0


def _counter_sum() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(n), 0) FROM bench_counter")
        return int(cursor.fetchone()[0])


def run(ctx) -> list[Row]:
    from django.db import connection

    from bench.common import Server

    seconds, rounds_each = (5.0, 6) if ctx.scale == "full" else (1.25, 2)
    tokens = _links(ctx, 2001 if ctx.scale == "full" else 801)
    race_token, tokens = tokens[0], tokens[1:]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, n bigint NOT NULL)")
        cursor.execute("TRUNCATE bench_counter")
        cursor.execute("INSERT INTO bench_counter SELECT g, 0 FROM generate_series(0, %s) g", [CLIENTS - 1])
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM activitylog_activityrecord")
        _db_state.mark = cursor.fetchone()[0]
    used0 = _db_state(tokens)[0]

    def download_paths(n: int) -> list[str]:
        return [f"/download/{t}/" for t in tokens[n::CLIENTS]]

    def bare_paths(n: int) -> list[str]:
        return [f"/bench-bare/{n}/"]

    portal = ctx.portal_server
    rounds: list[dict] = []
    with Server("bench.bare_wsgi:application", env=ctx.server_env | {"DJANGO_SETTINGS_MODULE": "bench.bare_settings"},
                log_path=ctx.logs / "gunicorn-bare.log") as bare:
        # Start both from the same state: no checkpoint of the earlier scenarios' writes (B4 writes ~500 MB of
        # WAL) falling inside the download's rounds, where every page first written after it is logged whole
        # (the bare view writes one page). Then warm both: every worker imports, connects and prepares, and
        # every link is downloaded once, so its page's full-page image is written before the clock starts.
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        warm_dl = load(portal.port, download_paths, seconds=60.0, max_requests=len(tokens), each_path_once=True)
        warm_bare = load(bare.port, bare_paths, seconds=1.0, max_requests=400)
        for _ in range(rounds_each):
            for name, port, paths in (("download", portal.port, download_paths), ("bare", bare.port, bare_paths)):
                log(f"B3 {name}: {CLIENTS} clients for {seconds}s")
                result = load(port, paths, seconds=seconds, max_requests=10**7)
                rounds.append({"name": name, **result})
                log(f"B3 {name}: {result['statuses'].get(200, 0) / result['elapsed']:,.0f}/s")
    # the race: 100 concurrent counted downloads of one fresh link -> exactly 50 succeed
    race = load(portal.port, lambda n: [f"/download/{race_token}/"], seconds=30, max_requests=100)

    dl = [r for r in rounds if r["name"] == "download"]
    br = [r for r in rounds if r["name"] == "bare"]
    dl_ok = sum(r["statuses"].get(200, 0) for r in dl)
    dl_all = sum(sum(r["statuses"].values()) for r in dl)
    br_ok = sum(r["statuses"].get(200, 0) for r in br)
    dl_rate = dl_ok / sum(r["elapsed"] for r in dl)
    br_rate = br_ok / sum(r["elapsed"] for r in br)
    dl_lat = [x for r in dl for x in r["latencies"]]
    br_lat = [x for r in br for x in r["latencies"]]
    used1, records_ok, records_failed = _db_state(tokens)
    counter = _counter_sum()
    race_used = _db_state([race_token])[0]
    # every 200 (warm-up included) must be exactly one count and one succeeded record; the bare view likewise
    all_dl_ok = dl_ok + warm_dl["statuses"].get(200, 0)
    all_br_ok = br_ok + warm_bare["statuses"].get(200, 0)
    exact = {
        "download_200_all": all_dl_ok, "bare_200_all": all_br_ok,
        "downloads_used_delta": used1 - used0,
        "bare_counter_total": counter,
        "race_200": race["statuses"].get(200, 0), "race_410": race["statuses"].get(410, 0),
        "race_downloads_used": race_used,
    }
    exact_ok = (race["statuses"].get(200, 0) == 50 and race["statuses"].get(410, 0) == 50 and race_used == 50
                and exact["downloads_used_delta"] == all_dl_ok and records_ok == all_dl_ok + 50
                and records_failed == 50 and counter == all_br_ok and dl_all == dl_ok)
    ratio = dl_rate / br_rate if br_rate else 0.0
    p99 = percentile(dl_lat, 99) * 1000
    figure = (f"{dl_rate:,.0f} downloads/s vs bare {br_rate:,.0f}/s = {ratio:.0%}; p50 "
              f"{percentile(dl_lat, 50) * 1000:.1f} ms, p99 {p99:.1f} ms; counts "
              f"{'exact' if exact_ok else 'NOT EXACT'}")
    return [Row("B3", f"Download endpoint throughput, {CLIENTS} concurrent clients (beside a bare view)",
                figure=figure, target=f"at least {TARGET_RATIO:.0%} of the bare view's rate; p99 under "
                f"{TARGET_P99_MS:.0f} ms; exact final counts",
                passed=ratio >= TARGET_RATIO and p99 < TARGET_P99_MS and exact_ok,
                details={"download_rate": round(dl_rate, 1), "bare_rate": round(br_rate, 1),
                         "ratio": round(ratio, 3), "download_p50_ms": round(percentile(dl_lat, 50) * 1000, 2),
                         "download_p99_ms": round(p99, 2),
                         "bare_p50_ms": round(percentile(br_lat, 50) * 1000, 2),
                         "bare_p99_ms": round(percentile(br_lat, 99) * 1000, 2),
                         "download_requests": dl_all, "download_200": dl_ok, "bare_200": br_ok,
                         "links_used": len(tokens), "seconds_per_round": seconds, "rounds": rounds_each,
                         "round_rates": [f"{r['name']} {r['statuses'].get(200, 0) / r['elapsed']:.0f}/s"
                                         for r in rounds],
                         "records_succeeded": records_ok, "records_failed": records_failed,
                         "errors": sum(r["error_count"] for r in rounds), **exact, "exact": exact_ok})]
