from celery import shared_task

from .idempotency import requests_forget


@shared_task
def forget_request_keys() -> int:
    return requests_forget()
