"""partnercenter.prepared: a statement PostgreSQL parses and plans once per connection, with the same results
as cursor.execute. The PostgreSQL cases run in `make test-services`; the first three on every database."""
from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from partnercenter import prepared

SQL = "SELECT CAST(%s AS integer) + CAST(%s AS integer), CAST(%s AS text)"


def fresh(label: str) -> str:
    """SQL of its own for one test, so that no earlier test has prepared it on this connection."""
    return f"{SQL} /* {label} */"

def _run(sql: str = SQL, params=(40, 2, "x")):
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, list(params))
        return cursor.fetchall()


@pytest.mark.django_db
def test_results_are_those_of_a_plain_execute():
    with connection.cursor() as cursor:
        cursor.execute(SQL, [40, 2, "x"])
        plain = cursor.fetchall()
    assert _run() == plain == [(42, "x")]
    assert _run(params=(1, 1, "it's")) == [(2, "it's")]


@pytest.mark.django_db
@pytest.mark.parametrize(("sql", "params", "message"), [
    (SQL, (1, 2), "takes 3 parameters"),
    ("SELECT 100 %% 7 + CAST(%s AS integer)", (1,), "placeholders only"),
])
def test_a_wrong_statement_is_refused_before_it_reaches_the_database(sql, params, message):
    with pytest.raises(ValueError, match=message):
        _run(sql, params)


def _server_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.services
@pytest.mark.django_db
def test_postgres_prepares_once_per_connection_then_executes():
    # given
    sql = fresh("once per connection")
    with CaptureQueriesContext(connection) as first:
        _run(sql)
    # when
    with CaptureQueriesContext(connection) as second:
        assert _run(sql, params=(5, 5, "y")) == [(10, "y")]
    # then
    assert [q["sql"].split()[0] for q in first.captured_queries] == ["PREPARE", "EXECUTE"]
    assert [q["sql"].split()[0] for q in second.captured_queries] == ["EXECUTE"]
    name = first.captured_queries[0]["sql"].split()[1]
    assert name in _server_statements()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgres_prepares_again_on_a_new_connection():
    # given
    _run()
    connection.close()
    # when: a new server session knows no prepared statement
    with CaptureQueriesContext(connection) as again:
        assert _run() == [(42, "x")]
    # then
    assert [q["sql"].split()[0] for q in again.captured_queries] == ["PREPARE", "EXECUTE"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgres_statement_prepared_in_a_rolled_back_transaction_stays_usable():
    # given
    sql = fresh("rolled back")
    with pytest.raises(RuntimeError), transaction.atomic():
        _run(sql)
        raise RuntimeError("roll back")
    # when
    with CaptureQueriesContext(connection) as after:
        assert _run(sql) == [(42, "x")]
    # then: PREPARE is not undone by ROLLBACK, so it is not prepared twice ("already exists" would fail)
    assert [q["sql"].split()[0] for q in after.captured_queries] == ["EXECUTE"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgres_prepare_in_a_failed_transaction_fails_like_the_statement_and_is_retried_after():
    # given: a transaction that a failed statement aborted
    with pytest.raises(Exception, match="aborted|division"), transaction.atomic():
        with connection.cursor() as cursor:
            try:
                cursor.execute("SELECT 1 / 0")
            except Exception:  # noqa: BLE001 - keep going inside the aborted transaction
                pass
            prepared.execute(cursor, "SELECT CAST(%s AS integer) * 3", [7])
    # when
    with CaptureQueriesContext(connection) as after:
        assert _run("SELECT CAST(%s AS integer) * 3", (7,)) == [(21,)]
    # then: the failed PREPARE was not taken for done
    assert [q["sql"].split()[0] for q in after.captured_queries] == ["PREPARE", "EXECUTE"]
