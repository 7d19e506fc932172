"""The public download endpoint: counting (D-SW-8), limits and expiry (D-SW-5/6/9), Range, x-accel."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from activitylog.models import ActivityRecord, Operation
from software.downloads import LINK_LIFETIME
from software.models import DownloadLink
from software.selectors import variant_for
from software.services import download_link_issue, download_links_expire

pytestmark = pytest.mark.django_db


@pytest.fixture
def entitlement(fabrikam, place_order):
    order = place_order(fabrikam, "WS2022-STD")
    return order.lines.get().entitlement


@pytest.fixture
def issue(entitlement, user_for):
    """Issue a fresh link as Contoso's Admin agent; returns (DownloadLink, url path)."""

    def make():
        variant = variant_for(entitlement, version="2022", language="ja-JP", file_type="x64 ISO")
        issued = download_link_issue(actor=user_for("admin.agent"), entitlement=entitlement, variant=variant)
        return issued.link, reverse("software:download", kwargs={"token": issued.token})

    return make


def file_bytes(link: DownloadLink) -> bytes:
    return (Path(settings.SOFTWARE_FILES_DIR) / link.variant.file.path).read_bytes()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def used(link: DownloadLink) -> int:
    link.refresh_from_db()
    return link.downloads_used


def test_get_streams_the_whole_file_with_safe_headers(client, issue):
    # given
    link, url = issue()
    # when
    response = client.get(url)
    # then
    data = body(response)
    assert response.status_code == 200
    assert data == file_bytes(link)
    assert hashlib.sha256(data).hexdigest() == link.variant.file.sha256
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Length"] == str(link.variant.file.size)
    assert response["Content-Disposition"].startswith("attachment;")
    assert link.variant.file.file_name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{link.variant.file.sha256}"'
    assert used(link) == 1
    assert ActivityRecord.objects.filter(operation_type=Operation.DOWNLOAD_SOFTWARE,
                                         customer_id=link.entitlement.customer_id).count() == 1


def test_the_50th_download_succeeds_and_the_51st_is_refused(client, issue):
    # given
    link, url = issue()
    DownloadLink.objects.filter(pk=link.pk).update(downloads_used=49)
    # when
    fiftieth = client.get(url)
    fifty_first = client.get(url)
    # then
    assert fiftieth.status_code == 200
    assert fifty_first.status_code == 410
    assert fifty_first.json()["code"] == "700002"
    assert used(link) == 50


def test_fifty_downloads_in_a_row_then_refused(client, issue):
    # given
    link, url = issue()
    # when
    statuses = [client.get(url).status_code for _ in range(51)]
    # then
    assert statuses[:50] == [200] * 50
    assert statuses[50] == 410
    assert used(link) == 50


def test_link_works_until_just_before_two_weeks_and_not_at_two_weeks(client, issue):
    # given
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link, url = issue()
    # when / then
    with time_machine.travel(start + LINK_LIFETIME - dt.timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(start + LINK_LIFETIME, tick=False):
        assert client.get(url).status_code == 410
        assert client.head(url).status_code == 410
    assert used(link) == 1


def test_a_new_link_after_expiry_gives_a_fresh_allowance(client, issue):
    # given
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _old, old_url = issue()
    later = start + LINK_LIFETIME + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        assert client.get(old_url).status_code == 410
        # when
        new, new_url = issue()
        response = client.get(new_url)
    # then
    assert response.status_code == 200
    assert new.expires_at == later + LINK_LIFETIME
    assert used(new) == 1


def test_head_and_resumed_ranges_do_not_count_but_a_range_from_zero_does(client, issue):
    # given
    link, url = issue()
    # when
    head = client.head(url)
    resumed = client.get(url, HTTP_RANGE="bytes=100-")
    # then
    assert head.status_code == 200
    assert head["Content-Length"] == str(link.variant.file.size)
    assert body(head) == b""
    assert resumed.status_code == 206
    assert used(link) == 0
    # when
    from_zero = client.get(url, HTTP_RANGE="bytes=0-")
    # then
    assert from_zero.status_code == 206
    assert used(link) == 1


def test_partial_content_matches_the_file(client, issue):
    # given
    link, url = issue()
    data, size = file_bytes(link), link.variant.file.size
    # when
    middle = client.get(url, HTTP_RANGE="bytes=100-199")
    tail = client.get(url, HTTP_RANGE="bytes=1000-")
    suffix = client.get(url, HTTP_RANGE="bytes=-500")
    # then
    assert middle.status_code == 206
    assert middle["Content-Range"] == f"bytes 100-199/{size}"
    assert middle["Content-Length"] == "100"
    assert body(middle) == data[100:200]
    assert body(tail) == data[1000:]
    assert tail["Content-Range"] == f"bytes 1000-{size - 1}/{size}"
    assert body(suffix) == data[-500:]
    assert used(link) == 0


def test_unsatisfiable_range_is_416(client, issue):
    # given
    link, url = issue()
    size = link.variant.file.size
    # when
    response = client.get(url, HTTP_RANGE=f"bytes={size}-")
    # then
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"
    assert used(link) == 0


def test_unknown_link_is_404(client):
    # when
    response = client.get(reverse("software:download", kwargs={"token": "not-a-real-token"}))
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "20000"


def test_dead_link_is_a_friendly_410_page_for_browsers_and_json_otherwise(client, issue):
    # given
    link, url = issue()
    DownloadLink.objects.filter(pk=link.pk).update(downloads_used=50)
    # when
    page = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml")
    api = client.get(url, HTTP_ACCEPT="application/json")
    # then
    assert page.status_code == 410
    assert "text/html" in page["Content-Type"]
    assert "no longer available" in page.content.decode()
    assert api.status_code == 410
    assert api.json()["code"] == "700002"
    assert api.json()["source"] == "PartnerCenter"


def test_only_the_hash_of_the_token_is_stored(issue):
    # given
    link, url = issue()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    # when
    stored = DownloadLink.objects.filter(pk=link.pk).values().get()
    # then
    assert token not in str(stored)
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 22  # at least 128 bits, url-safe base64 (D-SW-7)
    assert not ActivityRecord.objects.filter(details__icontains=token).exists()


def test_expire_job_marks_expired_and_used_up_links_and_records_them(issue, fabrikam):
    # given
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old, _ = issue()
        used_up, _ = issue()
        live, _ = issue()
    DownloadLink.objects.filter(pk=used_up.pk).update(downloads_used=50)
    before = ActivityRecord.objects.filter(operation_type=Operation.EXPIRE_DOWNLOAD_LINK).count()
    # when
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        first = download_links_expire()
    with time_machine.travel(start + LINK_LIFETIME, tick=False):
        second = download_links_expire()
        again = download_links_expire()
    # then
    statuses = dict(DownloadLink.objects.filter(pk__in=[old.pk, used_up.pk, live.pk]).values_list("pk", "status"))
    assert first == 1 and second == 2 and again == 0
    assert set(statuses.values()) == {DownloadLink.Status.EXPIRED}
    records = ActivityRecord.objects.filter(operation_type=Operation.EXPIRE_DOWNLOAD_LINK)
    assert records.count() == before + 2
    assert records.filter(customer_id=fabrikam.tenant_id).count() >= 2


def test_x_accel_mode_hands_the_file_to_nginx(client, issue, settings):
    # given
    settings.DOWNLOAD_SERVER = "x-accel"
    settings.DOWNLOAD_ACCEL_PREFIX = "/protected-software/"
    link, url = issue()
    # when
    response = client.get(url)
    # then
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-software/" + link.variant.file.path
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert used(link) == 1


def test_revoked_link_is_refused(client, issue):
    # given
    link, url = issue()
    DownloadLink.objects.filter(pk=link.pk).update(status=DownloadLink.Status.REVOKED)
    # when / then
    assert client.get(url).status_code == 410
    assert client.head(url).status_code == 410


@pytest.fixture
def accel(settings):
    """Production's mode: a whole-file GET is counted without reading the link first."""
    settings.DOWNLOAD_SERVER = "x-accel"
    settings.DOWNLOAD_ACCEL_PREFIX = "/protected-software/"


def test_x_accel_counts_to_fifty_and_records_each_download_and_the_refusal(client, issue, accel, fabrikam):
    # given
    link, url = issue()
    DownloadLink.objects.filter(pk=link.pk).update(downloads_used=48)
    records = ActivityRecord.objects.filter(operation_type=Operation.DOWNLOAD_SOFTWARE, details__LinkId=str(link.pk))
    # when
    statuses = [client.get(url).status_code for _ in range(3)]
    # then: two more downloads, then "used up"; each one recorded with what the record copies
    assert statuses == [200, 200, 410]
    assert used(link) == 50
    ok = records.filter(operation_status="succeeded")
    assert ok.count() == 2
    record = ok.first()
    order_line = link.entitlement.order_line
    assert record.customer_id == fabrikam.tenant_id and record.customer_name == fabrikam.company_name
    assert record.partner_id == fabrikam.partner_id
    assert record.details == {"OrderId": str(order_line.order_id), "ProductName": link.entitlement.offer.name,
                              "FileName": link.variant.file.file_name, "LinkId": str(link.pk)}
    refused = records.get(operation_status="failed")
    assert refused.details["Reason"] == "used up"


@pytest.mark.parametrize("change, reason", [({"status": DownloadLink.Status.REVOKED}, "revoked"),
                                            ({"status": DownloadLink.Status.EXPIRED}, "expired")])
def test_x_accel_refuses_a_dead_link_and_says_why(client, issue, accel, change, reason):
    # given
    link, url = issue()
    DownloadLink.objects.filter(pk=link.pk).update(**change)
    # when
    response = client.get(url)
    # then
    assert response.status_code == 410 and "X-Accel-Redirect" not in response
    assert used(link) == 0
    record = ActivityRecord.objects.get(operation_type=Operation.DOWNLOAD_SOFTWARE, details__LinkId=str(link.pk))
    assert record.operation_status == "failed" and record.details["Reason"] == reason


def test_x_accel_unknown_link_is_404_and_a_range_from_later_does_not_count(client, issue, accel):
    # given
    link, url = issue()
    # when
    unknown = client.get(reverse("software:download", kwargs={"token": "not-a-real-token"}))
    resumed = client.get(url, HTTP_RANGE="bytes=100-")
    from_zero = client.get(url, HTTP_RANGE="bytes=0-")
    # then
    assert unknown.status_code == 404
    assert resumed.status_code == 200 and resumed["X-Accel-Redirect"].endswith(link.variant.file.path)
    assert from_zero.status_code == 200
    assert used(link) == 1


@pytest.mark.services
def test_x_accel_counted_download_on_postgres_is_one_prepared_statement(client, issue, accel):
    # given: a first download has prepared the statement on this connection
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    link, url = issue()
    assert client.get(url).status_code == 200
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # then: the count, the facts its record copies and the record, parsed and planned once per connection
    assert response.status_code == 200
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["EXECUTE"]
    assert used(link) == 2


@pytest.mark.services
def test_the_record_the_counting_statement_writes_is_the_one_download_record_builds(client, issue, accel,
                                                                                    fabrikam):
    # given
    from activitylog.services import download_record

    link, url = issue()
    # when: the statement writes the record (PostgreSQL)
    assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 200
    # then: every column is what the Python writer would have set
    written = ActivityRecord.objects.get(operation_type=Operation.DOWNLOAD_SOFTWARE, details__LinkId=str(link.pk))
    expected = download_record(customer=fabrikam, order_id=str(link.entitlement.order_line.order_id),
                               product=link.entitlement.offer.name, file_name=link.variant.file.file_name,
                               link_id=link.pk, ip="203.0.113.9")
    columns = [f.attname for f in ActivityRecord._meta.concrete_fields if f.attname not in ("id", "operation_date")]
    assert {c: getattr(written, c) for c in columns} == {c: getattr(expected, c) for c in columns}
    assert abs(written.operation_date - timezone.now()) < dt.timedelta(minutes=1)
