from celery import shared_task

from .services import chain_seal


@shared_task
def seal_activity_log() -> int:
    return chain_seal()
