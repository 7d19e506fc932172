"""D-BILL-1/2: tax and rounding in every demo market, checked against an independent exact computation,
and property tests that an invoice's lines add up to its total exactly."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnercenter.money import line_amounts, to_str

DEMO_MARKETS = {  # country: (currency, rate, tax inclusive, minor unit places)
    "JP": ("JPY", "0.10", False, 0), "US": ("USD", "0.00", False, 2), "AU": ("AUD", "0.10", True, 2),
    "BR": ("BRL", "0.0925", True, 2), "CN": ("CNY", "0.06", False, 2), "RU": ("RUB", "0.20", False, 2),
    "DE": ("EUR", "0.19", False, 2),
}


def round_half_up(value: Fraction, places: int) -> Fraction:
    """Independent of partnercenter.money: scale, add a half, floor (for |value|), unscale."""
    scale = 10**places
    sign = -1 if value < 0 else 1
    units = (abs(value) * scale + Fraction(1, 2)).__floor__()
    return Fraction(sign * units, scale)


def expected(unit_price: str, quantity: int, rate: str, inclusive: bool, places: int):
    price, r = Fraction(Decimal(unit_price)), Fraction(Decimal(rate))
    if inclusive:
        total = round_half_up(price * quantity, places)
        tax = round_half_up(total * r / (1 + r), places)
        return total - tax, tax, total
    subtotal = round_half_up(price * quantity, places)
    tax = round_half_up(subtotal * r, places)
    return subtotal, tax, subtotal + tax


def test_demo_markets_are_seeded_as_the_rules_say(db):
    from customers.models import Market

    # when
    markets = {m.country: m for m in Market.objects.filter(country__in=DEMO_MARKETS)}
    # then
    for country, (currency, rate, inclusive, _places) in DEMO_MARKETS.items():
        market = markets[country]
        assert (market.currency, market.tax_rate, market.tax_inclusive) == (currency, Decimal(rate), inclusive)


@pytest.mark.django_db
@pytest.mark.parametrize("country", sorted(DEMO_MARKETS))
@pytest.mark.parametrize("offer_id", ["WS2022-STD", "SQL2022-ENT-P1Y", "RHEL"])
@pytest.mark.parametrize("quantity", [1, 3, 7, 1000])
def test_line_amounts_for_every_demo_market(country, offer_id, quantity):
    from customers.models import Market
    from software.models import OfferPrice

    # given
    market = Market.objects.get(country=country)
    price = OfferPrice.objects.get(market=market, offer_id=offer_id).unit_price
    currency, rate, inclusive, places = DEMO_MARKETS[country]
    # when
    amounts = line_amounts(unit_price=price, quantity=quantity, tax_rate=market.tax_rate,
                           tax_inclusive=market.tax_inclusive, currency=market.currency)
    # then
    subtotal, tax, total = expected(str(price), quantity, rate, inclusive, places)
    assert (Fraction(amounts.subtotal), Fraction(amounts.tax), Fraction(amounts.total)) == (subtotal, tax, total)
    assert amounts.subtotal + amounts.tax == amounts.total
    for value in (amounts.subtotal, amounts.tax, amounts.total):
        assert -value.as_tuple().exponent == places or value == 0
    if inclusive:
        assert amounts.total == price * quantity  # the price includes tax (D-CAT-3)
    else:
        assert amounts.subtotal == price * quantity


@pytest.mark.parametrize("unit_price, quantity, rate, inclusive, currency, want", [
    ("98000", 1, "0.10", False, "JPY", ("98000", "9800", "107800")),
    ("98005", 1, "0.10", False, "JPY", ("98005", "9801", "107806")),     # 9800.5 rounds half up
    ("99", 3, "0.0925", True, "BRL", ("271.85", "25.15", "297.00")),     # 297 × .0925/1.0925 = 25.146…
    ("0.05", 1, "0.10", False, "USD", ("0.05", "0.01", "0.06")),        # 0.005 → 0.01
    ("10.00", 1, "0.10", True, "AUD", ("9.09", "0.91", "10.00")),       # 0.909… → 0.91
    ("1", 1, "0.00", False, "USD", ("1.00", "0.00", "1.00")),
])
def test_known_roundings(unit_price, quantity, rate, inclusive, currency, want):
    # when
    amounts = line_amounts(unit_price=Decimal(unit_price), quantity=quantity, tax_rate=Decimal(rate),
                           tax_inclusive=inclusive, currency=currency)
    # then
    got = tuple(to_str(v, currency) for v in (amounts.subtotal, amounts.tax, amounts.total))
    assert got == want


CURRENCIES = {"JPY": 0, "USD": 2, "AUD": 2}


@st.composite
def invoice_lines(draw):
    currency = draw(st.sampled_from(sorted(CURRENCIES)))
    places = CURRENCIES[currency]
    inclusive = draw(st.booleans())
    rate = Decimal(draw(st.integers(min_value=0, max_value=2500))).scaleb(-4)  # 0 … 25.00 %
    lines = []
    for _ in range(draw(st.integers(min_value=1, max_value=30))):
        units = draw(st.integers(min_value=0, max_value=10**8))
        price = Decimal(units).scaleb(-places)
        lines.append((price, draw(st.integers(min_value=1, max_value=1000))))
    return currency, rate, inclusive, lines


@settings(max_examples=300, deadline=None)
@given(invoice_lines())
def test_lines_add_up_to_the_invoice_total_exactly(case):
    # given
    currency, rate, inclusive, lines = case
    places = CURRENCIES[currency]
    # when
    amounts = [line_amounts(unit_price=price, quantity=quantity, tax_rate=rate, tax_inclusive=inclusive,
                            currency=currency) for price, quantity in lines]
    invoice_total = sum((a.total for a in amounts), Decimal(0))
    # then: each line is exact and rounded once; the invoice is the exact sum of its lines
    for (price, quantity), a in zip(lines, amounts, strict=True):
        assert (Fraction(a.subtotal), Fraction(a.tax), Fraction(a.total)) == expected(
            str(price), quantity, str(rate), inclusive, places)
        assert a.subtotal + a.tax == a.total
    assert sum((a.subtotal for a in amounts), Decimal(0)) + sum((a.tax for a in amounts), Decimal(0)) == invoice_total
    assert Fraction(invoice_total) == sum((Fraction(a.total) for a in amounts), Fraction(0))
    assert to_str(invoice_total, currency) == f"{invoice_total:.{places}f}"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(CURRENCIES)), st.integers(min_value=0, max_value=10**9),
       st.integers(min_value=1, max_value=1000), st.integers(min_value=0, max_value=2500))
def test_tax_inclusive_total_is_price_times_quantity(currency, units, quantity, rate_bp):
    # given
    price = Decimal(units).scaleb(-CURRENCIES[currency])
    # when
    a = line_amounts(unit_price=price, quantity=quantity, tax_rate=Decimal(rate_bp).scaleb(-4), tax_inclusive=True,
                     currency=currency)
    # then
    assert a.total == price * quantity
    assert 0 <= a.tax <= a.total
