"""B1: SQL queries of the Software tab for the 200-entitlement customer and the 2-entitlement one."""
from __future__ import annotations

from bench.common import Row

TARGET_MAX = 15


def run(ctx) -> list[Row]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="admin.agent@contoso-partner.example"))
    counts, sizes = {}, {}
    for label, tenant_id in (("200", ctx.info["big_customer"]), ("2", ctx.info["two_customer"])):
        url = reverse("software:customer_software", kwargs={"tenant_id": tenant_id})
        client.get(url)  # warm caches (translations, templates)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        counts[label] = len(queries)
        sizes[label] = response.content.count(b"<tr")
    big, small = counts["200"], counts["2"]
    return [Row("B1", "Software tab: SQL queries per page (200 vs 2 entitlements)",
                figure=f"{big} queries (200 entitlements) vs {small} (2 entitlements)",
                target=f"equal counts, at most {TARGET_MAX}",
                passed=big == small and big <= TARGET_MAX,
                details={"queries_200": big, "queries_2": small, "table_rows_200": sizes["200"],
                         "table_rows_2": sizes["2"]})]
