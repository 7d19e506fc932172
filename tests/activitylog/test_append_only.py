"""D-LOG-5 in the database: records cannot be changed or deleted (ORM or raw SQL); sealing happens once."""
from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from activitylog.models import ActivityRecord
from activitylog.services import chain_seal


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError:
        return True
    return False


@pytest.mark.parametrize("sealed", [False, True], ids=["unsealed", "sealed"])
def test_update_and_delete_are_refused_by_the_database(records_for, sealed):
    # given
    record = records_for("global.admin", 1)[0]
    if sealed:
        chain_seal(partner_id=record.partner_id)
    table = ActivityRecord._meta.db_table
    rows = ActivityRecord.objects.filter(pk=record.pk)

    def raw(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, [record.pk])
        return run

    # when / then
    assert refused(lambda: rows.update(customer_name="Someone else"))
    assert refused(lambda: rows.update(operation_status="failed"))
    assert refused(lambda: rows.delete())
    assert refused(lambda: ActivityRecord.objects.get(pk=record.pk).delete())
    assert refused(raw(f"UPDATE {table} SET user_principal_name = 'nobody' WHERE id = %s"))
    assert refused(raw(f"DELETE FROM {table} WHERE id = %s"))
    assert ActivityRecord.objects.get(pk=record.pk).user_principal_name == record.user_principal_name


def test_sealing_is_allowed_once(records_for):
    # given
    record = records_for("global.admin", 1)[0]
    rows = ActivityRecord.objects.filter(pk=record.pk)
    # when
    sealed = chain_seal(partner_id=record.partner_id)
    # then
    assert sealed >= 1
    record.refresh_from_db()
    assert record.hash and record.chain_position
    assert refused(lambda: rows.update(hash="0" * 64))
    assert refused(lambda: rows.update(chain_position=record.chain_position + 1000))
    assert chain_seal(partner_id=record.partner_id) == 0


def test_an_unsealed_record_cannot_be_unsealed_or_changed_while_sealing(records_for):
    # given
    record = records_for("global.admin", 1)[0]
    rows = ActivityRecord.objects.filter(pk=record.pk)
    # then: sealing must set a hash and leave the content alone
    assert refused(lambda: rows.update(chain_position=1, previous_hash="x"))
    assert refused(lambda: rows.update(hash="a" * 64, customer_name="changed"))


def test_the_admin_is_read_only(rf, user_for):
    # given
    from django.contrib.admin.sites import site

    admin = site._registry[ActivityRecord]
    request = rf.get("/")
    request.user = user_for("global.admin")
    # then
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
