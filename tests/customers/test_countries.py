"""Countries come from CLDR (issue 16, D-CUST-1): names in the page's language, the drop-down in that language's
collation order, only inhabited countries and regions, every market of DOMAIN.md (D-CAT-3, D-CAT-4) and
Microsoft's other CSP markets, and a market sync that adds rows but never changes one."""
from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import get_territory_currencies
from django.utils import translation

from customers.countries import babel_locale, collation_key, country_name
from customers.forms import CustomerForm
from customers.markets import AVAILABLE, MORE_MARKETS, RESERVATIONS_UNAVAILABLE, UNINHABITED, market_rows, markets_sync
from customers.models import Customer, Market
from partnercenter.money import MINOR_UNITS
from software.catalog import FACTORS, OFFERS, price_in

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ja", "zh-hans", "ru"]
JAPAN = {"en": "Japan", "ja": "日本", "zh-hans": "日本", "ru": "Япония"}
# CLDR codes that are not a country or region a customer can be in: groupings, pseudo-locales, unknown, and
# parts of a country that ISO 3166-1 does not list on their own.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
EMBARGOED = {"CU", "IR", "KP", "SY"}
PRICED = set(FACTORS) | {"USD", "JPY"}  # the currencies software.catalog.price_in has a price list in
OPTION = re.compile(r'<option value="([A-Z]{2})"[^>]*>([^<]*)</option>')


def options(page: str) -> list[tuple[str, str]]:
    return [(code, html.unescape(label)) for code, label in OPTION.findall(page)]


def form_choices(language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [(code, str(label)) for code, label in CustomerForm().fields["country"].choices if code]


def label_name(label: str) -> str:
    return label.rsplit(" (", 1)[0]  # "日本 (JP, JPY)" -> "日本"


# --- names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_a_country_is_named_from_cldr_in_the_page_language(language):
    with translation.override(language):
        assert country_name("JP") == JAPAN[language]
        assert Market.objects.get(country="JP").display_name == JAPAN[language]
        assert str(Market.objects.get(country="JP")) == f"{JAPAN[language]} (JP)"


def test_django_languages_map_to_babel_locales():
    assert [str(babel_locale(language)) for language in LANGUAGES] == ["en", "ja", "zh_Hans", "ru"]
    assert str(babel_locale("xx")) == "en" and str(babel_locale(None)) == "en"


def test_every_market_has_a_cldr_name_in_every_language():
    for language in LANGUAGES:
        names = babel_locale(language).territories
        missing = [m.country for m in Market.objects.all() if not names.get(m.country)]
        assert missing == [], language


@pytest.mark.parametrize("language", LANGUAGES)
def test_customer_pages_name_the_country_in_the_page_language(client_for, user_for, fabrikam, language):
    # given an admin agent who reads the portal in that language
    user = user_for("admin.agent")
    user.language = language
    user.save(update_fields=["language"])
    client = client_for("admin.agent")
    expected = f"{JAPAN[language]} (JP)"
    # then the list, the detail header and the Account tab name Fabrikam's country (JP) in that language
    assert expected in client.get("/customers/", {"q": "Fabrikam"}).content.decode()
    account = client.get(f"/customers/{fabrikam.tenant_id}/").content.decode()
    assert account.count(expected) == 2  # the header line and the Account tab's "Country or region"
    if language != "en":
        assert "Japan (JP)" not in account


# --- the drop-down ------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_new_customer_form_lists_cldr_names_in_collation_order(client_for, user_for, language):
    user = user_for("global.admin")
    user.language = language
    user.save(update_fields=["language"])
    page = client_for("global.admin").get("/customers/new/").content.decode()
    listed = options(page)
    # every market, named from CLDR in the page's language with its code and currency; the value is the code
    markets = {m.country: m for m in Market.objects.exclude(country__in=UNINHABITED)}
    assert sorted(code for code, _ in listed) == sorted(markets)
    names = babel_locale(language).territories
    for code, label in listed:
        assert label == f"{names[code]} ({code}, {markets[code].currency})"
    assert ("JP", f"{JAPAN[language]} (JP, JPY)") in listed
    # sorted by the Unicode Collation Algorithm, not by code point or by the stored English name
    keys = [collation_key(label_name(label)) for _, label in listed]
    assert keys == sorted(keys)


def test_english_list_is_alphabetical_with_accents_folded():
    names = [label_name(label) for _, label in form_choices("en")]
    assert names[:4] == ["Afghanistan", "Åland Islands", "Albania", "Algeria"]
    assert names[-3:] == ["Yemen", "Zambia", "Zimbabwe"]
    # "Côte d’Ivoire" among the C's, "Türkiye" among the T's: accents and case come second
    assert names.index("Costa Rica") < names.index("Côte d’Ivoire") < names.index("Croatia")
    assert names.index("Tunisia") < names.index("Türkiye") < names.index("Turkmenistan")


def test_russian_list_is_in_cyrillic_order():
    names = [label_name(label) for _, label in form_choices("ru")]
    assert names[:3] == ["Австралия", "Австрия", "Азербайджан"]
    assert names[-2:] == ["Ямайка", "Япония"]
    # Russian alphabet order, case aside ("о-в Мэн" among the О's): Э Ю Я last
    first_letters = [name[0].upper() for name in names]
    alphabet = "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ"
    order = [alphabet.index(letter) for letter in first_letters]
    assert order == sorted(order)


def test_japanese_list_is_in_kana_order_then_kanji():
    names = [label_name(label) for _, label in form_choices("ja")]
    assert names[0] == "アイスランド"
    # kana in gojūon order, voiced kana beside plain ones (ガ with カ): ア before カ/ガ before サ
    assert names.index("アメリカ合衆国") < names.index("ガーナ") < names.index("カナダ") < names.index("スイス")
    # names written in kanji come after the kana names
    kanji = [i for i, name in enumerate(names) if "\u4e00" <= name[0] <= "\u9fff"]
    assert kanji == list(range(len(names) - len(kanji), len(names))) and names.index("日本") in kanji


def test_simplified_chinese_list_is_in_collation_order_not_english_order():
    names = [label_name(label) for _, label in form_choices("zh-hans")]
    assert "日本" in names and "中国" in names and "Japan" not in names
    assert names == sorted(names, key=collation_key)


def test_the_selected_value_is_the_iso_code(client_for):
    response = client_for("global.admin").post("/customers/new/", {"company_name": "Julius Meinl Test",
                                                                    "domain": "meinl-test", "country": "AT"})
    assert response.status_code == 302
    assert Customer.objects.get(domain="meinl-test.onmicrosoft.com").market_id == "AT"


# --- which markets ------------------------------------------------------------------------------

def test_no_uninhabited_territory_or_non_country_code_is_a_market():
    rows = {row["country"] for row in market_rows()}
    assert not rows & (UNINHABITED | NOT_COUNTRIES)
    assert {"AQ", "BV", "HM", "UM", "GS", "TF", "IO"} <= UNINHABITED
    codes = set(Market.objects.values_list("country", flat=True))
    assert not codes & (UNINHABITED | NOT_COUNTRIES)
    cldr = {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}
    assert codes <= cldr and all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)


def test_uninhabited_rows_left_by_older_databases_are_not_offered(api_for, client_for):
    # given a database that still holds Antarctica from the first market list
    Market.objects.create(country="AQ", name="Antarctica", currency="USD", tax_rate=Decimal("0"),
                          reservations_available=False)
    # then the form does not list it and no customer can be created there
    assert "AQ" not in dict(form_choices("en"))
    page = client_for("global.admin").post("/customers/new/", {"company_name": "Penguin", "domain": "penguin",
                                                                "country": "AQ"})
    assert page.status_code == 400
    response = api_for("admin.agent").post("/v1/customers", {
        "companyProfile": {"companyName": "Penguin", "domain": "penguin2"},
        "billingProfile": {"defaultAddress": {"country": "AQ"}}}, format="json")
    assert response.status_code == 400
    assert not Customer.objects.filter(market_id="AQ").exists()


def test_every_domain_market_is_present():
    codes = set(Market.objects.values_list("country", flat=True))
    # D-CAT-3's markets (AU, BR and the rest of the priced markets) and D-CAT-4's list, inhabited part
    assert set(AVAILABLE) <= codes
    assert set(RESERVATIONS_UNAVAILABLE) - UNINHABITED <= codes
    assert {"AU", "BR", "CN", "AX", "YE", "XK"} <= codes


def test_markets_cover_every_inhabited_country_microsoft_sells_in():
    cldr = {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}
    expected = cldr - NOT_COUNTRIES - UNINHABITED - EMBARGOED
    codes = set(Market.objects.values_list("country", flat=True))
    assert codes == expected
    assert not codes & EMBARGOED
    assert len(codes) == 239


def test_existing_markets_keep_their_currency_tax_and_flags():
    # the markets added for issue 16 are new codes only: they override nothing
    assert not set(MORE_MARKETS) & (set(AVAILABLE) | set(RESERVATIONS_UNAVAILABLE))
    rows = {row["country"]: row for row in market_rows()}
    for country, (name, currency, rate, inclusive) in AVAILABLE.items():
        assert (rows[country]["name"], rows[country]["currency"], rows[country]["tax_rate"],
                rows[country]["tax_inclusive"]) == (name, currency, Decimal(rate), inclusive)
    assert {c for c, row in rows.items() if row["tax_inclusive"]} == {"AU", "BR"}  # D-CAT-3
    for country in set(RESERVATIONS_UNAVAILABLE) - UNINHABITED - set(AVAILABLE):
        row = rows[country]
        assert row["currency"] in {"EUR", "USD"} and row["tax_rate"] == 0 and not row["reservations_available"]
    # a few restated from the first list, as money depends on them
    assert (rows["JP"]["currency"], rows["JP"]["tax_rate"]) == ("JPY", Decimal("0.10"))
    assert (rows["BR"]["currency"], rows["BR"]["tax_rate"]) == ("BRL", Decimal("0.0925"))
    assert (rows["CN"]["currency"], rows["CN"]["reservations_available"]) == ("CNY", False)
    assert (rows["AD"]["currency"], rows["GI"]["currency"]) == ("EUR", "USD")


def test_new_markets_bill_in_their_own_currency_when_it_has_a_price_list_else_eur_or_usd():
    for country, (currency, rate) in MORE_MARKETS.items():
        local = get_territory_currencies(country)[0]
        if local in PRICED:
            assert currency == local, country
        else:
            assert currency in {"EUR", "USD"}, country
        assert Decimal("0") <= Decimal(rate) < 1
    assert MORE_MARKETS["AT"][0] == "EUR" and MORE_MARKETS["LI"][0] == "CHF" and MORE_MARKETS["TH"][0] == "USD"


def test_every_market_currency_can_be_priced_and_rounded():
    # software.catalog prices every offer in every market (catalog_sync): no market may need a FACTOR it lacks
    for market in Market.objects.all():
        assert market.currency in MINOR_UNITS and market.currency in PRICED, market.country
        for _id, _name, _kind, _term, _window, usd, jpy, _family in OFFERS:
            assert price_in(market.currency, usd, jpy) > 0


def test_every_market_has_a_price_for_every_demo_offer():
    from software.models import OfferPrice

    prices = set(OfferPrice.objects.values_list("offer_id", "market_id"))
    for market in Market.objects.all():
        for offer in OFFERS:
            assert (offer[0], market.country) in prices


# --- the sync -----------------------------------------------------------------------------------

def _drop_markets(codes) -> None:
    """Make a market missing, as in a database that never had it (its demo prices go with it)."""
    from software.models import OfferPrice

    OfferPrice.objects.filter(market_id__in=codes).delete()
    Market.objects.filter(country__in=codes).delete()


def _snapshot() -> dict[str, tuple]:
    return {m.country: (m.name, m.currency, m.tax_rate, m.tax_inclusive, m.reservations_available)
            for m in Market.objects.all()}


def test_sync_adds_missing_markets_and_changes_no_existing_row():
    # given a database where the admin changed some markets and one market is missing
    Market.objects.filter(country="JP").update(tax_rate=Decimal("0.08"), name="Nippon")
    Market.objects.filter(country="US").update(reservations_available=False)
    _drop_markets(["AT"])
    before = _snapshot()
    # when the sync runs (twice)
    markets_sync(Market)
    markets_sync(Market)
    # then the missing market is back with its standard row, and nothing else changed
    after = _snapshot()
    assert set(after) - set(before) == {"AT"}
    assert after["AT"] == ("Austria", "EUR", Decimal("0.20"), False, True)
    assert {c: v for c, v in after.items() if c != "AT"} == before
    assert after["JP"][:3] == ("Nippon", "JPY", Decimal("0.0800"))


def test_sync_is_idempotent_and_matches_the_reference_rows():
    before = _snapshot()
    markets_sync(Market)
    assert _snapshot() == before
    assert set(before) == {row["country"] for row in market_rows()}


def test_sync_on_a_database_from_the_first_market_list_keeps_its_rows():
    # given a database filled from the first list: its rows, uninhabited ones included, and none of the new ones
    _drop_markets(MORE_MARKETS)
    Market.objects.create(country="HM", name="Heard Island and McDonald Islands", currency="USD",
                          tax_rate=Decimal("0"), reservations_available=False)
    before = _snapshot()
    # when the sync runs (as migration 0003 does)
    markets_sync(Market)
    # then the new markets are added and the old rows, HM included, are as they were
    after = _snapshot()
    assert set(after) - set(before) == set(MORE_MARKETS)
    assert {c: after[c] for c in before} == before
