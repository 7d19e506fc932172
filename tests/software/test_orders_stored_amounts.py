"""Amounts are stored and checked exactly on every database (SQLite keeps decimals as floats, so the
database checks round before comparing)."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("country", ["AU", "BR", "JP", "US", "CN", "RU"])
@pytest.mark.parametrize("quantity", [1, 2, 3, 4, 7, 11])
def test_orders_in_every_market_store_lines_that_add_up(customer_in, place_order, country, quantity):
    # given / when
    order = place_order(customer_in(country), ("WS2022-STD", quantity), ("SQL2022-ENT-P1Y", quantity))
    # then
    for line in order.lines.all():
        assert line.subtotal + line.tax_total == line.total
