"""Accessibility in headless Chromium (issue #9 point 6): axe-core on every page a user can reach, as
each persona sees it (dialogs and menus open too), with no serious or critical violation; which pages
those are is checked against the URL resolver, so a new page can't be forgotten.

Keyboard, focus and zoom checks are in test_keyboard_browser.py."""
from __future__ import annotations

from unittest import mock

import pytest
from django.urls import get_resolver
from django.urls.resolvers import URLResolver

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

# Every HTML page (URL name) a person can open, and where each is audited below. The key/link/send
# endpoints answer a POST with a dialog: they are audited as the dialog open on the page.
AUDITED_PAGES = {
    "dashboard", "accounts:login", "accounts:tokens", "accounts:users",
    "customers:list", "customers:create", "customers:detail",
    "software:add_products", "software:customer_orders", "software:order_detail", "software:order_confirmation",
    "software:customer_software", "software:reveal_key", "software:issue_link", "software:send_link",
    "software:download",  # a revoked link: the 410 page
    "admin_center:home", "admin_center:software", "admin_center:software_key", "admin_center:software_link",
    "billing:invoices", "billing:invoice_detail", "activitylog:log",
    "cancellations:cancel", "support:list", "support:new",
    "support:detail",
}
# Not pages: redirects, POST-only actions, files and the health probe. Left out of the audit below
# (test_every_page_… skips the `api:` and `admin:` namespaces): Django's own admin (operators only) and
# drf-spectacular's Swagger UI at /v1/docs/ (a third-party page; test_api_docs_render_under_the_csp).
NOT_PAGES = {
    "home", "healthz", "set_language", "accounts:logout", "accounts:token_revoke", "accounts:user_roles",
    "billing:invoice_csv",
    "activitylog:export", "support:attachment",
}


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_page_of_the_portal_is_in_the_audit():
    # given every named URL of the site, minus the API (JSON) and Django's admin
    names = {name for name in _url_names(get_resolver().url_patterns) if not name.startswith(("api:", "admin:"))}
    # then each one is audited or knowingly not a page
    assert names - AUDITED_PAGES - NOT_PAGES == set(), "a new page: audit it with axe in this file"
    assert (AUDITED_PAGES | NOT_PAGES) - names == set(), "a page was removed: drop it from the lists"


@pytest.fixture
def world(place_order, user_for):
    """An order of Fabrikam's with an invoice, and a support request of Contoso's."""
    from customers.models import Customer
    from support.services import SupportDetails, support_request_create

    fabrikam = Customer.objects.get(domain="fabrikam.onmicrosoft.com")
    order = place_order(fabrikam, "WS2022-STD")
    support = support_request_create(actor=user_for("admin.agent"), details=SupportDetails(
        problem_type="billing", impact="low",
        title="Refund for a duplicate order", description="Ordered twice.", contact_name="Admin Agent",
        contact_email="admin.agent@contoso-partner.example", contact_phone="+81 3 1234 5678"), customer=fabrikam)
    return fabrikam, order, support


def _open_variant(page, entitlement_pk):
    details = page.locator(f"tr#entitlement-{entitlement_pk} + tr details")
    if not details.get_attribute("open") == "":
        details.locator("summary").click()
    details.get_by_role("button", name="Get keys and downloads").click()  # htmx: the details come back in place
    page.locator(f"#variant-{entitlement_pk}").wait_for()
    return page.locator(f"tr#entitlement-{entitlement_pk} + tr details")


def _dialog(page, button, dialog_id):
    button.click()
    page.locator(f"dialog#{dialog_id}[open]").wait_for()
    return page.locator(f"dialog#{dialog_id}[open]")


def _close(page, dialog):
    dialog.locator("[data-dialog-close]").last.click()
    dialog.wait_for(state="detached")


def sign_in_plain(page, base, email):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=email], input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")


def _visit(page, url, axe, name):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    axe(page, name, url_name=name)


def test_partner_pages_have_no_serious_axe_violations(signed_in_page, live_server, axe, world, user_for):
    from billing.models import Invoice
    from software.models import Entitlement

    fabrikam, order, support = world
    entitlement = Entitlement.objects.get(order_line__order=order)
    invoice = Invoice.objects.filter(lines__order_id=order.id).first()
    tenant = f"/customers/{fabrikam.tenant_id}"
    page = signed_in_page("admin.agent")

    for path, name in [
        ("/dashboard/", "dashboard"), ("/customers/", "customers:list"), ("/customers/new/", "customers:create"),
        (f"{tenant}/", "customers:detail"), (f"{tenant}/orders/", "software:customer_orders"),
        (f"{tenant}/orders/{order.id}/", "software:order_detail"),
        (f"{tenant}/orders/{order.id}/confirmation/", "software:order_confirmation"),
        (f"{tenant}/software/cancel/?order={order.id}", "cancellations:cancel"),
        ("/support/", "support:list"), ("/support/new/", "support:new"),
        (f"/support/{support.id}/", "support:detail"),
        ("/billing/invoices/", "billing:invoices"), (f"/billing/invoices/{invoice.id}/", "billing:invoice_detail"),
        ("/settings/api-tokens/", "accounts:tokens"),
    ]:
        _visit(page, live_server.url + path, axe, name)
    page.get_by_label("Name").fill("CI")
    with page.expect_navigation():
        page.get_by_role("button", name="Create token").click()
    axe(page, "accounts:tokens (new token shown)")

    # forms with their error messages shown
    page.goto(live_server.url + "/customers/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Create customer").click()
    assert page.locator(".has-error").count() >= 1
    axe(page, "customers:create (errors)")
    page.goto(live_server.url + "/support/new/")  # the browser checks required fields; the server the phone
    for field, value in [("title", "Refund"), ("description", "Twice."), ("contact_name", "Admin Agent"),
                         ("contact_email", "admin.agent@contoso-partner.example"), ("contact_phone", "call me")]:
        page.fill(f"[name={field}]", value)
    with page.expect_navigation():
        page.locator("form:has(input[name=title]) button[type=submit]").click()
    assert page.locator(".has-error").count() >= 1
    axe(page, "support:new (errors)")

    # Add products: catalogue, then the review step
    page.goto(f"{live_server.url}{tenant}/add-products/")
    axe(page, "software:add_products", url_name="software:add_products")
    page.fill("#qty-WS2022-STD", "1")
    with page.expect_navigation():
        page.get_by_role("button", name="Review").click()
    axe(page, "software:add_products (review)")

    # the Software tab, a product expanded with its variant, and each dialog open
    page.goto(f"{live_server.url}{tenant}/software/")
    axe(page, "software:customer_software", url_name="software:customer_software")
    details = _open_variant(page, entitlement.pk)
    axe(page, "software:customer_software (variant chosen)")
    for button, dialog_id, name in [("Get key", "key-dialog", "software:reveal_key"),
                                    ("Get download link", "link-dialog", "software:issue_link"),
                                    ("Send to customer", "send-dialog", "software:send_link")]:
        dialog = _dialog(page, details.get_by_role("button", name=button, exact=True), dialog_id)
        axe(page, f"{name} (dialog)")
        _close(page, dialog)

    # the top bar's menus open: Settings, then the account manager
    for index, name in enumerate(("top bar: Settings menu", "top bar: account menu")):
        page.locator("details.menu > summary").nth(index).click()
        axe(page, name)
        page.keyboard.press("Escape")

    # error pages: 404 (another partner's customer) and 403 (users are the Global admin's)
    from customers.models import Customer

    woodgrove = Customer.objects.get(domain="woodgrove.onmicrosoft.com")
    assert page.goto(f"{live_server.url}/customers/{woodgrove.tenant_id}/").status == 404
    axe(page, "404")
    assert page.goto(f"{live_server.url}/settings/users/").status == 403
    axe(page, "403")
    axe.assert_clean()


def test_settings_pages_have_no_serious_axe_violations(signed_in_page, live_server, axe, world, user_for):
    # given the partner's Global admin (users and roles) and Account admin (activity log)
    page = signed_in_page("global.admin")
    _visit(page, live_server.url + "/settings/users/", axe, "accounts:users")
    with page.expect_navigation():
        page.get_by_role("button", name="Save roles").first.click()
    axe(page, "accounts:users (roles saved)")
    page.locator("form[action$='/accounts/logout/'] button").dispatch_event("click")
    page.wait_for_url("**/accounts/login/**")
    axe(page, "accounts:login", url_name="accounts:login")
    page.fill("input[name=email], input[name=username]", "account.admin@contoso-partner.example")
    page.fill("input[name=password]", "wrong")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()
    axe(page, "accounts:login (error)")
    # a form sent after the CSRF cookie is gone (a stale tab): Django's CSRF failure page
    page.context.clear_cookies()
    page.fill("input[name=password]", "wrong")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("form:has(input[name=password]) button[type=submit]").click()
    assert posted.value.status == 403
    axe(page, "403 (CSRF failure)")
    page = signed_in_page("account.admin")
    _visit(page, live_server.url + "/settings/activity-log/", axe, "activitylog:log")
    axe.assert_clean()


def test_admin_center_and_error_pages_have_no_serious_axe_violations(signed_in_page, live_server, axe, world,
                                                                     user_for):
    from django.template.loader import render_to_string

    from cancellations.services import cancellation_process, cancellation_request
    from software.models import Entitlement
    from software.selectors import variant_for
    from software.services import download_link_issue

    fabrikam, order, _support = world
    entitlement = Entitlement.objects.get(order_line__order=order)
    # given the customer's Global admin in the admin center
    page = signed_in_page("admin@fabrikam.onmicrosoft.com")
    _visit(page, live_server.url + "/admin-center/", axe, "admin_center:home")
    _visit(page, live_server.url + "/admin-center/billing/software/", axe, "admin_center:software")
    details = _open_variant(page, entitlement.pk)
    axe(page, "admin_center:software (variant chosen)")
    for button, dialog_id, name in [("Get key", "key-dialog", "admin_center:software_key"),
                                    ("Get download link", "link-dialog", "admin_center:software_link")]:
        dialog = _dialog(page, details.get_by_role("button", name=button, exact=True), dialog_id)
        axe(page, f"{name} (dialog)")
        _close(page, dialog)

    # without the page's JavaScript (portal.js and htmx blocked; axe itself still needs the engine), Get key
    # and Get download link are plain form posts answered by a page showing the dialog in its flow
    plain = page.context.browser.new_context(base_url=live_server.url)
    plain.set_default_timeout(15_000)
    plain.route("**/*.js", lambda route: route.abort())
    try:
        no_js = plain.new_page()
        sign_in_plain(no_js, live_server.url, "admin@fabrikam.onmicrosoft.com")
        variant_url = (f"{live_server.url}/admin-center/billing/software/?entitlement={entitlement.pk}"
                       "&version=2022&language=en-US&file_type=x64+ISO")
        for action, name in [("get-key", "admin_center:software_key"), ("get-link", "admin_center:software_link")]:
            no_js.goto(variant_url)
            no_js.locator(f"button[data-action={action}]").click()
            no_js.locator("html.no-js dialog[data-autoshow]").wait_for(state="visible")  # no script ran: in the flow
            axe(no_js, f"{name} (no JavaScript: result page)", url_name=name)
    finally:
        plain.close()

    # a download link of a cancelled purchase: the 410 page
    issued = download_link_issue(actor=user_for("admin.agent"), entitlement=entitlement,
                                 variant=variant_for(entitlement, version="2022", language="en-US",
                                                     file_type="x64 ISO"))
    with mock.patch("cancellations.tasks.process_cancellation.delay"):  # processed inline just below
        request = cancellation_request(actor=user_for("admin.agent"), order=order)
    cancellation_process(request_id=request.pk)
    response = page.goto(f"{live_server.url}/download/{issued.token}/")
    assert response.status == 410
    axe(page, "software:download (410, link revoked)", url_name="software:download")

    # signed out: a page that does not exist, and the 500 page (served as Django's handler renders it)
    page.context.clear_cookies()
    assert page.goto(live_server.url + "/no-such-page/").status == 404
    axe(page, "404 (signed out)")
    page.route("**/boom/", lambda route: route.fulfill(status=500, content_type="text/html; charset=utf-8",
                                                      body=render_to_string("500.html")))
    assert page.goto(live_server.url + "/boom/").status == 500
    axe(page, "500")
    axe.assert_clean()


def test_the_axe_check_catches_a_violation(page, live_server, axe):
    # given the sign-in page with an unlabelled field and an image without a text alternative added
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate("""() => { const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<input type="text" name="x"><img src="/static/none.png">'); }""")
    # when axe audits it
    axe(page, "self-test: broken sign-in page")
    # then both are reported as serious/critical: the audit really runs under the page's CSP
    found = "\n".join(axe.blocking)
    assert "label" in found and "image-alt" in found, found


def test_api_docs_render_under_the_csp(page, live_server):
    """/v1/docs/ is Swagger UI served from our own static files with its start-up script as a file: under
    the CSP (scripts from 'self' only) it must list the API's operations, with no CSP violation."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/v1/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 15
    assert "/v1/customers" in page.locator("#swagger-ui").inner_text()
    assert violations == []
