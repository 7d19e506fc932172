"""Template context for the shell: what the signed-in user may do (from the one role table)."""
from .roles import Perm, has_perm


def portal(request):
    user = getattr(request, "user", None)
    can = {perm.value: has_perm(user, perm) for perm in Perm}
    return {
        "can": can,
        "is_partner_staff": bool(user and user.is_authenticated and user.is_partner_staff),
        "is_tenant_user": bool(user and user.is_authenticated and user.is_tenant_user),
    }
