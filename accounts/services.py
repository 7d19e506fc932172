"""Writes for accounts: users and roles, API tokens, sign-in throttling."""
from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Partner, RoleAssignment, User
from .roles import Role

TOKEN_PREFIX = "pcp_"


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def user_create(*, email: str, password: str | None, partner: Partner | None, roles: list[str],
                display_name: str = "", language: str = "") -> User:
    user = User.objects.create_user(email, password, partner=partner, display_name=display_name, language=language)
    user_set_roles(user=user, roles=roles)
    return user


class LastGlobalAdmin(Exception):
    """Taking Global admin from the partner's last Global admin would lock everyone out of user management."""


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str]) -> None:
    wanted = {Role(r) for r in roles}
    if user.partner_id and Role.GLOBAL_ADMIN not in wanted:
        # Lock the partner's Global admin assignments so two simultaneous demotions can't both pass.
        holders = set(RoleAssignment.objects.select_for_update(of=("self",))
                      .filter(user__partner_id=user.partner_id, role=Role.GLOBAL_ADMIN, user__is_active=True)
                      .values_list("user_id", flat=True))
        if holders == {user.pk}:
            raise LastGlobalAdmin
    RoleAssignment.objects.filter(user=user).exclude(role__in=wanted).delete()
    for role in sorted(wanted):
        RoleAssignment.objects.get_or_create(user=user, role=role)
    user.__dict__.pop("role_set", None)


def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100] or "API token", prefix=secret[:10],
                                    token_hash=_token_hash(secret))
    return token, secret


def api_token_revoke(*, user: User, token_id: int) -> bool:
    return bool(ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True)
                .update(revoked_at=timezone.now()))


def api_token_authenticate(secret: str) -> User | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user").filter(token_hash=_token_hash(secret), revoked_at__isnull=True)
             .first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# Sign-in throttling: failures are counted per email and per address in the shared cache.

def _throttle_keys(email: str, ip: str | None) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:email:{digest}", f"login-fail:ip:{ip or '-'}:{digest}"]


def login_is_throttled(*, email: str, ip: str | None) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    return any((cache.get(key) or 0) >= limit for key in _throttle_keys(email, ip))


def login_failed(*, email: str, ip: str | None) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _throttle_keys(email, ip):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, window)


def login_succeeded(*, email: str, ip: str | None) -> None:
    cache.delete_many(_throttle_keys(email, ip))
