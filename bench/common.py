"""Shared helpers of the benchmark: environment, timing, HTTP over loopback, result rows."""
from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def progress(label: str, done: int, total: int, started: float) -> None:
    """A one-line text progress bar on stderr."""
    width = 30
    fraction = done / total if total else 1.0
    bar = "#" * int(width * fraction) + "-" * (width - int(width * fraction))
    elapsed = time.monotonic() - started
    end = "\n" if done >= total else ""
    sys.stderr.write(f"\r  {label:<18} [{bar}] {done:>9,}/{total:,} {elapsed:6.1f}s{end}")
    sys.stderr.flush()


def log(message: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Row:
    """One line of the report: a figure, its target, pass/fail and the numbers behind it."""

    key: str
    title: str
    figure: str
    target: str
    passed: bool
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"title": self.title, "figure": self.figure, "target": self.target, "pass": bool(self.passed),
                "details": self.details}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class Server:
    """A gunicorn serving `app` on a free loopback port; stopped by its own pid only."""

    def __init__(self, app: str, *, workers: int = 4, env: dict | None = None, log_path: Path | None = None):
        self.port = free_port()
        self.app = app
        self.workers = workers
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), self.app, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "120", "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=out, stderr=out)
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def http_get(port: int, path: str, *, cookie: str = "", headers: dict | None = None,
             conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes, float, dict]:
    """One GET over loopback; returns (status, body, seconds, headers). Reuses `conn` when given."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    hdrs = {"Host": "127.0.0.1", **(headers or {})}
    if cookie:
        hdrs["Cookie"] = cookie
    started = time.perf_counter()
    conn.request("GET", path, headers=hdrs)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if own:
        conn.close()
    return response.status, body, elapsed, dict(response.getheaders())


def timed_gets(port: int, path: str, *, cookie: str, warmup: int, n: int) -> list[float]:
    """n round-trip times (seconds) of GET path, after `warmup` unmeasured ones; every one must be 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times = []
    for i in range(warmup + n):
        status, body, elapsed, _ = http_get(port, path, cookie=cookie, conn=conn)
        if status != 200:
            raise RuntimeError(f"GET {path} returned {status}: {body[:300]!r}")
        if i >= warmup:
            times.append(elapsed)
    conn.close()
    return times


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
