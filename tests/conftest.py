"""Test fixtures: the demo world (seeded once into the test database), personas for every role, API
clients, and the `--services` mode that runs the PostgreSQL / Redis / worker tests and fails — never
skips — when a service is missing."""
from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from activitylog.dbguards import GUARDS as ACTIVITY_GUARDS
from billing.dbguards import GUARDS as BILLING_GUARDS

DEMO_PASSWORD = "Test-password-1"
CONTOSO = "contoso-partner.example"
ADATUM = "adatum-partner.example"


def pytest_addoption(parser):
    parser.addoption("--services", action="store_true",
                     help="run the tests that need PostgreSQL, Redis and a Celery worker (fail if missing)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--services"):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("services") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    if not session.config.getoption("--services"):
        return
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    problems = []
    if not database_url.startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must point at PostgreSQL for --services")
    elif not _reachable(database_url, 5432):
        problems.append(f"PostgreSQL is not reachable at {database_url}")
    if not redis_url.startswith("redis://"):
        problems.append("REDIS_URL must point at Redis for --services")
    elif not _reachable(redis_url, 6379):
        problems.append(f"Redis is not reachable at {redis_url}")
    if problems:
        raise pytest.UsageError("; ".join(problems))


# --- the database ------------------------------------------------------------------------------

def _patch_sqlite_flush():
    """TransactionTestCase empties tables with DELETE on SQLite, which the append-only and ledger
    triggers refuse (as they should). Lift the triggers around that flush only."""
    import django.db.backends.sqlite3.base  # noqa: F401  (imports operations in the right order)
    from django.db.backends.sqlite3.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "_lifts_guards", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        guards = ACTIVITY_GUARDS + BILLING_GUARDS
        drop = [sql for guard in guards for sql in guard.drop_sql("sqlite")]
        create = [sql for guard in guards for sql in guard.create_sql("sqlite")]
        return drop + list(statements) + create

    sql_flush._lifts_guards = True
    DatabaseOperations.sql_flush = sql_flush


_patch_sqlite_flush()


def seed():
    # Without Contoso's history: the tests start from no purchases (tests/test_demo_history.py builds it).
    call_command("seed_demo", password=DEMO_PASSWORD, no_history=True, stdout=open(os.devnull, "w"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed()


@pytest.fixture
def demo_world(transactional_db):
    """For transactional tests (live server, worker): the flush of an earlier test emptied the tables."""
    seed()


# --- personas ----------------------------------------------------------------------------------

@pytest.fixture
def user_for(db):
    from accounts.models import User

    def get(email: str) -> User:
        if "@" not in email:
            email = f"{email}@{CONTOSO}"
        return User.objects.get(email=email)

    return get


@pytest.fixture
def client_for(user_for):
    """A browser-like client signed in as that user (session + CSRF checks on)."""
    from django.test import Client

    def make(email: str) -> Client:
        client = Client()
        client.force_login(user_for(email))
        return client

    return make


@pytest.fixture
def api_for(user_for):
    """An API client authenticated with a real bearer token of that user."""
    from rest_framework.test import APIClient

    from accounts.services import api_token_issue

    def make(email: str) -> APIClient:
        _token, secret = api_token_issue(user=user_for(email), name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


@pytest.fixture
def fabrikam(db):
    from customers.models import Customer

    return Customer.objects.get(domain="fabrikam.onmicrosoft.com")


@pytest.fixture
def customer_in(db):
    from customers.models import Customer

    def get(country: str) -> Customer:
        return Customer.objects.filter(market_id=country).order_by("company_name").first()

    return get


@pytest.fixture
def woodgrove(db):
    from customers.models import Customer

    return Customer.objects.get(domain="woodgrove.onmicrosoft.com")


@pytest.fixture
def place_order(user_for):
    """Buy through the real service, as Contoso's (or the customer's partner's) Admin agent."""
    from software.orders import LineRequest
    from software.services import order_place

    def place(customer, *offers: str | tuple[str, int], actor=None):
        lines = [LineRequest(offer_id=o, quantity=1) if isinstance(o, str) else LineRequest(offer_id=o[0],
                 quantity=o[1]) for o in offers]
        actor = actor or user_for(f"admin.agent@{customer.partner.domain}")
        return order_place(actor=actor, customer=customer, lines=lines)

    return place
