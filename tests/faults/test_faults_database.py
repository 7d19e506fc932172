"""Issue 9 point 5, the database: a request's PostgreSQL connection is killed (pg_terminate_backend from a
second session) while the request waits on a lock the test holds. The page answers with the friendly 500
page (the API with its JSON error body), nothing is half-saved, the next request works, and a download is
counted once or not at all — never twice — its link counter and its activity records agreeing.

Requests run through Django's WSGI handler on one thread of their own, as a gunicorn sync worker serves
them: the thread keeps its connection between requests (CONN_MAX_AGE), so "the next request works" means
Django noticed the dead connection and reconnected."""
from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Partner, User
from activitylog.models import ActivityRecord, Operation
from cancellations.models import CancellationRequest
from software.models import DownloadLink, Entitlement, OrderLine
from software.selectors import variant_for
from software.services import download_link_issue
from tests.live import fetch

from .test_cancellation_worker import order_url

pytestmark = pytest.mark.services


class AppThread:
    """Django's WSGI application served from one thread, one request at a time."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.handler = WSGIHandler()

    def submit(self, method: str, path: str, *, headers: dict | None = None, json: str | None = None) -> Future:
        factory = RequestFactory()
        request = factory.generic(method, path, data=json or "", content_type="application/json",
                                  headers=headers or {})
        environ = request.environ

        def run() -> tuple[int, bytes]:
            status: list[str] = []
            response = self.handler(environ, lambda s, h, exc_info=None: status.append(s))
            try:
                body = b"".join(response)
            finally:
                response.close()  # request_finished: Django closes a connection that errored
            return int(status[0].split()[0]), body

        return self.pool.submit(run)

    def get(self, path: str, **kwargs) -> tuple[int, bytes]:
        return self.submit("GET", path, **kwargs).result(timeout=30)

    def backend_pid(self) -> int | None:
        """The PostgreSQL backend of the thread's persistent connection (None when it has none)."""
        return self.pool.submit(lambda: connection.connection.get_backend_pid() if connection.connection
                                else None).result(timeout=10)

    def close(self) -> None:
        self.pool.submit(connections.close_all).result(timeout=10)
        self.pool.shutdown()


@pytest.fixture
def app_thread(demo_world):
    thread = AppThread()
    yield thread
    thread.close()


@pytest.fixture
def link(demo_world, place_order, fabrikam, user_for):
    """A fresh download link (token, DownloadLink) of a WS2022-STD purchase of Fabrikam."""
    entitlement = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
    variant = variant_for(entitlement, version="2022", language="en-US", file_type="x64 ISO")
    issued = download_link_issue(actor=user_for("admin.agent"), entitlement=entitlement, variant=variant)
    return issued.token, issued.link


def downloads_recorded(link_pk) -> Counter:
    return Counter(ActivityRecord.objects.filter(operation_type=Operation.DOWNLOAD_SOFTWARE,
                                                 details__LinkId=str(link_pk)).values_list("operation_status",
                                                                                           flat=True))


def is_friendly_500(status: int, body: bytes) -> bool:
    page = body.decode()
    return status == 500 and 'class="error-page"' in page and "Something went wrong" in page


def test_connection_killed_on_a_page_shows_the_error_page_and_the_next_request_works(
        app_thread, pg_session, fabrikam):
    # given a signed-in Admin agent (a session cookie, as a browser has) on the customer's Software tab
    client = Client()
    client.force_login(User.objects.get(email="admin.agent@contoso-partner.example"))
    headers = {"Cookie": "; ".join(f"{k}={v.value}" for k, v in client.cookies.items()), "Accept": "text/html"}
    page = reverse("software:customer_software", kwargs={"tenant_id": fabrikam.tenant_id})
    assert app_thread.get(page, headers=headers)[0] == 200
    # when its database connection is killed while the page reads (it waits on a table lock the test holds)
    pg_session.lock(f"LOCK TABLE {Entitlement._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    pending = app_thread.submit("GET", page, headers=headers)
    [backend] = pg_session.wait_blocked(1)
    pg_session.terminate(backend)
    pg_session.release()
    # then the page answers with the friendly error page from the app's templates
    assert is_friendly_500(*pending.result(timeout=30))
    # and the next request on the same thread works (Django reconnected)
    status, body = app_thread.get(page, headers=headers)
    assert status == 200 and b"Fabrikam" in body
    assert app_thread.backend_pid() not in (None, backend)


def test_idle_connection_killed_between_requests_the_next_request_works(app_thread, pg_session, fabrikam):
    # given a thread that served a request and kept its connection (CONN_MAX_AGE)
    assert app_thread.get("/healthz/")[0] == 200
    backend = app_thread.backend_pid()
    assert backend is not None
    # when the database ends that connection while it is idle (a restart, an idle timeout)
    pg_session.terminate(backend)
    pg_session.wait_gone(backend)
    # then the next request works: the health check (CONN_HEALTH_CHECKS) replaced the connection
    assert app_thread.get("/healthz/") == (200, b'{"status": "ok"}')
    assert app_thread.backend_pid() not in (None, backend)


def test_api_connection_killed_mid_request_answers_500_in_the_api_shape_and_saves_nothing(
        app_thread, pg_session, place_order, fabrikam, api_for):
    from accounts.services import api_token_issue

    # given an order and an Admin agent's API token
    order = place_order(fabrikam, "WS2022-STD", "SQL2022-ENT-P1Y")
    _token, secret = api_token_issue(user=User.objects.get(email="admin.agent@contoso-partner.example"), name="t")
    headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    # when the cancel request's connection is killed while it waits to lock the order's lines
    pg_session.lock(f"SELECT id FROM {OrderLine._meta.db_table} WHERE order_id = %s FOR UPDATE", (order.pk,))
    pending = app_thread.submit("PATCH", order_url(order), headers=headers, json='{"status": "cancelled"}')
    [backend] = pg_session.wait_blocked(1)
    pg_session.terminate(backend)
    pg_session.release()
    status, body = pending.result(timeout=30)
    # then a 500 in the API's error shape, and nothing of the cancellation was saved
    assert status == 500
    assert json.loads(body) == {"code": "500", "description": "An unexpected error occurred.", "data": [],
                                "source": "PartnerCenter"}
    assert not CancellationRequest.objects.filter(order=order).exists()
    assert set(order.lines.values_list("status", flat=True)) == {OrderLine.Status.ACTIVE}
    assert not ActivityRecord.objects.filter(operation_type=Operation.CANCEL_ORDER,
                                             details__OrderId=str(order.id)).exists()
    # and the retry on the same thread succeeds
    status, body = app_thread.submit("PATCH", order_url(order), headers=headers,
                                     json='{"status": "cancelled"}').result(timeout=30)
    assert status == 200, body
    assert CancellationRequest.objects.filter(order=order).count() == 1


def test_download_whose_connection_is_killed_after_counting_is_not_counted(app_thread, pg_session, link,
                                                                         fabrikam):
    token, download_link = link
    url = reverse("software:download", kwargs={"token": token})
    # given the test holds the partner row, so a download's activity record (its foreign key) must wait
    pg_session.lock(f"SELECT id FROM {Partner._meta.db_table} WHERE id = %s FOR UPDATE", (fabrikam.partner_id,))
    # when a download has taken its count (the conditional UPDATE ran) and its connection is killed while it
    # writes the activity record (the same statement on PostgreSQL)
    pending = app_thread.submit("GET", url, headers={"Accept": "text/html"})
    [backend] = pg_session.wait_blocked(1)
    pg_session.terminate(backend)
    pg_session.release()
    # then the browser gets the friendly error page, and the download is not counted at all
    assert is_friendly_500(*pending.result(timeout=30))
    assert DownloadLink.objects.get(pk=download_link.pk).downloads_used == 0
    assert downloads_recorded(download_link.pk) == Counter()
    # and downloading again works and counts once, the counter and the records agreeing
    status, body = app_thread.get(url)
    assert status == 200 and len(body) == download_link.variant.file.size
    assert DownloadLink.objects.get(pk=download_link.pk).downloads_used == 1
    assert downloads_recorded(download_link.pk) == Counter({"succeeded": 1})


def test_concurrent_downloads_while_connections_are_killed_keep_exact_counts(live_server, pg_session, link):
    token, download_link = link
    url = live_server.url + reverse("software:download", kwargs={"token": token})
    requests, killed = 12, 4
    # given the test holds the link row, so every download waits at its counting UPDATE
    pg_session.lock(f"SELECT id FROM {DownloadLink._meta.db_table} WHERE id = %s FOR UPDATE", (download_link.pk,))
    with ThreadPoolExecutor(max_workers=requests) as pool:
        results = [pool.submit(fetch, url) for _ in range(requests)]
        # whatever statement holds the counting UPDATE; on PostgreSQL it runs prepared (partnercenter.prepared),
        # shown as EXECUTE p_…; the link's facts read before it takes no lock
        counting = [f"%UPDATE %{DownloadLink._meta.db_table}% SET downloads_used%", r"EXECUTE p\_%"]
        waiting = pg_session.wait_waiting(requests, query_like=counting)
        # when the connections of four of them are killed, and the lock is released
        for backend in waiting[:killed]:
            pg_session.terminate(backend)
        pg_session.release()
        statuses = Counter(result.result(timeout=60) for result in results)
    # then four answered 500 and eight downloaded; the link counted exactly the eight, as do the records
    assert statuses == Counter({200: requests - killed, 500: killed})
    assert DownloadLink.objects.get(pk=download_link.pk).downloads_used == requests - killed
    assert downloads_recorded(download_link.pk) == Counter({"succeeded": requests - killed})
