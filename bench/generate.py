"""The benchmark data set, written with PostgreSQL COPY (run inside Django, after migrate and seed_demo).

Full scale: 10,000 customers across the demo markets, 100,000 orders (two lines each), 200,000
entitlements, 1,000,000 download links (10% past expiry and still active, so the expiry job has
work), 5,000,000 activity records, 13 monthly invoices per partner and currency holding 100,000
charge lines (line 1 of every order). One customer ("Bench Big Customer") has 200 entitlements,
another ("Bench Two Customer") has 2.

Identifiers are deterministic so the scenarios can find what they need: download link number i has
id UUID(int=LINK_BASE + i) and token `bench-link-<i>` (only its SHA-256 is stored, as the app does).

Activity records are sealed here, as the sealing job would: each partner's chain continues from its
ChainHead, with positions, previous hashes and hashes computed by `activitylog.chain.link_hash`, so
`verify_activity_log` (chain_verify) accepts the generated data; their daily counts (activitylog.counts) are
filled in at the end, as the backfill migration does.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import time
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bench.common import progress

CUSTOMER_BASE = 0xBE_0000_0000_0000_0000_0000_0000_0000
ORDER_BASE = 0xBE_0001_0000_0000_0000_0000_0000_0000
ENTITLEMENT_BASE = 0xBE_0002_0000_0000_0000_0000_0000_0000
LINK_BASE = 0xBE_0003_0000_0000_0000_0000_0000_0000
INVOICE_BASE = 0xBE_0004_0000_0000_0000_0000_0000_0000

DOWNLOADABLE = ["WS2022-STD", "WS2022-DC", "SQL2022-STD", "SQL2022-ENT-P1Y", "WS2022-STD-P3Y"]
ADJECTIVES = ["Blue", "Northern", "Rapid", "Silver", "Quiet", "Bright", "Urban", "Coastal", "Prime", "Lumen",
              "Alpine", "Golden", "Cedar", "Harbor", "Summit", "Vivid"]
NOUNS = ["Traders", "Logistics", "Foods", "Systems", "Toys", "Motors", "Pharma", "Studios", "Bank", "Energy",
         "Textiles", "Clinics", "Airlines", "Robotics", "Farms", "Media", "Retail"]
OPERATIONS = [  # (operation, resource, weight)
    ("download_software", "software_download_link", 50),
    ("get_software_download_link", "software_download_link", 20),
    ("get_software_key", "software_key", 15),
    ("create_order", "order", 8),
    ("expire_download_link", "software_download_link", 4),
    ("create_customer", "customer", 1),
    ("cancel_order", "order", 1),
    ("create_credit", "credit", 1),
]

SCALES = {
    "full": dict(customers=10_000, orders=100_000, links=1_000_000, activity=5_000_000),
    "small": dict(customers=100, orders=1_000, links=10_000, activity=50_000),
}
BIG_ORDERS = 100   # x 2 lines = 200 entitlements for the big customer


@dataclass
class Plan:
    customers: int
    orders: int
    links: int
    activity: int

    @property
    def entitlements(self) -> int:
        return self.orders * 2


def link_token(i: int) -> str:
    return f"bench-link-{i}"


def link_id(i: int) -> uuid.UUID:
    return uuid.UUID(int=LINK_BASE + i)


def _q(value) -> str:
    """One COPY text field."""
    if value is None:
        return r"\N"
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy(cursor, table: str, columns: list[str], rows, *, total: int, label: str, batch: int = 50_000) -> None:
    started = time.monotonic()
    buffer, n = io.StringIO(), 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    for row in rows:
        buffer.write("\t".join(_q(v) for v in row))
        buffer.write("\n")
        n += 1
        if n % batch == 0:
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
            buffer = io.StringIO()
            progress(label, n, total, started)
    if buffer.tell():
        buffer.seek(0)
        cursor.copy_expert(sql, buffer)
    progress(label, n, total, started)


def _money(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def generate(scale: str, *, seed: int = 20240601) -> dict:
    """Write the whole data set; returns what the scenarios need (ids, counts)."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Partner, User
    from activitylog.chain import GENESIS, details_text, format_date, link_hash
    from activitylog.counts import counts_rebuild
    from activitylog.models import ChainHead
    from activitylog.services import chain_seal
    from customers.models import Market
    from partnercenter.money import MINOR_UNITS
    from software import keys
    from software.models import Offer, OfferPrice, Variant

    plan = Plan(**SCALES[scale])
    rng = random.Random(seed)
    now = timezone.now()
    today = now.date()
    year_ago = now - dt.timedelta(days=365)

    contoso = Partner.objects.get(domain="contoso-partner.example")
    adatum = Partner.objects.get(domain="adatum-partner.example")
    agent = User.objects.get(email="admin.agent@contoso-partner.example")
    adatum_agent = User.objects.get(email="admin.agent@adatum-partner.example")
    markets = {m.country: m for m in Market.objects.all()}
    contoso_markets = ["JP", "US", "AU", "BR", "CN", "RU"]
    offers = {o.id: o for o in Offer.objects.filter(id__in=DOWNLOADABLE)}
    prices = {(p.offer_id, p.market_id): p.unit_price for p in OfferPrice.objects.all()}
    variants = {}
    for variant in Variant.objects.filter(offer_id__in=DOWNLOADABLE).order_by("pk"):
        variants.setdefault(variant.offer_id, []).append(variant.pk)
    encrypted_keys = [keys.encrypt(keys.product_key_generate()) for _ in range(32)]

    cur = connection.cursor().cursor  # the psycopg2 cursor, for copy_expert
    info: dict = {"scale": scale, "plan": plan.__dict__ | {"entitlements": plan.entitlements}}

    # --- customers ---------------------------------------------------------------------------
    customers = []  # (tenant_id, partner_id, name, domain, country)
    for i in range(plan.customers):
        if i == 0:
            name, country, partner = "Bench Big Customer", "US", contoso
        elif i == 1:
            name, country, partner = "Bench Two Customer", "US", contoso
        elif i % 10 == 9:
            name, country, partner = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {i}", "DE", adatum
        else:
            name, country, partner = (f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {i}",
                                      contoso_markets[i % len(contoso_markets)], contoso)
        customers.append((uuid.UUID(int=CUSTOMER_BASE + i), partner.pk, name, f"bench{i:06d}.onmicrosoft.com",
                          country))
    _copy(cur, "customers_customer", ["tenant_id", "partner_id", "company_name", "domain", "market_id",
                                      "created_at"],
          ((c[0], c[1], c[2], c[3], c[4], year_ago.isoformat()) for c in customers),
          total=len(customers), label="customers")
    info["big_customer"] = str(customers[0][0])
    info["two_customer"] = str(customers[1][0])

    # --- orders, lines, entitlements, charges -------------------------------------------------
    # Order o belongs to customer 0 for o < BIG_ORDERS, customer 1 for o == BIG_ORDERS, else spread.
    span = 365 * 86400
    order_rows, line_rows, ent_rows, charge_rows = [], [], [], []
    invoices: dict[tuple[int, str, dt.date], uuid.UUID] = {}
    line_pk = 0
    ent_created = []   # per entitlement: created datetime
    for o in range(plan.orders):
        if o < BIG_ORDERS:
            c = 0
        elif o == BIG_ORDERS:
            c = 1
        else:
            c = 2 + (o % (plan.customers - 2))
        tenant_id, partner_id, cname, cdomain, country = customers[c]
        market = markets[country]
        places = MINOR_UNITS[market.currency]
        created = now - dt.timedelta(seconds=rng.randrange(span))
        order_id = uuid.UUID(int=ORDER_BASE + o)
        created_by = agent.pk if partner_id == contoso.pk else adatum_agent.pk
        order_rows.append((order_id, f"B{o:011d}", partner_id, tenant_id, created_by, created.isoformat(),
                           market.currency, "completed"))
        for n in (1, 2):
            line_pk += 1
            offer = offers[DOWNLOADABLE[(o * 2 + n) % len(DOWNLOADABLE)]]
            quantity = 1 + rng.randrange(5)
            unit = prices[(offer.id, country)]
            subtotal = _money(unit * quantity, places)
            tax = _money(subtotal * market.tax_rate, places)
            total = _money(subtotal + tax, 2)
            start = created.date()
            years = {"P1Y": 1, "P3Y": 3}.get(offer.term_duration or "")
            end = start.replace(year=start.year + years) if years and not (start.month == 2 and start.day == 29) \
                else (start + dt.timedelta(days=365 * years) if years else None)
            line_rows.append((line_pk, order_id, n, offer.id, offer.name, offer.product_type, offer.term_duration,
                              offer.cancellation_window_days, quantity, unit, subtotal, tax, total, start, end,
                              "active"))
            e = len(ent_rows)
            ent_rows.append((uuid.UUID(int=ENTITLEMENT_BASE + e), line_pk, tenant_id, offer.id, quantity, "active",
                             encrypted_keys[e % len(encrypted_keys)], created.isoformat()))
            ent_created.append((created, offer.id))
            if n == 1:
                month = start.replace(day=1)
                key = (partner_id, market.currency, month)
                if key not in invoices:
                    invoices[key] = uuid.UUID(int=INVOICE_BASE + len(invoices))
                charge_rows.append((invoices[key], "new", order_id, n, tenant_id, cname, cdomain, country, offer.id,
                                    offer.name, quantity, unit, subtotal, tax, total, market.currency, start,
                                    end or start, created.isoformat()))
    _copy(cur, "software_order", ["id", "alternate_id", "partner_id", "customer_id", "created_by_id",
                                  "creation_date", "currency", "status"], order_rows, total=len(order_rows),
          label="orders")
    _copy(cur, "software_orderline", ["id", "order_id", "line_item_number", "offer_id", "friendly_name",
                                      "product_type", "term_duration", "cancellation_window_days", "quantity",
                                      "unit_price", "subtotal", "tax_total", "total", "term_start", "term_end",
                                      "status"], line_rows, total=len(line_rows), label="order lines")
    _copy(cur, "software_entitlement", ["id", "order_line_id", "customer_id", "offer_id", "quantity", "status",
                                        "product_key_encrypted", "created_at"], ent_rows, total=len(ent_rows),
          label="entitlements")
    # Every month of the year for every partner/currency that sells, so the close has 12 months to issue.
    for (partner_id, currency, _month) in list(invoices):
        month = today.replace(day=1)
        for _ in range(13):
            invoices.setdefault((partner_id, currency, month), uuid.UUID(int=INVOICE_BASE + len(invoices)))
            month = (month - dt.timedelta(days=1)).replace(day=1)
    invoice_rows = []
    for (partner_id, currency, month), invoice_id in invoices.items():
        nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        invoice_rows.append((invoice_id, partner_id, currency, month, nxt - dt.timedelta(days=1), "open", None,
                             month.isoformat()))
    _copy(cur, "billing_invoice", ["id", "partner_id", "currency", "period_start", "period_end", "status",
                                   "invoice_date", "created_at"], invoice_rows, total=len(invoice_rows),
          label="invoices")
    _copy(cur, "billing_invoiceline", ["invoice_id", "charge_type", "order_id", "line_item_number", "customer_id",
                                       "customer_name", "customer_domain", "customer_country", "offer_id",
                                       "product_name", "quantity", "unit_price", "subtotal", "tax_total", "total",
                                       "currency", "charge_start", "charge_end", "posted_at"],
          charge_rows, total=len(charge_rows), label="invoice lines")
    info["invoices"] = len(invoice_rows)
    info["invoice_lines"] = len(charge_rows)
    del order_rows, line_rows, charge_rows

    # --- download links: 10% active but past expiry, 60% already expired, 30% live -------------
    n_ent = len(ent_rows)

    def link_rows():
        for i in range(plan.links):
            e = i % n_ent
            offer_id = ent_created[e][1]
            variant_id = variants[offer_id][i % len(variants[offer_id])]
            bucket = i % 10
            if bucket == 0:            # due: the expiry job's work
                created = now - dt.timedelta(days=15 + rng.randrange(300))
                status, closed, used = "active", None, rng.randrange(10)
            elif bucket <= 6:          # expired long ago
                created = now - dt.timedelta(days=15 + rng.randrange(340))
                status, closed, used = "expired", (created + dt.timedelta(days=14)).isoformat(), rng.randrange(20)
            else:                      # live
                created = now - dt.timedelta(seconds=rng.randrange(13 * 86400))
                status, closed, used = "active", None, 0 if bucket == 9 else rng.randrange(10)
            yield (link_id(i), ent_rows[e][0], variant_id, hashlib.sha256(link_token(i).encode()).hexdigest(),
                   agent.pk, created.isoformat(), (created + dt.timedelta(days=14)).isoformat(), 50, used, status,
                   closed)

    _copy(cur, "software_downloadlink", ["id", "entitlement_id", "variant_id", "token_hash", "created_by_id",
                                         "created_at", "expires_at", "max_downloads", "downloads_used", "status",
                                         "closed_at"], link_rows(), total=plan.links, label="download links")
    info["links"] = plan.links
    info["links_due"] = (plan.links + 9) // 10

    # --- activity records, sealed ---------------------------------------------------------------
    chain_seal()  # whatever the seed wrote, so the generated records continue the chain
    heads = {}
    for partner in (contoso, adatum):
        ChainHead.objects.get_or_create(partner_id=partner.pk)
        head = ChainHead.objects.get(partner_id=partner.pk)
        heads[partner.pk] = [head.position, head.hash or GENESIS]
    with connection.cursor() as c2:
        c2.execute("SELECT COALESCE(MAX(id), 0) FROM activitylog_activityrecord")
        first_id = c2.fetchone()[0] + 1
    by_partner = {contoso.pk: [c for c in customers if c[1] == contoso.pk],
                  adatum.pk: [c for c in customers if c[1] == adatum.pk]}
    upn = {contoso.pk: agent.email, adatum.pk: adatum_agent.email}
    ops = [(op, res) for op, res, w in OPERATIONS for _ in range(w)]
    step = span / plan.activity
    start_ts = year_ago

    def activity_rows():
        for k in range(plan.activity):
            pk = first_id + k
            partner_id = contoso.pk if rng.random() < 0.9 else adatum.pk
            customer = rng.choice(by_partner[partner_id])
            op, res = ops[k % len(ops)]
            when = start_ts + dt.timedelta(seconds=k * step + rng.random() * step * 0.5)
            failed = k % 97 == 0
            if op == "download_software":
                user, details = "system", {"FileName": "SW_DVD9_Win_Server_STD_2022_64Bit_English.ISO",
                                           "LinkId": str(link_id(k % plan.links)), "OrderId": str(
                                               uuid.UUID(int=ORDER_BASE + k % plan.orders)),
                                           "ProductName": "Windows Server 2022 Standard"}
            elif op == "expire_download_link":
                user, details = "system", {"LinksExpired": str(1 + k % 7)}
            else:
                user, details = upn[partner_id], {"OrderId": str(uuid.UUID(int=ORDER_BASE + k % plan.orders)),
                                                  "ProductName": "SQL Server 2022 Standard"}
            ip = None if user == "system" and op == "expire_download_link" else f"10.{k % 200}.{k % 97}.{k % 250 + 1}"
            details_json = details_text(details)
            fields = {"id": str(pk), "partnerId": str(partner_id), "operationDate": format_date(when),
                      "userPrincipalName": user, "customerId": str(customer[0]), "customerName": customer[2],
                      "resourceType": res, "operationType": op,
                      "operationStatus": "failed" if failed else "succeeded", "ipAddress": ip or "",
                      "details": details_json}
            head = heads[partner_id]
            head[0] += 1
            digest = link_hash(head[1], fields)
            previous, head[1] = head[1], digest
            yield (pk, partner_id, when.isoformat(), None if user == "system" else (
                agent.pk if partner_id == contoso.pk else adatum_agent.pk), user, customer[0], customer[2], res, op,
                fields["operationStatus"], ip, details_json, head[0], previous, digest)

    _copy(cur, "activitylog_activityrecord",
          ["id", "partner_id", "operation_date", "user_id", "user_principal_name", "customer_id", "customer_name",
           "resource_type", "operation_type", "operation_status", "ip_address", "details", "chain_position",
           "previous_hash", "hash"], activity_rows(), total=plan.activity, label="activity records",
          batch=100_000)
    for partner_id, (position, digest) in heads.items():
        ChainHead.objects.filter(partner_id=partner_id).update(position=position, hash=digest)
    counts_rebuild()  # the records were sealed here, not by the sealing job: count them as the migration does
    with connection.cursor() as c2:
        for table, column in (("activitylog_activityrecord", "id"), ("billing_invoiceline", "id"),
                              ("software_orderline", "id")):
            c2.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                       f"(SELECT COALESCE(MAX({column}), 1) FROM {table}))")
    info["activity"] = plan.activity
    info["activity_first_id"] = first_id
    return info


__all__ = ["generate", "link_token", "link_id", "SCALES", "Plan"]
