"""The CSV export of the activity log, and its offline check (D-LOG-5).

The export lists sealed records in chain order (oldest first). Each row carries the chain position,
the previous record's hash, the record's hash and the hashed fields exactly as `chain.record_fields`
writes them, so anyone can recompute every hash with `chain.link_hash` — the values are therefore
never altered (no CSV-injection escaping: a changed value would no longer match its hash).
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import CharField
from django.db.models.functions import Cast

from .chain import HASHED_FIELDS, link_hash, record_values

CHAIN_COLUMNS = ["chainPosition", "previousHash", "hash"]
COLUMNS = CHAIN_COLUMNS + HASHED_FIELDS
CHUNK_SIZE = 2000


def record_row(record) -> list[str]:
    return [str(record.chain_position), record.previous_hash, record.hash, *record_values(record)]


class ExportedRecord(NamedTuple):
    """The columns of a record that the export writes, read as a tuple (`values_list`) instead of a model
    instance: building a model per row was a quarter of the export's time. It has the attributes
    `chain.record_values` reads, so the canonical form stays defined in one place."""

    chain_position: int
    previous_hash: str
    hash: str
    id: int
    partner_id: int
    operation_date: dt.datetime
    user_principal_name: str
    customer_id: object
    customer_name: str
    resource_type: str
    operation_type: str
    operation_status: str
    ip_address: str | None
    details: dict

    @property
    def pk(self) -> int:
        return self.id


def exported_records(qs) -> Iterator[ExportedRecord]:
    """Stream `qs` (records in the order to export) as ExportedRecord tuples through a server-side cursor,
    CHUNK_SIZE rows at a time: constant memory whatever the range."""
    columns: list = list(ExportedRecord._fields)
    if connection.features.has_native_uuid_field:
        # PostgreSQL's text form of a uuid is str(uuid.UUID): reading it as text skips building a UUID per
        # row only to turn it back into that string (a tenth of the export's time).
        columns[columns.index("customer_id")] = Cast("customer_id", output_field=CharField())
    make = ExportedRecord._make
    # Inside a transaction the server-side cursor streams. Outside one (autocommit) Django declares it
    # WITH HOLD, and PostgreSQL then runs the whole query and copies every row to a temporary file before
    # the first one is sent.
    with transaction.atomic():
        for values in qs.values_list(*columns).iterator(chunk_size=CHUNK_SIZE):
            yield make(values)


LINES_PER_CHUNK = 500


def csv_line(values: list[str]) -> str:
    """One CSV line exactly as `csv.writer` writes it (QUOTE_MINIMAL, CRLF): a field holding a comma, a quote
    or a line break is quoted, its quotes doubled. Several times faster than csv.writer for these rows."""
    return ",".join([('"' + value.replace('"', '""') + '"')
                     if ("," in value or '"' in value or "\n" in value or "\r" in value) else value
                     for value in values]) + "\r\n"


def csv_lines(records: Iterable) -> Iterator[str]:
    """The header row, then the records' lines, LINES_PER_CHUNK lines per yielded string (one write per
    chunk instead of one per record); `records` should be a lazy iterator (constant memory)."""
    yield csv_line(COLUMNS)
    batch: list[str] = []
    for record in records:
        batch.append(csv_line(record_row(record)))
        if len(batch) >= LINES_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


# --- checking an export -------------------------------------------------------------------------

@dataclass
class FileReport:
    rows: int = 0
    problem: str = ""
    record_id: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_rows(lines: Iterable[str], *, complete: bool = False) -> FileReport:
    """Walk an export in order. Every row's hash must match its content and previous hash; positions
    must increase; where two rows are consecutive in the chain, the second must link to the first.
    A gap is a warning for a filtered export and a problem with `complete` (the whole chain from 1)."""
    report = FileReport()
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        report.problem = "the file is empty"
        return report
    if header != COLUMNS:
        report.problem = f"unexpected header: expected {','.join(COLUMNS)}"
        return report
    previous_position: int | None = None
    previous_hash = ""
    for line_number, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(COLUMNS):
            report.problem = f"line {line_number}: expected {len(COLUMNS)} columns, found {len(row)}"
            return report
        values = dict(zip(COLUMNS, row, strict=True))
        record_id = values["id"]
        try:
            position = int(values["chainPosition"])
        except ValueError:
            report.problem = f"record {record_id} (line {line_number}): bad chain position {values['chainPosition']!r}"
            report.record_id = record_id
            return report
        expected = 1 if previous_position is None else previous_position + 1
        if previous_position is not None and position <= previous_position:
            report.problem = (f"record {record_id} (line {line_number}) is out of order: position {position} "
                              f"after {previous_position}")
            report.record_id = record_id
            return report
        if position != expected and (complete or previous_position is not None):
            message = (f"record {record_id} (line {line_number}): position {position} follows "
                       f"{previous_position if previous_position is not None else 'the start'}; "
                       f"records {expected}–{position - 1} are not in the file")
            if complete:
                report.problem = message
                report.record_id = record_id
                return report
            report.warnings.append(message)
        elif previous_position is not None and values["previousHash"] != previous_hash:
            report.problem = f"record {record_id} (line {line_number}) does not follow the record before it"
            report.record_id = record_id
            return report
        fields = {name: values[name] for name in HASHED_FIELDS}
        if link_hash(values["previousHash"], fields) != values["hash"]:
            report.problem = f"record {record_id} (line {line_number}) was altered: its hash does not match"
            report.record_id = record_id
            return report
        previous_position, previous_hash = position, values["hash"]
        report.rows += 1
    return report
