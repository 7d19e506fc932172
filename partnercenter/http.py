"""Small request helpers shared by views and APIs."""
from django.conf import settings


def client_ip(request) -> str | None:
    """The caller's address. Behind the reverse proxy (TRUST_X_FORWARDED_FOR) the first forwarded hop."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
