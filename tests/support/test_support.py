"""Report a problem with Partner Center (D-SUP, D-ROLE-6): the form, prefill, attachments (type, size,
content sniffing, storage outside the web root), the request number and its activity record, the list,
the detail page and attachment downloads scoped to the partner."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activitylog.models import ActivityRecord
from support.models import SupportAttachment, SupportRequest
from support.services import MAX_FILE_SIZE

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
NEW = "support:new"


@pytest.fixture(autouse=True)
def attachments_dir(tmp_path, settings):
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    return settings.ATTACHMENTS_DIR


def form_data(**overrides) -> dict:
    data = {"problem_type": "csp_purchase_refund", "impact": "moderate", "title": "Refund for order",
            "customer_reference": "fabrikam.onmicrosoft.com", "order_reference": "c403d91b21d2",
            "refund_reason": "Bought by mistake", "amount_requested": "107800 JPY",
            "description": "Please refund.", "contact_name": "Ada Agent",
            "contact_email": "ada@contoso-partner.example", "contact_phone": "+81 (3) 1234-5678"}
    data.update(overrides)
    return data


def test_form_is_prefilled_from_the_cancel_dialog_link(client_for, fabrikam):
    # when the support form is opened from the window-passed link
    url = reverse(NEW) + f"?customer={fabrikam.tenant_id}&order=abc-123&amount=107800+JPY"
    response = client_for("admin.agent").get(url)
    # then the description fields carry the customer, order and amount, and the CSP refund type is chosen
    html = response.content.decode()
    assert response.status_code == 200
    assert "Report a problem with Partner Center" in html
    assert f'value="{fabrikam.tenant_id}"' in html
    assert 'value="abc-123"' in html and 'value="107800 JPY"' in html
    assert 'value="csp_purchase_refund" selected' in html
    assert "CSP Purchase/Refund on behalf of customers" in html


def test_valid_submit_with_png_attachment(client_for, attachments_dir):
    # given a PNG file
    upload = SimpleUploadedFile("screen shot.png", PNG, content_type="image/png")
    # when the form is submitted
    response = client_for("admin.agent").post(reverse(NEW), {**form_data(), "files": [upload]})
    # then a request with an SR number, its attachment stored under ATTACHMENTS_DIR by a random name,
    # and a create_support_request record
    assert response.status_code == 302
    request = SupportRequest.objects.get(title="Refund for order")
    assert re.fullmatch(r"SR\d{10}", request.number)
    attachment = request.attachments.get()
    assert attachment.original_name == "screen shot.png"
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    stored = Path(attachments_dir) / attachment.stored_name
    assert stored.read_bytes() == PNG
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    assert not str(stored.resolve()).startswith(str(Path(settings.STATIC_ROOT).resolve()))
    record = ActivityRecord.objects.get(operation_type="create_support_request", details__RequestNumber=request.number)
    assert record.user.email == "admin.agent@contoso-partner.example"
    # and the detail page shows the number
    page = client_for("admin.agent").get(response["Location"])
    assert request.number in page.content.decode()


@pytest.mark.parametrize(("name", "content"), [
    ("setup.exe", b"MZ\x90\x00" + bytes(100)),
    ("notes.png", b"this is really text, not a picture"),
    ("scan.pdf", b"\x89PNG\r\n\x1a\n" + bytes(10)),
    ("archive.zip", b"plain text pretending"),
    ("log.txt", b"\x00\x01\x02binary\xff\xfe"),
    ("noextension", b"hello"),
])
def test_wrong_type_is_rejected_and_nothing_saved(client_for, attachments_dir, name, content):
    upload = SimpleUploadedFile(name, content)
    response = client_for("admin.agent").post(reverse(NEW), {**form_data(), "files": [upload]})
    assert response.status_code == 400
    assert name in response.content.decode()
    assert not SupportRequest.objects.filter(title="Refund for order").exists()
    assert not Path(attachments_dir).exists() or not any(Path(attachments_dir).iterdir())


def test_oversize_file_is_rejected(client_for, attachments_dir):
    upload = SimpleUploadedFile("big.png", PNG + bytes(MAX_FILE_SIZE), content_type="image/png")
    response = client_for("admin.agent").post(reverse(NEW), {**form_data(), "files": [upload]})
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not SupportAttachment.objects.exists()


def test_more_than_five_files_is_rejected(client_for):
    uploads = [SimpleUploadedFile(f"f{i}.txt", b"hello") for i in range(6)]
    response = client_for("admin.agent").post(reverse(NEW), {**form_data(), "files": uploads})
    assert response.status_code == 400
    assert "at most 5 files" in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_several_allowed_files(client_for):
    uploads = [SimpleUploadedFile("a.txt", "日本語のログ".encode()), SimpleUploadedFile("b.csv", b"a,b\n1,2\n"),
               SimpleUploadedFile("c.pdf", b"%PDF-1.7\n..."), SimpleUploadedFile("d.jpg",
                                                                                 b"\xff\xd8\xff\xe0" + bytes(8)),
               SimpleUploadedFile("e.zip", b"PK\x03\x04" + bytes(26))]
    response = client_for("helpdesk.agent").post(reverse(NEW), {**form_data(), "files": uploads})
    assert response.status_code == 302
    assert SupportRequest.objects.get().attachments.count() == 5


@pytest.mark.parametrize(("field", "value"), [
    ("contact_email", "not-an-email"),
    ("contact_phone", "12345"),
    ("contact_phone", "call me maybe"),
    ("contact_phone", "+1 555 0100 ext 12"),
    ("contact_phone", "1" * 21),
    ("title", ""),
    ("description", ""),
])
def test_bad_fields_are_form_errors(client_for, field, value):
    response = client_for("admin.agent").post(reverse(NEW), form_data(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("phone", ["+81 3-1234-5678", "(555) 010 0100", "123456"])
def test_good_phones_pass(client_for, phone):
    response = client_for("admin.agent").post(reverse(NEW), form_data(contact_phone=phone))
    assert response.status_code == 302


def test_request_numbers_are_unique(client_for):
    client = client_for("global.admin")
    for _ in range(5):
        assert client.post(reverse(NEW), form_data()).status_code == 302
    numbers = list(SupportRequest.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 5


@pytest.mark.parametrize("email", ["sales.agent", "billing.admin", "account.admin", "referral.admin",
                                   "marketing.admin"])
def test_roles_without_support_are_403(client_for, email):
    client = client_for(email)
    assert client.get(reverse(NEW)).status_code == 403
    assert client.post(reverse(NEW), form_data()).status_code == 403
    assert client.get(reverse("support:list")).status_code == 403


def test_list_detail_and_download_are_scoped_to_the_partner(client_for):
    # given a Contoso request with an attachment
    contoso = client_for("admin.agent")
    upload = SimpleUploadedFile("proof.png", PNG, content_type="image/png")
    contoso.post(reverse(NEW), {**form_data(title="Contoso issue"), "files": [upload]})
    request = SupportRequest.objects.get(title="Contoso issue")
    attachment = request.attachments.get()
    detail = reverse("support:detail", kwargs={"request_id": request.pk})
    download = reverse("support:attachment", kwargs={"request_id": request.pk,
                                                                    "attachment_id": attachment.pk})
    # then Contoso's staff with the permission list, open and download it
    for email in ("admin.agent", "helpdesk.agent", "global.admin"):
        client = client_for(email)
        assert request.number in client.get(reverse("support:list")).content.decode()
        assert client.get(detail).status_code == 200
        response = client.get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
    # and Contoso staff without it get 403; Adatum gets 404 and doesn't see it in its list
    assert client_for("billing.admin").get(download).status_code == 403
    adatum = client_for("admin.agent@adatum-partner.example")
    assert adatum.get(detail).status_code == 404
    assert adatum.get(download).status_code == 404
    assert request.number not in adatum.get(reverse("support:list")).content.decode()
    # and an attachment id under another request is 404
    other = SupportRequest.objects.create(number="SR0000000001", partner_id=request.partner_id, title="x",
                                          problem_type="other", impact="low", description="x",
                                          contact_name="x", contact_email="x@example.com", contact_phone="123456")
    wrong = reverse("support:attachment", kwargs={"request_id": other.pk,
                                                                 "attachment_id": attachment.pk})
    assert contoso.get(wrong).status_code == 404
