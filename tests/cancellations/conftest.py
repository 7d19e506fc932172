"""Helpers for the cancellation tests: orders placed on a given day, and running the worker's step inline."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture
def order_on(place_order):
    """Place an order with the clock set to that day (UTC)."""

    def place(day: dt.date, customer, *offers, actor=None):
        with time_machine.travel(at(day), tick=False):
            return place_order(customer, *offers, actor=actor)

    return place


@pytest.fixture
def customer(db):
    from customers.models import Customer

    def get(domain_prefix: str) -> Customer:
        return Customer.objects.select_related("market").get(domain=f"{domain_prefix}.onmicrosoft.com")

    return get


@pytest.fixture
def northwind(db):
    from customers.models import Customer

    return Customer.objects.get(domain="northwind.onmicrosoft.com")
