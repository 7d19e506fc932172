"""GET /v1/auditrecords (docs/API.md "Activity log (audit records)")."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from activitylog.models import ActivityRecord

API = "/v1/auditrecords"
NOW = dt.datetime(2026, 11, 22, 10, 15, tzinfo=dt.UTC)


@pytest.fixture
def api(api_for):
    return api_for("global.admin")


@pytest.fixture
def dated(records_for):
    """One Contoso record on each of several days before NOW."""

    def make(*days_ago: int, **kwargs):
        out = []
        for days in days_ago:
            with time_machine.travel(NOW - dt.timedelta(days=days), tick=False):
                out += records_for("global.admin", 1, **kwargs)
        return out

    return make


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_item_shape(api, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD")
    record = ActivityRecord.objects.filter(operation_type="create_order").latest("id")
    # when
    body = api.get(API, {"filter": json.dumps({"Field": "OperationType", "Value": "create_order"})}).json()
    # then
    item = next(i for i in body["items"] if i["id"] == str(record.pk))
    assert set(body) >= {"totalCount", "items", "links"}
    assert item["partnerId"] == str(fabrikam.partner_id)
    assert item["customerId"] == str(fabrikam.tenant_id) and item["customerName"] == "Fabrikam"
    assert item["userPrincipalName"] == "admin.agent@contoso-partner.example"
    assert (item["resourceType"], item["operationType"], item["operationStatus"]) == (
        "order", "create_order", "succeeded")
    assert item["operationDate"].endswith("Z") and "T" in item["operationDate"]
    assert {"key": "OrderId", "value": str(order.id)} in item["customizedData"]
    assert any(d["key"] == "ProductName" for d in item["customizedData"])


def test_ip_address_is_in_customized_data(api, records_for):
    record = records_for("global.admin", 1)[0]
    item = next(i for i in api.get(API).json()["items"] if i["id"] == str(record.pk))
    assert item["ipAddress"] == "203.0.113.7"
    assert {"key": "IpAddress", "value": "203.0.113.7"} in item["customizedData"]


def test_dates_are_inclusive_and_default_to_the_last_30_days(api, dated):
    # given
    records = dated(0, 5, 30, 31, 200)
    today, edge, outside, ancient = (str(r.pk) for r in (records[0], records[2], records[3], records[4]))
    with time_machine.travel(NOW, tick=False):
        # when
        default = ids(api.get(API, {"size": 500}))
        window = ids(api.get(API, {"startDate": "2026-10-23", "endDate": "2026-10-23", "size": 500}))
        long_range = ids(api.get(API, {"startDate": "2026-01-01", "endDate": "2026-11-22", "size": 500}))
    # then
    assert today in default and edge in default and outside not in default  # start = today - 30
    assert window == [edge]
    assert ancient in long_range  # no 90-day limit


def test_newest_first(api, dated):
    records = dated(3, 1, 2)
    with time_machine.travel(NOW, tick=False):
        got = [i for i in ids(api.get(API, {"size": 500})) if i in {str(r.pk) for r in records}]
    assert got == [str(records[1].pk), str(records[2].pk), str(records[0].pk)]


@pytest.mark.parametrize("params,field", [
    ({"startDate": "2026-13-01"}, "startDate"),
    ({"startDate": "yesterday"}, "startDate"),
    ({"endDate": "2026-1-1"}, "endDate"),
    ({"startDate": "2026-11-10", "endDate": "2026-11-01"}, "startDate"),
    ({"filter": "{not json"}, "filter"),
    ({"filter": json.dumps(["CustomerId"])}, "filter"),
    ({"filter": json.dumps({"Field": "Password", "Value": "x"})}, "filter.Field"),
    ({"filter": json.dumps({"Field": "CompanyName", "Value": "x", "Operator": "like"})}, "filter.Operator"),
    ({"filter": json.dumps({"Field": "CompanyName", "Value": ""})}, "filter.Value"),
    ({"filter": json.dumps({"Field": "CustomerId", "Value": "not-a-guid"})}, "filter.Value"),
])
def test_bad_input_is_a_400_naming_the_field(api, params, field):
    response = api.get(API, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "400" and body["source"] == "PartnerCenter"
    assert [d["field"] for d in body["data"]] == [field]


def test_filters(api, records_for, fabrikam, woodgrove):
    # given
    from customers.models import Customer

    northwind = Customer.objects.get(domain="northwind.onmicrosoft.com")
    fab = str(records_for("global.admin", 1, customer=fabrikam)[0].pk)
    nw = str(records_for("account.admin", 1, customer=northwind)[0].pk)

    def get(field, value, operator=None):
        f = {"Field": field, "Value": value}
        if operator:
            f["Operator"] = operator
        return set(ids(api.get(API, {"filter": json.dumps(f), "size": 500})))

    # then
    assert fab in get("CustomerId", str(fabrikam.tenant_id)) and nw not in get("CustomerId", str(fabrikam.tenant_id))
    assert fab in get("CustomerId", str(fabrikam.tenant_id)[:8], "substring")
    assert fab in get("CompanyName", "fabrikam") and nw not in get("CompanyName", "fabrikam")
    assert fab not in get("CompanyName", "Fabri") and fab in get("CompanyName", "Fabri", "substring")
    assert nw in get("UserPrincipalName", "account.admin@contoso-partner.example")
    assert fab not in get("UserPrincipalName", "account.admin@contoso-partner.example")
    assert {fab, nw} <= get("UserPrincipalName", "admin@contoso", "substring")
    assert {fab, nw} <= get("OperationType", "create_support_request")
    assert {fab, nw} <= get("ResourceType", "support_request")
    assert not {fab, nw} & get("ResourceType", "order")
    assert not get("CustomerId", str(woodgrove.tenant_id))  # another partner's customer: nothing


def test_paging(api, records_for):
    records_for("global.admin", 5)
    body = api.get(API, {"size": 2}).json()
    assert len(body["items"]) == 2 and body["totalCount"] >= 5
    assert "offset=2" in body["links"]["next"]["uri"]
