"""Root URLconf: each app brings its pages (`<app>.urls`) and its API (`<app>.api_urls`, under /v1/). No two
patterns serve the same path (tests/test_urls.py), so the order of the includes below changes nothing but speed."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.roles import PUBLIC
from home.urls import admin_center_urlpatterns as home_admin_center
from software.admin_center_urls import urlpatterns as software_admin_center

from . import views


class SchemaView(SpectacularAPIView):
    required_perm = PUBLIC


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar) with its start-up script served as a
    file, not inline: the CSP allows scripts and styles from 'self' only."""
    required_perm = PUBLIC
    template_name = "config/api_docs.html"


api_v1 = [
    path("", include("customers.api_urls")),
    path("", include("software.api_urls")),
    path("", include("cancellations.api_urls")),
    path("", include("billing.api_urls")),
    path("", include("activitylog.api_urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]

# The customer admin center (D-M365): its home and Billing > Your products > Software, one namespace.
admin_center = [*home_admin_center, *software_admin_center]

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("v1/", include((api_v1, "api"))),
    path("", include("software.urls")),  # first of the pages: it holds the download endpoint, the busiest URL
    path("", include("accounts.urls")),
    path("", include("customers.urls")),
    path("", include((admin_center, "admin_center"))),
    path("", include("billing.urls")),
    path("", include("activitylog.urls")),
    path("", include("cancellations.urls")),
    path("", include("support.urls")),
    path("", include("home.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
