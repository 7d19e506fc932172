"""D-CAN-8/8a: the credit — 100% for perpetual software, prorated by day for subscriptions — computed
independently here with Fraction and half-up rounding, in JPY, USD, AUD (tax inclusive) and BRL."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from cancellations.credits import credit_compute, days_left
from software.models import OfferPrice

PURCHASE = dt.date(2026, 4, 10)
MINOR = {"JPY": 0, "USD": 2, "AUD": 2, "BRL": 2}


def half_up(value: Fraction, currency: str) -> Decimal:
    exponent = Decimal(1).scaleb(-MINOR[currency])
    # Decimal division of numerator/denominator at high precision, then one half-up rounding.
    exact = (Decimal(value.numerator) / Decimal(value.denominator)) if value.denominator != 1 else Decimal(
        value.numerator)
    return exact.quantize(exponent, rounding=ROUND_HALF_UP)


def expected_charge(customer, offer_id: str, quantity: int) -> tuple[Decimal, Decimal]:
    """(total, tax) of the charge, per D-BILL-2, from the price list."""
    market = customer.market
    currency = market.currency
    price = OfferPrice.objects.get(offer_id=offer_id, market=market).unit_price
    rate = Fraction(market.tax_rate)
    gross = Fraction(price) * quantity
    if market.tax_inclusive:
        total = half_up(gross, currency)
        tax = half_up(Fraction(total) * rate / (1 + rate), currency)
    else:
        subtotal = half_up(gross, currency)
        tax = half_up(Fraction(subtotal) * rate, currency)
        total = subtotal + tax
    return total, tax


def expected_credit(total: Decimal, tax: Decimal, fraction: Fraction, currency: str) -> tuple[Decimal, Decimal]:
    return half_up(Fraction(total) * fraction, currency), half_up(Fraction(tax) * fraction, currency)


CUSTOMERS = ["fabrikam", "northwind", "wingtip", "tailspin"]
OFFERS = [("WS2022-STD", None), ("SQL2022-ENT-P1Y", 1), ("WS2022-STD-P3Y", 3)]


@pytest.mark.parametrize("domain", CUSTOMERS)
@pytest.mark.parametrize(("offer_id", "years"), OFFERS)
@pytest.mark.parametrize("day", [0, 1, 60])
def test_credit_amount_by_day(order_on, customer, domain, offer_id, years, day):
    # given an order of 3 units bought on PURCHASE
    buyer = customer(domain)
    order = order_on(PURCHASE, buyer, (offer_id, 3))
    line = order.lines.get()
    total, tax = expected_charge(buyer, offer_id, 3)
    assert (line.total, line.tax_total) == (total, tax)
    currency = buyer.market.currency
    # when the credit is computed `day` days later
    credit = credit_compute(line, PURCHASE + dt.timedelta(days=day), currency)
    # then perpetual is 100%; subscriptions by day over the real term length
    if years is None:
        fraction = Fraction(1)
    else:
        term_days = (dt.date(PURCHASE.year + years, PURCHASE.month, PURCHASE.day) - PURCHASE).days
        assert term_days == {1: 365, 3: 1096}[years]  # 2028 is a leap year inside the 3-year term
        fraction = Fraction(term_days - day, term_days)
    want_total, want_tax = expected_credit(total, tax, fraction, currency)
    assert credit.total == want_total
    assert credit.tax == want_tax
    assert credit.subtotal == want_total - want_tax
    assert credit.currency == currency
    if day == 0:
        assert credit.total == line.total


@pytest.mark.parametrize("domain", CUSTOMERS)
def test_credit_across_a_leap_year_uses_366_days(order_on, customer, domain):
    # given a P1Y subscription bought on 2027-03-01 (term ends 2028-03-01, 366 days)
    buyer = customer(domain)
    order = order_on(dt.date(2027, 3, 1), buyer, ("SQL2022-ENT-P1Y", 2))
    line = order.lines.get()
    assert line.term_end == dt.date(2028, 3, 1)
    assert (line.term_end - line.term_start).days == 366
    total, tax = expected_charge(buyer, "SQL2022-ENT-P1Y", 2)
    currency = buyer.market.currency
    for day in (0, 1, 60):
        # when cancelled on that day
        credit = credit_compute(line, dt.date(2027, 3, 1) + dt.timedelta(days=day), currency)
        # then the fraction is over 366 days
        want_total, want_tax = expected_credit(total, tax, Fraction(366 - day, 366), currency)
        assert (credit.total, credit.tax) == (want_total, want_tax), day


def test_jpy_credit_has_no_minor_unit(order_on, customer):
    # given a JPY subscription
    order = order_on(PURCHASE, customer("fabrikam"), "SQL2022-ENT-P1Y")
    # when prorated
    credit = credit_compute(order.lines.get(), PURCHASE + dt.timedelta(days=1), "JPY")
    # then the amounts are whole yen
    assert credit.total == credit.total.to_integral_value()
    assert credit.total.as_tuple().exponent == 0


def test_days_left_counts_down_to_zero_on_day_60(order_on, fabrikam):
    order = order_on(PURCHASE, fabrikam, "WS2022-STD", "SUSE-SLES")
    ws, suse = order.lines.order_by("line_item_number")
    assert days_left(ws, PURCHASE) == 60
    assert days_left(ws, PURCHASE + dt.timedelta(days=60)) == 0
    assert days_left(ws, PURCHASE + dt.timedelta(days=61)) == -1
    assert days_left(suse, PURCHASE) is None
