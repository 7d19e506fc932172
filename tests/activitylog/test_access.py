"""D-ROLE-2 / D-LOG-3: only Global, Account, Referral and Marketing content admins read the log, and
only their own partner's records (D-ROLE-4), on the page, the export and the API."""
from __future__ import annotations

import pytest

PAGE, EXPORT, API = "/settings/activity-log/", "/settings/activity-log/export.csv", "/v1/auditrecords"
READERS = ["global.admin", "account.admin", "referral.admin", "marketing.admin"]
OTHERS = ["admin.agent", "sales.agent", "helpdesk.agent", "billing.admin", "admin@fabrikam.onmicrosoft.com",
          "user@fabrikam.onmicrosoft.com"]


@pytest.mark.parametrize("who", READERS)
def test_readers_get_page_export_and_api(client_for, api_for, who):
    assert client_for(who).get(PAGE).status_code == 200
    assert client_for(who).get(EXPORT).status_code == 200
    assert api_for(who).get(API).status_code == 200


@pytest.mark.parametrize("who", OTHERS)
def test_everyone_else_is_refused(client_for, api_for, who):
    assert client_for(who).get(PAGE).status_code == 403
    assert client_for(who).get(EXPORT).status_code == 403
    response = api_for(who).get(API)
    assert response.status_code == 403
    assert response.json()["code"] == "403"


def test_anonymous_is_sent_to_sign_in_or_401(client):
    assert client.get(PAGE).status_code == 302
    assert client.get(EXPORT).status_code == 302
    assert client.get(API).status_code == 401


def test_a_partner_never_sees_another_partners_records(records_for, client_for, api_for, woodgrove):
    # given: records on both sides
    contoso = records_for("global.admin", 2)
    adatum = records_for("global.admin@adatum-partner.example", 1, customer=woodgrove)
    contoso_ids = {str(r.pk) for r in contoso}
    adatum_admin = "global.admin@adatum-partner.example"
    # when
    api_ids = {item["id"] for item in api_for(adatum_admin).get(API, {"size": 500}).json()["items"]}
    page = client_for(adatum_admin).get(PAGE).content.decode()
    export = b"".join(client_for(adatum_admin).get(EXPORT).streaming_content).decode()
    contoso_export = b"".join(client_for("global.admin").get(EXPORT).streaming_content).decode()
    # then
    assert str(adatum[0].pk) in api_ids and not api_ids & contoso_ids
    assert "Woodgrove Bank" in page and "contoso-partner.example" not in page
    assert "contoso-partner.example" not in export and "adatum-partner.example" in export
    assert "adatum-partner.example" not in contoso_export and "Woodgrove" not in contoso_export
