"""The Cancel dialog (D-CAN-4..6): order drop-down, days left / window passed / not cancellable, the credit,
the Important acknowledgement (re-validated on the server), errors as form errors, roles, 404s."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse

from cancellations.credits import credit_compute
from cancellations.models import CancellationRequest
from partnercenter.formats import money_display
from software.models import OrderLine

from .conftest import at

PURCHASE = dt.date(2026, 4, 10)
OTHER_ROLES = ["sales.agent", "helpdesk.agent", "global.admin", "billing.admin", "account.admin",
               "referral.admin", "marketing.admin"]


def cancel_url(customer, **params) -> str:
    url = reverse("cancellations:cancel", kwargs={"tenant_id": customer.tenant_id})
    return f"{url}?{urlencode(params)}" if params else url


def test_dialog_shows_orders_days_left_and_credit(order_on, fabrikam, client_for):
    # given two orders of the same product
    older = order_on(PURCHASE, fabrikam, ("SQL2022-ENT-P1Y", 2))
    newer = order_on(PURCHASE + dt.timedelta(days=5), fabrikam, "SQL2022-ENT-P1Y")
    # when the dialog is opened for the older one on day 10
    with time_machine.travel(at(PURCHASE + dt.timedelta(days=10)), tick=False):
        response = client_for("admin.agent").get(cancel_url(fabrikam, order=older.pk, offer="SQL2022-ENT-P1Y"),
                                                 headers={"HX-Request": "true"})
    # then a dialog fragment with both orders in the drop-down, 50 days left and the exact credit
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<dialog") and "data-autoshow" in html
    assert "Order number" in html
    assert f'value="{older.pk}" selected' in html and f'value="{newer.pk}"' in html
    # each order named by its number, product, quantity, amount, date and time of purchase, days left
    older_label = (f"{older.pk} · SQL Server 2022 Enterprise × 2 · ¥1,738,000 · "
                   "Apr 10, 2026 10:00\u202fAM UTC · 50 days left to cancel")
    newer_label = (f"{newer.pk} · SQL Server 2022 Enterprise × 1 · ¥869,000 · "
                   "Apr 15, 2026 10:00\u202fAM UTC · 55 days left to cancel")
    assert older_label in html and newer_label in html
    assert older.alternate_id not in html
    assert "1: SQL Server 2022 Enterprise" in html  # line numbers shown to people start at 1
    assert "50 days remaining" in html
    credit = credit_compute(older.lines.get(), PURCHASE + dt.timedelta(days=10), "JPY")
    assert money_display(credit.total, "JPY") in html
    assert "Cancelling revokes the product keys and download links of this purchase." in html


def test_full_page_without_htmx_extends_customer_page(place_order, fabrikam, client_for):
    order = place_order(fabrikam, "WS2022-STD")
    response = client_for("admin.agent").get(cancel_url(fabrikam, order=order.pk, offer="WS2022-STD"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and "<dialog" not in html
    assert fabrikam.company_name in html and "60 days remaining" in html


def test_window_passed_links_to_prefilled_support_form(order_on, fabrikam, client_for):
    # given an order bought 61 days ago
    order = order_on(PURCHASE, fabrikam, "WS2022-STD")
    with time_machine.travel(at(PURCHASE + dt.timedelta(days=61)), tick=False):
        response = client_for("admin.agent").get(cancel_url(fabrikam, order=order.pk, offer="WS2022-STD"))
    # then the window message and a link to the support form prefilled with customer, order and amount
    html = response.content.decode()
    assert "You have passed your 60-day cancellation window" in html
    line = order.lines.get()
    support = reverse("support:new") + "?" + urlencode(
        {"customer": str(fabrikam.tenant_id), "order": str(order.pk), "amount": money_display(line.total, 'JPY')})
    assert support.replace("&", "&amp;") in html
    # and nothing to acknowledge or submit: the window has passed
    assert 'name="acknowledge"' not in html and "Cancel purchase</button>" not in html


def test_third_party_shows_cannot_be_cancelled_and_post_is_800061(place_order, fabrikam, client_for):
    # given a SUSE plan
    order = place_order(fabrikam, "SUSE-SLES")
    client = client_for("admin.agent")
    response = client.get(cancel_url(fabrikam, order=order.pk, offer="SUSE-SLES"))
    assert "This product can't be cancelled." in response.content.decode()
    # when submitted anyway
    response = client.post(cancel_url(fabrikam), {"order": order.pk, "offer": "SUSE-SLES", "acknowledge": "on"})
    # then a form error, nothing saved
    assert response.status_code == 400
    assert "can&#x27;t be cancelled" in response.content.decode() or "can't be cancelled" in response.content.decode()
    assert not CancellationRequest.objects.filter(order=order).exists()


def test_submit_without_acknowledgement_is_400(place_order, fabrikam, client_for):
    order = place_order(fabrikam, "WS2022-STD")
    response = client_for("admin.agent").post(cancel_url(fabrikam), {"order": order.pk, "offer": "WS2022-STD"})
    assert response.status_code == 400
    assert "Tick the box to acknowledge" in response.content.decode()
    assert not CancellationRequest.objects.filter(order=order).exists()
    assert order.lines.get().status == OrderLine.Status.ACTIVE


def test_submit_cancels_and_confirms(place_order, fabrikam, client_for):
    # given an order of two products
    order = place_order(fabrikam, "WS2022-STD", "WS2022-DC")
    client = client_for("admin.agent")
    # when the WS2022-STD line is submitted with the acknowledgement (plain form post)
    response = client.post(cancel_url(fabrikam), {"order": order.pk, "offer": "WS2022-STD", "acknowledge": "on"},
                           follow=True)
    # then the done state: what was cancelled, keys and links revoked, the credit and its invoice, nothing to submit
    html = response.content.decode()
    assert response.status_code == 200 and "?done=" in response.redirect_chain[0][0]
    assert "Cancellation submitted." in html and "are revoked" in html
    assert "A credit of ¥107,800 is posted to your invoice for" in html and "View invoice" in html
    assert 'name="acknowledge"' not in html
    assert order.lines.get(line_item_number=0).status == OrderLine.Status.CANCEL_PENDING
    assert order.lines.get(line_item_number=1).status == OrderLine.Status.ACTIVE
    # and a second submit is a form error (800060)
    again = client.post(cancel_url(fabrikam), {"order": order.pk, "offer": "WS2022-STD", "acknowledge": "on"})
    assert again.status_code == 400
    assert "already in progress" in again.content.decode()


def test_htmx_submit_returns_confirmation_dialog(place_order, fabrikam, client_for):
    order = place_order(fabrikam, "WS2022-STD")
    response = client_for("admin.agent").post(cancel_url(fabrikam), {"order": order.pk, "acknowledge": "on"},
                                              headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Cancellation submitted" in response.content.decode()
    assert response.content.decode().lstrip().startswith("<dialog")


def test_line_selection_cancels_only_ticked_lines(place_order, fabrikam, client_for):
    order = place_order(fabrikam, "WS2022-STD", "WS2022-DC")
    response = client_for("admin.agent").post(cancel_url(fabrikam), {"order": order.pk, "lines": ["1"],
                                                                     "acknowledge": "on"})
    assert response.status_code == 302
    assert CancellationRequest.objects.get(order=order).line_item_numbers == [1]


def test_window_passed_post_is_form_error_900117(order_on, fabrikam, client_for):
    order = order_on(PURCHASE, fabrikam, "WS2022-STD")
    with time_machine.travel(at(PURCHASE + dt.timedelta(days=61)), tick=False):
        response = client_for("admin.agent").post(cancel_url(fabrikam), {"order": order.pk, "acknowledge": "on"})
    assert response.status_code == 400
    assert "You have passed your 60-day cancellation window" in response.content.decode()
    assert not CancellationRequest.objects.filter(order=order).exists()


@pytest.mark.parametrize("email", OTHER_ROLES)
def test_other_roles_are_403(place_order, fabrikam, client_for, email):
    order = place_order(fabrikam, "WS2022-STD")
    client = client_for(email)
    assert client.get(cancel_url(fabrikam, order=order.pk)).status_code == 403
    assert client.post(cancel_url(fabrikam), {"order": order.pk, "acknowledge": "on"}).status_code == 403
    assert not CancellationRequest.objects.filter(order=order).exists()


def test_other_partner_and_unknown_orders_are_404(place_order, woodgrove, fabrikam, client_for):
    # given Adatum's customer and order
    adatum_order = place_order(woodgrove, "WS2022-STD")
    contoso = client_for("admin.agent")
    # then Contoso's Admin agent gets 404 for Adatum's customer, and for Adatum's order under its own customer
    assert contoso.get(cancel_url(woodgrove, order=adatum_order.pk)).status_code == 404
    assert contoso.get(cancel_url(fabrikam, order=adatum_order.pk)).status_code == 404
    assert contoso.post(cancel_url(fabrikam), {"order": adatum_order.pk, "acknowledge": "on"}).status_code == 404
    assert contoso.get(cancel_url(fabrikam, order="not-a-uuid")).status_code == 404
    assert not CancellationRequest.objects.filter(order=adatum_order).exists()


def test_anonymous_is_redirected_to_sign_in(fabrikam):
    from django.test import Client

    response = Client().get(cancel_url(fabrikam))
    assert response.status_code == 302
    assert "login" in response["Location"]
