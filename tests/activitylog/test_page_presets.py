"""The Activity log page for auditors (issue 16.6): date presets, oldest/newest order, who issued the link of a
download, ids shown short, one query for the page's issuers whatever the number of rows."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from activitylog.models import ActivityRecord, Operation
from activitylog.services import download_record, log_download_link, log_record

PAGE, EXPORT = "/settings/activity-log/", "/settings/activity-log/export.csv"
NOW = dt.datetime(2026, 11, 22, 10, 15, tzinfo=dt.UTC)
# A day with no demo records: the records a test writes then are the only ones in its range.
QUIET = dt.datetime(2031, 1, 6, 9, 0, tzinfo=dt.UTC)
QUIET_RANGE = {"start": "2031-01-01", "end": "2031-01-31"}
AGENT = "admin.agent@contoso-partner.example"


@pytest.fixture
def browser(client_for):
    return client_for("account.admin")


def _presets(response) -> dict[str, dict]:
    return {str(p["label"]): p for p in response.context["presets"]}


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def _issue_and_download(actor, customer, *, at: dt.datetime, order_id=None, partner_id=None) -> str:
    """The records of a link issued by `actor` and of one counted download through it, as software.services
    writes them (the download's record names no user). Returns the link id."""
    link_id = str(uuid.uuid4())
    order_id = order_id or str(uuid.uuid4())
    with time_machine.travel(at, tick=False), transaction.atomic():
        log_download_link(actor=actor, customer=customer, order_id=order_id, product="Windows Server 2022 Standard",
                          variant="2022 en-US x64 ISO", link_id=link_id, ip="198.51.100.4")
        record = download_record(customer=customer, order_id=order_id, product="Windows Server 2022 Standard",
                                 file_name="SW_DVD9_Win_Server_STD_2022.ISO", link_id=link_id, ip="203.0.113.9")
        if partner_id is not None:
            record.partner_id = partner_id
        log_record(record)
    return link_id


# --- date presets ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "start", "end"), [
    ("Today", "2026-11-22", "2026-11-22"),
    ("Last 7 days", "2026-11-15", "2026-11-22"),
    ("Last 30 days", "2026-10-23", "2026-11-22"),
    ("Last 90 days", "2026-08-24", "2026-11-22"),
])
def test_each_preset_links_to_its_whole_utc_days_up_to_today(browser, label, start, end):
    # given the clock late in the UTC day
    with time_machine.travel(dt.datetime(2026, 11, 22, 23, 59, 30, tzinfo=dt.UTC), tick=False):
        # when the page opens
        presets = _presets(browser.get(PAGE))
        # and the preset is followed
        followed = browser.get(PAGE + presets[label]["href"])
    # then the preset names its range, and the page shows exactly that range
    assert _query(presets[label]["href"])["start"] == [start]
    assert _query(presets[label]["href"])["end"] == [end]
    assert followed.status_code == 200
    log_filter = followed.context["log_filter"]
    assert (log_filter.start.isoformat(), log_filter.end.isoformat()) == (start, end)
    assert _presets(followed)[label]["current"]


def test_the_presets_move_with_the_clock(browser):
    with time_machine.travel(NOW, tick=False) as traveller:
        before = _query(_presets(browser.get(PAGE))["Last 7 days"]["href"])
        traveller.shift(dt.timedelta(days=3))
        after = _query(_presets(browser.get(PAGE))["Last 7 days"]["href"])
    assert (before["start"], before["end"]) == (["2026-11-15"], ["2026-11-22"])
    assert (after["start"], after["end"]) == (["2026-11-18"], ["2026-11-25"])


def test_the_default_range_is_the_current_preset(browser):
    with time_machine.travel(NOW, tick=False):
        presets = _presets(browser.get(PAGE))
    assert [label for label, p in presets.items() if p["current"]] == ["Last 30 days"]


def test_a_preset_keeps_the_other_filters_and_the_sort_and_goes_back_to_page_1(browser):
    with time_machine.travel(NOW, tick=False):
        response = browser.get(PAGE, {"start": "2026-01-01", "end": "2026-02-01", "customer": "fabrikam",
                                      "user": "global", "operation": "download_software", "sort": "oldest",
                                      "page": "3"})
    href = _presets(response)["Today"]["href"]
    assert _query(href) == {"start": ["2026-11-22"], "end": ["2026-11-22"], "customer": ["fabrikam"],
                            "user": ["global"], "operation": ["download_software"], "sort": ["oldest"]}
    assert not any(p["current"] for p in _presets(response).values())
    # the links are in the page itself (no JavaScript needed), next to the start and end inputs kept as they were
    html = response.content.decode()
    assert f'href="{htmllib.escape(href)}"' in html
    assert 'name="start"' in html and 'value="2026-01-01"' in html


def test_the_presets_are_offered_when_the_dates_are_wrong(browser):
    with time_machine.travel(NOW, tick=False):
        response = browser.get(PAGE, {"start": "2026-11-10", "end": "2026-11-01"})
    assert response.status_code == 400
    assert _query(_presets(response)["Last 7 days"]["href"])["start"] == ["2026-11-15"]


def test_the_export_follows_a_preset_s_filters(browser, records_for, fabrikam):
    with time_machine.travel(NOW, tick=False):
        records_for("global.admin", 2, customer=fabrikam)
        page = browser.get(PAGE + _presets(browser.get(PAGE))["Today"]["href"])
    assert "start=2026-11-22" in page.context["export_query"]
    assert "end=2026-11-22" in page.context["export_query"]
    export = browser.get(EXPORT + "?" + page.context["export_query"])
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith('attachment; filename="activity-log_2026-11-22_2026-11-22')
    assert int(export["X-Export-Rows"]) == page.context["page_obj"].paginator.count


# --- order ---------------------------------------------------------------------------------------------

def _support_records_at(user_for, times: list[dt.datetime]) -> list[ActivityRecord]:
    from activitylog.services import log_create_support_request

    actor, out = user_for("global.admin"), []
    for i, at in enumerate(times):
        with time_machine.travel(at, tick=False), transaction.atomic():
            out.append(log_create_support_request(actor=actor, partner_id=actor.partner_id, number=f"SR{i}",
                                                  title=f"Problem {i}"))
    return out


def test_newest_first_by_default_and_oldest_first_on_request(browser, user_for):
    # given records written out of time order
    times = [QUIET + dt.timedelta(hours=h) for h in (5, 1, 3, 2, 4)]
    _support_records_at(user_for, times)
    # when
    newest = list(browser.get(PAGE, QUIET_RANGE).context["page_obj"])
    explicit = list(browser.get(PAGE, QUIET_RANGE | {"sort": "newest"}).context["page_obj"])
    oldest = list(browser.get(PAGE, QUIET_RANGE | {"sort": "oldest"}).context["page_obj"])
    # then
    assert [r.operation_date for r in newest] == sorted(times, reverse=True)
    assert [r.pk for r in explicit] == [r.pk for r in newest]
    assert [r.operation_date for r in oldest] == sorted(times)


def test_the_sort_is_kept_in_the_pager_and_the_export_link_and_the_export_stays_in_chain_order(browser, user_for):
    # given 60 records over two hours (two pages)
    _support_records_at(user_for, [QUIET + dt.timedelta(minutes=2 * i) for i in range(60)])
    # when
    first = browser.get(PAGE, QUIET_RANGE | {"sort": "oldest"})
    second = browser.get(PAGE, QUIET_RANGE | {"sort": "oldest", "page": "2"})
    # then the pages continue in the same order
    keys = [(r.operation_date, r.pk) for r in list(first.context["page_obj"]) + list(second.context["page_obj"])]
    assert len(keys) == 60 and keys == sorted(keys)
    html = first.content.decode()
    next_href = htmllib.unescape(re.search(r'href="([^"]*)" rel="next"', html).group(1))
    assert _query(next_href)["sort"] == ["oldest"] and _query(next_href)["page"] == ["2"]
    assert "sort=oldest" in first.context["export_query"]
    # and the export, with the same query, is in chain order whatever the page's order (verified offline)
    export = browser.get(EXPORT + "?" + first.context["export_query"])
    assert export["X-Export-Order"] == "chain-position-ascending"
    body = b"".join(export.streaming_content).decode().splitlines()
    assert len(body) == 61
    assert "chain order" in html


def test_an_unknown_sort_is_the_default_order(browser, user_for):
    _support_records_at(user_for, [QUIET, QUIET + dt.timedelta(hours=1)])
    response = browser.get(PAGE, QUIET_RANGE | {"sort": "sideways"})
    assert response.status_code == 200
    dates = [r.operation_date for r in response.context["page_obj"]]
    assert dates == sorted(dates, reverse=True)
    assert "sort=" not in response.context["export_query"]


# --- who issued the link of a download --------------------------------------------------------------

def _row_of(html: str, marker: str) -> str:
    """The <tr> of the page holding `marker`."""
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    found = [row for row in rows if marker in row]
    assert len(found) == 1, f"{len(found)} rows hold {marker!r}"
    return found[0]


def test_a_download_through_a_link_names_who_issued_it(browser, fabrikam, place_order, user_for):
    # given a link issued by the Admin agent and a counted download through it (the real services)
    from software.selectors import variant_for
    from software.services import download_link_issue, download_start

    with time_machine.travel(QUIET, tick=False):
        entitlement = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
        variant = variant_for(entitlement, version="2022", language="ja-JP", file_type="x64 ISO")
        issued = download_link_issue(actor=user_for("admin.agent"), entitlement=entitlement, variant=variant)
        download_start(token=issued.token, counted=True, ip="192.0.2.77")
    download = ActivityRecord.objects.get(operation_type=Operation.DOWNLOAD_SOFTWARE,
                                          details__LinkId=str(issued.link.pk))
    assert download.user_principal_name == "system"  # the record itself is unchanged: the link is the credential
    # when the auditor opens the page
    html = browser.get(PAGE, QUIET_RANGE | {"operation": "download_software"}).content.decode()
    # then the download's row names the link's issuer, not "system"
    row = _row_of(html, "192.0.2.77")
    assert f"via link issued by {AGENT}" in row
    assert "system" not in row


def test_a_link_of_another_partner_is_not_resolved(browser, fabrikam, user_for):
    # given a download record of Contoso whose link id is that of a link Adatum issued (it cannot happen;
    # the look-up must still stay within the reader's partner)
    from customers.models import Customer

    adatum_customer = Customer.objects.filter(partner__domain="adatum-partner.example").first()
    adatum_link = _issue_and_download(user_for("admin.agent@adatum-partner.example"), adatum_customer, at=QUIET)
    with time_machine.travel(QUIET, tick=False), transaction.atomic():
        log_record(download_record(customer=fabrikam, order_id=str(uuid.uuid4()), product="P", file_name="f.iso",
                                   link_id=adatum_link, ip="192.0.2.78"))
    # when
    html = browser.get(PAGE, QUIET_RANGE | {"operation": "download_software"}).content.decode()
    # then
    row = _row_of(html, "192.0.2.78")
    assert "via link (issuer not recorded)" in row
    assert "adatum" not in row


def test_the_issuers_of_the_page_cost_one_query_whatever_the_number_of_rows(browser, fabrikam, user_for):
    agent = user_for("admin.agent")

    def queries_for(n: int, day: int) -> tuple[int, str]:
        for i in range(n):
            _issue_and_download(agent, fabrikam, at=QUIET + dt.timedelta(days=day, minutes=i))
        date = (QUIET + dt.timedelta(days=day)).date().isoformat()
        params = {"start": date, "end": date, "operation": "download_software"}
        browser.get(PAGE, params)  # warm the session and the user
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(PAGE, params)
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == n
        assert response.content.decode().count(f"via link issued by {AGENT}") == n
        return len(captured), "\n".join(q["sql"] for q in captured.captured_queries)

    few, few_sql = queries_for(5, 0)
    many, many_sql = queries_for(50, 1)
    assert few == many, f"5 rows: {few} queries, 50 rows: {many}\n{many_sql}"
    assert many <= 11  # session, user, roles, one COUNT, one page of rows, one for the issuers, a few shared


# --- ids shown short -----------------------------------------------------------------------------------

def test_ids_are_short_with_the_full_value_on_hover_and_a_copy_button(browser, fabrikam, user_for):
    # given a download through a link
    order_id = str(uuid.uuid4())
    link_id = _issue_and_download(user_for("admin.agent"), fabrikam, at=QUIET, order_id=order_id)
    record = ActivityRecord.objects.get(operation_type=Operation.DOWNLOAD_SOFTWARE, details__LinkId=link_id)
    # when
    html = browser.get(PAGE, QUIET_RANGE | {"operation": "download_software"}).content.decode()
    row = _row_of(html, link_id)
    # then each id shows its first 8 characters and "…", the full value in its title and behind a copy button
    for full, part in ((order_id, "order"), (link_id, "link"), (str(fabrikam.tenant_id), "tenant")):
        assert f'<span title="{full}">{full[:8]}…</span>' in row
        dom_id = f"log-{record.pk}-{part}"
        assert f'<span id="{dom_id}" hidden>{full}</span>' in row
        assert f'data-copy="{dom_id}" title="Copy {part} ID"' in row
    assert f'<span title="{record.pk}">{record.pk}</span>' in row  # a record id this short is shown whole
    assert f'data-copy="log-{record.pk}-record" title="Copy record ID"' in row
    assert '<symbol id="log-copy-icon"' in html  # the buttons' icon, once
    # and no GUID is shown whole anywhere else in the row (one line per record)
    visible = re.sub(r'<span id="[^"]*" hidden>[^<]*</span>|title="[^"]*"', "", row)
    assert order_id not in visible and link_id not in visible and str(fabrikam.tenant_id) not in visible


def test_the_table_is_one_line_per_record(browser, fabrikam, user_for):
    _issue_and_download(user_for("admin.agent"), fabrikam, at=QUIET)
    html = browser.get(PAGE, QUIET_RANGE).content.decode()
    table = html[html.index("<table"):html.index("</table>")]
    assert 'class="data reflow activity-table"' in table
    assert "<br" not in table  # nothing forces a second line
    # and the styles keep the cells on one line, the table scrolling in its container instead
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()
    assert re.search(r"table\.activity-table th, table\.activity-table td \{[^}]*white-space: nowrap", css)
    assert re.search(r"\.table-wrap \{[^}]*overflow-x: auto", css)
