"""The role table of docs/DOMAIN.md D-ROLE, restated here independently and compared cell by cell."""
from pathlib import Path

import pytest

from accounts.roles import PERMISSIONS, Perm, Role, has_perm

# role: (buy, keys & downloads, cancel, read activity log, read invoices)   — docs/DOMAIN.md D-ROLE
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


def d_role_markdown() -> str:
    """The table of docs/DOMAIN.md "Roles (D-ROLE)" as written there."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "DOMAIN.md").read_text()
    section = text[text.index("(D-ROLE)"):]
    return "\n".join(line for line in section.splitlines()[1:40] if line.startswith("|"))


MARKDOWN_COLUMNS = {"buy software (Add products)": Perm.BUY, "get keys & downloads": Perm.SOFTWARE_ACCESS,
                    "cancel a purchase": Perm.CANCEL, "read activity log": Perm.READ_ACTIVITY_LOG,
                    "read invoices": Perm.READ_INVOICES}


def test_role_table_is_the_d_role_matrix_as_written():
    # each row of docs/DOMAIN.md's table, read by role label and column heading, against accounts.roles
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in d_role_markdown().splitlines()]
    header, body = rows[0], rows[2:]
    by_label = {str(role.label): role for role in Role}
    assert len(body) == len(DOMAIN_TABLE) == 8
    for row in body:
        role = by_label[row[0]]
        for heading, cell in zip(header[1:], row[1:], strict=True):
            allowed = cell.strip("*").startswith("yes")
            assert (role in PERMISSIONS[MARKDOWN_COLUMNS[heading]]) is allowed, (row[0], heading)
            if "only role" in cell:
                assert PERMISSIONS[MARKDOWN_COLUMNS[heading]] == {role}, (row[0], heading)


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
