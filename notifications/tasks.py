from celery import shared_task

from .services import email_send, emails_send_pending


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def send_email(email_id: int) -> bool:
    return email_send(email_id)


@shared_task
def sweep_emails() -> int:
    import datetime as dt

    return emails_send_pending(older_than=dt.timedelta(minutes=1))
