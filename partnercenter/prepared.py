"""Statements that PostgreSQL parses and plans once per connection (PREPARE, then EXECUTE).

For a hot path whose statements cost the database more to parse and plan than to run: the counted
download (bench B3), whose link read with five scalar subqueries took 0.29 ms of PostgreSQL CPU as plain
SQL and 0.11 ms prepared. Meant for a fixed set of statements (each distinct SQL text is remembered).
`execute(cursor, sql, params)` is `cursor.execute(sql, params)` with the same
placeholders (`%s`) and results; other databases run the SQL as it is.

A prepared statement belongs to the server session: the set of statements prepared on a connection is
kept beside that connection and starts empty on a new one (a reconnect after a health check, CONN_MAX_AGE
expiry or a killed backend). PREPARE is not undone by ROLLBACK, so one prepared inside a transaction that
rolls back stays usable. Not for a transaction-pooling proxy (pgbouncer in transaction mode) in front of
PostgreSQL, where consecutive statements may reach different sessions; the deployment connects directly.
"""
from __future__ import annotations

import hashlib
import re

_PLACEHOLDER = re.compile(r"%s")
_statements: dict[str, tuple[str, str, str, int]] = {}   # sql -> (name, PREPARE …, EXECUTE …, parameter count)


def _statement(sql: str) -> tuple[str, str, str, int]:
    try:
        return _statements[sql]
    except KeyError:
        pass
    if "%" in _PLACEHOLDER.sub("", sql):
        raise ValueError("a prepared statement takes %s placeholders only")
    count = 0

    def number(_match) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    name = "p_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
    prepare = f"PREPARE {name} AS {_PLACEHOLDER.sub(number, sql)}"
    run = f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
    entry = _statements[sql] = (name, prepare, run, count)
    return entry


def _prepared_on(db) -> set[str]:
    """The names prepared on `db`'s current server connection (a new connection starts with none)."""
    raw = db.connection
    state = db.__dict__.get("_prepared_statements")
    if state is None or state[0] is not raw:
        state = db.__dict__["_prepared_statements"] = (raw, set())
    return state[1]


def execute(cursor, sql: str, params: list | tuple = ()) -> None:
    """Run `sql` (with `%s` placeholders) on `cursor`, a Django cursor; on PostgreSQL as a statement prepared
    once per connection. Fetch the results from the cursor as usual."""
    name, prepare, run, count = _statement(sql)
    if len(params) != count:
        raise ValueError(f"the statement takes {count} parameters, {len(params)} given")
    db = cursor.db
    if db.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    prepared = _prepared_on(db)
    if name not in prepared:
        cursor.execute(prepare)
        prepared.add(name)
    cursor.execute(run, params)
