from django.apps import AppConfig


class ActivitylogConfig(AppConfig):
    name = "activitylog"
    verbose_name = "Activity log"

    def ready(self) -> None:
        from partnercenter.dbguards import reinstall_after_migrate

        from .dbguards import GUARDS

        reinstall_after_migrate(self, GUARDS)
