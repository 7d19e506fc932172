from django.http import Http404
from django.urls import path

from accounts.permissions import Perm, requires


@requires(Perm.VIEW_CUSTOMERS)
def _placeholder(request, *args, **kwargs):
    raise Http404


urlpatterns = [path("customers/<str:tenant_id>/software/", _placeholder, name="customer_software")]
