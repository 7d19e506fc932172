"""Root URLconf: each app brings its pages (`<app>.urls`) and its API (`<app>.api_urls`, under /v1/)."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.roles import PUBLIC
from accounts.views import home

from . import views


class SchemaView(SpectacularAPIView):
    required_perm = PUBLIC


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar) with its start-up script served as a
    file, not inline: the CSP allows scripts and styles from 'self' only."""
    required_perm = PUBLIC
    template_name = "partnercenter/api_docs.html"


api_v1 = [
    path("", include("customers.api_urls")),
    path("", include("cancellations.api_urls")),  # before software: it adds PATCH to an order
    path("", include("software.api_urls")),
    path("", include("billing.api_urls")),
    path("", include("activitylog.api_urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("v1/", include((api_v1, "api"))),
    path("", include("software.urls")),  # first of the pages: it holds the download endpoint, the busiest URL
    path("", include("accounts.urls")),
    path("", include("customers.urls")),
    path("", include("software.admin_center_urls")),
    path("", include("billing.urls")),
    path("", include("activitylog.urls")),
    path("", include("cancellations.urls")),
    path("", include("cancellations.home_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "partnercenter.views.bad_request"
handler403 = "partnercenter.views.permission_denied"
handler404 = "partnercenter.views.page_not_found"
handler500 = "partnercenter.views.server_error"
