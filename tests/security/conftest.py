"""Real objects of one partner and its customers, to fill the object parameters of every route."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


@dataclass
class Objects:
    """One of each object a URL can name, belonging to one partner (and its customer Fabrikam/Woodgrove)."""

    tenant_id: str
    order_id: str
    entitlement_id: str
    invoice_id: str
    request_id: str
    attachment_id: str
    token_id: int
    user_id: int
    token: str  # a download link's bearer token

    def params(self) -> dict[str, str]:
        return {name: str(value) for name, value in vars(self).items()}


@pytest.fixture
def objects_of(place_order, user_for, tmp_path, settings):
    """`objects_of(customer)`: an order with a key and link, an invoice, a support request with an
    attachment, an API token and a user, all of `customer`'s partner."""
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"

    from accounts.services import api_token_issue
    from billing.models import Invoice
    from software.services import download_link_issue
    from support.services import SupportDetails, support_request_create

    def make(customer) -> Objects:
        admin = user_for(f"admin.agent@{customer.partner.domain}")
        order = place_order(customer, "WS2022-STD")
        entitlement = order.lines.get(line_item_number=0).entitlement
        variant = entitlement.offer.variants.order_by("pk").first()
        issued = download_link_issue(actor=admin, entitlement=entitlement, variant=variant)
        details = SupportDetails(problem_type="csp_purchase_refund", impact="moderate", title="Refund",
                                 description="Please refund.", contact_name="Ada",
                                 contact_email=admin.email, contact_phone="+81 3 1234 5678")
        request = support_request_create(actor=admin, details=details, customer=customer,
                                         files=[SimpleUploadedFile("a.png", PNG, content_type="image/png")])
        token, _secret = api_token_issue(user=admin, name="matrix")
        return Objects(
            tenant_id=str(customer.tenant_id), order_id=str(order.pk), entitlement_id=str(entitlement.pk),
            invoice_id=str(Invoice.objects.filter(partner=customer.partner).latest("period_start").pk),
            request_id=str(request.pk), attachment_id=str(request.attachments.get().pk), token_id=token.pk,
            user_id=user_for(f"global.admin@{customer.partner.domain}").pk, token=issued.token)

    return make
