"""Sealing cost does not grow with the number of records: one pass per partner, not per record."""
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from activitylog.models import ActivityRecord
from activitylog.services import chain_seal, chain_verify, log_create_support_request

pytestmark = pytest.mark.django_db


def test_sealing_many_records_takes_a_bounded_number_of_queries(user_for):
    # given 600 unsealed records of two partners
    with transaction.atomic():
        for email in ("admin.agent", "admin.agent@adatum-partner.example"):
            actor = user_for(email)
            for i in range(300):
                log_create_support_request(actor=actor, partner_id=actor.partner_id, number=str(i), title="t")
    # when
    with CaptureQueriesContext(connection) as queries:
        sealed = chain_seal()
    # then
    assert sealed == ActivityRecord.objects.count()
    assert len(queries) < 40
    assert chain_verify()["unsealed"] == 0
