from celery import shared_task
from django.db import OperationalError

from .services import cancellation_process, cancellations_sweep


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=10)
def process_cancellation(request_id: str) -> bool:
    return cancellation_process(request_id=request_id)


@shared_task
def sweep_cancellations() -> int:
    return len(cancellations_sweep())


@shared_task
def send_window_reminders() -> int:
    from .reminders import window_reminders_send

    return window_reminders_send()
