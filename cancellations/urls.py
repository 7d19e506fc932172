from django.http import Http404
from django.urls import path

from accounts.roles import Perm
from accounts.permissions import requires

app_name = "cancellations"


@requires(Perm.CANCEL)
def _placeholder(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path("customers/<str:tenant_id>/software/cancel/", _placeholder, name="cancel"),
    path("support/", _placeholder, name="support_list"),
    path("support/new/", _placeholder, name="support_new"),
]
