"""Rules enforced by the database itself (triggers), for SQLite and PostgreSQL.

Each app lists its guards in `<app>/dbguards.py`, installs them from a migration and again after
every migrate (`reinstall_after_migrate`): on SQLite a migration that rebuilds a table drops its
triggers. Tests that empty tables between cases (TransactionTestCase's flush) lift them around the
flush only.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Guard:
    name: str
    table: str
    sqlite: list[str]       # CREATE TRIGGER statements
    postgresql: list[str]   # CREATE FUNCTION / CREATE TRIGGER statements

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            return [f"DROP TRIGGER IF EXISTS {self.name} ON {self.table}", f"DROP FUNCTION IF EXISTS {self.name}()"]
        return [f"DROP TRIGGER IF EXISTS {self.name}_{suffix}" for suffix in ("ins", "upd", "del")]

    def create_sql(self, vendor: str) -> list[str]:
        return self.postgresql if vendor == "postgresql" else self.sqlite


def install(connection, guards: list[Guard]) -> None:
    with connection.cursor() as cursor:
        for guard in guards:
            for sql in guard.drop_sql(connection.vendor) + guard.create_sql(connection.vendor):
                cursor.execute(sql)


def uninstall(connection, guards: list[Guard]) -> None:
    with connection.cursor() as cursor:
        for guard in guards:
            for sql in guard.drop_sql(connection.vendor):
                cursor.execute(sql)


def reinstall_after_migrate(app_config, guards: list[Guard]) -> None:
    """Connect a post_migrate handler that (re)installs `guards` once their tables exist."""
    from django.db import connections
    from django.db.models.signals import post_migrate

    def handler(sender, using="default", **kwargs):
        connection = connections[using]
        tables = set(connection.introspection.table_names())
        present = [guard for guard in guards if guard.table in tables]
        if present:
            install(connection, present)

    post_migrate.connect(handler, sender=app_config, weak=False,
                         dispatch_uid=f"dbguards-{app_config.label}")
