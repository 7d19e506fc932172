app_name = "activitylog"
from django.http import Http404
from django.urls import path
from accounts.permissions import Perm, requires


@requires(Perm.READ_ACTIVITY_LOG)
def _placeholder(request):
    raise Http404


urlpatterns = [path("settings/activity-log/", _placeholder, name="log")]
