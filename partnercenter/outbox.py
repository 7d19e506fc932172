"""Handing outbox work to the Celery worker. The database row is the record of the work (a cancellation
request, an email); the message only makes it start sooner. So a broker that is down must not fail a
request whose transaction has already committed: the failure is logged, and the periodic sweep of that
outbox dispatches the row again."""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def dispatch(task, *args) -> bool:
    """`task.delay(*args)`; False (logged) when the broker could not take it."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - kombu/redis raise several types; any of them means "not queued"
        logger.warning("%s%r not queued; the outbox sweep will dispatch it", task.name, args, exc_info=True)
        return False
    return True
