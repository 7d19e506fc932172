"""D-LOG-5: tampering with the database or an export is found, naming the first bad record."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from activitylog.chain import HASHED_FIELDS, link_hash
from activitylog.export import COLUMNS
from activitylog.models import ActivityRecord
from activitylog.services import ChainProblem, chain_seal, chain_verify

from .conftest import guards_lifted


def verify_command(*args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_activity_log", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


@pytest.fixture
def sealed_chain(records_for):
    """Five sealed Contoso records (plus whatever was there), and one unsealed."""
    records = records_for("global.admin", 5)
    chain_seal()
    records_for("global.admin", 1)
    for record in records:
        record.refresh_from_db()
    return records


def test_an_intact_log_verifies(sealed_chain):
    # when
    code, output = verify_command()
    # then
    assert code == 0
    assert output.startswith("OK: ")
    assert "1 unsealed" in output
    assert chain_verify()["checked"] >= 5


def test_an_edited_record_is_found(sealed_chain):
    # given
    victim = sealed_chain[2]
    with guards_lifted():
        ActivityRecord.objects.filter(pk=victim.pk).update(user_principal_name="someone.else@example.com")
    # when
    code, output = verify_command()
    # then
    assert code == 1
    assert output.startswith("TAMPERED: ")
    assert f"record {victim.pk} was altered" in output


def test_a_deleted_record_is_found(sealed_chain):
    # given
    victim = sealed_chain[2]
    with guards_lifted():
        ActivityRecord.objects.filter(pk=victim.pk).delete()
    # when
    with pytest.raises(ChainProblem) as problem:
        chain_verify(partner_id=victim.partner_id)
    code, output = verify_command("--partner", str(victim.partner_id))
    # then
    assert "missing" in str(problem.value)
    assert problem.value.record_id == str(sealed_chain[3].pk)
    assert code == 1 and "TAMPERED" in output


def test_a_cut_tail_is_found(sealed_chain):
    # given
    with guards_lifted():
        ActivityRecord.objects.filter(pk=sealed_chain[-1].pk).delete()
    # when
    code, output = verify_command()
    # then
    assert code == 1 and "records were removed" in output


def test_a_reordered_record_is_found(sealed_chain):
    # given: swap the chain positions of two records (as if re-dated into each other's place)
    first, second = sealed_chain[1], sealed_chain[2]
    with guards_lifted():
        ActivityRecord.objects.filter(pk=first.pk).update(chain_position=-1)
        ActivityRecord.objects.filter(pk=second.pk).update(chain_position=first.chain_position)
        ActivityRecord.objects.filter(pk=first.pk).update(chain_position=second.chain_position)
    # when
    code, output = verify_command()
    # then
    assert code == 1
    assert f"record {second.pk} does not follow the record before it" in output


# --- exports ------------------------------------------------------------------------------------

@pytest.fixture
def export_file(sealed_chain, client_for, tmp_path):
    response = client_for("global.admin").get("/settings/activity-log/export.csv",
                                               {"start": "2000-01-01", "end": "2100-12-31"})
    assert response.status_code == 200
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def lines_of(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_an_intact_export_verifies_offline(export_file):
    # given
    lines = lines_of(export_file)
    # then: the header, then every Contoso record (all sealed by the export) in chain order
    assert lines[0].strip() == ",".join(COLUMNS)
    assert len(lines) - 1 == ActivityRecord.objects.filter(partner__domain="contoso-partner.example").count()
    code, output = verify_command("--file", str(export_file), "--complete")
    assert code == 0, output
    assert output.startswith("OK: ")


def test_an_export_hash_is_recomputable_by_hand(export_file):
    # given
    import csv

    rows = list(csv.DictReader(export_file.open(encoding="utf-8", newline="")))
    # then
    previous = "0" * 64
    for row in rows:
        assert row["previousHash"] == previous
        assert link_hash(previous, {name: row[name] for name in HASHED_FIELDS}) == row["hash"]
        previous = row["hash"]


def test_an_edited_cell_is_found(export_file):
    # given
    lines = lines_of(export_file)
    victim = lines[3].split(",")[3]  # the id column
    lines[3] = lines[3].replace("global.admin@", "billing.admin@")
    export_file.write_text("".join(lines), encoding="utf-8")
    # when
    code, output = verify_command("--file", str(export_file))
    # then
    assert code == 1
    assert output.startswith("TAMPERED: ") and f"record {victim} " in output


def test_a_deleted_line_is_found(export_file):
    # given
    lines = lines_of(export_file)
    del lines[3]
    export_file.write_text("".join(lines), encoding="utf-8")
    # when
    complete_code, complete_output = verify_command("--file", str(export_file), "--complete")
    filtered_code, filtered_output = verify_command("--file", str(export_file))
    # then
    assert complete_code == 1 and "TAMPERED" in complete_output and "not in the file" in complete_output
    assert filtered_code == 0 and "warning:" in filtered_output  # a filtered export may have gaps


def test_a_deleted_first_line_is_found_in_a_complete_export(export_file):
    lines = lines_of(export_file)
    del lines[1]
    export_file.write_text("".join(lines), encoding="utf-8")
    code, output = verify_command("--file", str(export_file), "--complete")
    assert code == 1 and "TAMPERED" in output


def test_swapped_lines_are_found(export_file):
    # given
    lines = lines_of(export_file)
    lines[2], lines[3] = lines[3], lines[2]
    export_file.write_text("".join(lines), encoding="utf-8")
    # when
    code, output = verify_command("--file", str(export_file))
    # then
    assert code == 1 and "out of order" in output
