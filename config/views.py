"""Site-wide views: health, language switch, and error pages (JSON under /v1/, friendly pages elsewhere)."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.i18n import set_language as django_set_language

from accounts.roles import PUBLIC
from partnercenter.api import TOO_LARGE_DESCRIPTION, json_error_response
from partnercenter.errors import NOT_FOUND_DESCRIPTION, SERVER_ERROR_DESCRIPTION, Code


def _is_api(request) -> bool:
    return request.path.startswith("/v1/")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


healthz.required_perm = PUBLIC


def set_language(request):
    """Django's language switch; also remembers the choice on the signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        # request.user is a lazy proxy: type() of it has no manager (that was a 500 for every signed-in user).
        get_user_model().objects.filter(pk=request.user.pk).update(language=language)
    return response


set_language.required_perm = PUBLIC


def bad_request(request, exception=None):
    if _is_api(request) and isinstance(exception, RequestDataTooBig):
        return json_error_response(413, Code.PAYLOAD_TOO_LARGE, TOO_LARGE_DESCRIPTION)
    if _is_api(request):
        return json_error_response(400, Code.BAD_REQUEST, "The request is malformed.")
    return defaults.bad_request(request, exception, template_name="400.html")


def permission_denied(request, exception=None):
    if _is_api(request):
        return json_error_response(403, Code.FORBIDDEN, "Your roles do not allow this.")
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return json_error_response(404, Code.NOT_FOUND, NOT_FOUND_DESCRIPTION)
    return render(request, "404.html", status=404)


def server_error(request):
    if _is_api(request):
        return json_error_response(500, Code.SERVER_ERROR, SERVER_ERROR_DESCRIPTION)
    return defaults.server_error(request, template_name="500.html")
