"""Keyboard only, focus and 200% zoom in headless Chromium (issue #9 point 6): the Software tab's key
and link dialogs, the Cancel dialog and the top bar's menus driven by Tab/Enter/Space/Escape alone;
every visible control of the main pages takes the focus with Tab; dialogs keep focus inside and give
it back to the button that opened them; at 200% zoom nothing scrolls sideways."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ACTIVE_INSIDE_OPEN_DIALOG = "!!document.activeElement.closest('dialog[open]')"


def tab_to(page, selector: str, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector` — as a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def focused(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').trim(); }""")


@pytest.fixture
def fabrikam_order(place_order):
    from customers.models import Customer
    from software.models import Entitlement

    fabrikam = Customer.objects.get(domain="fabrikam.onmicrosoft.com")
    order = place_order(fabrikam, "WS2022-STD")
    return fabrikam, order, Entitlement.objects.get(order_line__order=order)


def _choose_variant_by_keyboard(page, entitlement_pk) -> str:
    row = f"tr#entitlement-{entitlement_pk} + tr details"
    tab_to(page, f"{row} > summary")
    page.keyboard.press("Enter")
    assert page.locator(row).get_attribute("open") == ""
    tab_to(page, f"{row} button[type=submit]:not([data-action])")
    page.keyboard.press("Enter")  # Get keys and downloads: the details come back in place (htmx)
    page.locator(f"#variant-{entitlement_pk}").wait_for()
    # and the keyboard user is where they were: focus stays on the button
    assert page.evaluate("document.activeElement.id") == f"get-{entitlement_pk}"
    return row


def test_software_tab_dialogs_and_cancel_by_keyboard_only(signed_in_page, live_server, fabrikam_order):
    from cancellations.models import CancellationRequest

    fabrikam, order, entitlement = fabrikam_order
    page = signed_in_page("admin.agent")
    page.goto(f"{live_server.url}/customers/{fabrikam.tenant_id}/software/")
    # the first Tab reaches the skip link, and Enter on it moves focus to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    row = _choose_variant_by_keyboard(page, entitlement.pk)

    # when: Get key with Enter
    tab_to(page, f"{row} button[data-action=get-key]")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog#key-dialog[open]")
    dialog.wait_for()
    # then focus is in the dialog and stays there however often Tab or Shift+Tab is pressed
    assert page.evaluate(ACTIVE_INSIDE_OPEN_DIALOG), focused(page)
    seen = set()
    for key in ["Tab"] * 6 + ["Shift+Tab"] * 6:
        page.keyboard.press(key)
        assert page.evaluate(ACTIVE_INSIDE_OPEN_DIALOG), f"focus left the dialog after {key}: {focused(page)}"
        seen.add(focused(page))
    assert len(seen) >= 3  # close (×), copy and close: every control of the dialog is reachable
    # when: Escape
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    # then focus is back on the Get key button
    assert page.evaluate("document.activeElement.dataset.action") == "get-key", focused(page)

    # when: Get download link with Space, then Copy link with Space
    tab_to(page, f"{row} button[data-action=get-link]")
    page.keyboard.press("Space")
    dialog = page.locator("dialog#link-dialog[open]")
    dialog.wait_for()
    uri = dialog.locator("#download-link").input_value()
    tab_to(page, "dialog[open] button[data-copy=download-link]")
    page.keyboard.press("Space")
    dialog.locator("[data-copied-for=download-link]").wait_for(state="visible")
    # then the link is on the clipboard
    assert page.evaluate("navigator.clipboard.readText()") == uri
    # when: the footer's Close button with Enter
    tab_to(page, "dialog[open] .dialog-footer [data-dialog-close]")
    page.keyboard.press("Enter")
    dialog.wait_for(state="detached")
    # then focus returns to Get download link
    assert page.evaluate("document.activeElement.dataset.action") == "get-link", focused(page)

    # when: back up (Shift+Tab) to the row's Cancel and press Enter: the Cancel dialog
    tab_to(page, f"tr#entitlement-{entitlement.pk} a[href*='/software/cancel/']", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/software/cancel/**")
    submit = page.locator("form[method=post] button[type=submit]").last
    assert submit.is_disabled()
    # and tick the acknowledgement with Space, then Submit with Enter
    tab_to(page, "input[name=acknowledge]")
    page.keyboard.press("Space")
    assert submit.is_enabled()
    tab_to(page, "form[method=post] button[type=submit]:not([disabled])")
    with mock_dispatch():
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.locator(".message-success").first.wait_for()  # the done state: "Cancellation submitted."
    # then the cancellation is recorded
    assert CancellationRequest.objects.filter(order=order).exists()


def mock_dispatch():
    """The cancellation's worker message (this test is about the keyboard, not the worker)."""
    from unittest import mock

    return mock.patch("cancellations.tasks.process_cancellation.delay")


ZOOM_PAGES = ["/dashboard/", "/customers/", "{tenant}/software/", "{tenant}/software/cancel/", "/billing/invoices/",
              "{tenant}/add-products/", "/settings/api-tokens/"]


def test_pages_read_at_200_percent_zoom(signed_in_page, live_server, fabrikam_order, axe):
    fabrikam, _order, entitlement = fabrikam_order
    page = signed_in_page("admin.agent")
    # given a 1280-px window at 200% zoom: a 640-px-wide CSS viewport
    page.set_viewport_size({"width": 640, "height": 720})
    actions = {"{tenant}/software/": f"tr#entitlement-{entitlement.pk} + tr details > summary",
               "{tenant}/software/cancel/": "input[name=acknowledge]",
               "{tenant}/add-products/": "#qty-WS2022-STD", "/settings/api-tokens/": "input[name=name]"}
    for path in ZOOM_PAGES:
        page.goto(live_server.url + path.format(tenant=f"/customers/{fabrikam.tenant_id}"))
        # then the page body does not scroll sideways (wide tables scroll inside their own region)
        widths = page.evaluate("({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
                               " view: document.documentElement.clientWidth})")
        assert widths["doc"] <= widths["view"] and widths["body"] <= widths["view"], (path, widths)
        # and the key controls are on screen: the page title and the page's main control
        for selector in ["main h1", actions.get(path)]:
            if selector is None:
                continue
            control = page.locator(selector).first
            control.scroll_into_view_if_needed()
            box = control.bounding_box()
            assert control.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 640, (path, selector, box)
        # and the navigation, folded away, opens from its button
        toggle = page.locator("[data-nav-toggle]")
        assert toggle.is_visible() and not page.locator("#leftnav").is_visible(), path
        toggle.click()
        assert page.locator("#leftnav").is_visible() and toggle.get_attribute("aria-expanded") == "true", path
        axe(page, f"{path} at 200% zoom, navigation open")
    axe.assert_clean()


MARK_FOCUSABLE = """() => {
    const selector = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]),'
        + ' select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
    const shown = e => e.checkVisibility({visibilityProperty: true}) && !e.closest('[inert]');  // closed <details> too
    const radios = new Set();
    let n = 0;
    for (const e of document.querySelectorAll(selector)) {
        if (!shown(e)) continue;
        if (e.type === 'radio') {  // a radio group is one Tab stop (arrow keys move inside it)
            if (radios.has(e.name)) continue;
            radios.add(e.name);
            document.querySelectorAll(`input[type=radio][name="${e.name}"]`).forEach(r => r.dataset.kbd = n);
        }
        e.dataset.kbd = n++;
    }
    return n;
}"""


def test_every_control_on_the_main_pages_and_menus_is_reachable_with_tab(signed_in_page, live_server, fabrikam_order):
    fabrikam, order, entitlement = fabrikam_order
    page = signed_in_page("admin.agent")
    tenant = f"/customers/{fabrikam.tenant_id}"
    for path in ["/dashboard/", "/customers/", f"{tenant}/software/?entitlement={entitlement.pk}&version=2022"
                 "&language=en-US&file_type=x64+ISO", f"{tenant}/software/cancel/?order={order.id}",
                 f"{tenant}/add-products/", "/support/new/", "/billing/invoices/"]:
        page.goto(live_server.url + path)
        # given every visible control of the page
        total = page.evaluate(MARK_FOCUSABLE)
        assert total > 5, path
        # when Tab is pressed through the whole page
        reached = set()
        for _ in range(total * 2 + 10):
            page.keyboard.press("Tab")
            index = page.evaluate("document.activeElement && document.activeElement.dataset.kbd")
            if index is None and reached:
                break  # past the last control
            if index is not None:
                reached.add(int(index))
        # then each one took the focus
        missing = page.evaluate("ids => [...document.querySelectorAll('[data-kbd]')].filter(e => !ids.includes("
                                "+e.dataset.kbd)).map(e => e.outerHTML.slice(0, 120))", sorted(reached))
        assert not missing, (path, missing)

    # the top bar's menus: Enter opens, their items come next in the Tab order, Escape closes and
    # puts focus back on the menu's button
    for summary in page.locator("details.menu > summary").all():
        summary.focus()
        page.keyboard.press("Enter")
        menu = summary.locator("xpath=..")
        assert menu.get_attribute("open") == ""
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('details.menu[open] .menu-popup')")
        page.keyboard.press("Escape")
        assert menu.get_attribute("open") is None
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    # and the Settings menu's API tokens is followed with Enter
    page.locator("details.menu > summary").first.focus()
    page.keyboard.press("Enter")
    tab_to(page, "details.menu[open] a[href$='/settings/api-tokens/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/settings/api-tokens/")
