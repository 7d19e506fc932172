"""The customer's Software tab (D-SW-1..6, D-ROLE-1/4/5, D-CAN-7)."""
from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activitylog.models import ActivityRecord, Operation
from cancellations.services import cancellation_process, cancellation_request
from software.models import DownloadLink
from tests.software.conftest import KEY_PATTERN, PARTNER_USERS

pytestmark = pytest.mark.django_db

KEY_FORMAT = re.compile(KEY_PATTERN)
VARIANT = {"version": "2022", "language": "ja-JP", "file_type": "x64 ISO"}


def tab_url(customer) -> str:
    return reverse("software:customer_software", kwargs={"tenant_id": customer.tenant_id})


def key_url(customer, entitlement) -> str:
    return reverse("software:reveal_key", kwargs={"tenant_id": customer.tenant_id, "entitlement_id": entitlement.pk})


def link_url(customer, entitlement) -> str:
    return reverse("software:issue_link", kwargs={"tenant_id": customer.tenant_id, "entitlement_id": entitlement.pk})


@pytest.mark.parametrize("user", PARTNER_USERS)
def test_every_partner_role_sees_the_list_but_only_the_admin_agent_the_actions(client_for, fabrikam, entitlement,
                                                                               user):
    # when
    response = client_for(user).get(tab_url(fabrikam), {"entitlement": entitlement.pk, **VARIANT})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Windows Server 2022 Standard" in html
    assert str(entitlement.order_line.order_id) in html
    assert (key_url(fabrikam, entitlement) in html) is (user == "admin.agent")
    assert (link_url(fabrikam, entitlement) in html) is (user == "admin.agent")


def test_submit_shows_the_chosen_variant(client_for, fabrikam, entitlement):
    # when
    response = client_for("admin.agent").get(tab_url(fabrikam), {"entitlement": entitlement.pk, **VARIANT})
    # then
    html = response.content.decode()
    assert f'id="variant-{entitlement.pk}"' in html
    assert "2022, Japanese (ja-JP), x64 ISO" in html
    assert "Get keys and downloads" in html
    assert re.search(r'<details class="software-details" id="details-[^"]+" open>\s*<summary>[^<]*Windows Server', html)


def test_the_tab_uses_a_bounded_number_of_queries(client_for, fabrikam, place_order):
    # given
    client = client_for("admin.agent")
    place_order(fabrikam, "WS2022-STD")
    with CaptureQueriesContext(connection) as few:
        client.get(tab_url(fabrikam))
    for _ in range(5):
        place_order(fabrikam, "WS2022-DC", "SQL2022-STD")
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get(tab_url(fabrikam))
    # then
    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize("user", [u for u in PARTNER_USERS if u != "admin.agent"])
def test_key_and_link_posts_are_refused_for_every_role_but_the_admin_agent(client_for, fabrikam, entitlement, user):
    # given
    client = client_for(user)
    # when
    key = client.post(key_url(fabrikam, entitlement))
    link = client.post(link_url(fabrikam, entitlement), VARIANT)
    # then
    assert (key.status_code, link.status_code) == (403, 403)
    assert not ActivityRecord.objects.filter(operation_type__in=[Operation.GET_SOFTWARE_KEY,
                                                                 Operation.GET_SOFTWARE_DOWNLOAD_LINK],
                                             customer_id=fabrikam.tenant_id).exists()


def test_get_key_without_js_shows_a_page_with_the_key_and_records_it(client_for, fabrikam, entitlement):
    # when
    first = client_for("admin.agent").post(key_url(fabrikam, entitlement))
    second = client_for("admin.agent").post(key_url(fabrikam, entitlement))
    # then
    assert first.status_code == 200
    keys = [KEY_FORMAT.search(r.content.decode()).group(0) for r in (first, second)]
    assert keys[0] == keys[1]
    assert 'data-copy="product-key"' in first.content.decode()
    assert "<html" in first.content.decode()
    assert ActivityRecord.objects.filter(operation_type=Operation.GET_SOFTWARE_KEY,
                                         customer_id=fabrikam.tenant_id).count() == 2


def test_get_key_with_htmx_returns_an_autoshow_dialog(client_for, fabrikam, entitlement):
    # when
    response = client_for("admin.agent").post(key_url(fabrikam, entitlement), HTTP_HX_REQUEST="true")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<dialog")
    assert "data-autoshow" in html
    assert KEY_FORMAT.search(html)


def test_get_download_link_shows_link_expiry_and_file(client_for, client, fabrikam, entitlement):
    # when
    response = client_for("admin.agent").post(link_url(fabrikam, entitlement), VARIANT, HTTP_HX_REQUEST="true")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    uri = re.search(r'id="download-link" value="([^"]+)"', html).group(1)
    assert uri.startswith("http://testserver/download/")
    assert f'href="{uri}" download=' in html
    assert 'data-copy="download-link"' in html
    link = DownloadLink.objects.get(entitlement=entitlement)
    assert link.variant.file.sha256 in html
    assert link.variant.file.file_name in html
    assert "KB" in html
    assert "<dd data-downloads-remaining>50</dd>" in html
    assert client.get(uri.removeprefix("http://testserver")).status_code == 200


def test_unknown_variant_is_an_error_not_a_link(client_for, fabrikam, entitlement):
    # when
    response = client_for("admin.agent").post(link_url(fabrikam, entitlement), {**VARIANT, "version": "1999"})
    # then
    assert response.status_code == 400
    assert not DownloadLink.objects.filter(entitlement=entitlement).exists()


def test_cancelled_purchase_stays_listed_without_actions(client_for, user_for, fabrikam, order, entitlement):
    # given
    request = cancellation_request(actor=user_for("admin.agent"), order=order)
    cancellation_process(request_id=request.pk)
    client = client_for("admin.agent")
    # when
    page = client.get(tab_url(fabrikam), {"entitlement": entitlement.pk, **VARIANT})
    key = client.post(key_url(fabrikam, entitlement))
    # then
    html = page.content.decode()
    assert "badge-cancelled" in html
    assert key_url(fabrikam, entitlement) not in html
    assert link_url(fabrikam, entitlement) not in html
    assert key.status_code == 410
    assert not KEY_FORMAT.search(key.content.decode())


def test_cancel_link_only_for_the_admin_agent_and_active_cancellable_purchases(client_for, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD", "SUSE-SLES")
    cancel = reverse("cancellations:cancel", kwargs={"tenant_id": fabrikam.tenant_id})
    # when
    admin = client_for("admin.agent").get(tab_url(fabrikam)).content.decode()
    sales = client_for("sales.agent").get(tab_url(fabrikam)).content.decode()
    # then
    assert f"{cancel}?order={order.pk}&amp;offer=WS2022-STD" in admin
    assert "offer=SUSE-SLES" not in admin
    assert cancel not in sales


def test_another_partners_pages_are_404(client_for, fabrikam, entitlement):
    # given
    adatum = client_for("admin.agent@adatum-partner.example")
    # when
    responses = [adatum.get(tab_url(fabrikam)), adatum.post(key_url(fabrikam, entitlement)),
                 adatum.post(link_url(fabrikam, entitlement), VARIANT)]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]


def test_bad_or_foreign_entitlement_ids_are_404(client_for, fabrikam, customer_in, place_order):
    # given
    other = place_order(customer_in("US"), "WS2022-DC").lines.get().entitlement
    client = client_for("admin.agent")
    base = f"/customers/{fabrikam.tenant_id}/software"
    # when
    responses = [client.post(key_url(fabrikam, other)), client.post(f"{base}/not-a-uuid/key/"),
                 client.post(f"{base}/{uuid.uuid4()}/links/", VARIANT)]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]


def test_key_endpoint_refuses_get(client_for, fabrikam, entitlement):
    assert client_for("admin.agent").get(key_url(fabrikam, entitlement)).status_code == 405


def test_anonymous_is_sent_to_sign_in(client, fabrikam, entitlement):
    response = client.post(key_url(fabrikam, entitlement))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_purchases_are_paged_and_a_link_to_an_order_or_a_submitted_row_opens_its_page(client_for, fabrikam,
                                                                                     place_order, monkeypatch):
    # given: three orders, two purchases a page (newest first: the oldest order is alone on page 2)
    import software.views_software

    monkeypatch.setattr(software.views_software, "PURCHASES_PER_PAGE", 2)
    oldest = place_order(fabrikam, "WS2022-STD")
    middle = place_order(fabrikam, "WS2022-DC")
    newest = place_order(fabrikam, "SQL2022-STD")
    client = client_for("admin.agent")
    oldest_entitlement = oldest.lines.get().entitlement
    # when
    first = client.get(tab_url(fabrikam)).content.decode()
    by_order = client.get(tab_url(fabrikam), {"order": oldest.pk}).content.decode()
    submitted = client.get(tab_url(fabrikam), {"entitlement": oldest_entitlement.pk, **VARIANT}).content.decode()
    explicit = client.get(tab_url(fabrikam), {"order": oldest.pk, "page": 1}).content.decode()
    # then
    assert str(newest.pk) in first and str(middle.pk) in first and str(oldest.pk) not in first
    assert "Page 1 of 2" in first
    assert str(oldest.pk) in by_order and str(newest.pk) not in by_order and "Page 2 of 2" in by_order
    assert f'id="variant-{oldest_entitlement.pk}"' in submitted and "Page 2 of 2" in submitted
    assert f'id="entitlement-{oldest_entitlement.pk}"' not in explicit  # an explicit page wins


def test_the_tab_counts_the_same_queries_with_a_full_page_and_more_pages(client_for, fabrikam, place_order):
    # given: one purchase, then more than a page of them
    from software.views_software import PURCHASES_PER_PAGE

    client = client_for("admin.agent")
    place_order(fabrikam, "WS2022-STD")
    with CaptureQueriesContext(connection) as few:
        client.get(tab_url(fabrikam))
    for _ in range(PURCHASES_PER_PAGE):
        place_order(fabrikam, "WS2022-DC")
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get(tab_url(fabrikam))
    # then: one page of rows, same queries
    assert response.content.decode().count('class="detail-row"') == PURCHASES_PER_PAGE
    assert len(many) == len(few)


def test_the_tab_says_days_left_and_names_languages_and_offers_add_products(client_for, fabrikam, place_order):
    """Issue 16.3: a "days left to cancel" column, language names in the picker, Add products on every tab."""
    place_order(fabrikam, "WS2022-STD")
    client = client_for("admin.agent")
    url = reverse("software:customer_software", kwargs={"tenant_id": fabrikam.tenant_id})
    html = client.get(url).content.decode()
    assert "Days left to cancel" in html and ">60<" in html
    assert ">Japanese (ja-JP)<" in html and "Get keys and downloads" in html
    add = reverse("software:add_products", kwargs={"tenant_id": fabrikam.tenant_id})
    for tab in (url, reverse("software:customer_orders", kwargs={"tenant_id": fabrikam.tenant_id}),
                reverse("customers:detail", kwargs={"tenant_id": fabrikam.tenant_id})):
        assert add in client.get(tab).content.decode()
    ja = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "日本語 (ja-JP)" in ja


def test_a_filter_box_appears_past_ten_purchases_and_filters(client_for, fabrikam, place_order):
    url = reverse("software:customer_software", kwargs={"tenant_id": fabrikam.tenant_id})
    client = client_for("admin.agent")
    place_order(fabrikam, "WS2022-STD")
    assert 'id="software-q"' not in client.get(url).content.decode()
    for _ in range(5):
        place_order(fabrikam, "WS2022-DC", "SQL2022-STD")
    html = client.get(url).content.decode()
    assert 'id="software-q"' in html
    filtered = client.get(url, {"q": "SQL"}).content.decode()
    assert filtered.count('class="row-title"') == 5 and "Windows Server" not in filtered.split("<tbody>")[1]


def test_an_empty_tab_invites_to_add_products(client_for, customer_in):
    customer = customer_in("US")
    html = client_for("sales.agent").get(reverse("software:customer_software",
                                                 kwargs={"tenant_id": customer.tenant_id})).content.decode()
    assert "No software purchases yet" in html
    assert html.count(reverse("software:add_products", kwargs={"tenant_id": customer.tenant_id})) >= 2
