app_name = "billing"
from django.http import Http404
from django.urls import path
from accounts.permissions import Perm, requires


@requires(Perm.READ_INVOICES)
def _placeholder(request):
    raise Http404


urlpatterns = [path("billing/invoices/", _placeholder, name="invoices")]
