"""End-to-end journeys in headless Chromium (issue #9 point 7), in English and in Japanese: an Admin
agent creates a customer, buys, gets the key and a download (checked against the catalogue's SHA-256),
copies the link and downloads through it from a fresh browser, cancels with the credit preview, finds
the credit on the invoice; the Account admin then sees every step in the Activity log and exports a
CSV that verifies offline. And the customer's Global admin in the admin center.

The cancellation is processed by the real Celery worker under --services, inline (eager) on SQLite.
Every step is screenshotted (viewport only) into docs/screenshots/journey-<lang>-NN-<step>.png.
Selectors are language-neutral (ids, names, data- attributes): the same test runs in both languages."""
from __future__ import annotations

import csv
import hashlib
import re
import subprocess
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Error as PlaywrightError

from .conftest import PASSWORD, SCREENSHOTS

pytestmark = pytest.mark.browser

KEY_FORMAT = re.compile(r"^([BCDFGHJKMNPQRTVWXY2346789]{4}-){7}[BCDFGHJKMNPQRTVWXY2346789]{4}$")
MARKET = {"en": "US", "ja": "JP"}


class Shots:
    """journey-<lang>-01-sign-in.png, … — the viewport, not the full page, to keep the files small. Each
    step is also audited with axe-core, in its language."""

    def __init__(self, page, prefix: str, axe):
        self.page, self.prefix, self.axe, self.taken = page, prefix, axe, []

    def __call__(self, step: str, locator=None) -> None:
        if locator is not None:
            locator.scroll_into_view_if_needed()
        self.page.evaluate("Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"{self.prefix}-{len(self.taken) + 1:02d}-{step}.png"
        self.page.screenshot(path=str(SCREENSHOTS / name))
        self.taken.append(name)
        self.axe(self.page, f"{self.prefix}: {step}")


def amount(text: str) -> Decimal:
    """'¥107,800', '-$1,069.00', '￥1,212,200' → Decimal (en and ja pages: CLDR formats, the sign before the symbol)."""
    number = Decimal(re.search(r"\d[\d,]*(?:\.\d+)?", text).group().replace(",", ""))
    return -number if re.search(r"[-−]", text) else number


def sign_in(page, base: str, email: str) -> None:
    if "/accounts/login/" not in page.url:
        page.goto(base + "/accounts/login/")
    page.fill("input[name=email], input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    assert "/accounts/login/" not in page.url, f"sign-in of {email} failed"


def sign_out(page) -> None:
    page.locator("details.menu-user > summary").click()
    page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()
    page.wait_for_url("**/accounts/login/**")


def download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    path = info.value.path()
    with open(path, "rb") as handle:
        return handle.read()


def assert_language(page, lang: str, *msgids: str) -> None:
    """The page is in `lang`: <html lang> and the translated UI strings on it."""
    assert page.locator("html").get_attribute("lang") == lang
    body = page.locator("body").inner_text()
    with translation.override(lang):
        for msgid in msgids:
            assert gettext(msgid) in body, f"{gettext(msgid)!r} ({msgid}) not on {page.url}"
    if lang == "ja":
        assert re.search(r"[\u3040-\u30ff]", body), f"no kana on {page.url}"


def choose_variant(page, entitlement_pk) -> object:
    """Open a purchase's row on the Software tab (or Your products) and press Get keys and downloads; returns the
    row's details element, which comes back in place (htmx)."""
    details = page.locator(f"tr#entitlement-{entitlement_pk} + tr details")
    details.locator("summary").click()
    details.locator("button[type=submit]:not([data-action])").click()
    page.locator(f"#variant-{entitlement_pk}").wait_for()
    return page.locator(f"tr#entitlement-{entitlement_pk} + tr details")


def get_key(page, details, shot) -> None:
    """Get key: the dialog shows a key in the product-key format; screenshot, then close it."""
    details.locator("button[data-action=get-key]").click()
    dialog = page.locator("dialog#key-dialog[open]")
    dialog.wait_for()
    assert KEY_FORMAT.match(dialog.locator("#product-key").inner_text().strip())
    shot("product-key")
    dialog.locator(".dialog-footer [data-dialog-close]").click()
    dialog.wait_for(state="detached")


def get_link_and_download(page, details) -> tuple[object, str]:
    """Get download link, then Download: the bytes' SHA-256 is the one the dialog shows. Returns the open
    dialog and that SHA-256."""
    details.locator("button[data-action=get-link]").click()
    dialog = page.locator("dialog#link-dialog[open]")
    dialog.wait_for()
    shown_sha256 = dialog.locator("#download-sha256").inner_text().strip()
    body = download(page, dialog.locator("a[data-action=download]").click)
    assert hashlib.sha256(body).hexdigest() == shown_sha256
    return dialog, shown_sha256


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_admin_agent_journey_to_the_verified_activity_log(lang, page, browser, live_server, demo_world,
                                                         cancellations_processed, tmp_path, axe):
    from activitylog.models import Operation
    from billing.models import InvoiceLine
    from cancellations.credits import credit_compute
    from customers.models import Customer
    from software.models import DownloadLink, Entitlement, Order

    if lang == "ja" and not subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True).stdout.strip():
        pytest.fail("no Japanese font: the screenshots would show empty boxes (make browsers installs one)")
    base = live_server.url
    shot = Shots(page, f"journey-{lang}", axe)
    company = {"en": "Journey Traders", "ja": "ジャーニー商事"}[lang]

    # 1. sign in as the Admin agent, in the chosen language (the switcher in the top bar)
    page.goto(base + "/accounts/login/")
    if lang != "en":
        with page.expect_navigation():  # choosing switches at once
            page.select_option("#language-select", lang)
    assert_language(page, lang, "Sign in")
    shot("sign-in")
    sign_in(page, base, "admin.agent@contoso-partner.example")
    assert_language(page, lang, "Customers", "Needs attention")
    shot("home")

    # 2. create a customer: Customers in the left navigation, then Add customer
    page.locator("a[data-nav=customers]").click()
    page.locator("main a.btn-primary[href$='/customers/new/']").click()
    page.wait_for_url("**/customers/new/")
    page.fill("input[name=company_name]", company)
    page.fill("input[name=domain]", f"journey{lang}")
    page.select_option("select[name=country]", MARKET[lang])
    shot("new-customer")
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()
    customer = Customer.objects.get(company_name=company)
    assert str(customer.tenant_id) in page.url and customer.market_id == MARKET[lang]
    assert_language(page, lang, "Account")
    shot("customer-created")

    # 3. Add products: one Windows Server 2022 Standard, review, submit
    page.locator("main a.btn-primary[href$='/add-products/']").click()
    page.wait_for_url("**/add-products/")
    page.fill("#qty-WS2022-STD", "1")
    with page.expect_navigation():
        page.locator("form[method=post] button[type=submit].btn-primary").click()
    assert_language(page, lang, "Submit order")
    shot("add-products-review")
    with page.expect_navigation():
        page.locator("button[name=step][value=submit]").click()
    order = Order.objects.get(customer=customer)
    assert str(order.id) in page.locator("main").inner_text()
    shot("order-confirmation")

    # 4. the Software tab: choose the variant
    page.locator("main a.btn[href$='/software/']").click()  # Go to Software
    page.wait_for_load_state()
    entitlement = Entitlement.objects.get(order_line__order=order)
    details = choose_variant(page, entitlement.pk)
    assert_language(page, lang, "Get key", "Get download link")
    shot("software-tab", details)

    # 5. Get key
    get_key(page, details, shot)

    # 6. Get download link → Download: the file's SHA-256 is the catalogue's
    dialog, downloaded_sha256 = get_link_and_download(page, details)
    link = DownloadLink.objects.get(entitlement=entitlement)
    catalogue_sha256 = link.variant.file.sha256
    assert downloaded_sha256 == catalogue_sha256

    # 7. Copy link: the clipboard holds the shown URL, and a fresh browser (no session) downloads through it
    uri = dialog.locator("#download-link").input_value()
    dialog.locator("button[data-copy=download-link]").click()
    dialog.locator("[data-copied-for=download-link]").wait_for(state="visible")
    assert page.evaluate("navigator.clipboard.readText()") == uri
    shot("download-link-copied")
    fresh = browser.new_context(accept_downloads=True)
    try:
        stranger = fresh.new_page()

        def open_link():
            try:
                stranger.goto(uri)
            except PlaywrightError as error:  # navigating to a file: the download starts instead
                assert "Download is starting" in str(error)

        assert hashlib.sha256(download(stranger, open_link)).hexdigest() == catalogue_sha256
    finally:
        fresh.close()
    link.refresh_from_db()
    assert link.downloads_used == 2
    dialog.locator(".dialog-footer [data-dialog-close]").click()
    dialog.wait_for(state="detached")

    # 8. Cancel: the dialog previews the credit, computed by the one credit rule for today
    page.locator(f"tr#entitlement-{entitlement.pk} a[href*='/software/cancel/']").click()
    page.wait_for_url("**/software/cancel/**")
    line = order.lines.get()
    expected = credit_compute(line, timezone.now().date(), order.currency).total
    preview = amount(page.locator(".cancel-total strong").inner_text())
    assert preview == expected and preview > 0
    assert_language(page, lang, "Total credit")
    page.locator("input[name=acknowledge]").check()
    shot("cancel-preview", page.locator(".cancel-total"))
    with page.expect_navigation():
        page.locator("button[data-enable-when-checked]").click()
    cancellations_processed(order)
    shot("cancel-submitted")

    # 9. the credit on the invoice: the negative of the preview
    credit = InvoiceLine.objects.get(order_id=order.id, charge_type="cancelImmediate")
    page.locator("a[data-nav=invoices]").click()
    page.wait_for_url("**/billing/invoices/")
    with page.expect_navigation():
        page.locator(f"a[href*='{credit.invoice_id}']").first.click()
    row = page.locator("tbody tr", has=page.locator(".badge-warning")).filter(has_text=str(order.id))
    assert row.count() == 1
    assert amount(row.locator("td").nth(8).inner_text()) == -preview
    shot("invoice-credit", row)

    # 10. sign out; the Account admin's Activity log shows each step, for this customer
    sign_out(page)
    sign_in(page, base, "account.admin@contoso-partner.example")
    with page.expect_navigation():
        page.locator("a[data-nav=activity]").click()
    rows = page.locator("main tbody tr").filter(has_text=company)
    shown = {rows.nth(i).locator("td").nth(3).inner_text().strip() for i in range(rows.count())}
    steps = [Operation.CREATE_CUSTOMER, Operation.CREATE_ORDER, Operation.GET_SOFTWARE_KEY,
             Operation.GET_SOFTWARE_DOWNLOAD_LINK, Operation.DOWNLOAD_SOFTWARE, Operation.CANCEL_ORDER,
             Operation.CREATE_CREDIT]
    with translation.override(lang):
        assert shown == {str(step.label) for step in steps}
    assert_language(page, lang, "Activity log")
    shot("activity-log")

    # 11. export the CSV and verify it offline; it holds the same steps (two downloads)
    path = tmp_path / "activity.csv"
    with page.expect_download() as info:
        page.locator("a[href*='export.csv']").click()
    info.value.save_as(path)
    out = StringIO()
    call_command("verify_activity_log", file=str(path), stdout=out)
    assert out.getvalue().startswith("OK"), out.getvalue()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        exported = [r for r in csv.DictReader(handle) if company in r.values()]
    operations = sorted(r["operationType"] for r in exported)
    assert operations == sorted([step.value for step in steps] + [Operation.DOWNLOAD_SOFTWARE.value])
    assert len(shot.taken) == 13
    axe.assert_clean()


def test_global_admin_sees_own_products_in_the_admin_center_and_not_another_tenants(
        page, live_server, demo_world, place_order, axe):
    from customers.models import Customer
    from software.models import DownloadLink, Entitlement

    base = live_server.url
    shot = Shots(page, "journey-admin-center", axe)
    # given a purchase of Fabrikam's (Contoso) and one of Woodgrove's (another tenant, another partner)
    fabrikam = Customer.objects.get(domain="fabrikam.onmicrosoft.com")
    woodgrove = Customer.objects.get(domain="woodgrove.onmicrosoft.com")
    own = Entitlement.objects.get(order_line__order=place_order(fabrikam, "WS2022-STD"))
    other = Entitlement.objects.get(order_line__order=place_order(woodgrove, "SQL2022-STD"))
    # when Fabrikam's Global admin signs in: the admin center, Billing > Your products > Software
    sign_in(page, base, "admin@fabrikam.onmicrosoft.com")
    assert "/admin-center/" in page.url
    shot("home")
    with page.expect_navigation():
        page.locator("a[data-nav=products]").click()
    # then their purchase is listed and Woodgrove's is not
    assert page.locator(f"tr#entitlement-{own.pk}").is_visible()
    assert page.locator(f"tr#entitlement-{other.pk}").count() == 0
    assert str(other.order_line.order_id) not in page.content()
    details = choose_variant(page, own.pk)
    shot("your-products", details)
    # and they get their key
    get_key(page, details, shot)
    # and their download, whose SHA-256 is the catalogue's
    _dialog, downloaded_sha256 = get_link_and_download(page, details)
    assert downloaded_sha256 == DownloadLink.objects.get(entitlement=own).variant.file.sha256
    shot("download-link")
    # when they ask for Woodgrove's key or link by its id: not found
    token = page.evaluate("document.querySelector('input[name=csrfmiddlewaretoken]').value")
    for action in ("key", "links"):
        response = page.request.post(f"{base}/admin-center/billing/software/{other.pk}/{action}/",
                                     form={"csrfmiddlewaretoken": token, "version": "2022",
                                           "language": "en-US", "file_type": "x64 ISO"},
                                     headers={"Referer": base + "/admin-center/billing/software/"})
        assert response.status == 404, (action, response.status)
    # nor can they open the partner's view of their own tenant
    assert page.goto(f"{base}/customers/{fabrikam.tenant_id}/software/").status in (403, 404)
    axe.assert_clean()
