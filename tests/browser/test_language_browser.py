"""The language switch in the top bar, as signed-in users: choosing a language switches the page at once (no
button to press with JavaScript on), every page follows, and the choice is the user's at the next sign-in."""
from __future__ import annotations

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

# language code -> a word the Customers page shows in it (its heading)
CUSTOMERS_HEADING = {"ja": "顧客", "zh-hans": "客户", "ru": "Клиенты", "en": "Customers"}


@pytest.mark.parametrize("email", ["admin.agent", "billing.admin", "admin@fabrikam.onmicrosoft.com",
                                   "user@fabrikam.onmicrosoft.com"])
def test_a_signed_in_user_switches_language_from_the_drop_down(signed_in_page, live_server, email, user_for):
    page = signed_in_page(email)
    start = page.url
    for code in ("ja", "zh-hans", "ru", "en"):
        # when: a language is chosen in the drop-down (the Apply button is only the no-JavaScript fallback)
        assert not page.locator(".lang-apply").is_visible()
        with page.expect_navigation():
            page.select_option("#language-select", code)
        # then the same page comes back in that language, and the choice is saved on the user
        assert page.url == start
        assert page.locator("html").get_attribute("lang") == code
        assert user_for(email if "@" in email else f"{email}@contoso-partner.example").language == code


def test_the_chosen_language_follows_the_user_to_every_page_and_the_next_sign_in(signed_in_page, live_server,
                                                                                  context):
    page = signed_in_page("admin.agent")
    with page.expect_navigation():
        page.select_option("#language-select", "ja")
    page.goto(live_server.url + "/customers/")
    assert CUSTOMERS_HEADING["ja"] in page.locator("h1").inner_text()
    # when: signed out, cookies gone, and signed in again
    context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=email], input[name=username]", "admin.agent@contoso-partner.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + "/customers/")
    # then the portal speaks Japanese again
    assert page.locator("html").get_attribute("lang") == "ja"
    assert CUSTOMERS_HEADING["ja"] in page.locator("h1").inner_text()


def test_without_javascript_the_apply_button_switches(browser, live_server, demo_world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=email], input[name=username]", "admin.agent@contoso-partner.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.select_option("#language-select", "ru")
    page.get_by_role("button", name="Apply").click()
    assert page.locator("html").get_attribute("lang") == "ru"
    context.close()
