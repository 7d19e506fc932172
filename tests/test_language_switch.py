"""The language switch (config.views.set_language) for a signed-in user: it answers with a redirect, not a 500,
and the choice sticks to the user."""
import pytest
from django.urls import reverse


@pytest.mark.parametrize("username", ["admin.agent", "account.admin", "admin@fabrikam.onmicrosoft.com"])
def test_a_signed_in_user_switches_language_and_it_is_remembered(client_for, user_for, username):
    # given a signed-in user
    client = client_for(username)
    # when they choose Japanese
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    # then they are sent on, and the choice is saved on them
    assert response.status_code == 302
    user = user_for(username)
    user.refresh_from_db()
    assert user.language == "ja"
