"""Shared fixtures of the software tests: an order of Fabrikam's with two downloadable lines."""
import pytest

# The partner roles' demo users (one per role of D-ROLE).
PARTNER_USERS = ["admin.agent", "sales.agent", "helpdesk.agent", "global.admin", "billing.admin", "account.admin",
                 "referral.admin", "marketing.admin"]
# D-SW-3: eight hyphen-separated groups of four from the unambiguous alphabet.
KEY_PATTERN = r"([BCDFGHJKMNPQRTVWXY2346789]{4}-){7}[BCDFGHJKMNPQRTVWXY2346789]{4}"


@pytest.fixture
def order(fabrikam, place_order):
    return place_order(fabrikam, "WS2022-STD", ("SQL2022-ENT-P1Y", 2))


@pytest.fixture
def entitlement(order):
    return order.lines.get(line_item_number=0).entitlement
