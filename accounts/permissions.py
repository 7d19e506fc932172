"""The role gate for pages and endpoints. Each declares one permission from `accounts.roles`."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework import exceptions, permissions

from .roles import PUBLIC, SIGNED_IN, Perm, has_perm


class DeclaredPermission(permissions.BasePermission):
    """Fails closed: an API view without `required_perm` is refused to everyone."""

    def has_permission(self, request, view) -> bool:
        perm = getattr(view, "required_perm", None)
        if isinstance(perm, dict):
            perm = perm.get(request.method, perm.get("*"))
        if perm == PUBLIC:
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if perm is None:
            return False
        return has_perm(request.user, perm)


def requires(perm: Perm | str):
    """Page decorator: sign-in first (redirect), then the role check (403 page)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if perm != PUBLIC and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_perm = perm
        return wrapper

    return decorator


__all__ = ["DeclaredPermission", "requires", "PUBLIC", "SIGNED_IN", "Perm"]
