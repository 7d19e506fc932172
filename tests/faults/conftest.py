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
    def __init__(self, database_url: str, redis_url: str, **extra_env: str):
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
                    "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1", **extra_env}
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
        self.starts = 0

    def start(self, timeout: float = 30.0) -> None:
        assert self.process is None, "worker already running"
        self.starts += 1
        offset = self.log.stat().st_size
        handle = open(self.log, "ab")  # noqa: SIM115 - owned by the subprocess
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2",
             "--without-mingle", "--without-gossip", "-Q", "celery", "-n", f"pytest-{os.getpid()}@%h"],
            cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited with {self.process.returncode}:\n{self.output()}")
            return b" ready." in self.log.read_bytes()[offset:]

        wait_for(ready, timeout=timeout, what="the Celery worker to be ready")

    def log_size(self) -> int:
        return self.log.stat().st_size

    def wait_consuming_again(self, since: int, timeout: float = 90.0) -> str:
        """After a broker outage: wait until the worker reconnected by itself ("Connected to" logged after
        byte `since` of its log) or exited. An exited worker is started again, as its supervisor does
        (docker-compose.yml: `restart: unless-stopped`). Returns "reconnected" or "restarted (exit N)".
        The bound covers Celery's reconnect back-off (2, 6, 12, 20, 30, 42 ... s); it is not a wait."""
        def back():
            if self.process.poll() is not None:
                return "exited"
            return "reconnected" if b"Connected to " in self.log.read_bytes()[since:] else None

        if wait_for(back, timeout=timeout, what="the worker to reconnect or exit") == "reconnected":
            return "reconnected"
        code = self.process.returncode
        self.process = None
        self.start()
        return f"restarted (exit {code})"

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


def database_url_of_tests() -> str:
    """postgres://... of the pytest-django test database (what a worker or a second session connects to)."""
    from django.conf import settings
    from django.db import connection

    assert connection.vendor == "postgresql", "the services tests need DATABASE_URL=postgres://..."
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test_"), db["NAME"]
    return (f"postgres://{db['USER']}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")


@pytest.fixture
def celery_worker(demo_world):
    """A controller for a real worker on the test database; not started (tests decide when)."""
    redis_url = os.environ.get("REDIS_URL", "")
    assert redis_url.startswith("redis://"), "the services tests need REDIS_URL"
    database_url = database_url_of_tests()
    redis_flush()
    worker = Worker(database_url, redis_url)
    yield worker
    worker.stop()
    if worker.starts:
        sys.stderr.write(worker.output()[-2000:])
    worker.log.unlink(missing_ok=True)
    redis_flush()


# --- faults: a second PostgreSQL session, our own Redis, an SMTP sink (tests/faults/faults.py) -------

@pytest.fixture
def pg_session(demo_world):
    from .faults import PgSession

    session = PgSession(database_url_of_tests())
    yield session
    session.release()
    session.close()


def celery_point_at(broker_url: str) -> None:
    """Make this process's Celery producer publish to `broker_url`. kombu keeps its connection pools in a
    registry by URL: they are all closed and forgotten, so the next publish opens a fresh pool."""
    from kombu import pools

    from config.celery import app

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = broker_url


@pytest.fixture
def own_redis(demo_world, settings):
    """A redis-server of our own, used by this process (cache and Celery producer) and by `worker.env`.
    Yields (server, worker): stop/start the server for real; the worker is not started."""
    from config.celery import app

    from .faults import RedisServer

    server = RedisServer()
    server.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url()}}
    previous = app.conf.broker_url
    celery_point_at(server.url())
    worker = Worker(database_url_of_tests(), server.url())
    try:
        yield server, worker
    finally:
        try:
            worker.kill()  # the test is over: no need to wait for a warm shutdown
            if worker.starts:
                sys.stderr.write(worker.output()[-2000:])
            worker.log.unlink(missing_ok=True)
        finally:
            celery_point_at(previous)
            server.close()


@pytest.fixture
def smtp_sink(settings):
    """An SMTP server of our own; this process sends to it (settings) and so do workers given its
    `url` as TEST_EMAIL_URL."""
    from .faults import SmtpSink

    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.close()
