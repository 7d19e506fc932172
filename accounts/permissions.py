"""The role gate for pages and endpoints. Each declares one permission from `accounts.roles`.

A refused role gets a 403 only for what it could see anyway: when the URL names an object outside the
user's partner or tenant, the answer is a 404 whatever the role (D-ROLE-4), so that neither a 403 nor a
404 confirms another partner's ids. The apps that own the objects register how to tell
(`object_scope`)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, permissions

from .roles import PUBLIC, SIGNED_IN, Perm, has_perm

# URL keyword -> visible(user, value): is the object it names within the user's partner or tenant?
OBJECT_SCOPES: dict[str, Callable[[Any, str], bool]] = {}


def object_scope(*names: str):
    """Register `visible(user, value) -> bool` for the URL keywords `names`."""

    def register(visible):
        for name in names:
            OBJECT_SCOPES[name] = visible
        return visible

    return register


def outside_scope(user, url_kwargs: dict) -> bool:
    """True when the URL names an object the user's partner or tenant doesn't have (or no object at all)."""
    return any(name in OBJECT_SCOPES and not OBJECT_SCOPES[name](user, value) for name, value in url_kwargs.items())


class DeclaredPermission(permissions.BasePermission):
    """Fails closed: an API view without `required_perm` is refused to everyone."""

    def has_permission(self, request, view) -> bool:
        perm = getattr(view, "required_perm", None)
        if request.method not in view.allowed_methods:
            return True  # a method the view doesn't have: the answer is 405, whoever asks
        if isinstance(perm, dict):
            perm = perm.get(request.method, perm.get("*"))
        if perm == PUBLIC:
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if perm is not None and has_perm(request.user, perm):
            return True
        if outside_scope(request.user, getattr(view, "kwargs", {})):
            raise exceptions.NotFound()
        return False


def requires(perm: Perm | str):
    """Page decorator: sign-in first (redirect), then the role check (403 page)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if perm != PUBLIC and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                if outside_scope(request.user, kwargs):
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_perm = perm
        return wrapper

    return decorator


@object_scope("token_id")
def _own_token(user, value) -> bool:
    return str(value).isdigit() and user.api_tokens.filter(pk=int(value)).exists()


@object_scope("user_id")
def _same_partner_user(user, value) -> bool:
    from .models import User

    return bool(user.partner_id) and str(value).isdigit() and User.objects.filter(
        pk=int(value), partner_id=user.partner_id).exists()


__all__ = ["DeclaredPermission", "requires", "object_scope", "PUBLIC", "SIGNED_IN", "Perm"]
