"""The Celery app and the beat schedule of every periodic job."""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "expire-download-links": {"task": "software.tasks.expire_download_links", "schedule": 60.0},
    "sweep-cancellations": {"task": "cancellations.tasks.sweep_cancellations", "schedule": 30.0},
    "close-invoices": {"task": "billing.tasks.close_invoices", "schedule": crontab(minute="5")},
    "seal-activity-log": {"task": "activitylog.tasks.seal_activity_log", "schedule": 10.0},
    "cancellation-window-reminders": {"task": "cancellations.tasks.send_window_reminders",
                                      "schedule": crontab(hour="7", minute="0")},
    "sweep-emails": {"task": "notifications.tasks.sweep_emails", "schedule": 60.0},
    "forget-request-keys": {"task": "partnercenter.tasks.forget_request_keys", "schedule": crontab(minute="17")},
}
