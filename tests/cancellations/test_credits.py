"""D-CAN-8/8a: the credit — 100% for perpetual software, prorated by day for subscriptions — computed
independently here with Fraction and half-up rounding, in JPY, USD, AUD (tax inclusive) and BRL."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from cancellations.credits import credit_compute, days_left
from software.models import Offer, OfferPrice, OrderLine
from software.orders import term_end

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


def line_bought(buyer, offer_id: str, quantity: int, day: dt.date) -> OrderLine:
    """The order line as order_place would write it (in memory: credit_compute is a pure function)."""
    offer = Offer.objects.get(pk=offer_id)
    total, tax = expected_charge(buyer, offer_id, quantity)
    return OrderLine(line_item_number=0, offer=offer, friendly_name=offer.name, product_type=offer.product_type,
                     term_duration=offer.term_duration, cancellation_window_days=offer.cancellation_window_days,
                     quantity=quantity, unit_price=Decimal(0), subtotal=total - tax, tax_total=tax, total=total,
                     term_start=day, term_end=term_end(day, offer.term_duration))


@pytest.mark.parametrize("domain", CUSTOMERS)
@pytest.mark.parametrize(("offer_id", "years"), OFFERS)
@pytest.mark.parametrize("day", [0, 1, 60])
def test_credit_amount_by_day(customer, domain, offer_id, years, day):
    # given 3 units bought on PURCHASE
    buyer = customer(domain)
    currency = buyer.market.currency
    line = line_bought(buyer, offer_id, 3, PURCHASE)
    total, tax = line.total, line.tax_total
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
    if day == 0 or years is None:
        assert (credit.total, credit.tax) == (total, tax)


@pytest.mark.parametrize("domain", CUSTOMERS)
def test_credit_across_a_leap_year_uses_366_days(customer, domain):
    # given a P1Y subscription bought on 2027-03-01 (term ends 2028-03-01, 366 days)
    buyer = customer(domain)
    currency = buyer.market.currency
    line = line_bought(buyer, "SQL2022-ENT-P1Y", 2, dt.date(2027, 3, 1))
    assert line.term_end == dt.date(2028, 3, 1)
    for day in (0, 1, 60):
        # when cancelled on that day
        credit = credit_compute(line, dt.date(2027, 3, 1) + dt.timedelta(days=day), currency)
        # then the fraction is over 366 days
        want_total, want_tax = expected_credit(line.total, line.tax_total, Fraction(366 - day, 366), currency)
        assert (credit.total, credit.tax) == (want_total, want_tax), day


def test_order_place_charges_what_the_credit_tests_assume(order_on, customer):
    # given / when a real order in each currency
    for domain in CUSTOMERS:
        buyer = customer(domain)
        line = order_on(dt.date(2027, 3, 1), buyer, ("SQL2022-ENT-P1Y", 2)).lines.get()
        # then the stored amounts and term match the in-memory line used above
        model = line_bought(buyer, "SQL2022-ENT-P1Y", 2, dt.date(2027, 3, 1))
        assert (line.total, line.tax_total, line.term_start, line.term_end) == (
            model.total, model.tax_total, model.term_start, model.term_end)
        assert (line.term_end - line.term_start).days == 366


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
