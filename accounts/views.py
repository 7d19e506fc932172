"""Sign-in (throttled), API tokens (Settings > API tokens) and users (Settings > Users)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from partnercenter.http import client_ip

from .forms import ApiTokenForm, SignInForm, UserForm, UserRolesForm
from .models import User
from .permissions import PUBLIC, Perm, requires
from .services import (
    LastGlobalAdmin,
    api_token_issue,
    api_token_revoke,
    login_failed,
    login_is_throttled,
    login_succeeded,
    user_create,
    user_set_roles,
)


@requires(PUBLIC)
@never_cache
@csrf_protect
def sign_in(request):
    form = SignInForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    status, throttled = 200, False
    if request.method == "POST" and form.is_valid():
        email, ip = form.cleaned_data["email"].lower(), client_ip(request)
        if login_is_throttled(email=email, ip=ip):
            throttled, status = True, 429
            form.add_error(None, _("Too many failed sign-in attempts. Try again in a few minutes."))
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                login_failed(email=email, ip=ip)
                form.add_error(None, _("The email or password is not correct."))
                status = 400
            else:
                login_succeeded(email=email, ip=ip)
                login(request, user)
                return redirect(next_url or "home")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login.html", {"form": form, "next": next_url, "throttled": throttled},
                  status=status)


sign_out = requires(PUBLIC)(auth_views.LogoutView.as_view())


@requires(Perm.OWN_API_TOKENS)
def api_tokens(request):
    new_secret = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            _token, new_secret = api_token_issue(user=request.user, name=form.cleaned_data["name"])
            messages.success(request, _("Token created. Copy it now: it won't be shown again."))
            form = ApiTokenForm()
    tokens = request.user.api_tokens.all()
    return render(request, "accounts/api_tokens.html",
                  {"form": form, "tokens": tokens, "new_secret": new_secret}, status=400 if form.errors else 200)


@requires(Perm.OWN_API_TOKENS)
@require_POST
def api_token_revoke_view(request, token_id: int):
    if not api_token_revoke(user=request.user, token_id=token_id):
        raise Http404
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


@requires(Perm.MANAGE_USERS)
def users(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            form.add_error("email", _("A user with this email already exists."))
        else:
            user_create(email=email, password=form.cleaned_data["password"], partner=request.user.partner,
                        roles=form.cleaned_data["roles"], display_name=form.cleaned_data["display_name"])
            messages.success(request, _("User %(email)s created.") % {"email": email})
            return redirect("accounts:users")
    people = User.objects.filter(partner=request.user.partner).prefetch_related("role_assignments")
    return render(request, "accounts/users.html", {"form": form, "people": people},
                  status=400 if form.errors else 200)


@requires(Perm.MANAGE_USERS)
@require_POST
def user_roles(request, user_id: int):
    person = User.objects.filter(partner=request.user.partner, pk=user_id).first()
    if person is None:
        raise Http404
    form = UserRolesForm(request.POST)
    if form.is_valid():
        try:
            user_set_roles(user=person, roles=form.cleaned_data["roles"])
        except LastGlobalAdmin:
            messages.error(request, _("%(email)s is the last Global admin: give another user the Global admin "
                                      "role first.") % {"email": person.email})
        else:
            messages.success(request, _("Roles of %(email)s updated.") % {"email": person.email})
    else:
        messages.error(request, _("Choose valid roles."))
    return redirect("accounts:users")
