from django import forms
from django.utils.translation import gettext_lazy as _

from .roles import PARTNER_ROLES, Role


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), max_length=256, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


PARTNER_ROLE_CHOICES = [(r.value, r.label) for r in Role if r in PARTNER_ROLES]


class UserForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    display_name = forms.CharField(label=_("Display name"), max_length=200, required=False)
    password = forms.CharField(label=_("Temporary password"), min_length=12, max_length=256, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=PARTNER_ROLE_CHOICES,
                                      widget=forms.CheckboxSelectMultiple)


class UserRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=PARTNER_ROLE_CHOICES,
                                      widget=forms.CheckboxSelectMultiple, required=False)
