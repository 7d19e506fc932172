"""Writing activity records (one writer per operation) and sealing them into the chain.

Writers must run inside the transaction of the action they record: a rolled-back
action leaves no record, a committed one always has one. An action that is a single statement can carry
its record in that statement instead (insert_for_each_row_of: the counted download on PostgreSQL).
"""
from __future__ import annotations

import functools
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from .chain import GENESIS, link_hash, record_fields
from .counts import counts_add
from .models import ActivityRecord, ChainHead, Operation, Resource, Status


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("activity records are written inside the action's transaction")


def _build(*, partner_id: int, operation: Operation, resource: Resource, actor=None, customer=None,
           ip: str | None = None, status: Status = Status.SUCCEEDED, details: dict | None = None,
           at=None) -> ActivityRecord:
    return ActivityRecord(
        partner_id=partner_id,
        operation_date=at or timezone.now(),
        user=actor if getattr(actor, "pk", None) else None,
        user_principal_name=getattr(actor, "email", "") or "system",
        customer_id=getattr(customer, "tenant_id", None),
        customer_name=getattr(customer, "company_name", ""),
        resource_type=resource,
        operation_type=operation,
        operation_status=status,
        ip_address=ip,
        details={k: str(v) for k, v in (details or {}).items() if v not in (None, "")},
    )


@functools.cache
def _insert_sql(vendor: str) -> tuple[str, str, str, tuple]:
    """For one database vendor, built once: the INSERT of one record with every column but the id, returning
    the id; the table and its column list (for insert_for_each_row_of); and the fields in column order."""
    fields = tuple(f for f in ActivityRecord._meta.concrete_fields if not f.primary_key)
    table = connection.ops.quote_name(ActivityRecord._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return (f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
            f"RETURNING {connection.ops.quote_name(str(ActivityRecord._meta.pk.column))}", table, columns, fields)


@functools.cache
def _insert_from_source_sql(vendor: str, source: str, computed: tuple[tuple[str, str], ...]) -> tuple[str, tuple]:
    """insert_for_each_row_of's SQL, built once per vendor, source and computed fields; and the fields whose
    values are parameters, in order."""
    _sql, table, columns, fields = _insert_sql(vendor)
    expressions = dict(computed)
    unknown = set(expressions) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"not activity record fields: {sorted(unknown)}")
    values = [f"CAST({expressions.get(f.attname, '%s')} AS {f.db_type(connection)})" for f in fields]
    return (f"INSERT INTO {table} ({columns}) SELECT {', '.join(values)} FROM {source}",  # noqa: S608
            tuple(f for f in fields if f.attname not in expressions))


def _values(record: ActivityRecord, fields: tuple) -> list:
    """The record's values for the INSERT, prepared by each field as the ORM prepares them (given the
    connection itself: through the thread-local `connection` proxy each field's lookups cost more than
    the preparing)."""
    db = connections[DEFAULT_DB_ALIAS]
    return [f.get_db_prep_save(getattr(record, f.attname), db) for f in fields]


def log_record(record: ActivityRecord) -> ActivityRecord:
    """Insert one record. The statement is built once and the values prepared by each field, as the ORM's
    save(force_insert=True) does, without compiling the INSERT again for every record: a counted download
    writes one record each, and the compile was a quarter of the writer's CPU. ActivityRecord has no save()
    override and no signal receivers (a test checks), so nothing of save() is skipped."""
    _require_transaction()
    sql, _table, _columns, fields = _insert_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, _values(record, fields))
        record.pk = cursor.fetchone()[0]
    record._state.adding, record._state.db = False, connection.alias
    return record


def _append(**fields) -> ActivityRecord:
    return log_record(_build(**fields))


def insert_for_each_row_of(record: ActivityRecord, source: str, computed: dict[str, str] | None = None,
                           ) -> tuple[str, list]:
    """SQL and parameters that write `record` once for each row of `source`, a common table expression of
    the caller's statement (PostgreSQL: SQLite allows no UPDATE in a CTE). The caller's change and its
    record are then one statement: atomic without a transaction, and one round trip instead of four (BEGIN,
    change, INSERT, COMMIT). The values are the record's, prepared and typed by its fields, except those
    named in `computed` (field attname -> SQL expression over the source's row): facts the statement itself
    reads, such as download_record_facts_sql gives. The same arguments give the same SQL (it can be prepared)."""
    sql, fields = _insert_from_source_sql(connection.vendor, source, tuple((computed or {}).items()))
    return sql, _values(record, fields)


def log_create_customer(*, actor, customer, ip=None) -> ActivityRecord:
    return _append(partner_id=customer.partner_id, operation=Operation.CREATE_CUSTOMER, resource=Resource.CUSTOMER,
                   actor=actor, customer=customer, ip=ip, details={"Domain": customer.domain,
                                                                    "Country": customer.market_id})


def log_create_order(*, actor, customer, order_id, products: str, total: str, ip=None, at=None) -> ActivityRecord:
    return _append(partner_id=customer.partner_id, operation=Operation.CREATE_ORDER, resource=Resource.ORDER,
                   actor=actor, customer=customer, ip=ip, at=at,
                   details={"OrderId": order_id, "ProductName": products, "Total": total})


def log_cancel_order(*, actor, customer, order_id, lines: str, ip=None, status=Status.SUCCEEDED,
                     reason: str = "", at=None) -> ActivityRecord:
    return _append(partner_id=customer.partner_id, operation=Operation.CANCEL_ORDER, resource=Resource.ORDER,
                   actor=actor, customer=customer, ip=ip, status=status, at=at,
                   details={"OrderId": order_id, "LineItems": lines, "Reason": reason})


def log_software_key(*, actor, customer, order_id, product: str, ip=None, status=Status.SUCCEEDED,
                     entitlement_id=None, at=None) -> ActivityRecord:
    return _append(partner_id=customer.partner_id, operation=Operation.GET_SOFTWARE_KEY,
                   resource=Resource.SOFTWARE_KEY, actor=actor, customer=customer, ip=ip, status=status, at=at,
                   details={"OrderId": order_id, "ProductName": product, "EntitlementId": entitlement_id})


def log_download_link(*, actor, customer, order_id, product: str, variant: str, link_id, ip=None,
                      status=Status.SUCCEEDED, at=None) -> ActivityRecord:
    return _append(partner_id=customer.partner_id, operation=Operation.GET_SOFTWARE_DOWNLOAD_LINK,
                   resource=Resource.SOFTWARE_DOWNLOAD_LINK, actor=actor, customer=customer, ip=ip, status=status,
                   at=at,
                   details={"OrderId": order_id, "ProductName": product, "Variant": variant, "LinkId": link_id})


def _download_details(*, order_id, product, file_name, link_id, reason) -> dict:
    """The details of a download's record: one definition for the record built here (download_record) and the
    one a counting statement writes (download_record_facts_sql)."""
    return {"OrderId": order_id, "ProductName": product, "FileName": file_name, "LinkId": link_id, "Reason": reason}


def download_record(*, customer, order_id, product: str, file_name: str, link_id, ip=None,
                    status=Status.SUCCEEDED, reason: str = "", at=None) -> ActivityRecord:
    """The record of a counted download (or a refused one), not yet written: log_record writes it.
    The link is the credential: there is no signed-in user."""
    return _build(partner_id=customer.partner_id, operation=Operation.DOWNLOAD_SOFTWARE,
                  resource=Resource.SOFTWARE_DOWNLOAD_LINK, customer=customer, ip=ip, status=status, at=at,
                  details=_download_details(order_id=order_id, product=product, file_name=file_name,
                                            link_id=link_id, reason=reason))


def download_record_facts_sql(*, partner_id: str, customer_id: str, customer_name: str, order_id: str,
                              product: str, file_name: str, link_id: str) -> dict[str, str]:
    """For a statement that takes a download and writes its succeeded record (insert_for_each_row_of's
    `computed`): the record's facts as SQL expressions over that statement's row, as download_record would
    set them. Every fact is NOT NULL in its table; _build drops an empty detail, and the empty Reason of a
    succeeded download is left out here. PostgreSQL (jsonb_build_object); uuid::text prints as str(UUID)."""
    details = _download_details(order_id=f"CAST({order_id} AS text)", product=product, file_name=file_name,
                                link_id=f"CAST({link_id} AS text)", reason="")
    pairs = ", ".join(f"'{key}', {value}" for key, value in details.items() if value)
    return {"partner_id": partner_id, "customer_id": customer_id, "customer_name": customer_name,
            "details": f"jsonb_build_object({pairs})"}


def log_expire_links(*, expired: list[tuple[Any, int]], at=None) -> list[ActivityRecord]:
    """One `expire_download_link` record per customer whose links the expiry job closed, in one INSERT."""
    _require_transaction()
    return ActivityRecord.objects.bulk_create([
        _build(partner_id=customer.partner_id, operation=Operation.EXPIRE_DOWNLOAD_LINK,
               resource=Resource.SOFTWARE_DOWNLOAD_LINK, customer=customer, at=at, details={"LinksExpired": count})
        for customer, count in expired], batch_size=2000)


def log_create_credit(*, customer, order_id, line_item: int, amount: str, currency: str,
                      actor=None, at=None) -> ActivityRecord:
    return _append(partner_id=customer.partner_id, operation=Operation.CREATE_CREDIT, resource=Resource.CREDIT,
                   actor=actor, customer=customer, at=at,
                   details={"OrderId": order_id, "LineItemNumber": line_item, "Amount": amount,
                            "Currency": currency})


def log_send_download_link(*, actor, customer, order_id, product: str, recipient: str, ip=None) -> ActivityRecord:
    return _append(partner_id=customer.partner_id, operation=Operation.SEND_DOWNLOAD_LINK,
                   resource=Resource.SOFTWARE_DOWNLOAD_LINK, actor=actor, customer=customer, ip=ip,
                   details={"OrderId": order_id, "ProductName": product, "Recipient": recipient})


def log_create_support_request(*, actor, partner_id: int, number: str, title: str, customer=None,
                               ip=None, at=None) -> ActivityRecord:
    return _append(partner_id=partner_id, operation=Operation.CREATE_SUPPORT_REQUEST,
                   resource=Resource.SUPPORT_REQUEST, actor=actor, customer=customer, ip=ip, at=at,
                   details={"RequestNumber": number, "Title": title})


# --- the chain ---------------------------------------------------------------------------------

def chain_seal(*, partner_id: int | None = None, batch_size: int = 5000) -> int:
    """Seal unsealed records into each partner's chain, oldest first. Safe to run concurrently:
    each partner's head row is locked while its batch is sealed. Returns how many were sealed."""
    partner_ids = (
        [partner_id] if partner_id is not None
        else list(ActivityRecord.objects.filter(hash__isnull=True).order_by()
                  .values_list("partner_id", flat=True).distinct())
    )
    sealed = 0
    for pid in partner_ids:
        while True:
            count = _seal_batch(pid, batch_size)
            sealed += count
            if count < batch_size:
                break
    return sealed


@transaction.atomic
def _seal_batch(partner_id: int, batch_size: int) -> int:
    ChainHead.objects.bulk_create([ChainHead(partner_id=partner_id)], ignore_conflicts=True)
    head = ChainHead.objects.select_for_update().get(partner_id=partner_id)
    records = list(ActivityRecord.objects.filter(partner_id=partner_id, hash__isnull=True).order_by("id")[:batch_size])
    previous, first = head.hash or GENESIS, head.position + 1
    for record in records:
        head.position += 1
        record.chain_position = head.position
        record.previous_hash = previous
        record.hash = previous = link_hash(previous, record_fields(record))
    if records:
        _write_seals(records)
        # The batch is exactly the positions it was given: count it in the transaction that seals it.
        counts_add(ActivityRecord.objects.filter(partner_id=partner_id, chain_position__gte=first,
                                                 chain_position__lte=head.position))
        head.hash = previous
        head.save(update_fields=["position", "hash"])
    return len(records)


def _write_seals(records: list[ActivityRecord], chunk: int = 500) -> None:
    """One UPDATE … FROM (VALUES …) per chunk: a CASE-based bulk_update grows quadratically with the batch."""
    table = connection.ops.quote_name(ActivityRecord._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(records), chunk):
            part = records[start : start + chunk]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(part))
            params = [p for r in part for p in (r.pk, r.chain_position, r.previous_hash, r.hash)]
            cursor.execute(
                f"UPDATE {table} SET chain_position = v.column2, previous_hash = v.column3, hash = v.column4 "  # noqa: S608
                f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                params,
            )


class ChainProblem(Exception):
    def __init__(self, message: str, record_id: str | None = None):
        super().__init__(message)
        self.record_id = record_id


def chain_verify(*, partner_id: int | None = None) -> dict:
    """Walk every sealed record in chain order. Raises ChainProblem at the first mismatch."""
    heads = ChainHead.objects.all() if partner_id is None else ChainHead.objects.filter(partner_id=partner_id)
    checked = 0
    for head in heads:
        expected_position, previous = 0, GENESIS
        records = (ActivityRecord.objects.filter(partner_id=head.partner_id, chain_position__isnull=False)
                   .order_by("chain_position").iterator(chunk_size=5000))
        for record in records:
            expected_position += 1
            if record.chain_position != expected_position:
                raise ChainProblem(f"record at position {expected_position} is missing "
                                   f"(found position {record.chain_position}, record {record.pk})", str(record.pk))
            if record.previous_hash != previous:
                raise ChainProblem(f"record {record.pk} does not follow the record before it", str(record.pk))
            if link_hash(previous, record_fields(record)) != record.hash:
                raise ChainProblem(f"record {record.pk} was altered", str(record.pk))
            previous = record.hash
            checked += 1
        if expected_position != head.position or previous != (head.hash or GENESIS):
            raise ChainProblem(f"partner {head.partner_id}: the chain ends at position {expected_position} "
                               f"but {head.position} records were sealed (records were removed)")
    unsealed = ActivityRecord.objects.filter(hash__isnull=True)
    if partner_id is not None:
        unsealed = unsealed.filter(partner_id=partner_id)
    return {"checked": checked, "unsealed": unsealed.count()}
