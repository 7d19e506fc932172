from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.sign_in, name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("settings/api-tokens/", views.api_tokens, name="tokens"),
    path("settings/api-tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="token_revoke"),
    path("settings/users/", views.users, name="users"),
    path("settings/users/<int:user_id>/roles/", views.user_roles, name="user_roles"),
]
