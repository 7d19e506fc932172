"""Sign-in (with throttling), landing pages, API tokens (hashed; Bearer) and issue_api_token."""
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=DEMO_PASSWORD):
    return client.post("/accounts/login/", {"email": email, "password": password})


def test_partner_staff_land_on_dashboard_and_customers_on_admin_center():
    staff, tenant = Client(), Client()
    assert sign_in(staff, "admin.agent@contoso-partner.example")["Location"] == "/"
    assert staff.get("/")["Location"] == "/dashboard/"
    sign_in(tenant, "admin@fabrikam.onmicrosoft.com")
    assert tenant.get("/")["Location"] == "/admin-center/"


def test_wrong_password_is_a_clear_400():
    response = sign_in(Client(), "admin.agent@contoso-partner.example", "nope")
    assert response.status_code == 400
    assert "not correct" in response.content.decode()


def test_repeated_failures_are_throttled_even_with_the_right_password(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        assert sign_in(client, "sales.agent@contoso-partner.example", "wrong").status_code == 400
    response = sign_in(client, "sales.agent@contoso-partner.example")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_csrf_is_enforced_on_sign_in():
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, "admin.agent@contoso-partner.example").status_code == 403


def test_token_page_creates_shows_once_and_stores_only_a_hash(client_for, user_for):
    client = client_for("billing.admin")
    page = client.post("/settings/api-tokens/", {"name": "billing script"}).content.decode()
    token = ApiToken.objects.get(user=user_for("billing.admin"), name="billing script")
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("pcp_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    # the token authenticates with its user's roles
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/v1/customers").status_code == 200
    # revoked: 401
    client.post(f"/settings/api-tokens/{token.pk}/revoke/")
    response = api.get("/v1/customers")
    assert response.status_code == 401 and response.json()["code"] == "401"


def test_bad_bearer_token_is_401():
    response = Client(HTTP_AUTHORIZATION="Bearer pcp_nope").get("/v1/customers")
    assert response.status_code == 401
    assert response.json()["source"] == "PartnerCenter"


def test_cannot_revoke_someone_elses_token(client_for, user_for):
    from accounts.services import api_token_issue

    token, _ = api_token_issue(user=user_for("admin.agent"), name="mine")
    assert client_for("sales.agent").post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_issue_api_token_prints_the_token_on_its_last_line():
    out = StringIO()
    call_command("issue_api_token", "admin.agent@contoso-partner.example", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/v1/customers")
    assert response.status_code == 200 and response.json()["totalCount"] == 6


def test_global_admin_manages_users_and_roles(client_for, user_for):
    client = client_for("global.admin")
    response = client.post("/settings/users/", {"email": "new.agent@contoso-partner.example",
                                                "password": "a-long-password-1", "roles": ["admin_agent"]})
    assert response.status_code == 302
    new = user_for("new.agent@contoso-partner.example")
    assert new.role_set == {"admin_agent"} and new.partner.domain == "contoso-partner.example"
    client.post(f"/settings/users/{new.pk}/roles/", {"roles": ["sales_agent", "billing_admin"]})
    assert user_for("new.agent@contoso-partner.example").role_set == {"sales_agent", "billing_admin"}
    adatum_admin = user_for("admin.agent@adatum-partner.example")
    assert client.post(f"/settings/users/{adatum_admin.pk}/roles/", {"roles": []}).status_code == 404
    assert client_for("admin.agent").get("/settings/users/").status_code == 403


def test_the_last_global_admin_keeps_the_role(client_for, user_for):
    """Without a Global admin nobody could manage the partner's users again."""
    client = client_for("global.admin")
    me = user_for("global.admin")
    response = client.post(f"/settings/users/{me.pk}/roles/", {"roles": ["sales_agent"]}, follow=True)
    assert "last Global admin" in response.content.decode()
    assert user_for("global.admin").role_set == me.role_set and "global_admin" in me.role_set
    # With a second Global admin, the first may give the role up.
    client.post("/settings/users/", {"email": "second.ga@contoso-partner.example", "password": "a-long-password-1",
                                     "roles": ["global_admin"]})
    client.post(f"/settings/users/{me.pk}/roles/", {"roles": ["sales_agent"]})
    assert user_for("global.admin").role_set == {"sales_agent"}
    second = user_for("second.ga@contoso-partner.example")
    response = client_for("second.ga@contoso-partner.example").post(
        f"/settings/users/{second.pk}/roles/", {"roles": []}, follow=True)
    assert "last Global admin" in response.content.decode()
    assert user_for("second.ga@contoso-partner.example").role_set == {"global_admin"}
