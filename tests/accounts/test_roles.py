"""The role table of DOMAIN.md D-ROLE, restated here independently and compared cell by cell."""
import pytest

from accounts.roles import PERMISSIONS, Perm, Role, has_perm

# role: (buy, keys & downloads, cancel, read activity log, read invoices)   — DOMAIN.md D-ROLE
DOMAIN_TABLE = {
    Role.ADMIN_AGENT: (True, True, True, False, True),
    Role.SALES_AGENT: (True, False, False, False, False),
    Role.HELPDESK_AGENT: (False, False, False, False, False),
    Role.GLOBAL_ADMIN: (True, False, False, True, True),
    Role.BILLING_ADMIN: (False, False, False, False, True),
    Role.ACCOUNT_ADMIN: (False, False, False, True, False),
    Role.REFERRAL_ADMIN: (False, False, False, True, False),
    Role.MARKETING_ADMIN: (False, False, False, True, False),
}
COLUMNS = [Perm.BUY, Perm.SOFTWARE_ACCESS, Perm.CANCEL, Perm.READ_ACTIVITY_LOG, Perm.READ_INVOICES]


@pytest.mark.parametrize("role", list(DOMAIN_TABLE))
@pytest.mark.parametrize("column", range(len(COLUMNS)))
def test_permission_table_matches_domain(role, column):
    assert (role in PERMISSIONS[COLUMNS[column]]) is DOMAIN_TABLE[role][column]


def test_every_partner_role_views_customers_and_only_three_create_them():
    assert PERMISSIONS[Perm.VIEW_CUSTOMERS] == frozenset(DOMAIN_TABLE)
    assert PERMISSIONS[Perm.CREATE_CUSTOMER] == {Role.ADMIN_AGENT, Role.SALES_AGENT, Role.GLOBAL_ADMIN}
    assert PERMISSIONS[Perm.SUPPORT_REQUESTS] == {Role.ADMIN_AGENT, Role.HELPDESK_AGENT, Role.GLOBAL_ADMIN}
    assert PERMISSIONS[Perm.TENANT_SOFTWARE] == {Role.TENANT_GLOBAL_ADMIN}
    assert PERMISSIONS[Perm.MANAGE_USERS] == {Role.GLOBAL_ADMIN}


def test_every_permission_has_a_row():
    assert set(PERMISSIONS) == set(Perm)


@pytest.mark.django_db
def test_has_perm_uses_the_users_roles(user_for):
    assert has_perm(user_for("admin.agent"), Perm.SOFTWARE_ACCESS)
    assert not has_perm(user_for("global.admin"), Perm.SOFTWARE_ACCESS)
    assert has_perm(user_for("admin@fabrikam.onmicrosoft.com"), Perm.TENANT_SOFTWARE)
    assert not has_perm(user_for("user@fabrikam.onmicrosoft.com"), Perm.TENANT_SOFTWARE)
    assert not has_perm(user_for("admin@fabrikam.onmicrosoft.com"), Perm.VIEW_CUSTOMERS)
