app_name = "admin_center"
from django.http import Http404
from django.urls import path
from accounts.permissions import SIGNED_IN, Perm, requires


@requires(SIGNED_IN)
def _placeholder(request):
    raise Http404


urlpatterns = [path("admin-center/", _placeholder, name="home"), path("admin-center/billing/software/", _placeholder, name="software")]
