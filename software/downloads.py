"""Download links' rules and the counted download's statements (D-SW-5..9); software.services calls them.

A link is a bearer credential: 256 random bits, only the SHA-256 stored. A download counts with one
conditional UPDATE whose row count is trusted, so the 51st is refused however many requests arrive at once."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction

from activitylog.models import Status
from activitylog.services import (
    download_record,
    download_record_facts_sql,
    insert_for_each_row_of,
    log_record,
)
from customers.models import Customer
from partnercenter import prepared
from partnercenter.errors import Code, DomainError

from .models import DownloadLink, Entitlement, Offer, OrderLine, SoftwareFile, Variant

LINK_LIFETIME = dt.timedelta(days=14)   # D-SW-5
LINK_MAX_DOWNLOADS = 50                 # D-SW-5


class CustomerRef(NamedTuple):
    """What an activity record copies from its customer (read without building a Customer)."""

    tenant_id: object
    partner_id: int
    company_name: str


class NoLongerAvailable(DomainError):
    http_status = 410
    code = Code.NO_LONGER_AVAILABLE


class UnknownLink(Exception):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def entitlement_is_usable(entitlement: Entitlement) -> bool:
    return (entitlement.status == Entitlement.Status.ACTIVE
            and entitlement.order_line.status == OrderLine.Status.ACTIVE)


# --- counted downloads (the hot path: B3 in bench/) --------------------------------------------------
#
# A counted download takes one of the link's downloads with a conditional UPDATE and writes its activity
# record (customer, order, offer, file), both or neither (take). On PostgreSQL that is one prepared
# statement that also reads what the record copies; elsewhere the link's facts are read first and the
# UPDATE and the INSERT share a transaction. Only a refused download reads the link to say why. The
# catalogue rows (file, offer) come from a per-process cache. The SQL is plain: through the ORM (and the
# old 7-table read) each statement cost more CPU and planning than the database spends running it.

CATALOGUE_TTL = 300.0  # seconds; a save or delete of a file, variant or offer in this process clears it at once
_catalogue: dict = {}


def catalogue_cache_clear(**_kwargs) -> None:
    _catalogue.clear()


def _cached(key, load):
    now = time.monotonic()
    if _catalogue.get("__expires", 0.0) < now:
        _catalogue.clear()
        _catalogue["__expires"] = now + CATALOGUE_TTL
    try:
        return _catalogue[key]
    except KeyError:
        value = _catalogue[key] = load()
        return value


def variant_file(variant_id: int) -> SoftwareFile:
    """The file behind a variant (catalogue data: changed only by the catalogue sync)."""
    return _cached(("file", variant_id), lambda: SoftwareFile.objects.get(variants__id=variant_id))


def offer_name(offer_id: str) -> str:
    return _cached(("offer", offer_id), lambda: Offer.objects.values_list("name", flat=True).get(pk=offer_id))


LINK_FIELDS = ("id", "entitlement_id", "variant_id", "token_hash", "expires_at", "max_downloads", "downloads_used",
               "status")


def link_for_token(token: str) -> DownloadLink:
    """The link (its own columns only) for a token, or UnknownLink. `link.file` is its variant's file."""
    # token_hash is unique: no ORDER BY (first() would sort by the model's ordering for nothing).
    link = next(iter(DownloadLink.objects.only(*LINK_FIELDS).filter(token_hash=token_hash(token)).order_by()[:1]),
                None)
    if link is None:
        raise UnknownLink
    link.file = variant_file(link.variant_id)
    return link


def link_is_live(link: DownloadLink, now: dt.datetime) -> bool:
    return link.status == DownloadLink.Status.ACTIVE and link.expires_at > now


def _uuid(value) -> uuid.UUID:
    """A UUID column read with plain SQL (a UUID on PostgreSQL, 32 hex digits on SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _aware(value) -> dt.datetime:
    """A datetime column read with plain SQL: aware on PostgreSQL, naive UTC on SQLite."""
    value = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _facts(row: str) -> dict[str, str]:
    """SQL expressions, over a download link row named `row` (its id, variant_id and entitlement_id), of what
    its activity record copies: the link id, its variant, the customer (tenant id, partner, name), the order
    id, the offer id and name, the file name. Nested single-table scalar subqueries: PostgreSQL plans them in
    a third of the time the same facts through joins take (0.15 vs 0.42 ms, more than it spends running
    them)."""
    def entitlement(column: str) -> str:
        return f"(SELECT e.{column} FROM {Entitlement._meta.db_table} e WHERE e.id = {row}.entitlement_id)"  # noqa: S608

    def customer(column: str) -> str:
        return (f"(SELECT c.{column} FROM {Customer._meta.db_table} c "  # noqa: S608
                f"WHERE c.tenant_id = {entitlement('customer_id')})")

    file_id = f"(SELECT v.file_id FROM {Variant._meta.db_table} v WHERE v.id = {row}.variant_id)"  # noqa: S608
    return {
        "link_id": f"{row}.id", "variant_id": f"{row}.variant_id", "customer_id": entitlement("customer_id"),
        "partner_id": customer("partner_id"), "customer_name": customer("company_name"),
        "order_id": (f"(SELECT l.order_id FROM {OrderLine._meta.db_table} l "  # noqa: S608
                     f"WHERE l.id = {entitlement('order_line_id')})"),
        "offer_id": entitlement("offer_id"),
        "product": f"(SELECT o.name FROM {Offer._meta.db_table} o WHERE o.id = {entitlement('offer_id')})",  # noqa: S608
        "file_name": f"(SELECT f.file_name FROM {SoftwareFile._meta.db_table} f WHERE f.id = {file_id})",  # noqa: S608
    }


@functools.cache
def _facts_sql() -> str:
    """The link read of link_facts: the facts (_Facts.from_row's order; the names come from the catalogue
    cache), then the link's own state (status, expiry, downloads used and allowed)."""
    link = DownloadLink._meta.db_table
    facts = _facts(link)
    return ", ".join([*(facts[name] for name in ("link_id", "variant_id", "customer_id", "partner_id",
                                                 "customer_name", "order_id", "offer_id")),
                      f"{link}.status", f"{link}.expires_at", f"{link}.downloads_used", f"{link}.max_downloads"])


@dataclass(frozen=True)
class _Facts:
    link_id: uuid.UUID
    file: SoftwareFile
    customer: CustomerRef
    order_id: str
    product: str
    status: str
    expires_at: dt.datetime
    downloads_used: int
    max_downloads: int

    @classmethod
    def from_row(cls, row) -> _Facts:
        (link_id, variant_id, tenant_id, partner_id, company_name, order_id, offer_id, status, expires_at,
         downloads_used, max_downloads) = row
        return cls(_uuid(link_id), variant_file(variant_id), CustomerRef(_uuid(tenant_id), partner_id, company_name),
                   str(_uuid(order_id)), offer_name(offer_id), status, _aware(expires_at), downloads_used,
                   max_downloads)

    def refusal(self, now: dt.datetime) -> str | None:
        """Why a counted download from this link is refused now (D-SW-8/9), or None if it is not."""
        if self.status == DownloadLink.Status.REVOKED:
            return "revoked"
        if not link_is_live(self, now):
            return "expired"
        if self.downloads_used >= self.max_downloads:
            return "used up"
        return None

    def record(self, ip: str | None, status: str = Status.SUCCEEDED, reason: str = "", at: dt.datetime | None = None):
        return download_record(customer=self.customer, order_id=self.order_id, product=self.product,
                               file_name=self.file.file_name, link_id=self.link_id, ip=ip, status=status,
                               reason=reason, at=at)


def link_facts(hashed: str) -> _Facts | None:
    with connection.cursor() as cursor:
        prepared.execute(cursor, f"SELECT {_facts_sql()} FROM {DownloadLink._meta.db_table} "  # noqa: S608
                         "WHERE token_hash = %s", [hashed])
        row = cursor.fetchone()
    return _Facts.from_row(row) if row else None


@dataclass(frozen=True)
class Transfer:
    """An authorised transfer: the link and the file to send."""

    link_id: uuid.UUID
    file: SoftwareFile


_TAKE = (f"UPDATE {DownloadLink._meta.db_table} SET downloads_used = downloads_used + 1 "  # noqa: S608
         "WHERE token_hash = %s AND status = %s AND expires_at > %s AND downloads_used < max_downloads")

# What the record of a download taken by the statement copies comes from the statement itself.
_FACTS_FROM_THE_STATEMENT = CustomerRef(None, None, "")


@functools.cache
def _record_facts_sql() -> dict[str, str]:
    facts = _facts("taken")
    return download_record_facts_sql(**{name: facts[name] for name in (
        "partner_id", "customer_id", "customer_name", "order_id", "product", "file_name", "link_id")})


def take(hashed: str, now: dt.datetime, ip: str | None, at: dt.datetime | None = None) -> Transfer | None:
    """D-SW-8: take one of the link's downloads and write its activity record, both or neither. The count is
    one conditional UPDATE whose row count decides, so concurrent requests can never take more
    than max_downloads. On PostgreSQL the UPDATE and the record's INSERT are one statement, prepared once per
    connection (partnercenter.prepared): the record is written for each row the UPDATE changed (none or one),
    with the facts it copies read by the statement (activitylog.services.download_record_facts_sql); atomic
    without BEGIN/COMMIT, one round trip where reading the link and a transaction take five. Elsewhere the
    link's facts are read, then the UPDATE and the INSERT share a transaction. None if nothing was taken:
    unknown, refused, or used up meanwhile. `at`: the record's time when not now (the demo's history)."""
    params = [hashed, DownloadLink.Status.ACTIVE, connection.ops.adapt_datetimefield_value(now)]
    if connection.vendor == "postgresql":
        record = download_record(customer=_FACTS_FROM_THE_STATEMENT, order_id="", product="", file_name="",
                                 link_id="", ip=ip, at=at)
        insert, insert_params = insert_for_each_row_of(record, "taken", _record_facts_sql())
        with connection.cursor() as cursor:
            prepared.execute(cursor, f"WITH taken AS ({_TAKE} RETURNING id, variant_id, entitlement_id), "  # noqa: S608
                             f"written AS ({insert}) SELECT id, variant_id FROM taken", params + insert_params)
            row = cursor.fetchone()
        return Transfer(_uuid(row[0]), variant_file(row[1])) if row else None
    facts = link_facts(hashed)
    if facts is None or facts.refusal(now) is not None:
        return None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_TAKE, params)
            if cursor.rowcount != 1:
                return None
        log_record(facts.record(ip, at=at))
    return Transfer(facts.link_id, facts.file)
