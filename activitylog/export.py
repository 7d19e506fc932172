"""The CSV export of the activity log, and its offline check (D-LOG-5).

The export lists sealed records in chain order (oldest first). Each row carries the chain position,
the previous record's hash, the record's hash and the hashed fields exactly as `chain.record_fields`
writes them, so anyone can recompute every hash with `chain.link_hash` — the values are therefore
never altered (no CSV-injection escaping: a changed value would no longer match its hash).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .chain import HASHED_FIELDS, link_hash, record_fields

CHAIN_COLUMNS = ["chainPosition", "previousHash", "hash"]
COLUMNS = CHAIN_COLUMNS + HASHED_FIELDS
CHUNK_SIZE = 2000


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def record_row(record) -> list[str]:
    fields = record_fields(record)
    return [str(record.chain_position), record.previous_hash, record.hash] + [fields[name] for name in HASHED_FIELDS]


LINES_PER_CHUNK = 500


def csv_lines(records: Iterable) -> Iterator[str]:
    """The header row, then the records' lines, LINES_PER_CHUNK lines per yielded string (one write per
    chunk instead of one per record); `records` should be a lazy iterator (constant memory)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    batch: list[str] = []
    for record in records:
        batch.append(writer.writerow(record_row(record)))
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
