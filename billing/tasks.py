from celery import shared_task

from .services import invoices_close


@shared_task
def close_invoices() -> int:
    return invoices_close()
