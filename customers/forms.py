from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import markets_for_new_customers


class CustomerForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    domain = forms.CharField(label=_("Domain name"), max_length=253,
                             help_text=_("For example fabrikam.onmicrosoft.com, or just the prefix fabrikam."))
    country = forms.ChoiceField(label=_("Country or region"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Issue 16: CLDR's names in the page's language, in that language's collation order; the value is the code.
        self.fields["country"].choices = [("", "—")] + [
            (m.country, f"{m.display_name} ({m.country}, {m.currency})") for m in markets_for_new_customers()]
