"""The form of "Report a problem with Partner Center" (D-SUP)."""
from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import SupportRequest
from .services import attachments_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django docs, "Uploading multiple files": a FileField whose clean returns a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_file_clean(item, initial) for item in data if item]
        return [single_file_clean(data, initial)] if data else []


PHONE = re.compile(r"^[0-9 +\-()]{6,20}$")


class SupportRequestForm(forms.Form):
    problem_type = forms.ChoiceField(label=_("Type of problem"), choices=SupportRequest.ProblemType.choices,
                                     initial=SupportRequest.ProblemType.CSP_REFUND)
    impact = forms.ChoiceField(label=_("Impact"), choices=SupportRequest.Impact.choices,
                               initial=SupportRequest.Impact.MODERATE)
    title = forms.CharField(label=_("Title"), max_length=200)
    customer_reference = forms.CharField(label=_("Customer tenant GUID or domain name"), max_length=253,
                                         required=False)
    order_reference = forms.CharField(label=_("Order ID or subscription ID"), max_length=100, required=False)
    refund_reason = forms.CharField(label=_("Refund reason"), max_length=4000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    amount_requested = forms.CharField(label=_("Amount requested"), max_length=40, required=False)
    description = forms.CharField(label=_("Description"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))
    contact_name = forms.CharField(label=_("Name"), max_length=200)
    contact_email = forms.EmailField(label=_("Email address"), max_length=254)
    contact_phone = forms.CharField(label=_("Phone number"), max_length=20,
                                    help_text=_("6 to 20 characters: digits, spaces, + - ( )"))
    files = MultipleFileField(label=_("Add files"), required=False,
                              help_text=_("Up to 5 files of at most 5 MB each: PDF, PNG, JPEG, TXT, CSV, LOG or ZIP."))

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if not PHONE.match(phone) or not re.search(r"\d", phone):
            raise ValidationError(_("Enter 6 to 20 characters: digits, spaces, + - ( )."), code="phone")
        return phone

    def clean_files(self) -> list:
        files = self.cleaned_data.get("files") or []
        attachments_check(files)
        return files
