"""B7's export, run in its own process so its peak RSS can be read: streams the Activity log CSV of
[start, end] to /dev/null through the real view (Django test client, no network). Prints JSON."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(email: str, start: str, end: str) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    started = time.perf_counter()
    response = client.get(reverse("activitylog:export") + f"?start={start}&end={end}")
    assert response.status_code == 200, response.status_code
    lines = size = 0
    with open("/dev/null", "wb") as sink:
        for chunk in response.streaming_content:
            sink.write(chunk)
            lines += chunk.count(b"\n")
            size += len(chunk)
    elapsed = time.perf_counter() - started
    # VmHWM: this process's own peak RSS since exec (ru_maxrss would also count the parent's pages at fork)
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    print(json.dumps({"rows": lines - 1, "seconds": elapsed, "bytes": size,
                      "declared_rows": int(response["X-Export-Rows"]),
                      "peak_rss_kb": int(status["VmHWM"].split()[0])}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
