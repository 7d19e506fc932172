from celery import shared_task

from .services import download_links_expire


@shared_task
def expire_download_links() -> int:
    return download_links_expire()
