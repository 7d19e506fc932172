"""What people read follows their language (issue 16.1): money, days, months and moments through CLDR (Babel),
checked against CLDR's own output and against the examples people expect."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from django.utils import translation

from partnercenter import formats

LANGUAGES = {"en": "en", "ja": "ja", "zh-hans": "zh_Hans", "ru": "ru", "de": "de"}
AMOUNTS = [(Decimal("1212200"), "JPY"), (Decimal("1234.5"), "USD"), (Decimal("1170341.2"), "EUR"),
           (Decimal("-107800"), "JPY"), (Decimal("0.005"), "AUD"), (Decimal("98000"), "BRL")]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("amount, currency", AMOUNTS)
def test_money_is_cldrs_format_for_the_language_and_currency(language, amount, currency):
    with translation.override(language):
        shown = formats.money_display(amount, currency)
    # rounded once to the currency's minor unit (half up), then formatted as CLDR formats it
    from partnercenter.money import quantize

    assert shown == format_currency(quantize(amount, currency), currency, locale=LANGUAGES[language],
                                    currency_digits=True)


@pytest.mark.parametrize("language, amount, currency, expected", [
    ("ja", "1212200", "JPY", "￥1,212,200"), ("en", "1212200", "JPY", "¥1,212,200"),
    ("en", "1234.50", "USD", "$1,234.50"), ("de", "1170341.20", "EUR", "1.170.341,20\xa0€"),
    ("ru", "1170341.20", "EUR", "1\xa0170\xa0341,20\xa0€"), ("ja", "1212199.6", "JPY", "￥1,212,200"),
])
def test_money_reads_as_people_expect(language, amount, currency, expected):
    with translation.override(language):
        assert formats.money_display(Decimal(amount), currency) == expected


def test_japanese_chart_labels_and_days():
    with translation.override("ja"):
        assert formats.month_display(dt.date(2026, 1, 1)) == "2026年1月"
        assert formats.short_day_display(dt.date(2026, 11, 2)) == "11月2日"
        assert formats.day_display(dt.date(2026, 12, 1)) == format_date(dt.date(2026, 12, 1), "medium", locale="ja")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_moment_names_its_time_zone(language):
    moment = dt.datetime(2026, 12, 1, 12, 44, tzinfo=dt.UTC)
    with translation.override(language):
        shown = formats.moment_display(moment)
    assert shown.endswith(" UTC") and format_date(moment.date(), "medium", locale=LANGUAGES[language]) in shown


@pytest.mark.parametrize("language, expected", [("en", "Japanese (ja-JP)"), ("ja", "日本語 (ja-JP)"),
                                                ("ru", "японский (ja-JP)")])
def test_software_languages_are_named(language, expected):
    with translation.override(language):
        assert formats.language_display("ja-JP") == expected


@pytest.mark.django_db
def test_pages_show_money_in_the_readers_language(client_for, fabrikam, place_order):
    from django.urls import reverse

    order = place_order(fabrikam, "WS2022-STD")
    url = reverse("software:order_detail", kwargs={"tenant_id": fabrikam.tenant_id, "order_id": order.pk})
    assert "¥107,800" in client_for("admin.agent").get(url).content.decode()
    assert "￥107,800" in client_for("admin.agent").get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "107\xa0800\xa0¥" in client_for("admin.agent").get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
