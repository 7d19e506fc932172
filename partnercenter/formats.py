"""What people read, in their language (CLDR, through Babel): money with its currency, numbers, days, months and
moments with their time zone. One style per language across every page and email. Machine formats (the API, CSV
exports, form values) use partnercenter.money.to_str and ISO dates instead."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal
from django.utils import timezone, translation

from .money import MINOR_UNITS, quantize

FALLBACK_LOCALE = "en"


@lru_cache(maxsize=32)
def babel_locale(language: str | None = None) -> Locale:
    """Babel's locale for a Django language code: en, ja, zh-hans and ru give en, ja, zh_Hans and ru; English
    when unknown."""
    try:
        return Locale.parse(translation.to_locale(language or FALLBACK_LOCALE))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)


def current_locale() -> Locale:
    """The locale of the language the page or email is being rendered in."""
    return babel_locale(translation.get_language())


def money_display(amount: Decimal | int, currency: str) -> str:
    """¥1,212,200 / ￥1,212,200 / $1,234.50 / 1 170 341,20 €: rounded to the currency's minor unit first."""
    value = quantize(Decimal(amount), currency) if currency in MINOR_UNITS else Decimal(amount)
    return format_currency(value, currency, locale=current_locale(), currency_digits=True)


def number_display(value: float | int | Decimal) -> str:
    return format_decimal(value, locale=current_locale())


def day_display(day: dt.date | dt.datetime) -> str:
    """A calendar day: Dec 1, 2026 / 2026/12/01 / 2026年12月1日 / 1 дек. 2026 г."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return format_date(day, "medium", locale=current_locale())


def moment_display(moment: dt.datetime, *, seconds: bool = False) -> str:
    """A moment, with its time zone: Dec 1, 2026 12:44 PM UTC / 2026/12/01 12:44 UTC (to the second for the
    Activity log)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    zone = local.tzname() or timezone.get_current_timezone_name()
    locale = current_locale()
    day = format_date(local.date(), "medium", locale=locale)
    time = format_time(local.time(), "medium" if seconds else "short", locale=locale)
    return f"{day} {time} {zone}"


def month_display(day: dt.date) -> str:
    """A month: Jan 2026 / 2026年1月."""
    return format_skeleton("yMMM", day, locale=current_locale())


def short_day_display(day: dt.date) -> str:
    """A day of the month, for chart axes: Nov 2 / 11月2日."""
    return format_skeleton("MMMd", day, locale=current_locale())


def language_display(code: str) -> str:
    """A software language in the reader's language, with its code: 日本語 (ja-JP), Japanese (ja-JP)."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_language_name(current_locale())
    except (ValueError, LookupError, TypeError, AttributeError):
        return code
    return f"{name} ({code})" if name else code
