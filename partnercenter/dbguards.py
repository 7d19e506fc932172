"""Rules enforced by the database itself (triggers), for SQLite and PostgreSQL.

Each app lists its guards in `<app>/dbguards.py` and installs them from a migration. Tests that
empty tables between cases (TransactionTestCase's flush) lift them around the flush only.
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


def all_guards() -> list[Guard]:
    from activitylog.dbguards import GUARDS as activity
    from billing.dbguards import GUARDS as billing

    return activity + billing
