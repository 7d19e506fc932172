from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Market


class CustomerForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    domain = forms.CharField(label=_("Domain name"), max_length=253,
                             help_text=_("For example fabrikam.onmicrosoft.com, or just the prefix fabrikam."))
    country = forms.ChoiceField(label=_("Country or region"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—")] + [
            (m.country, f"{m.name} ({m.country}, {m.currency})") for m in Market.objects.order_by("name")]
