"""Template filters for what people read ({% load formats %}): {{ amount|money:currency }}, {{ day|day }},
{{ moment|moment }}, {{ day|month }}, {{ n|number }}. The formatting itself is partnercenter.formats."""
from __future__ import annotations

from django import template

from partnercenter import formats

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    return "" if amount in (None, "") else formats.money_display(amount, currency)


@register.filter
def day(value) -> str:
    return "" if not value else formats.day_display(value)


@register.filter
def moment(value) -> str:
    return "" if not value else formats.moment_display(value)


@register.filter
def month(value) -> str:
    return "" if not value else formats.month_display(value)


@register.filter
def language_name(code) -> str:
    return formats.language_display(code)


@register.filter
def number(value) -> str:
    return "" if value in (None, "") else formats.number_display(value)
