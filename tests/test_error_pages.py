"""The error pages Django renders without a request context (400, CSRF failure, 500) are the portal's
own: translated, with a main landmark and a way home, and the API keeps its JSON shape."""
from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(("language", "title"), [("en", "This request can’t be processed"),
                                                 ("ja", "このリクエストは処理できません")])
def test_a_malformed_request_gets_the_portals_400_page(db, language, title):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/customers/?q=%00")
    assert response.status_code == 400
    page = response.content.decode()
    assert f'lang="{language}"' in page and title in page and '<main id="main">' in page


def test_the_api_keeps_its_error_shape_for_a_malformed_request(db):
    response = Client().get("/v1/customers?q=%00")
    assert response.status_code == 400 and response.json()["code"] == "400"


def test_a_form_without_its_csrf_token_gets_the_portals_page(client_for):
    client = client_for("admin.agent")
    client.handler.enforce_csrf_checks = True
    response = client.post("/customers/new/", {"company_name": "No token"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form has expired" in page and "Nothing was saved" in page and '<main id="main">' in page
