"""Money: exact decimals per currency, rounded once, half up, to the currency's minor unit.

D-BILL-1, D-BILL-2, D-CAN-8a. This is the only place that rounds money.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

# ISO 4217 minor units of the currencies the markets use.
MINOR_UNITS: dict[str, int] = {
    "JPY": 0, "KRW": 0, "CLP": 0, "VND": 0, "ISK": 0,
    "USD": 2, "EUR": 2, "AUD": 2, "BRL": 2, "CNY": 2, "RUB": 2, "GBP": 2, "CAD": 2, "CHF": 2,
    "INR": 2, "NZD": 2, "SEK": 2, "NOK": 2, "DKK": 2, "MXN": 2, "SGD": 2, "ZAR": 2, "PLN": 2,
}


def minor_unit(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValueError(f"unknown currency {currency!r}") from None


def quantize(amount: Decimal | Fraction | int, currency: str) -> Decimal:
    """Round an exact amount once, half up (away from zero), to the currency's minor unit."""
    places = minor_unit(currency)
    scaled = Fraction(amount) * 10**places  # Fraction(Decimal) is exact
    units, remainder = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        units += 1
    if scaled < 0:
        units = -units
    return Decimal(units).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def to_str(amount: Decimal, currency: str) -> str:
    """The API's money format: a string with exactly the currency's minor-unit places."""
    return str(quantize(amount, currency))


@dataclass(frozen=True)
class LineAmounts:
    unit_price: Decimal
    quantity: int
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def line_amounts(*, unit_price: Decimal, quantity: int, tax_rate: Decimal, tax_inclusive: bool,
                 currency: str) -> LineAmounts:
    """D-BILL-2. Outside AU/BR tax is added on top; in AU/BR it is inside the price."""
    gross = Decimal(unit_price) * quantity
    rate = Fraction(Decimal(tax_rate))
    if tax_inclusive:
        total = quantize(gross, currency)
        tax = quantize(Fraction(total) * rate / (1 + rate), currency)
        subtotal = total - tax
    else:
        subtotal = quantize(gross, currency)
        tax = quantize(Fraction(subtotal) * rate, currency)
        total = subtotal + tax
    return LineAmounts(unit_price=Decimal(unit_price), quantity=quantity, subtotal=subtotal, tax=tax, total=total)


def prorate(amount: Decimal, fraction: Fraction, currency: str) -> Decimal:
    """amount × fraction, computed exactly and rounded once."""
    return quantize(Fraction(Decimal(amount)) * fraction, currency)
