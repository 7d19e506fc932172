"""Use the signed-in user's saved language when the request chose none (cookie or URL)."""
from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.language in self.codes
                and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
