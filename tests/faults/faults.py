"""Tools to provoke faults at a known point, without sleeping for time:

- `PgSession`: a second PostgreSQL session of the test. It holds row locks so that a worker or a request
  blocks on a known statement, finds the backends it blocks (pg_blocking_pids), and terminates them.
- `RedisServer`: a redis-server of our own on a free port (no persistence), stopped and started for real.
- `SmtpSink`: a small SMTP server that counts the messages it accepted and can hold a client at DATA.
"""
from __future__ import annotations

import email
import shutil
import socket
import socketserver
import subprocess
import tempfile
import threading
from pathlib import Path

import psycopg2

from .conftest import wait_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgSession:
    """`lock(sql)` runs a `SELECT ... FOR UPDATE` in an open transaction and keeps it until `release()`."""

    def __init__(self, database_url: str):
        self.locker = psycopg2.connect(database_url)        # in a transaction while it holds locks
        self.observer = psycopg2.connect(database_url)      # autocommit: fresh pg_stat_activity each poll
        self.observer.autocommit = True
        self.pid = self.locker.get_backend_pid()

    def lock(self, sql: str, params=()) -> int:
        with self.locker.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def release(self) -> None:
        self.locker.rollback()

    def _query(self, sql: str, params=()) -> list:
        with self.observer.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def blocked(self) -> list[int]:
        """Backends waiting for a lock this session holds."""
        return [pid for (pid,) in self._query(
            "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid)) ORDER BY pid", (self.pid,))]

    def wait_blocked(self, count: int = 1, timeout: float = 30.0) -> list[int]:
        return wait_for(lambda: (lambda pids: pids if len(pids) >= count else None)(self.blocked()),
                        timeout=timeout, interval=0.02, what=f"{count} backend(s) to block on our lock")

    def wait_waiting(self, count: int, *, query_like: list[str], timeout: float = 30.0) -> list[int]:
        """Backends of this database waiting for any lock while running a query LIKE one of `query_like`
        (behind our lock or queued behind another waiter, which pg_blocking_pids names instead of us)."""
        def waiting():
            pids = [pid for (pid,) in self._query(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                " AND query LIKE ANY(%s) ORDER BY pid", (list(query_like),))]
            return pids if len(pids) >= count else None

        return wait_for(waiting, timeout=timeout, interval=0.02, what=f"{count} backend(s) to wait on a lock")

    def terminate(self, pid: int) -> None:
        assert self._query("SELECT pg_terminate_backend(%s)", (pid,)) == [(True,)]

    def alive(self, pid: int) -> bool:
        return bool(self._query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)))

    def wait_gone(self, pid: int) -> None:
        wait_for(lambda: not self.alive(pid), what=f"backend {pid} to end")

    def close(self) -> None:
        self.locker.close()
        self.observer.close()


class RedisServer:
    """Our own redis-server (never the shared one on 6379): `stop()` ends the process, `start()` brings
    up a new, empty one on the same port, as a restart without persistence does."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="redis-fault-"))
        self.process: subprocess.Popen | None = None
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> None:
        assert self.process is None
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.ping, what="our redis-server to answer PING")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None
        assert not self.ping()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class SmtpSink:
    """A minimal SMTP server. `messages` are the ones it accepted (the client sent the final "." and got
    250). While `hold` is set, a client that sends DATA waits there until `release()`; `held` counts them."""

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.hold = threading.Event()
        self.gate = threading.Event()
        self.held = 0
        self.lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.reply("220 sink ESMTP")
                while line := self.rfile.readline():
                    verb = line.decode(errors="replace").strip().split(" ")[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 sink")
                    elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "DATA":
                        if sink.hold.is_set():
                            with sink.lock:
                                sink.held += 1
                            sink.gate.wait(timeout=60)
                        self.reply("354 go ahead")
                        data = b""
                        while (chunk := self.rfile.readline()) and chunk != b".\r\n":
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        if not chunk:
                            return  # the client went away mid-message: nothing accepted
                        with sink.lock:
                            sink.messages.append(email.message_from_bytes(data))
                        self.reply("250 accepted")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def release(self) -> None:
        self.hold.clear()
        self.gate.set()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.messages]

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
