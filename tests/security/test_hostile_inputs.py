"""Inputs that once ended in a server error get a clear 4xx: the docs/API.md error body under /v1/, a page
with the message elsewhere (issue 15.3)."""
from __future__ import annotations

import json

import pytest

API_BODY = {"code", "description", "data", "source"}


@pytest.fixture
def link_token(place_order, fabrikam, user_for):
    from software.selectors import variant_for
    from software.services import download_link_issue

    entitlement = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
    variant = entitlement.offer.variants.order_by("pk").first()
    variant = variant_for(entitlement, version=variant.version, language=variant.language,
                          file_type=variant.file_type)
    return download_link_issue(actor=user_for("admin.agent"), entitlement=entitlement, variant=variant).token


def _api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == API_BODY and body["code"] == code
    return body


def test_a_range_starting_thousands_of_digits_in_is_416(client, link_token):
    response = client.get(f"/download/{link_token}/", HTTP_RANGE="bytes=" + "9" * 5000 + "-")
    assert response.status_code == 416
    # and an end thousands of digits long is clipped to the file, as any end past it is
    response = client.get(f"/download/{link_token}/", HTTP_RANGE="bytes=0-" + "9" * 5000)
    assert response.status_code == 206


def test_a_quantity_of_thousands_of_digits_is_a_form_error(client_for, fabrikam):
    response = client_for("sales.agent").post(f"/customers/{fabrikam.tenant_id}/add-products/",
                                              {"qty_WS2022-STD": "9" * 5000, "step": "review"})
    assert response.status_code == 400
    assert "Quantity must be a whole number from 1 to 1000." in response.content.decode()


@pytest.mark.parametrize("start, end", [("2026-01-01", "9999-12-31"), ("0001-01-01", "3000-01-01")])
def test_activity_log_end_dates_past_the_calendar_are_refused_clearly(client_for, api_for, start, end):
    client = client_for("account.admin")
    page = client.get(f"/settings/activity-log/?start={start}&end={end}")
    assert page.status_code == 400 and "no later than 2999-12-31" in page.content.decode()
    export = client.get(f"/settings/activity-log/export.csv?start={start}&end={end}")
    assert export.status_code == 400 and "no later than 2999-12-31" in export.content.decode()
    body = _api_error(api_for("account.admin").get(f"/v1/auditrecords?startDate={start}&endDate={end}"), 400, "400")
    assert "no later than 2999-12-31" in body["data"][0]["messages"][0]


def test_activity_log_from_the_first_day_of_the_calendar_lists_everything(client_for, api_for):
    assert client_for("account.admin").get("/settings/activity-log/?start=0001-01-01&end=2999-12-31").status_code == 200
    assert api_for("account.admin").get("/v1/auditrecords?startDate=0001-01-01&endDate=2999-12-31").status_code == 200


def test_json_nested_100000_levels_deep_is_a_400(api_for, fabrikam):
    deep = "[" * 100_000 + "]" * 100_000
    response = api_for("admin.agent").generic("POST", f"/v1/customers/{fabrikam.tenant_id}/orders", deep,
                                              content_type="application/json")
    _api_error(response, 400, "400")


def test_an_api_body_over_the_size_limit_is_413(api_for, fabrikam, settings):
    item = {"offerId": "WS2022-STD", "quantity": 1}
    body = json.dumps({"lineItems": [item] * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // len(json.dumps(item)) + 1)})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_for("admin.agent").generic("POST", f"/v1/customers/{fabrikam.tenant_id}/orders", body,
                                              content_type="application/json")
    _api_error(response, 413, "413")


@pytest.mark.parametrize("param", ["offset", "size"])
@pytest.mark.parametrize("value", ["1e23", "1.5", "-1", "abc", "9" * 5000])
def test_paging_values_that_are_not_whole_numbers_are_a_400(api_for, param, value):
    _api_error(api_for("admin.agent").get(f"/v1/customers?{param}={value}"), 400, "400")


def test_an_offset_past_any_end_is_an_empty_page(api_for):
    response = api_for("admin.agent").get("/v1/customers?offset=" + "9" * 40)
    assert response.status_code == 200
    assert response.json()["items"] == [] and response.json()["totalCount"] > 0


@pytest.mark.parametrize("data", [{}, {"language": "xx"}, {"language": "ja", "next": "https://elsewhere.example/"},
                                  {"language": ["ja", "ru"]}, {"language": "ja" * 5000}])
@pytest.mark.parametrize("signed_in", [True, False])
def test_any_post_to_the_language_switch_is_answered_without_error(client, client_for, data, signed_in):
    caller = client_for("admin.agent") if signed_in else client
    response = caller.post("/i18n/setlang/", data)
    assert response.status_code in (302, 204)
    assert "elsewhere.example" not in response.get("Location", "")
