"""The form of the cancel dialog (D-CAN-4)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

IMPORTANT = _("Cancelling revokes the product keys and download links of this purchase. This can't be undone.")


class CancelForm(forms.Form):
    order = forms.ChoiceField(label=_("Order number"))
    lines = forms.TypedMultipleChoiceField(label=_("Line items to cancel"), coerce=int, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    acknowledge = forms.BooleanField(label=_("I understand. Cancel this purchase."), required=True,
                                     error_messages={"required": _("Tick the box to acknowledge the Important "
                                                                   "message.")})

    def __init__(self, *args, orders=(), line_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = list(orders)
        self.fields["lines"].choices = list(line_choices)
