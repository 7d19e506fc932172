from django.apps import AppConfig


class CancellationsConfig(AppConfig):
    name = "cancellations"
    verbose_name = "Cancellations, credits and support requests"

    def ready(self) -> None:
        from . import support  # noqa: F401  (registers its URL object scopes, accounts.permissions.object_scope)
