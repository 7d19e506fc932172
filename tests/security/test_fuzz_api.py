"""Every operation of /v1/schema/ fuzzed with schemathesis through the WSGI app, as an Admin agent
(issue #9 point 2).

Every check schemathesis has runs (no 5xx, status codes / content types / bodies conform to the schema,
invalid input is rejected, ...) plus one of ours: every error body is the docs/API.md error shape. One check is
left out: "schema-valid data must be accepted" — the schema can't carry every business rule (a country must
be a market of the catalog, a domain must be free), so a syntactically valid body may rightly get a 400.

Bounded and reproducible: a fixed number of examples per operation, derandomized (a fixed seed), no
example database."""
from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 30
ERROR_KEYS = {"code", "description", "data", "source"}
CASES: Counter = Counter()

schema = schemathesis.openapi.from_wsgi("/v1/schema/", get_wsgi_application())


def error_shape(ctx, response, case):
    """docs/API.md "Errors": every 4xx/5xx from /v1/ is {code: digits, description, data: [], source}."""
    if response.status_code < 400:
        return None
    body = response.json()
    assert isinstance(body, dict) and set(body) == ERROR_KEYS, body
    assert isinstance(body["code"], str) and body["code"].isdigit(), body
    assert isinstance(body["description"], str) and body["description"], body
    assert isinstance(body["data"], list) and body["source"] == "PartnerCenter", body
    return True


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The raw WSGI app closes the database connection at the end of each request (close_old_connections),
    which would drop the test's transaction on PostgreSQL; Django's test client unhooks it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, user_for, wsgi_keeps_the_test_connection):
    from accounts.services import api_token_issue

    _token, secret = api_token_issue(user=user_for("admin.agent"), name="fuzz")
    return secret


@pytest.fixture
def real_ids(objects_of, fabrikam):
    """Ids of real objects of the agent's partner: a positive case is sent to them, so the bodies and
    queries are fuzzed against a real customer, order, entitlement and invoice, not only a 404."""
    return objects_of(fabrikam).params()


def aim_at_real_objects(case, real_ids) -> None:
    path = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    if case.path_parameters and (path is None or path.mode == GenerationMode.POSITIVE):
        case.path_parameters = {name: real_ids.get(name, value) for name, value in case.path_parameters.items()}


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation(case, admin_token, real_ids):
    CASES[case.operation.label] += 1
    aim_at_real_objects(case, real_ids)
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"},
                           additional_checks=[error_shape], excluded_checks=[positive_data_acceptance])


def test_every_operation_of_the_schema_is_fuzzable():
    # each operation loads (a broken one would be reported, not fuzzed); the access matrix checks that the
    # schema holds every /v1/ route of the URL resolver
    results = list(schema.get_all_operations())
    assert results and all(result.ok() for result in results)


def case_count_line() -> str:
    """The case count of this process, for `-s` runs: `pytest tests/security/test_fuzz_api.py -s -p no:xdist`."""
    return f"fuzzed {len(CASES)} operations, {sum(CASES.values())} cases: {dict(CASES)}"


@pytest.fixture(scope="module", autouse=True)
def report_case_count():
    yield
    print("\n" + case_count_line())
