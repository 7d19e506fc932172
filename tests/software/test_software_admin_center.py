"""Customer admin center: Billing > Your products > Software (D-M365, D-ROLE-3/4)."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from activitylog.models import ActivityRecord, Operation
from software.models import DownloadLink

pytestmark = pytest.mark.django_db

KEY_FORMAT = re.compile(r"([BCDFGHJKMNPQRTVWXY2346789]{4}-){7}[BCDFGHJKMNPQRTVWXY2346789]{4}")
FABRIKAM_ADMIN = "admin@fabrikam.onmicrosoft.com"
FABRIKAM_USER = "user@fabrikam.onmicrosoft.com"
VARIANT = {"version": "2019", "language": "en-US", "file_type": "x64 ISO"}


@pytest.fixture
def entitlement(fabrikam, place_order):
    return place_order(fabrikam, "SQL2022-STD").lines.get().entitlement


def key_url(entitlement) -> str:
    return reverse("admin_center:software_key", kwargs={"entitlement_id": entitlement.pk})


def link_url(entitlement) -> str:
    return reverse("admin_center:software_link", kwargs={"entitlement_id": entitlement.pk})


def test_global_admin_sees_own_software_with_actions(client_for, entitlement):
    # when
    response = client_for(FABRIKAM_ADMIN).get(reverse("admin_center:software"),
                                             {"entitlement": entitlement.pk, **VARIANT})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "SQL Server 2022 Standard" in html
    assert key_url(entitlement) in html
    assert link_url(entitlement) in html


def test_global_admin_reveals_own_key_recorded(client_for, entitlement, user_for, fabrikam):
    # when
    response = client_for(FABRIKAM_ADMIN).post(key_url(entitlement))
    # then
    assert response.status_code == 200
    assert KEY_FORMAT.search(response.content.decode())
    record = ActivityRecord.objects.filter(operation_type=Operation.GET_SOFTWARE_KEY,
                                           customer_id=fabrikam.tenant_id).latest("operation_date")
    assert record.user == user_for(FABRIKAM_ADMIN)


def test_global_admin_gets_a_download_link(client_for, client, entitlement):
    # when
    response = client_for(FABRIKAM_ADMIN).post(link_url(entitlement), VARIANT, HTTP_HX_REQUEST="true")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    uri = re.search(r'id="download-link" value="([^"]+)"', html).group(1)
    assert client.get(uri.removeprefix("http://testserver")).status_code == 200
    assert DownloadLink.objects.filter(entitlement=entitlement).count() == 1


def test_plain_tenant_user_is_refused(client_for, entitlement):
    # given
    client = client_for(FABRIKAM_USER)
    # when / then
    assert client.get(reverse("admin_center:software")).status_code == 403
    assert client.post(key_url(entitlement)).status_code == 403
    assert client.post(link_url(entitlement), VARIANT).status_code == 403
    assert client.get(reverse("admin_center:home")).status_code == 200


def test_another_tenants_entitlement_is_404(client_for, entitlement):
    # given
    northwind_admin = client_for("admin@northwind.onmicrosoft.com")
    # when / then
    assert northwind_admin.post(key_url(entitlement)).status_code == 404
    assert northwind_admin.post(link_url(entitlement), VARIANT).status_code == 404
    page = northwind_admin.get(reverse("admin_center:software"))
    assert page.status_code == 200
    assert str(entitlement.pk) not in page.content.decode()


def test_partner_staff_are_sent_to_their_dashboard_and_refused_the_tenant_page(client_for, entitlement):
    # given
    agent = client_for("admin.agent")
    # when
    home = agent.get(reverse("admin_center:home"))
    software = agent.get(reverse("admin_center:software"))
    # then
    assert home.status_code == 302
    assert home["Location"] == reverse("dashboard")
    assert software.status_code == 403


def test_tenant_home_links_to_software(client_for):
    # when
    response = client_for(FABRIKAM_ADMIN).get(reverse("admin_center:home"))
    # then
    assert response.status_code == 200
    assert reverse("admin_center:software") in response.content.decode()


def test_the_global_admins_home_highlights_links_that_expire_soon(fabrikam, place_order, user_for, client_for):
    import datetime as dt

    import time_machine

    from software.selectors import variant_for
    from software.services import download_link_issue

    # given two purchases, one with a link 2 days from expiry, the other with a link 3 days from expiry
    at = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    agent = user_for("admin.agent")
    with time_machine.travel(at, tick=False):
        soon = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
        later = place_order(fabrikam, "SQL2022-STD").lines.get().entitlement
        soon_variant = variant_for(soon, version="2022", language="en-US", file_type="x64 ISO")
        download_link_issue(actor=agent, entitlement=soon, variant=soon_variant)
    with time_machine.travel(at + dt.timedelta(days=1), tick=False):
        later_variant = variant_for(later, version="2022", language="en-US", file_type="x64 ISO")
        download_link_issue(actor=agent, entitlement=later, variant=later_variant)
    # when the tenant's Global admin opens the admin-center home 12 days later
    with time_machine.travel(at + dt.timedelta(days=12), tick=False):
        response = client_for("admin@fabrikam.onmicrosoft.com").get(reverse("admin_center:home"))
    # then both purchases are listed and only the first is highlighted
    expiring = {entitlement.pk for entitlement, links in response.context["products"] if links}
    listed = {entitlement.pk for entitlement, _links in response.context["products"]}
    assert {soon.pk, later.pk} <= listed
    assert soon.pk in expiring and later.pk not in expiring
    assert 'data-expiring="true"' in response.content.decode()


def test_a_tenant_user_sees_no_software_on_the_home(client_for):
    response = client_for("user@fabrikam.onmicrosoft.com").get(reverse("admin_center:home"))
    assert response.status_code == 200
    assert response.context["products"] is None


def test_a_plain_customer_user_is_not_offered_what_only_the_global_admin_may_open(client_for):
    """Issue 16.8: no Billing > Your products link, no card advertising keys the user can't see."""
    html = client_for("user@fabrikam.onmicrosoft.com").get(reverse("admin_center:home")).content.decode()
    assert reverse("admin_center:software") not in html
    assert "Only your organisation's Global admin can see product keys and downloads." in html
    admin_html = client_for("admin@fabrikam.onmicrosoft.com").get(reverse("admin_center:home")).content.decode()
    assert reverse("admin_center:software") in admin_html
