"""The export streams records as tuples (`exported_records`), not model instances, and formats its CSV
lines itself (`csv_line`), not with csv.writer: the bytes must be exactly those that csv.writer writes
for the model instances, including the awkward values (quotes, commas, line breaks, non-ASCII, no
customer, no IP address), and every line must verify."""
from __future__ import annotations

import csv
import io
import random

from django.db import transaction

from activitylog.export import COLUMNS, csv_line, csv_lines, exported_records, record_row, verify_rows
from activitylog.models import ActivityRecord
from activitylog.selectors import records_chain_order
from activitylog.services import chain_seal, download_record, log_create_support_request, log_record


def test_tuple_rows_write_the_same_bytes_as_model_instances(user_for, fabrikam):
    # given: sealed records with values that need CSV quoting or are empty
    actor = user_for("global.admin")
    fabrikam.company_name = 'Fabrikam "Japan", K.K.\r\nTokyo'  # copied into the records, never saved
    with transaction.atomic():
        log_create_support_request(actor=actor, partner_id=actor.partner_id, number="SR0000000001",
                                   title='Quote " comma , and\r\nline break', customer=fabrikam, ip="203.0.113.7")
        log_create_support_request(actor=actor, partner_id=actor.partner_id, number="SR0000000002",
                                   title="日本語のタイトル — ünïcode", customer=None, ip=None)
        log_record(download_record(customer=fabrikam, order_id="o-1", product="Windows Server 2022",
                                   file_name="a,b.iso", link_id="l-1", ip="2001:db8::1"))
    chain_seal()
    qs = records_chain_order(ActivityRecord.objects.filter(partner_id=actor.partner_id))
    assert qs.count() >= 3

    # when: the export is written from tuples and, for reference, by csv.writer from model instances
    from_tuples = "".join(csv_lines(exported_records(qs)))
    reference = io.StringIO(newline="")
    writer = csv.writer(reference, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(record_row(record) for record in qs)
    from_models = reference.getvalue()

    # then: the same bytes, and the file verifies as a complete chain
    assert from_tuples == from_models
    assert '"Fabrikam ""Japan"", K.K.\r\nTokyo"' in from_tuples
    report = verify_rows(from_tuples.splitlines(keepends=True), complete=True)
    assert report.ok, report.problem
    assert report.rows == qs.count()


def test_csv_line_writes_what_csv_writer_writes():
    # given: rows of 14 fields made of the characters that matter to CSV (and some that do not)
    rng = random.Random(7)
    alphabet = [",", '"', "\r", "\n", " ", "\t", "a", "é", "日", "'", ";", "\\", "{", ":"]
    rows = [["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 6))) for _ in range(14)]
            for _ in range(2000)]
    for row in rows:
        # when
        reference = io.StringIO(newline="")
        csv.writer(reference, lineterminator="\r\n").writerow(row)
        # then
        assert csv_line(row) == reference.getvalue(), row


def test_the_faster_canonical_form_is_the_old_one():
    # given: dates with and without microseconds, and details with non-ASCII, quotes and control characters
    import datetime as dt
    import json

    from activitylog.chain import details_text, format_date

    rng = random.Random(11)
    dates = [dt.datetime(2000, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randrange(4 * 10**9),
                                                                     microseconds=rng.choice([0, 1,
                                                                                              rng.randrange(10**6)]))
             for _ in range(2000)]
    details = [{"B": 'q"uote', "a": "日本\n\t\x01", "Z": "", "é": "\\"}, {}, {"OrderId": "x"}]
    # then: what the chain hashed before (strftime, json.dumps) is what it hashes now
    assert [format_date(d) for d in dates] == [d.strftime("%Y-%m-%dT%H:%M:%S.%fZ") for d in dates]
    assert [details_text(d) for d in details] == [
        json.dumps(d, sort_keys=True, ensure_ascii=False, separators=(",", ":")) for d in details]


def test_the_export_span_counts_exactly_what_it_streams(user_for):
    # given: sealed records, then one more sealed after the span was taken
    from activitylog.selectors import records_chain_span

    actor = user_for("global.admin")
    with transaction.atomic():
        for i in range(4):
            log_create_support_request(actor=actor, partner_id=actor.partner_id, number=f"SR{i:010d}", title="x")
    chain_seal()
    qs = records_chain_order(ActivityRecord.objects.filter(partner_id=actor.partner_id))
    bounded, total = records_chain_span(qs)
    with transaction.atomic():
        log_create_support_request(actor=actor, partner_id=actor.partner_id, number="SR0000000099", title="late")
    chain_seal()
    # when
    streamed = list(exported_records(bounded))
    # then: the count and the stream agree, and the late record is in neither
    assert total == len(streamed) == qs.count() - 1
    assert [r.chain_position for r in streamed] == sorted(r.chain_position for r in streamed)
    assert records_chain_span(qs.filter(operation_date__year=1999))[1] == 0
