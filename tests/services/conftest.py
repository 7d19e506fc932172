"""A REAL Celery worker (subprocess) against the pytest-django test database and the test Redis DB.

Tests get a `celery_worker` controller: start() waits until the worker is ready, kill() sends SIGKILL
to its whole process group (pool children included), stop() shuts it down. Redis is flushed first."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"


def wait_for(condition, *, timeout: float = 20.0, interval: float = 0.1, what: str = "condition"):
    """Poll `condition` until truthy (bounded); waiting for a real worker, not for time semantics."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


class Worker:
    def __init__(self, database_url: str, redis_url: str):
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "partnercenter.settings.test",
                    "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
        self.starts = 0

    def start(self, timeout: float = 30.0) -> None:
        assert self.process is None, "worker already running"
        self.starts += 1
        offset = self.log.stat().st_size
        handle = open(self.log, "ab")  # noqa: SIM115 - owned by the subprocess
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "partnercenter", "worker", "--loglevel=INFO", "--concurrency=2",
             "--without-mingle", "--without-gossip", "-Q", "celery", "-n", f"pytest-{os.getpid()}@%h"],
            cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited with {self.process.returncode}:\n{self.output()}")
            return b" ready." in self.log.read_bytes()[offset:]

        wait_for(ready, timeout=timeout, what="the Celery worker to be ready")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once (a crash: nothing is acknowledged)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass
        self.process = None


@pytest.fixture
def celery_worker(demo_world, settings):
    """A controller for a real worker on the test database; not started (tests decide when)."""
    from django.db import connection

    redis_url = os.environ.get("REDIS_URL", "")
    assert redis_url.startswith("redis://"), "the services tests need REDIS_URL"
    assert connection.vendor == "postgresql", "the services tests need DATABASE_URL=postgres://..."
    db = settings.DATABASES["default"]
    database_url = (f"postgres://{db['USER']}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}"
                    f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
    assert db["NAME"].startswith("test_"), db["NAME"]
    redis_flush()
    worker = Worker(database_url, redis_url)
    yield worker
    worker.stop()
    if worker.starts:
        sys.stderr.write(worker.output()[-2000:])
    worker.log.unlink(missing_ok=True)
    redis_flush()
